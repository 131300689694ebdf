package models

import "gorm.io/gorm"

// migrateShipments is migration 0015_shipments: the carrier and tracking
// number an order left with, one row per order, append-only like the
// status history beside it (the day it was delivered is in that history).
func migrateShipments(tx *gorm.DB) error {
	if err := execAll(schemaShipments)(tx); err != nil {
		return err
	}
	return appendOnly(tx, "shipments")
}

const schemaShipments = `
CREATE TABLE shipments (
	id {{id}},
	order_id BIGINT NOT NULL UNIQUE REFERENCES orders(id),
	carrier VARCHAR(100) NOT NULL CHECK (LENGTH(carrier) > 0),
	tracking_number VARCHAR(100) NOT NULL CHECK (LENGTH(tracking_number) > 0),
	actor VARCHAR(254) NOT NULL,
	created_at {{ts}} NOT NULL
);
`
