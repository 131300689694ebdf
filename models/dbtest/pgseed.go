package dbtest

import (
	"context"
	"fmt"
	"net/url"
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

// copyRows replaces the rows of every table of the migrated schema dst by
// (but the migration history and the job queue's, which a seed leaves alone)
// those of the template src (same migrations, so the same columns in the
// same order), in one transaction with triggers and foreign-key checks off
// (session_replication_role: the test role is a superuser), then moves
// every identity column's sequence past the copied IDs.
func copyRows(ctx context.Context, db *gorm.DB, src, dst string) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL session_replication_role = replica").Error; err != nil {
			return fmt.Errorf("disable triggers: %w", err)
		}
		var tables []string
		if err := tx.Raw(`SELECT table_name FROM information_schema.tables
			WHERE table_schema = ? AND table_type = 'BASE TABLE'
			AND table_name <> 'schema_migrations' AND table_name NOT LIKE 'river%'
			ORDER BY table_name`, src).Scan(&tables).Error; err != nil {
			return fmt.Errorf("list template tables: %w", err)
		}
		for _, t := range tables {
			if err := tx.Exec(fmt.Sprintf(`DELETE FROM %s.%q`, dst, t)).Error; err != nil {
				return fmt.Errorf("empty %s: %w", t, err)
			}
			if err := tx.Exec(fmt.Sprintf(`INSERT INTO %s.%q SELECT * FROM %s.%q`, dst, t, src, t)).Error; err != nil {
				return fmt.Errorf("copy %s: %w", t, err)
			}
		}
		var ids []struct{ TableName, ColumnName string }
		if err := tx.Raw(`SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = ? AND is_identity = 'YES'`, dst).Scan(&ids).Error; err != nil {
			return fmt.Errorf("list identity columns: %w", err)
		}
		for _, c := range ids {
			q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s.%q', '%s'),
				COALESCE((SELECT max(%q) FROM %s.%q), 0) + 1, false)`, dst, c.TableName, c.ColumnName, c.ColumnName, dst, c.TableName)
			if err := tx.Exec(q).Error; err != nil {
				return fmt.Errorf("move sequence of %s.%s: %w", c.TableName, c.ColumnName, err)
			}
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
