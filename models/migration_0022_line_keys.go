package models

import "gorm.io/gorm"

// Migration 0022_line_keys: a ledger entry and a work order line name
// their order line and, beside it, what the line already says (order,
// group, product, price breakdown). Each of those columns had a foreign
// key of its own, and on PostgreSQL every such check takes a KEY SHARE
// lock on the row it finds: the same few producer groups and products for
// every fulfillment running at once, which made the checks of one order
// cost more than its inserts. One composite key per table, to the order
// line, checks instead that the entry agrees with its line, which implies
// the old keys (the line's own keys point at the order, group, product and
// breakdown) and says more: an entry can no longer name another product
// than the line it records.
//
// SQLite keeps the single-column keys: changing a constraint there means
// rebuilding the append-only tables, and with one writer at a time no
// lock is shared.
func migrateLineKeys(tx *gorm.DB) error {
	return execDialect(tx, []string{
		`CREATE UNIQUE INDEX ux_order_lines_keys ON order_lines(id, order_id, group_id, product_id, breakdown_id)`,
		`CREATE UNIQUE INDEX ux_order_lines_product ON order_lines(id, product_id)`,
		`ALTER TABLE ledger_entries
	DROP CONSTRAINT ledger_entries_order_id_fkey,
	DROP CONSTRAINT ledger_entries_order_line_id_fkey,
	DROP CONSTRAINT ledger_entries_group_id_fkey,
	DROP CONSTRAINT ledger_entries_product_id_fkey,
	DROP CONSTRAINT ledger_entries_breakdown_id_fkey,
	ADD CONSTRAINT ledger_entries_line_fkey FOREIGN KEY (order_line_id, order_id, group_id, product_id, breakdown_id)
		REFERENCES order_lines(id, order_id, group_id, product_id, breakdown_id)`,
		`ALTER TABLE work_order_lines
	DROP CONSTRAINT work_order_lines_order_line_id_fkey,
	DROP CONSTRAINT work_order_lines_product_id_fkey,
	ADD CONSTRAINT work_order_lines_line_fkey FOREIGN KEY (order_line_id, product_id)
		REFERENCES order_lines(id, product_id)`,
	}, nil)
}
