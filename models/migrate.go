package models

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"github.com/riverqueue/river/rivermigrate"
	"gorm.io/gorm"
)

// migrations is the one ordered schema history for PostgreSQL and SQLite.
// Each step is plain SQL so the schema is readable and frozen; the only
// dialect difference is spelled by the placeholders sqlFor replaces.
// Never edit a step that has shipped: add a new one.
var migrations = []*gormigrate.Migration{
	{ID: "0001_catalog", Migrate: func(tx *gorm.DB) error {
		if err := execAll(schemaCatalog)(tx); err != nil {
			return err
		}
		// A price breakdown is a record WFTO reviewers rely on.
		return appendOnlyRows(tx, "price_breakdowns")
	}},
	{ID: "0002_accounts", Migrate: migrateAccounts},
	{ID: "0003_backoffice", Migrate: migrateBackoffice},
	{ID: "0004_orders", Migrate: migrateOrders},
	{ID: "0005_search_stems", Migrate: migrateSearchStems},
	// Row triggers do not fire on TRUNCATE: refuse it on the tables made
	// append-only before appendOnly covered it.
	{ID: "0006_append_only_truncate", Migrate: func(tx *gorm.DB) error {
		return refuseTruncate(tx, "price_breakdowns", "audit_log", "stock_movements",
			"order_lines", "order_status_history", "payments")
	}},
	// River's job queue. Two steps: River's version 4 adds an enum value
	// that version 6 uses, and PostgreSQL cannot use a new enum value in
	// the transaction that added it.
	{ID: "0007_job_queue_river_5", Migrate: migrateJobQueue(5)},
	{ID: "0008_job_queue_river_8", Migrate: migrateJobQueue(8)},
	{ID: "0009_stripe_events", Migrate: execAll(schemaStripeEvents)},
	{ID: "0011_order_language", Migrate: execAll(schemaOrderLanguage)},
	{ID: "0012_fulfillment", Migrate: migrateFulfillment},
	{ID: "0013_payouts", Migrate: migratePayouts},
	{ID: "0014_media_blobs", Migrate: migrateMediaBlobs},
	{ID: "0015_shipments", Migrate: migrateShipments},
	{ID: "0016_reseller_applications", Migrate: execAll(schemaResellerApplications)},
	{ID: "0017_wholesale", Migrate: migrateWholesale},
	{ID: "0019_invitations", Migrate: execAll(schemaInvitations)},
	{ID: "0020_fair_pay", Migrate: migrateFairPay},
	{ID: "0021_production_progress", Migrate: execAll(schemaProductionProgress)},
	{ID: "0022_line_keys", Migrate: migrateLineKeys},
}

// migrateJobQueue brings River's tables (river_job, river_leader, …) to
// the given River schema version inside the step's transaction. River's
// migrations are part of the shop's history so that "qhatu migrate" and
// /readyz see them; pinning the version keeps each step frozen. A River
// upgrade with a new schema version gets a new step with its number.
func migrateJobQueue(version int) gormigrate.MigrateFunc {
	return func(tx *gorm.DB) error {
		if err := migrateRiver(tx, version); err != nil {
			return fmt.Errorf("migrate job queue to River schema %d: %w", version, err)
		}
		return nil
	}
}

func migrateRiver(tx *gorm.DB, version int) error {
	sqlTx, err := sqlTx(tx)
	if err != nil {
		return err
	}
	m, err := rivermigrate.New(riverDriver(tx.Dialector.Name(), nil),
		&rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	_, err = m.MigrateTx(tx.Statement.Context, sqlTx, rivermigrate.DirectionUp,
		&rivermigrate.MigrateOpts{TargetVersion: version})
	return err
}

// Migrate brings the schema up to date. It is safe to run on every start
// and from several instances: each step runs in a transaction and is
// recorded in the migrations table, and on PostgreSQL instances starting
// together take turns (migrateLock), so the second finds the steps done
// instead of failing on the tables the first just made.
func Migrate(ctx context.Context, db *gorm.DB) error {
	unlock, err := migrateLock(ctx, db)
	if err != nil {
		return err
	}
	defer unlock()
	m := gormigrate.New(db.WithContext(ctx), &gormigrate.Options{
		TableName:                 "schema_migrations",
		IDColumnName:              "id",
		IDColumnSize:              190,
		UseTransaction:            true,
		ValidateUnknownMigrations: true,
	}, migrations)
	// gormigrate runs everything up to the target in one transaction:
	// target each step in turn so each commits on its own (River's steps
	// need it, see 0007).
	for _, step := range migrations {
		if err := m.MigrateTo(step.ID); err != nil {
			return fmt.Errorf("migrate schema to %s: %w", step.ID, err)
		}
	}
	return nil
}

// Pending lists the migrations not yet applied, for the readiness check.
func Pending(ctx context.Context, db *gorm.DB) ([]string, error) {
	var applied []string
	if db.Migrator().HasTable("schema_migrations") {
		if err := db.WithContext(ctx).Table("schema_migrations").Pluck("id", &applied).Error; err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
	}
	done := map[string]bool{}
	for _, id := range applied {
		done[id] = true
	}
	var pending []string
	for _, m := range migrations {
		if !done[m.ID] {
			pending = append(pending, m.ID)
		}
	}
	return pending, nil
}

func execAll(stmts string) gormigrate.MigrateFunc {
	return func(tx *gorm.DB) error {
		for _, stmt := range strings.Split(sqlFor(tx.Dialector.Name(), stmts), ";\n") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if err := tx.Exec(stmt).Error; err != nil {
				return fmt.Errorf("%s: %w", firstLine(stmt), err)
			}
		}
		return nil
	}
}

// execDialect runs the statements written for the connected database.
func execDialect(tx *gorm.DB, postgres, sqlite []string) error {
	stmts := postgres
	if tx.Dialector.Name() == "sqlite" {
		stmts = sqlite
	}
	for _, stmt := range stmts {
		if err := tx.Exec(stmt).Error; err != nil {
			return fmt.Errorf("%s: %w", firstLine(stmt), err)
		}
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i > 0 {
		return s[:i]
	}
	return s
}

// sqlFor replaces the dialect placeholders: {{id}} is an auto-increment
// 64-bit primary key, {{ts}} a timestamp with time zone.
func sqlFor(dialect, stmts string) string {
	id, ts := "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "TIMESTAMPTZ"
	if dialect == "sqlite" {
		id, ts = "INTEGER PRIMARY KEY AUTOINCREMENT", "DATETIME"
	}
	return strings.NewReplacer("{{id}}", id, "{{ts}}", ts).Replace(stmts)
}

// appendOnly makes the database itself refuse UPDATE, DELETE and TRUNCATE
// on each table, whatever code runs against it: records reviewers rely on
// (price breakdowns, the audit log, stock movements, the ledger) can only
// grow. New append-only tables use it.
func appendOnly(tx *gorm.DB, tables ...string) error {
	if err := appendOnlyRows(tx, tables...); err != nil {
		return err
	}
	return refuseTruncate(tx, tables...)
}

// refuseTruncate adds PostgreSQL's statement trigger for TRUNCATE, which
// row triggers miss (a TRUNCATE … CASCADE from another table fires it
// too). SQLite has no TRUNCATE: its DELETE without WHERE meets the row
// triggers.
func refuseTruncate(tx *gorm.DB, tables ...string) error {
	var pg []string
	for _, t := range tables {
		pg = append(pg, fmt.Sprintf(`CREATE TRIGGER %[1]s_no_truncate BEFORE TRUNCATE ON %[1]s
	FOR EACH STATEMENT EXECUTE FUNCTION qhatu_refuse_change()`, t))
	}
	return execDialect(tx, pg, nil)
}

// appendOnlyRows is the row-trigger half of appendOnly, as migrations 0001
// to 0005 ran it (frozen with them: 0006 added TRUNCATE for their tables).
func appendOnlyRows(tx *gorm.DB, tables ...string) error {
	var pg, lite []string
	pg = append(pg, `CREATE OR REPLACE FUNCTION qhatu_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$`)
	for _, t := range tables {
		pg = append(pg, fmt.Sprintf(`CREATE TRIGGER %[1]s_append_only BEFORE UPDATE OR DELETE ON %[1]s
	FOR EACH ROW EXECUTE FUNCTION qhatu_refuse_change()`, t))
		for _, op := range []string{"UPDATE", "DELETE"} {
			lite = append(lite, fmt.Sprintf(`CREATE TRIGGER %[1]s_no_%[2]s BEFORE %[3]s ON %[1]s
	BEGIN SELECT RAISE(ABORT, '%[1]s rows are append-only'); END`, t, strings.ToLower(op), op))
		}
	}
	return execDialect(tx, pg, lite)
}

// migrateLock holds a PostgreSQL session advisory lock, keyed by the
// schema, on a connection of its own until unlock: other instances'
// Migrate wait for it. (SQLite has one writer and one instance.)
func migrateLock(ctx context.Context, db *gorm.DB) (unlock func(), err error) {
	if db.Dialector.Name() != "postgres" {
		return func() {}, nil
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("database handle for the migration lock: %w", err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connection for the migration lock: %w", err)
	}
	const key = "hashtext('qhatu-migrate:' || current_schema())"
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock("+key+")"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("take the migration lock: %w", err)
	}
	return func() {
		// Closing the connection would release the lock too, but a pooled
		// connection is only returned to the pool, not closed.
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock("+key+")")
		conn.Close()
	}, nil
}
