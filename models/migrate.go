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
// recorded in the migrations table.
func Migrate(ctx context.Context, db *gorm.DB) error {
	m := gormigrate.New(db.WithContext(ctx), &gormigrate.Options{
		TableName:                 "schema_migrations",
		IDColumnName:              "id",
		IDColumnSize:              190,
		UseTransaction:            true,
		ValidateUnknownMigrations: true,
	}, migrations)
	// gormigrate runs everything up to the target in one transaction:
	// target each step in turn so each commits on its own (River's steps
	// need it, see 0005).
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

const schemaCatalog = `
CREATE TABLE associations (
	id {{id}},
	slug VARCHAR(80) NOT NULL UNIQUE,
	name VARCHAR(160) NOT NULL,
	region VARCHAR(20) NOT NULL CHECK (region IN ('lima','junin','ayacucho','puno')),
	active BOOLEAN NOT NULL DEFAULT TRUE,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
CREATE TABLE producer_groups (
	id {{id}},
	slug VARCHAR(80) NOT NULL UNIQUE,
	name VARCHAR(160) NOT NULL,
	association_id BIGINT NOT NULL REFERENCES associations(id),
	region VARCHAR(20) NOT NULL CHECK (region IN ('lima','junin','ayacucho','puno')),
	place VARCHAR(120) NOT NULL,
	craft VARCHAR(40) NOT NULL,
	artisans INTEGER NOT NULL CHECK (artisans >= 0),
	women_percent INTEGER NOT NULL CHECK (women_percent BETWEEN 0 AND 100),
	assembly_cadence VARCHAR(20) NOT NULL CHECK (assembly_cadence IN ('weekly','monthly')),
	story_es TEXT NOT NULL,
	story_en TEXT NOT NULL,
	photo VARCHAR(200) NOT NULL,
	active BOOLEAN NOT NULL DEFAULT TRUE,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
CREATE INDEX ix_producer_groups_association ON producer_groups(association_id);
CREATE INDEX ix_producer_groups_region ON producer_groups(region);
CREATE TABLE products (
	id {{id}},
	slug VARCHAR(120) NOT NULL UNIQUE,
	name_es VARCHAR(200) NOT NULL,
	name_en VARCHAR(200) NOT NULL,
	description_es TEXT NOT NULL,
	description_en TEXT NOT NULL,
	craft VARCHAR(40) NOT NULL,
	technique_es VARCHAR(300) NOT NULL,
	technique_en VARCHAR(300) NOT NULL,
	materials_es VARCHAR(300) NOT NULL,
	materials_en VARCHAR(300) NOT NULL,
	search_text TEXT NOT NULL DEFAULT '',
	group_id BIGINT NOT NULL REFERENCES producer_groups(id),
	image VARCHAR(200) NOT NULL,
	stock INTEGER NOT NULL CHECK (stock >= 0),
	wholesale_min_qty INTEGER NOT NULL CHECK (wholesale_min_qty >= 1),
	published BOOLEAN NOT NULL DEFAULT TRUE,
	featured BOOLEAN NOT NULL DEFAULT FALSE,
	currency VARCHAR(3) NOT NULL,
	price_amount BIGINT NOT NULL CHECK (price_amount >= 0),
	wholesale_price_amount BIGINT NOT NULL CHECK (wholesale_price_amount >= 0),
	paid_to_artisans_amount BIGINT NOT NULL CHECK (paid_to_artisans_amount >= 0),
	retail_breakdown_id BIGINT,
	wholesale_breakdown_id BIGINT,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
CREATE INDEX ix_products_group ON products(group_id);
-- One index per catalog sort order, so a page is an index range scan and
-- never a sort of the whole catalog; (published, group_id) also answers
-- the per-group counts from the index alone.
CREATE INDEX ix_products_featured ON products(published, featured DESC, id);
CREATE INDEX ix_products_price ON products(published, price_amount, id);
CREATE INDEX ix_products_newest ON products(published, created_at DESC, id DESC);
CREATE INDEX ix_products_name_es ON products(published, name_es, id);
CREATE INDEX ix_products_name_en ON products(published, name_en, id);
CREATE INDEX ix_products_published_group ON products(published, group_id);
CREATE INDEX ix_products_craft ON products(craft, published, price_amount);
CREATE TABLE price_breakdowns (
	id {{id}},
	product_id BIGINT NOT NULL REFERENCES products(id),
	channel VARCHAR(12) NOT NULL CHECK (channel IN ('retail','wholesale')),
	version INTEGER NOT NULL CHECK (version >= 1),
	currency VARCHAR(3) NOT NULL,
	price BIGINT NOT NULL CHECK (price > 0),
	artisan_labour BIGINT NOT NULL CHECK (artisan_labour >= 0),
	artisan_materials BIGINT NOT NULL CHECK (artisan_materials >= 0),
	community_fund BIGINT NOT NULL CHECK (community_fund >= 0),
	ciap_operations BIGINT NOT NULL CHECK (ciap_operations >= 0),
	logistics BIGINT NOT NULL CHECK (logistics >= 0),
	payment_fees BIGINT NOT NULL CHECK (payment_fees >= 0),
	taxes BIGINT NOT NULL CHECK (taxes >= 0),
	margin BIGINT NOT NULL CHECK (margin >= 0),
	local_market_price BIGINT NOT NULL CHECK (local_market_price >= 0),
	labour_minutes INTEGER NOT NULL CHECK (labour_minutes > 0),
	created_by VARCHAR(200) NOT NULL,
	reason VARCHAR(500) NOT NULL,
	created_at {{ts}} NOT NULL,
	UNIQUE (product_id, channel, version),
	-- The database itself refuses a breakdown that does not add up.
	CHECK (artisan_labour + artisan_materials + community_fund + ciap_operations
		+ logistics + payment_fees + taxes + margin = price)
);
CREATE TABLE catalog_state (
	id INTEGER PRIMARY KEY,
	version BIGINT NOT NULL
);
INSERT INTO catalog_state (id, version) VALUES (1, 1);
`

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
