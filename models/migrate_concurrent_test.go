package models_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
)

// Instances started together on an empty PostgreSQL schema all come up:
// they take turns migrating instead of the later ones failing on tables
// the first has just created.
func TestMigrate_InstancesStartingTogetherAllSucceed(t *testing.T) {
	t.Parallel()
	if !slices.Contains(dbtest.Engines(t), "postgres") {
		t.Skip("PostgreSQL not configured (CI sets QHATU_TEST_DATABASE_URL)")
	}
	ctx := context.Background()
	base := os.Getenv("QHATU_TEST_DATABASE_URL")
	admin, err := models.Open(ctx, models.DBConfig{URL: base})
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_migrate_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if sqlDB, err := admin.DB(); err == nil {
			sqlDB.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	const instances = 3
	errs := make([]error, instances)
	var wg sync.WaitGroup
	for i := range instances {
		db, err := models.Open(ctx, models.DBConfig{URL: u.String()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if sqlDB, err := db.DB(); err == nil {
				sqlDB.Close()
			}
		})
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = models.Migrate(ctx, db)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
	db, err := models.Open(ctx, models.DBConfig{URL: u.String()})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	}()
	pending, err := models.Pending(ctx, db)
	if err != nil || len(pending) != 0 {
		t.Fatalf("pending after the instances started: %v, %v", pending, err)
	}
}
