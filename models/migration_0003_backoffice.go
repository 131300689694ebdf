package models

import "gorm.io/gorm"

// migrateBackoffice is migration 0003_backoffice: lock versions for
// optimistic concurrency, the audit log, stock movements and uploaded
// media. The audit log and stock movements are append-only in the
// database itself (appendOnly).
func migrateBackoffice(tx *gorm.DB) error {
	if err := execAll(schemaBackoffice)(tx); err != nil {
		return err
	}
	return appendOnlyRows(tx, "audit_log", "stock_movements")
}

const schemaBackoffice = `
ALTER TABLE associations ADD COLUMN lock_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE producer_groups ADD COLUMN lock_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE products ADD COLUMN lock_version BIGINT NOT NULL DEFAULT 1;
CREATE TABLE audit_log (
	id {{id}},
	created_at {{ts}} NOT NULL,
	actor VARCHAR(254) NOT NULL,
	action VARCHAR(40) NOT NULL,
	entity_type VARCHAR(30) NOT NULL,
	entity_id BIGINT NOT NULL,
	summary VARCHAR(1000) NOT NULL,
	before_json TEXT NOT NULL,
	after_json TEXT NOT NULL
);
CREATE INDEX ix_audit_log_entity ON audit_log(entity_type, entity_id, id);
CREATE INDEX ix_audit_log_created ON audit_log(created_at);
CREATE INDEX ix_audit_log_actor ON audit_log(actor);
CREATE TABLE stock_movements (
	id {{id}},
	product_id BIGINT NOT NULL REFERENCES products(id),
	delta INTEGER NOT NULL CHECK (delta <> 0),
	reason VARCHAR(30) NOT NULL CHECK (reason IN ('received_from_group','damaged','count_correction','sold','returned')),
	note VARCHAR(500) NOT NULL,
	actor VARCHAR(254) NOT NULL,
	created_at {{ts}} NOT NULL,
	resulting_stock INTEGER NOT NULL CHECK (resulting_stock >= 0)
);
CREATE INDEX ix_stock_movements_product ON stock_movements(product_id, id);
CREATE TABLE media (
	name VARCHAR(64) PRIMARY KEY,
	content_type VARCHAR(20) NOT NULL CHECK (content_type IN ('image/jpeg','image/png','image/webp')),
	size BIGINT NOT NULL CHECK (size > 0),
	width INTEGER NOT NULL,
	height INTEGER NOT NULL,
	sha256 VARCHAR(64) NOT NULL,
	uploaded_by VARCHAR(254) NOT NULL,
	created_at {{ts}} NOT NULL
);
`
