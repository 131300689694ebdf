package dbtest

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ciap/qhatu/models"
	"gorm.io/gorm"
)

// pgTemplate is a seed's data filled once into a schema of its own, kept
// while at least one test uses it and dropped after the last.
type pgTemplate struct {
	mu     sync.Mutex
	schema string
	users  int
}

// acquire returns the template schema, filling it first if no test holds
// it; the test's cleanup releases it.
func (p *pgTemplate) acquire(t testing.TB, seed *Seed) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.schema == "" {
		u, err := createSchema("seed_")
		if err != nil {
			return "", err
		}
		ctx := context.Background()
		db, err := models.Open(ctx, models.DBConfig{URL: u})
		if err == nil {
			err = migrateAndFill(ctx, db, seed)
			closeDB(db)
		}
		if err != nil {
			dropSchema(schemaOf(u))
			return "", fmt.Errorf("fill template for seed %s: %w", seed.name, err)
		}
		p.schema = schemaOf(u)
		registerTemplate(p)
	}
	p.users++
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		// Under Main the template waits for later tests (pool.go).
		if p.users--; p.users == 0 && !poolOn() {
			dropSchema(p.schema)
			p.schema = ""
		}
	})
	return p.schema, nil
}

// drop drops the template schema if it exists (Main, at the end).
func (p *pgTemplate) drop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	dropSchema(p.schema)
	p.schema = ""
}

// pgLayout is what copying a template's rows needs to know of the
// structure its migrations made, which every test schema shares (the
// pool keeps only schemas whose structure is still the migrated one):
// read from the catalog once per template, not once per test.
type pgLayout struct {
	// tables are the tables whose rows a seed sets: all but the
	// migration history and the job queue's.
	tables []string
	// identity are the identity columns, whose sequences follow the
	// copied IDs.
	identity []struct{ TableName, ColumnName string }
	// queue are the job queue's tables but its migration history, and
	// queueSeqs the sequences they own, with their start values.
	queue     []string
	queueSeqs []struct {
		Name  string
		Start int64
	}
}

// layouts caches each template schema's layout.
var layouts struct {
	mu sync.Mutex
	m  map[string]*pgLayout
}

// layoutOf reads (once) the layout of the template schema src.
func layoutOf(ctx context.Context, db *gorm.DB, src string) (*pgLayout, error) {
	layouts.mu.Lock()
	defer layouts.mu.Unlock()
	if l := layouts.m[src]; l != nil {
		return l, nil
	}
	db = db.WithContext(ctx)
	var l pgLayout
	if err := db.Raw(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = ? AND table_type = 'BASE TABLE'
		AND table_name <> 'schema_migrations' AND table_name NOT LIKE 'river%'
		ORDER BY table_name`, src).Scan(&l.tables).Error; err != nil {
		return nil, fmt.Errorf("list template tables: %w", err)
	}
	if err := db.Raw(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = ? AND is_identity = 'YES' ORDER BY table_name, column_name`, src).Scan(&l.identity).Error; err != nil {
		return nil, fmt.Errorf("list identity columns: %w", err)
	}
	if err := db.Raw(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = ? AND table_type = 'BASE TABLE' AND table_name LIKE 'river%'
		AND table_name <> 'river_migration' ORDER BY table_name`, src).Scan(&l.queue).Error; err != nil {
		return nil, fmt.Errorf("list job queue tables: %w", err)
	}
	// The sequences TRUNCATE … RESTART IDENTITY would restart: those
	// owned by a column of the queue's tables (serial or identity).
	if err := db.Raw(`SELECT s.relname AS name, q.seqstart AS start FROM pg_class s
		JOIN pg_sequence q ON q.seqrelid = s.oid
		JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
		JOIN pg_class t ON t.oid = d.refobjid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE s.relkind = 'S' AND n.nspname = ? AND t.relname IN ?
		ORDER BY s.relname`, src, append([]string{""}, l.queue...)).Scan(&l.queueSeqs).Error; err != nil {
		return nil, fmt.Errorf("list job queue sequences: %w", err)
	}
	if layouts.m == nil {
		layouts.m = map[string]*pgLayout{}
	}
	layouts.m[src] = &l
	return &l, nil
}

// copyRows replaces the rows of every table of the migrated schema dst by
// (but the migration history and the job queue's, which a seed leaves alone)
// those of the template src (same migrations, so the same columns in the
// same order), with triggers and foreign-key checks off
// (session_replication_role: the test role is a superuser), then moves
// every identity column's sequence past the copied IDs. With emptyQueue
// it also empties the job queue and restarts its sequences, as TRUNCATE …
// RESTART IDENTITY would, but without touching the catalog (fingerprint). All in one transaction sent as one batch: a
// statement (and TRUNCATE a commit) each made the reset of a reused
// schema cost the server a tenth of a second per test.
func copyRows(ctx context.Context, db *gorm.DB, src, dst string, emptyQueue bool) error {
	l, err := layoutOf(ctx, db, src)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("SET LOCAL session_replication_role = replica;\n")
	for _, t := range l.tables {
		fmt.Fprintf(&b, "DELETE FROM %s.%q;\nINSERT INTO %s.%q SELECT * FROM %s.%q;\n", dst, t, dst, t, src, t)
	}
	if emptyQueue {
		for _, t := range l.queue {
			fmt.Fprintf(&b, "DELETE FROM %s.%q;\n", dst, t)
		}
		// setval to the start, not ALTER SEQUENCE … RESTART: the same
		// value, without the new relation file that would change the
		// sequence's catalog row and so the schema's fingerprint.
		for _, seq := range l.queueSeqs {
			fmt.Fprintf(&b, "SELECT setval('%s.%q', %d, false);\n", dst, seq.Name, seq.Start)
		}
	}
	for _, c := range l.identity {
		fmt.Fprintf(&b, `SELECT setval(pg_get_serial_sequence('%s.%q', '%s'), COALESCE((SELECT max(%q) FROM %s.%q), 0) + 1, false);`+"\n",
			dst, c.TableName, c.ColumnName, c.ColumnName, dst, c.TableName)
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(b.String()).Error; err != nil {
			return fmt.Errorf("copy rows of %s into %s: %w", src, dst, err)
		}
		return nil
	})
}

// schemaOf reads the schema a test URL's connections use.
func schemaOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Query().Get("search_path")
}

func dropSchema(schema string) {
	if schema != "" {
		admin.db.Exec("DROP SCHEMA " + schema + " CASCADE")
	}
}
