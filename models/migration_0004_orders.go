package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// migrateOrders is the buying step: carts, shipping zones (seeded), the
// per-year order number counter, orders, their lines (snapshots of the
// breakdown sold under), status history and payments, and stock
// movements that name their order. Lines, history and payments are
// append-only in the database itself.
func migrateOrders(tx *gorm.DB) error {
	if err := execAll(schemaOrders)(tx); err != nil {
		return err
	}
	now := time.Now().UTC()
	for i, z := range defaultShippingZones {
		err := tx.Exec(`INSERT INTO shipping_zones (code, name_es, name_en, currency, rate_amount, min_days, max_days, position, lock_version, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`, z.Code, z.NameES, z.NameEN, PEN, z.RateAmount, z.MinDays, z.MaxDays, i+1, now).Error
		if err != nil {
			return fmt.Errorf("seed shipping zone %s: %w", z.Code, err)
		}
	}
	if err := execDialect(tx, stockMovementsOrderPostgres, stockMovementsOrderSQLite); err != nil {
		return err
	}
	if tx.Dialector.Name() == "sqlite" {
		// The rebuilt table needs its append-only triggers again.
		if err := appendOnlyRows(tx, "stock_movements"); err != nil {
			return err
		}
	}
	return appendOnlyRows(tx, "order_lines", "order_status_history", "payments")
}

// defaultShippingZones are the rates and delivery times the shop starts
// with (courier prices for a parcel of about 2 kg); staff edit them in the
// back office.
var defaultShippingZones = []ShippingZone{
	{Code: ZoneLima, NameES: "Lima Metropolitana y Callao", NameEN: "Metropolitan Lima and Callao",
		RateAmount: 1200, MinDays: 1, MaxDays: 3},
	{Code: ZonePeru, NameES: "Resto del Perú", NameEN: "Rest of Peru",
		RateAmount: 2500, MinDays: 3, MaxDays: 8},
	{Code: ZoneInternational, NameES: "Internacional", NameEN: "International",
		RateAmount: 18000, MinDays: 10, MaxDays: 25},
}

const orderStatusList = `'pending_payment','paid','in_fulfillment','shipped','delivered','cancelled','refunded','partially_refunded'`

var schemaOrders = `
CREATE TABLE carts (
	id {{id}},
	token VARCHAR(64) UNIQUE,
	user_id BIGINT UNIQUE REFERENCES users(id),
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	CHECK (token IS NOT NULL OR user_id IS NOT NULL)
);
CREATE INDEX ix_carts_updated ON carts(updated_at);
CREATE TABLE cart_lines (
	id {{id}},
	cart_id BIGINT NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
	product_id BIGINT NOT NULL REFERENCES products(id),
	quantity INTEGER NOT NULL CHECK (quantity > 0),
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	UNIQUE (cart_id, product_id)
);
CREATE INDEX ix_cart_lines_product ON cart_lines(product_id);
CREATE TABLE shipping_zones (
	id {{id}},
	code VARCHAR(20) NOT NULL UNIQUE CHECK (code IN ('lima','peru','international')),
	name_es VARCHAR(120) NOT NULL,
	name_en VARCHAR(120) NOT NULL,
	currency VARCHAR(3) NOT NULL,
	rate_amount BIGINT NOT NULL CHECK (rate_amount >= 0),
	min_days INTEGER NOT NULL CHECK (min_days >= 0),
	max_days INTEGER NOT NULL,
	position INTEGER NOT NULL,
	lock_version BIGINT NOT NULL DEFAULT 1,
	updated_at {{ts}} NOT NULL,
	CHECK (max_days >= min_days AND max_days <= 365)
);
CREATE TABLE order_counters (
	year INTEGER PRIMARY KEY,
	last_number BIGINT NOT NULL CHECK (last_number BETWEEN 1 AND 999999)
);
CREATE TABLE orders (
	id {{id}},
	number VARCHAR(20) NOT NULL UNIQUE,
	token VARCHAR(64) NOT NULL UNIQUE CHECK (LENGTH(token) >= 20),
	channel VARCHAR(12) NOT NULL CHECK (channel IN ('retail','wholesale')),
	status VARCHAR(20) NOT NULL CHECK (status IN (` + orderStatusList + `)),
	user_id BIGINT REFERENCES users(id),
	email VARCHAR(254) NOT NULL,
	name VARCHAR(160) NOT NULL,
	phone VARCHAR(40) NOT NULL,
	country VARCHAR(2) NOT NULL,
	region VARCHAR(80) NOT NULL,
	city VARCHAR(120) NOT NULL,
	address_line VARCHAR(300) NOT NULL,
	postal_code VARCHAR(20) NOT NULL,
	shipping_zone_id BIGINT NOT NULL REFERENCES shipping_zones(id),
	shipping_zone_code VARCHAR(20) NOT NULL,
	shipping_min_days INTEGER NOT NULL,
	shipping_max_days INTEGER NOT NULL,
	payment_method VARCHAR(20) NOT NULL CHECK (payment_method IN ('card','bank_transfer')),
	currency VARCHAR(3) NOT NULL,
	items_amount BIGINT NOT NULL CHECK (items_amount > 0),
	shipping_amount BIGINT NOT NULL CHECK (shipping_amount >= 0),
	total_amount BIGINT NOT NULL CHECK (total_amount > 0),
	expires_at {{ts}} NOT NULL,
	paid_at {{ts}},
	cancelled_at {{ts}},
	stock_released_at {{ts}},
	needs_attention BOOLEAN NOT NULL DEFAULT FALSE,
	attention_note VARCHAR(1000) NOT NULL DEFAULT '',
	checkout_session_id VARCHAR(255) UNIQUE,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	CHECK (total_amount = items_amount + shipping_amount)
);
CREATE INDEX ix_orders_user ON orders(user_id, created_at);
CREATE INDEX ix_orders_status ON orders(status, created_at);
CREATE INDEX ix_orders_created ON orders(created_at);
CREATE INDEX ix_orders_email ON orders(email);
CREATE INDEX ix_orders_pending_expiry ON orders(expires_at) WHERE status = 'pending_payment';
CREATE TABLE order_lines (
	id {{id}},
	order_id BIGINT NOT NULL REFERENCES orders(id),
	line_no INTEGER NOT NULL CHECK (line_no >= 1),
	product_id BIGINT NOT NULL REFERENCES products(id),
	product_slug VARCHAR(120) NOT NULL,
	product_name_es VARCHAR(200) NOT NULL,
	product_name_en VARCHAR(200) NOT NULL,
	group_id BIGINT NOT NULL REFERENCES producer_groups(id),
	breakdown_id BIGINT NOT NULL REFERENCES price_breakdowns(id),
	breakdown_version INTEGER NOT NULL CHECK (breakdown_version >= 1),
	currency VARCHAR(3) NOT NULL,
	quantity INTEGER NOT NULL CHECK (quantity > 0),
	unit_price BIGINT NOT NULL CHECK (unit_price > 0),
	line_total BIGINT NOT NULL,
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
	created_at {{ts}} NOT NULL,
	UNIQUE (order_id, line_no),
	UNIQUE (order_id, product_id),
	CHECK (line_total = unit_price * quantity),
	-- The snapshot adds up, as the breakdown it copies does.
	CHECK (artisan_labour + artisan_materials + community_fund + ciap_operations
		+ logistics + payment_fees + taxes + margin = unit_price)
);
CREATE INDEX ix_order_lines_product ON order_lines(product_id);
CREATE INDEX ix_order_lines_group ON order_lines(group_id);
CREATE TABLE order_status_history (
	id {{id}},
	order_id BIGINT NOT NULL REFERENCES orders(id),
	from_status VARCHAR(20) CHECK (from_status IN (` + orderStatusList + `)),
	to_status VARCHAR(20) NOT NULL CHECK (to_status IN (` + orderStatusList + `)),
	actor VARCHAR(254) NOT NULL,
	note VARCHAR(1000) NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX ix_order_status_history_order ON order_status_history(order_id, id);
-- An order is placed, paid, cancelled or fully refunded at most once,
-- whatever races the code loses.
CREATE UNIQUE INDEX ux_order_status_once ON order_status_history(order_id, to_status)
	WHERE to_status IN ('pending_payment','paid','cancelled','refunded');
CREATE TABLE payments (
	id {{id}},
	order_id BIGINT NOT NULL REFERENCES orders(id),
	kind VARCHAR(10) NOT NULL CHECK (kind IN ('payment','refund')),
	method VARCHAR(20) NOT NULL CHECK (method IN ('card','bank_transfer')),
	currency VARCHAR(3) NOT NULL,
	amount BIGINT NOT NULL CHECK (amount >= 0),
	reference VARCHAR(255) NOT NULL,
	provider_event_id VARCHAR(255) UNIQUE,
	provider_session_id VARCHAR(255) NOT NULL,
	dedupe_key VARCHAR(300) NOT NULL,
	outcome VARCHAR(10) NOT NULL CHECK (outcome IN ('applied','refused')),
	refusal VARCHAR(20) NOT NULL CHECK (refusal IN ('','mismatch','late','duplicate')),
	received_at {{ts}} NOT NULL,
	actor VARCHAR(254) NOT NULL,
	note VARCHAR(1000) NOT NULL,
	created_at {{ts}} NOT NULL,
	UNIQUE (order_id, kind, dedupe_key),
	CHECK ((outcome = 'applied' AND refusal = '') OR (outcome = 'refused' AND refusal <> ''))
);
CREATE INDEX ix_payments_order ON payments(order_id, id);
`

// Stock movements name the order that sold or released pieces, and
// "released" becomes a reason. The unique index makes the database
// itself refuse a second sale or release of one order's line.
var stockMovementsOrderPostgres = []string{
	`ALTER TABLE stock_movements ADD COLUMN order_id BIGINT REFERENCES orders(id)`,
	`ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_reason_check`,
	`ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_reason_check
	CHECK (reason IN ('received_from_group','damaged','count_correction','sold','released','returned'))`,
	stockMovementsOrderIndex,
}

const stockMovementsOrderIndex = `CREATE UNIQUE INDEX ux_stock_movements_order_line ON stock_movements(order_id, product_id, reason)
	WHERE reason IN ('sold','released')`

// SQLite cannot change a CHECK constraint: the table is rebuilt (DROP
// TABLE fires no row trigger).
var stockMovementsOrderSQLite = []string{
	`CREATE TABLE stock_movements_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	product_id BIGINT NOT NULL REFERENCES products(id),
	delta INTEGER NOT NULL CHECK (delta <> 0),
	reason VARCHAR(30) NOT NULL CHECK (reason IN ('received_from_group','damaged','count_correction','sold','released','returned')),
	note VARCHAR(500) NOT NULL,
	actor VARCHAR(254) NOT NULL,
	created_at DATETIME NOT NULL,
	resulting_stock INTEGER NOT NULL CHECK (resulting_stock >= 0),
	order_id BIGINT REFERENCES orders(id)
)`,
	`INSERT INTO stock_movements_new (id, product_id, delta, reason, note, actor, created_at, resulting_stock)
	SELECT id, product_id, delta, reason, note, actor, created_at, resulting_stock FROM stock_movements`,
	`DROP TABLE stock_movements`,
	`ALTER TABLE stock_movements_new RENAME TO stock_movements`,
	`CREATE INDEX ix_stock_movements_product ON stock_movements(product_id, id)`,
	stockMovementsOrderIndex,
}
