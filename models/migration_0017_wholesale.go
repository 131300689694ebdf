package models

import (
	"fmt"

	"gorm.io/gorm"
)

// migrateWholesale is migration 0017_wholesale: what resellers order by
// (a product's SKU and pack step, its optional volume tiers, a group's
// lead time), cart lines asked as made to order, and the production
// orders a wholesale order gives the groups for the pieces beyond stock.
// An advance to a group may name the production order it prefinances.
func migrateWholesale(tx *gorm.DB) error {
	if err := execAll(schemaWholesaleColumns)(tx); err != nil {
		return err
	}
	// Every existing product gets the SKU the store gives a product made
	// without one, so the unique index below finds no NULL and no clash.
	var ids []int64
	if err := tx.Table("products").Order("id").Pluck("id", &ids).Error; err != nil {
		return fmt.Errorf("products to give a SKU: %w", err)
	}
	for _, id := range ids {
		if err := tx.Exec("UPDATE products SET sku = ? WHERE id = ?", DefaultSKU(id), id).Error; err != nil {
			return fmt.Errorf("SKU of product %d: %w", id, err)
		}
	}
	return execAll(schemaWholesale)(tx)
}

const schemaWholesaleColumns = `
ALTER TABLE products ADD COLUMN wholesale_pack_step INTEGER NOT NULL DEFAULT 1 CHECK (wholesale_pack_step BETWEEN 1 AND 10000);
ALTER TABLE products ADD COLUMN sku VARCHAR(40);
ALTER TABLE producer_groups ADD COLUMN lead_time_days INTEGER NOT NULL DEFAULT 30 CHECK (lead_time_days BETWEEN 1 AND 365);
ALTER TABLE cart_lines ADD COLUMN made_to_order BOOLEAN NOT NULL DEFAULT FALSE;
`

const schemaWholesale = `
CREATE UNIQUE INDEX ux_products_sku ON products(sku);
CREATE TABLE volume_tiers (
	id {{id}},
	product_id BIGINT NOT NULL REFERENCES products(id),
	min_qty INTEGER NOT NULL CHECK (min_qty BETWEEN 2 AND 100000),
	currency VARCHAR(3) NOT NULL,
	price BIGINT NOT NULL CHECK (price > 0),
	created_at {{ts}} NOT NULL,
	UNIQUE (product_id, min_qty)
);
CREATE TABLE production_orders (
	id {{id}},
	order_id BIGINT NOT NULL REFERENCES orders(id),
	group_id BIGINT NOT NULL REFERENCES producer_groups(id),
	status VARCHAR(12) NOT NULL CHECK (status IN ('open','cancelled')),
	lead_time_days INTEGER NOT NULL CHECK (lead_time_days BETWEEN 1 AND 365),
	due_on DATE NOT NULL,
	cancelled_at {{ts}},
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	UNIQUE (order_id, group_id),
	CHECK ((status = 'cancelled' AND cancelled_at IS NOT NULL) OR (status <> 'cancelled' AND cancelled_at IS NULL))
);
CREATE INDEX ix_production_orders_due ON production_orders(status, due_on);
CREATE INDEX ix_production_orders_group ON production_orders(group_id);
CREATE TABLE production_order_lines (
	id {{id}},
	production_order_id BIGINT NOT NULL REFERENCES production_orders(id),
	order_line_id BIGINT NOT NULL UNIQUE REFERENCES order_lines(id),
	product_id BIGINT NOT NULL REFERENCES products(id),
	quantity INTEGER NOT NULL CHECK (quantity > 0)
);
CREATE INDEX ix_production_order_lines_order ON production_order_lines(production_order_id);
ALTER TABLE advances ADD COLUMN production_order_id BIGINT REFERENCES production_orders(id);
CREATE INDEX ix_advances_production_order ON advances(production_order_id);
`
