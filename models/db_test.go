package models_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// openPostgres is a fresh PostgreSQL database, or a skip (a failure in
// CI) when there is none.
func openPostgres(t *testing.T) *gorm.DB {
	t.Helper()
	if os.Getenv(dbtest.EnvURL) == "" {
		dbtest.Engines(t) // fails in CI
		t.Skipf("%s not set", dbtest.EnvURL)
	}
	return dbtest.Open(t, "postgres")
}

// terminateBackends ends every server session of db's pool, from another
// connection, the way a restart or failover would, and waits until they
// are gone. dbtest names each test's connections after its schema, so
// other tests sharing the server are left alone.
func terminateBackends(t *testing.T, db *gorm.DB) {
	t.Helper()
	var app string
	if err := db.Raw("SELECT current_setting('application_name')").Scan(&app).Error; err != nil || app == "" {
		t.Fatalf("application name %q: %v", app, err)
	}
	admin, err := models.Open(context.Background(), models.DBConfig{URL: os.Getenv(dbtest.EnvURL)})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if sqlDB, err := admin.DB(); err == nil {
			sqlDB.Close()
		}
	}()
	var ended []bool
	if err := admin.Raw(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = ? AND pid <> pg_backend_pid()`, app).Scan(&ended).Error; err != nil || len(ended) == 0 {
		t.Fatalf("terminate %d backends of %s: %v", len(ended), app, err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var left int64
		admin.Raw("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", app).Scan(&left)
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backends of %s still running", left, app)
		}
	}
}

// fillPool leaves n open connections idle in db's pool, each just used
// again: pgx checks a reused connection only after a second unused (and
// the first time it is reused), which would hide what is tested here.
func fillPool(t *testing.T, db *gorm.DB, n int) {
	t.Helper()
	for range 2 {
		useAtOnce(db, n)
	}
}

func useAtOnce(db *gorm.DB, n int) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			db.Exec("SELECT pg_sleep(0.05)")
		}()
	}
	close(start)
	wg.Wait()
}

// After the server ended every connection of the pool (restart,
// failover, pg_terminate_backend), a plain read still answers: it is
// retried once on a live connection.
func TestOpen_ReadSurvivesLostConnections(t *testing.T) {
	t.Parallel()
	db := openPostgres(t)
	ctx := context.Background()
	store := models.NewStore(db)
	if err := store.Editor(models.SystemActor).CreateAssociation(ctx, &models.Association{Slug: "asoc", Name: "Asociación", Region: models.RegionPuno}); err != nil {
		t.Fatal(err)
	}
	for _, read := range []struct {
		name string
		run  func() error
	}{
		{"find", func() error {
			_, err := store.ListGroups(ctx)
			return err
		}},
		{"raw scan", func() error {
			var n int64
			return db.Raw("SELECT count(*) FROM associations").Scan(&n).Error
		}},
		{"first", func() error {
			var a models.Association
			return db.Where("slug = ?", "asoc").First(&a).Error
		}},
	} {
		fillPool(t, db, 4)
		terminateBackends(t, db)
		if err := read.run(); err != nil {
			t.Errorf("%s after the connections were lost: %v", read.name, err)
		}
	}
}

// A read inside a transaction is never retried: the transaction went
// with its connection, and running the read elsewhere would lose it.
func TestOpen_ReadsInATransactionAreNotRetried(t *testing.T) {
	t.Parallel()
	db := openPostgres(t)
	ctx := context.Background()
	err := models.NewStore(db).Tx(ctx, func(tx *models.Store) error {
		terminateBackends(t, db)
		_, err := tx.ListGroups(ctx)
		return err
	})
	if err == nil {
		t.Fatal("a read in a transaction whose connection was lost succeeded")
	}
}
