package dbtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ciap/qhatu/models"
	"gorm.io/gorm"
)

// Shared hands the test, instead of a fresh database, one database per
// engine and seed that every Shared test uses at the same time: for tests
// that only read, such as the catalog pages', where building a database
// per test cost more than the test. It is read-only (PostgreSQL:
// default_transaction_read_only; SQLite: PRAGMA query_only), so a test
// that writes — a session, a rate-limit event — fails instead of changing
// what the others read. It lives while at least one test uses it.
func Shared(o *options) { o.shared = true }

// sharedDB is a seed's shared, read-only database on one engine.
type sharedDB struct {
	mu    sync.Mutex
	db    *gorm.DB
	users int
	close func()
}

// acquire opens the database with open if no test holds it; the test's
// cleanup releases it and the last release closes it.
func (s *sharedDB) acquire(t testing.TB, open func() (*gorm.DB, func(), error)) (*gorm.DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		db, closeFn, err := open()
		if err != nil {
			return nil, err
		}
		s.db, s.close = db, closeFn
	}
	s.users++
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.users--; s.users == 0 {
			s.close()
			s.db, s.close = nil, nil
		}
	})
	return s.db, nil
}

// openShared returns the seed's shared database on the engine.
func openShared(t testing.TB, engine string, seed *Seed) (*gorm.DB, error) {
	if seed == nil {
		seed = emptySeed
	}
	switch engine {
	case "sqlite":
		return seed.sharedSQLite.acquire(t, func() (*gorm.DB, func(), error) { return openSharedSQLite(seed) })
	case "postgres":
		// The seed's template schema is already migrated and filled: the
		// shared tests read it directly, and hold it as copying tests do.
		if err := openAdmin(); err != nil {
			return nil, err
		}
		schema, err := seed.pg.acquire(t, seed)
		if err != nil {
			return nil, err
		}
		return seed.sharedPG.acquire(t, func() (*gorm.DB, func(), error) { return openSharedPostgres(schema) })
	}
	return nil, fmt.Errorf("unknown engine %q", engine)
}

// openSharedSQLite copies the seed's file into a folder of its own and
// opens it read-only.
func openSharedSQLite(seed *Seed) (*gorm.DB, func(), error) {
	dir, err := os.MkdirTemp("", "qhatu-dbtest-shared-")
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*gorm.DB, func(), error) {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	if err := copySeedFile(dir, seed); err != nil {
		return fail(err)
	}
	db, err := models.Open(context.Background(), models.DBConfig{DataDir: dir})
	if err != nil {
		return fail(err)
	}
	// models.Open keeps one connection and never recycles it, so the
	// pragma holds for every query; closing checks it still did.
	if err := db.Exec("PRAGMA query_only = ON").Error; err != nil {
		closeDB(db)
		return fail(fmt.Errorf("make shared SQLite read-only: %w", err))
	}
	return db, func() {
		var on int
		if err := db.Raw("PRAGMA query_only").Scan(&on).Error; err != nil || on != 1 {
			panic(fmt.Sprintf("dbtest: the shared SQLite database lost query_only (%d, %v)", on, err))
		}
		closeDB(db)
		os.RemoveAll(dir)
	}, nil
}

// openSharedPostgres opens a pool on the template schema whose every
// transaction is read-only.
func openSharedPostgres(schema string) (*gorm.DB, func(), error) {
	u, err := url.Parse(os.Getenv(EnvURL))
	if err != nil {
		return nil, nil, fmt.Errorf("parse %s: %w", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema+"_shared")
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	db, err := models.Open(context.Background(), models.DBConfig{URL: u.String()})
	if err != nil {
		return nil, nil, err
	}
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.SetMaxOpenConns(testConns)
		sqlDB.SetMaxIdleConns(testConns)
	}
	return db, func() { closeDB(db) }, nil
}

// copySeedFile writes the seed's SQLite file (made once) into dir.
func copySeedFile(dir string, seed *Seed) error {
	seed.once.Do(func() { seed.sqlite, seed.err = buildSQLite(seed) })
	if seed.err != nil {
		return seed.err
	}
	if err := os.WriteFile(filepath.Join(dir, "qhatu.db"), seed.sqlite, 0o600); err != nil {
		return fmt.Errorf("copy template: %w", err)
	}
	return nil
}
