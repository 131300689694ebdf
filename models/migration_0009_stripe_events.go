package models

// migration 0009_stripe_events: every verified Stripe webhook event,
// recorded in the transaction of its effect. The unique event id is what
// makes a replayed or concurrently redelivered event change nothing.
const schemaStripeEvents = `
CREATE TABLE stripe_events (
	id {{id}},
	event_id VARCHAR(255) NOT NULL UNIQUE,
	type VARCHAR(100) NOT NULL,
	order_number VARCHAR(40) NOT NULL DEFAULT '',
	outcome VARCHAR(30) NOT NULL,
	received_at {{ts}} NOT NULL
);
CREATE INDEX ix_stripe_events_order ON stripe_events(order_number) WHERE order_number <> '';
CREATE INDEX ix_stripe_events_received ON stripe_events(received_at);
`
