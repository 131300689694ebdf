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
// change to the next test.
func fingerprint(schema string) (string, error) {
	var fp string
	err := admin.db.Raw(`SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
		SELECT c.relname || ':' || c.relkind::text || ':' || coalesce(c.relacl::text, '') || ':' ||
			coalesce(string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull ||
				' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ';' ORDER BY a.attnum), '') AS x
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
		WHERE n.nspname = @s GROUP BY c.oid, c.relname, c.relkind, c.relacl
		UNION ALL
		SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
		WHERE connamespace = (SELECT oid FROM pg_namespace WHERE nspname = @s)
		UNION ALL
		SELECT 'trigger ' || t.tgname || ' ' || t.tgenabled::text || ' ' || pg_get_triggerdef(t.oid) FROM pg_trigger t
		JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = @s
		UNION ALL
		SELECT 'function ' || p.proname || ' ' || md5(p.prosrc) FROM pg_proc p
		JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = @s
		UNION ALL
		SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = @s
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
