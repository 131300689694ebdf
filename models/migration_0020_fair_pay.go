package models

import "gorm.io/gorm"

// Migration 0020_fair_pay: the living-wage reference fair pay is measured
// against, and where each breakdown's local market price comes from.
//
// living_wage_references is append-only: each change adds a row (value,
// legal week, source and the date the figure is of) and the newest row is
// the reference in force, so every past reference stays on the record.
//
// price_breakdowns gains the local market price's source, date and method
// (e.g. "Feria de Huamanga, three stallholders asked", 2026-02-14, "price
// an intermediary paid the group for the same piece"); empty on versions
// recorded before, which the fair pay page marks as undocumented.
const schemaFairPay = `
CREATE TABLE living_wage_references (
	id {{id}},
	currency VARCHAR(3) NOT NULL,
	monthly BIGINT NOT NULL CHECK (monthly > 0),
	hours_per_week INTEGER NOT NULL CHECK (hours_per_week BETWEEN 1 AND 84),
	source VARCHAR(300) NOT NULL CHECK (LENGTH(source) > 0),
	as_of DATE NOT NULL,
	actor VARCHAR(254) NOT NULL CHECK (LENGTH(actor) > 0),
	created_at {{ts}} NOT NULL
);
ALTER TABLE price_breakdowns ADD COLUMN local_market_source VARCHAR(300) NOT NULL DEFAULT '';
ALTER TABLE price_breakdowns ADD COLUMN local_market_date DATE;
ALTER TABLE price_breakdowns ADD COLUMN local_market_method VARCHAR(300) NOT NULL DEFAULT '';
`

func migrateFairPay(tx *gorm.DB) error {
	if err := execAll(schemaFairPay)(tx); err != nil {
		return err
	}
	return appendOnly(tx, "living_wage_references")
}
