package dbtest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"gorm.io/gorm"
)

// Main runs a package's tests (call it from TestMain) with PostgreSQL
// schemas reused: a test's schema, once the test has closed it, waits for
// the next test, which resets its rows instead of migrating a new one, and
// the seeds' template schemas live until the end. Migrating and dropping a
// schema for every test cost the server more than the tests themselves.
// Everything is dropped when the tests end. Without Main, each test
// migrates a schema of its own and drops it.
//
//	func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
func Main(m *testing.M) int {
	pool.mu.Lock()
	pool.on = true
	pool.mu.Unlock()
	code := m.Run()
	pool.mu.Lock()
	pool.on = false
	free, templates := pool.free, pool.templates
	pool.free, pool.templates = nil, nil
	pool.mu.Unlock()
	for _, s := range free {
		dropSchema(s.name)
	}
	for _, p := range templates {
		p.drop()
	}
	return code
}

// pool holds the schemas no test uses, ready for the next.
var pool struct {
	mu        sync.Mutex
	on        bool
	free      []pgSchema
	templates []*pgTemplate
}

// pgSchema is a migrated test schema and the fingerprint of its
// structure when it was migrated.
type pgSchema struct {
	name, url, fingerprint string
}

// takeSchema returns a schema that an earlier test left, if any.
func takeSchema() (pgSchema, bool) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if n := len(pool.free); n > 0 {
		s := pool.free[n-1]
		pool.free = pool.free[:n-1]
		return s, true
	}
	return pgSchema{}, false
}

// releaseSchema keeps the schema for the next test if the pool is on and
// the test left its structure as migrated (the same tables, columns,
// constraints, triggers, functions, grants and migrations), else drops it.
func releaseSchema(s pgSchema) {
	pool.mu.Lock()
	on := pool.on
	pool.mu.Unlock()
	if on && s.fingerprint != "" {
		if fp, err := fingerprint(s.name); err == nil && fp == s.fingerprint {
			pool.mu.Lock()
			pool.free = append(pool.free, s)
			pool.mu.Unlock()
			return
		}
	}
	dropSchema(s.name)
}

// fingerprint sums up a schema's structure, so a test that changed it
// (altered a table, dropped a trigger, revoked a right) does not hand the
// change to the next test. It names every catalog row of the schema's
// relations, columns, defaults, constraints, triggers, functions and
// indexes with the row's version (xmin): any DDL adds, removes or
// rewrites one of those rows, while reading and writing data, ANALYZE and
// VACUUM (which update their statistics in place) do not. Deparsing every
// definition, as it did, cost the server 20 ms a test.
func fingerprint(schema string) (string, error) {
	var fp string
	err := admin.db.Raw(`WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = @s),
		rel AS (SELECT c.oid, c.xmin FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM ns))
	SELECT count(*)::text || ':' || coalesce(md5(string_agg(x, ',' ORDER BY x)), '') FROM (
		SELECT 'r' || oid::text || ':' || xmin::text AS x FROM rel
		UNION ALL
		SELECT 'a' || a.attrelid::text || '.' || a.attnum::text || ':' || a.xmin::text FROM pg_attribute a
		WHERE a.attrelid IN (SELECT oid FROM rel)
		UNION ALL
		SELECT 'd' || d.oid::text || ':' || d.xmin::text FROM pg_attrdef d WHERE d.adrelid IN (SELECT oid FROM rel)
		UNION ALL
		SELECT 'k' || k.oid::text || ':' || k.xmin::text FROM pg_constraint k WHERE k.connamespace = (SELECT oid FROM ns)
		UNION ALL
		SELECT 't' || t.oid::text || ':' || t.xmin::text FROM pg_trigger t WHERE t.tgrelid IN (SELECT oid FROM rel)
		UNION ALL
		SELECT 'p' || p.oid::text || ':' || p.xmin::text FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM ns)
		UNION ALL
		SELECT 'i' || i.indexrelid::text || ':' || i.xmin::text FROM pg_index i WHERE i.indrelid IN (SELECT oid FROM rel)
	) parts`, map[string]any{"s": schema}).Scan(&fp).Error
	if err != nil {
		return "", err
	}
	var migrations []string
	if err := admin.db.Raw(fmt.Sprintf(`SELECT id FROM %s.schema_migrations ORDER BY id`, schema)).Scan(&migrations).Error; err != nil {
		return "", err
	}
	var river []string
	if err := admin.db.Raw(fmt.Sprintf(`SELECT version::text FROM %s.river_migration ORDER BY version`, schema)).Scan(&river).Error; err != nil {
		return "", err
	}
	return fmt.Sprint(fp, migrations, river), nil
}

// resetRows gives a schema the template's rows in every table (copyRows)
// and, if an earlier test used it, an empty job queue.
func resetRows(ctx context.Context, db *gorm.DB, tmpl, schema string, reused bool) error {
	return copyRows(ctx, db, tmpl, schema, reused)
}

// registerTemplate notes a template schema for Main to drop at the end.
func registerTemplate(p *pgTemplate) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	for _, q := range pool.templates {
		if q == p {
			return
		}
	}
	pool.templates = append(pool.templates, p)
}

// poolOn reports whether Main runs the tests.
func poolOn() bool {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return pool.on
}
