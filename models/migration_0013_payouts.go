package models

import "gorm.io/gorm"

// migratePayouts is migration 0013_payouts: which pieces each refund
// covered (refund_lines), and the money CIAP sends producing groups —
// payouts for what their sales earned (with the orders a payout covers)
// and advances paid before goods are sold (WFTO Principle 3). All four
// tables are append-only in the database itself: a mistake is corrected
// by a reversing record, which names the one it reverses, at most once.
func migratePayouts(tx *gorm.DB) error {
	if err := execAll(schemaPayouts)(tx); err != nil {
		return err
	}
	return appendOnly(tx, "refund_lines", "payouts", "payout_orders", "advances")
}

// A correction carries the negative of the record it reverses, so sums
// over a group's rows are what was really sent.
const schemaPayouts = `
CREATE TABLE refund_lines (
	id {{id}},
	payment_id BIGINT NOT NULL REFERENCES payments(id),
	order_id BIGINT NOT NULL REFERENCES orders(id),
	order_line_id BIGINT NOT NULL REFERENCES order_lines(id),
	quantity INTEGER NOT NULL CHECK (quantity > 0),
	actor VARCHAR(254) NOT NULL,
	created_at {{ts}} NOT NULL,
	UNIQUE (payment_id, order_line_id)
);
CREATE INDEX ix_refund_lines_order ON refund_lines(order_id, order_line_id);
CREATE TABLE payouts (
	id {{id}},
	group_id BIGINT NOT NULL REFERENCES producer_groups(id),
	paid_on DATE NOT NULL,
	currency VARCHAR(3) NOT NULL,
	amount BIGINT NOT NULL,
	bank_reference VARCHAR(255) NOT NULL,
	covers VARCHAR(1000) NOT NULL,
	note VARCHAR(1000) NOT NULL,
	actor VARCHAR(254) NOT NULL,
	created_at {{ts}} NOT NULL,
	reverses_id BIGINT UNIQUE REFERENCES payouts(id),
	CHECK ((reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0))
);
CREATE INDEX ix_payouts_group ON payouts(group_id, paid_on);
CREATE TABLE payout_orders (
	payout_id BIGINT NOT NULL REFERENCES payouts(id),
	order_id BIGINT NOT NULL REFERENCES orders(id),
	PRIMARY KEY (payout_id, order_id)
);
CREATE INDEX ix_payout_orders_order ON payout_orders(order_id);
CREATE TABLE advances (
	id {{id}},
	group_id BIGINT NOT NULL REFERENCES producer_groups(id),
	paid_on DATE NOT NULL,
	currency VARCHAR(3) NOT NULL,
	amount BIGINT NOT NULL,
	reference VARCHAR(255) NOT NULL,
	note VARCHAR(1000) NOT NULL,
	actor VARCHAR(254) NOT NULL,
	created_at {{ts}} NOT NULL,
	reverses_id BIGINT UNIQUE REFERENCES advances(id),
	CHECK ((reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0))
);
CREATE INDEX ix_advances_group ON advances(group_id, paid_on);
`
