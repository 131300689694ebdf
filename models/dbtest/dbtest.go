// Package dbtest gives each test a fresh, migrated database: an SQLite file
// in a temporary folder, and a PostgreSQL schema of its own when
// QHATU_TEST_DATABASE_URL names a server. In CI (CI=true) PostgreSQL is
// required, so its tests can never skip silently.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/ciap/qhatu/models"
	"gorm.io/gorm"
)

// EnvURL names the PostgreSQL server tests use.
const EnvURL = "QHATU_TEST_DATABASE_URL"

// Engines lists the databases tests run on here.
func Engines(t testing.TB) []string {
	engines := []string{"sqlite"}
	if os.Getenv(EnvURL) != "" {
		engines = append(engines, "postgres")
	} else if os.Getenv("CI") != "" {
		t.Fatalf("%s is not set: CI must run every database test on PostgreSQL too", EnvURL)
	}
	return engines
}

// Each runs fn as a subtest once per engine, each with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	for _, engine := range Engines(t) {
		t.Run(engine, func(t *testing.T) {
			fn(t, Open(t, engine))
		})
	}
}

// Open returns a fresh migrated database on the engine, removed when the
// test ends.
func Open(t testing.TB, engine string) *gorm.DB {
	t.Helper()
	ctx := context.Background()
	var cfg models.DBConfig
	switch engine {
	case "sqlite":
		cfg.DataDir = t.TempDir()
	case "postgres":
		cfg.URL = freshSchema(t)
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	db, err := models.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	if err := models.Migrate(ctx, db); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return db
}

// freshSchema creates a schema named for the test and returns a URL whose
// connections use it; the schema is dropped when the test ends.
func freshSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Fatalf("%s is not set", EnvURL)
	}
	admin, err := models.Open(context.Background(), models.DBConfig{URL: base})
	if err != nil {
		t.Fatalf("reach PostgreSQL at %s: %v", EnvURL, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if sqlDB, err := admin.DB(); err == nil {
			sqlDB.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
