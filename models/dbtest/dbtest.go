// Package dbtest gives each test a fresh, migrated database: an SQLite file
// in a temporary folder, and a PostgreSQL schema of its own when
// QHATU_TEST_DATABASE_URL names a server. In CI (CI=true) PostgreSQL is
// required, so its tests can never skip silently.
//
// Nothing is shared between two tests' databases, so tests using them may
// run in parallel: Each runs its per-engine subtests in parallel. Tests
// that only read may share one read-only database instead (Shared). Under
// Main (a package's TestMain) a PostgreSQL schema a test has finished with
// is reset and handed to the next instead of dropped (pool.go).
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
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

// Option changes what a fresh database holds.
type Option func(*options)

type options struct {
	seed   *Seed
	shared bool
}

// Seed is data every database opened with it starts with, such as the
// demo catalog: see WithSeed.
type Seed struct {
	name string
	fill func(ctx context.Context, db *gorm.DB) error

	// The SQLite file after migrating and filling, made once per test
	// binary and copied for each test: filling is the slow part.
	once   sync.Once
	sqlite []byte
	err    error

	// On PostgreSQL the seed's rows wait in a schema of their own while
	// tests use it; each test migrates its fresh schema and copies them.
	pg pgTemplate

	// The read-only databases Shared tests use (shared.go).
	sharedSQLite, sharedPG sharedDB
}

// NewSeed names data that fill writes into a freshly migrated database.
// Declare it once (a package variable) so its SQLite copy is made once.
func NewSeed(name string, fill func(ctx context.Context, db *gorm.DB) error) *Seed {
	return &Seed{name: name, fill: fill}
}

// WithSeed makes the database start with the seed's data.
func WithSeed(s *Seed) Option { return func(o *options) { o.seed = s } }

// Each runs fn as a parallel subtest once per engine, each with a fresh
// database.
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB), opts ...Option) {
	t.Helper()
	for _, engine := range Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, engine, opts...))
		})
	}
}

// Open returns a fresh migrated database on the engine, removed when the
// test ends.
func Open(t testing.TB, engine string, opts ...Option) *gorm.DB {
	t.Helper()
	var o options
	for _, f := range opts {
		f(&o)
	}
	if o.shared {
		db, err := openShared(t, engine, o.seed)
		if err != nil {
			t.Fatalf("open shared %s: %v", engine, err)
		}
		return db
	}
	var (
		db  *gorm.DB
		err error
	)
	switch engine {
	case "sqlite":
		db, err = openSQLite(t.TempDir(), o.seed)
	case "postgres":
		db, err = openPostgres(t, o.seed)
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { closeDB(db) })
	return db
}

// emptySeed is the migrated, empty database: on SQLite a file made once
// per test binary, each test starting from a copy instead of migrating
// again; on PostgreSQL the rows a reused schema is reset to (pool.go).
var emptySeed = NewSeed("", nil)

// openSQLite copies the seed's (or the empty) template file into dir and
// opens it; the test's temporary folder removes it.
func openSQLite(dir string, seed *Seed) (*gorm.DB, error) {
	if seed == nil {
		seed = emptySeed
	}
	if err := copySeedFile(dir, seed); err != nil {
		return nil, err
	}
	return models.Open(context.Background(), models.DBConfig{DataDir: dir})
}

// SQLiteFile writes a migrated SQLite database (with the seed of opts,
// if any) into dir as the shop's file there, for tests of commands that
// open a data folder themselves: a copy of the file made once per test
// binary, as Open's, instead of migrating and filling again.
func SQLiteFile(t testing.TB, dir string, opts ...Option) {
	t.Helper()
	var o options
	for _, f := range opts {
		f(&o)
	}
	seed := o.seed
	if seed == nil {
		seed = emptySeed
	}
	if err := copySeedFile(dir, seed); err != nil {
		t.Fatalf("SQLite file in %s: %v", dir, err)
	}
}

// buildSQLite migrates and fills a database in a folder of its own and
// returns the file's bytes.
func buildSQLite(seed *Seed) ([]byte, error) {
	dir, err := os.MkdirTemp("", "qhatu-dbtest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := models.Open(ctx, models.DBConfig{DataDir: dir})
	if err != nil {
		return nil, err
	}
	if err := migrateAndFill(ctx, db, seed); err != nil {
		closeDB(db)
		return nil, err
	}
	// Closing the last connection checkpoints the WAL into the file.
	if err := closeDB(db); err != nil {
		return nil, fmt.Errorf("close template: %w", err)
	}
	return os.ReadFile(filepath.Join(dir, "qhatu.db"))
}

func migrateAndFill(ctx context.Context, db *gorm.DB, seed *Seed) error {
	if err := models.Migrate(ctx, db); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if seed != nil && seed.fill != nil {
		if err := seed.fill(ctx, db); err != nil {
			return fmt.Errorf("seed %s: %w", seed.name, err)
		}
	}
	return nil
}

func closeDB(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// testConns bounds each PostgreSQL test database's pool (production: 20).
const testConns = 8

// openPostgres opens a fresh schema, migrated and filled with the seed.
// PostgreSQL cannot copy a schema, and copying a template database costs
// a checkpoint on DROP DATABASE, so each test migrates its own — or,
// under Main, resets the rows of one an earlier test left (pool.go).
func openPostgres(t testing.TB, seed *Seed) (*gorm.DB, error) {
	ctx := context.Background()
	if err := openAdmin(); err != nil {
		return nil, err
	}
	s, reused := takeSchema()
	if !reused {
		u, err := createSchema("t_")
		if err != nil {
			return nil, err
		}
		s = pgSchema{name: schemaOf(u), url: u}
	}
	// Registered before the database's own cleanup, so it runs after it:
	// the schema is dropped or kept once the test's pool is closed.
	t.Cleanup(func() { releaseSchema(s) })
	db, err := models.Open(ctx, models.DBConfig{URL: s.url})
	if err != nil {
		return nil, err
	}
	// Tests run in parallel beside other test binaries on one server:
	// fewer connections per test keep them all under max_connections.
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.SetMaxOpenConns(testConns)
		sqlDB.SetMaxIdleConns(testConns)
	}
	if !reused {
		err = models.Migrate(ctx, db)
		if err == nil && poolOn() {
			s.fingerprint, err = fingerprint(s.name)
		}
	}
	if err == nil && (reused || (seed != nil && seed.fill != nil)) {
		// Filling through the domain code costs seconds a test; copying
		// rows already filled once costs milliseconds. A reused schema
		// takes even an empty seed's rows (those the migrations write).
		if seed == nil {
			seed = emptySeed
		}
		var tmpl string
		if tmpl, err = seed.pg.acquire(t, seed); err == nil {
			err = resetRows(ctx, db, tmpl, s.name, reused)
		}
	}
	if err != nil {
		closeDB(db)
		return nil, err
	}
	return db, nil
}

// admin is one connection pool per test binary for creating and dropping
// the tests' schemas.
var admin struct {
	once sync.Once
	db   *gorm.DB
	err  error
}

// openAdmin opens the admin pool once.
func openAdmin() error {
	base := os.Getenv(EnvURL)
	if base == "" {
		return fmt.Errorf("%s is not set", EnvURL)
	}
	admin.once.Do(func() {
		admin.db, admin.err = models.Open(context.Background(), models.DBConfig{URL: base})
		if admin.err == nil {
			if sqlDB, err := admin.db.DB(); err == nil {
				sqlDB.SetMaxOpenConns(2)
				sqlDB.SetMaxIdleConns(1)
			}
		}
	})
	if admin.err != nil {
		return fmt.Errorf("reach PostgreSQL at %s: %w", EnvURL, admin.err)
	}
	return nil
}

// createSchema makes a schema with a random name and returns a URL whose
// connections use it. The admin pool must be open.
func createSchema(prefix string) (string, error) {
	base := os.Getenv(EnvURL)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := prefix + hex.EncodeToString(b)
	if err := admin.db.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		return "", fmt.Errorf("create schema: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	// Names the test's connections, so a test can find (and end) its own
	// among those of other tests sharing the server.
	q.Set("application_name", schema)
	// A test's commits need not wait for the disk: nothing outlives it.
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String(), nil
}
