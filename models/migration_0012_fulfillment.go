package models

import "gorm.io/gorm"

// migrateFulfillment is migration 0012_fulfillment: work orders (what each
// producing group picks or makes for an order), and the surplus ledger with
// its chain head. Ledger entries and work order lines are append-only in
// the database itself; the ledger's one-row head is what writers lock so
// the hash chain never forks.
func migrateFulfillment(tx *gorm.DB) error {
	if err := execAll(schemaFulfillment)(tx); err != nil {
		return err
	}
	if err := tx.Exec(`INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, ?)`, LedgerGenesis).Error; err != nil {
		return err
	}
	return appendOnly(tx, "ledger_entries", "work_order_lines")
}

// Ledger amounts are the line's totals (per-piece snapshot × quantity), so
// sums over entries are what sales paid. A sale's quantity is positive; a
// reversing entry (kind refund) names the entry it reverses and carries
// negative figures, so sums stay net of refunds.
const schemaFulfillment = `
CREATE TABLE work_orders (
	id {{id}},
	order_id BIGINT NOT NULL REFERENCES orders(id),
	group_id BIGINT NOT NULL REFERENCES producer_groups(id),
	status VARCHAR(20) NOT NULL CHECK (status IN ('open','ready')),
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	UNIQUE (order_id, group_id)
);
CREATE INDEX ix_work_orders_group ON work_orders(group_id, status, created_at);
CREATE TABLE work_order_lines (
	id {{id}},
	work_order_id BIGINT NOT NULL REFERENCES work_orders(id),
	order_line_id BIGINT NOT NULL UNIQUE REFERENCES order_lines(id),
	product_id BIGINT NOT NULL REFERENCES products(id),
	quantity INTEGER NOT NULL CHECK (quantity > 0)
);
CREATE INDEX ix_work_order_lines_work_order ON work_order_lines(work_order_id, id);
CREATE TABLE ledger_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT NOT NULL CHECK (seq >= 0),
	hash VARCHAR(64) NOT NULL CHECK (LENGTH(hash) = 64)
);
CREATE TABLE ledger_entries (
	seq BIGINT PRIMARY KEY CHECK (seq >= 1),
	kind VARCHAR(10) NOT NULL CHECK (kind IN ('sale','refund')),
	order_id BIGINT NOT NULL REFERENCES orders(id),
	order_line_id BIGINT NOT NULL REFERENCES order_lines(id),
	group_id BIGINT NOT NULL REFERENCES producer_groups(id),
	product_id BIGINT NOT NULL REFERENCES products(id),
	breakdown_id BIGINT NOT NULL REFERENCES price_breakdowns(id),
	breakdown_version INTEGER NOT NULL CHECK (breakdown_version >= 1),
	quantity INTEGER NOT NULL CHECK (quantity <> 0),
	currency VARCHAR(3) NOT NULL,
	artisan_labour BIGINT NOT NULL,
	artisan_materials BIGINT NOT NULL,
	community_fund BIGINT NOT NULL,
	paid_to_artisans BIGINT NOT NULL,
	local_market_price BIGINT NOT NULL,
	surplus BIGINT NOT NULL,
	reverses_seq BIGINT REFERENCES ledger_entries(seq),
	created_at {{ts}} NOT NULL,
	prev_hash VARCHAR(64) NOT NULL CHECK (LENGTH(prev_hash) = 64),
	hash VARCHAR(64) NOT NULL UNIQUE CHECK (LENGTH(hash) = 64),
	CHECK (paid_to_artisans = artisan_labour + artisan_materials + community_fund),
	CHECK (surplus = paid_to_artisans - local_market_price),
	CHECK ((kind = 'sale' AND quantity > 0 AND reverses_seq IS NULL)
		OR (kind = 'refund' AND quantity < 0 AND reverses_seq IS NOT NULL))
);
CREATE INDEX ix_ledger_entries_group ON ledger_entries(group_id, created_at);
CREATE INDEX ix_ledger_entries_order ON ledger_entries(order_id, seq);
CREATE INDEX ix_ledger_entries_product ON ledger_entries(product_id, created_at);
-- One sale entry per order line, whatever runs the hand-off twice.
CREATE UNIQUE INDEX ux_ledger_entries_sale ON ledger_entries(order_line_id) WHERE kind = 'sale';
`
