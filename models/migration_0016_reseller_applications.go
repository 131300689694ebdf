package models

// schemaResellerApplications is migration 0016_reseller_applications: an
// account's application for wholesale, and staff's decision on it. The
// database keeps the rules the store follows: one pending application per
// account (a partial unique index, so two tabs submitting at once get one
// row), a decision names who made it and when, and a refusal carries its
// message to the applicant.
const schemaResellerApplications = `
CREATE TABLE reseller_applications (
	id {{id}},
	user_id BIGINT NOT NULL REFERENCES users(id),
	business_name VARCHAR(160) NOT NULL CHECK (LENGTH(business_name) > 0),
	ruc VARCHAR(11) NOT NULL CHECK (LENGTH(ruc) = 11),
	address VARCHAR(300) NOT NULL CHECK (LENGTH(address) > 0),
	market VARCHAR(160) NOT NULL CHECK (LENGTH(market) > 0),
	phone VARCHAR(40) NOT NULL CHECK (LENGTH(phone) > 0),
	lang VARCHAR(2) NOT NULL DEFAULT 'es' CHECK (lang IN ('es','en')),
	status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
	message VARCHAR(1000) NOT NULL DEFAULT '',
	decided_by VARCHAR(254) NOT NULL DEFAULT '',
	decided_at {{ts}},
	version BIGINT NOT NULL DEFAULT 1,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	CHECK (status = 'pending' OR (decided_at IS NOT NULL AND LENGTH(decided_by) > 0)),
	CHECK (status <> 'rejected' OR LENGTH(message) > 0)
);
CREATE UNIQUE INDEX ux_reseller_applications_pending ON reseller_applications(user_id) WHERE status = 'pending';
CREATE INDEX ix_reseller_applications_user ON reseller_applications(user_id, id);
CREATE INDEX ix_reseller_applications_status ON reseller_applications(status, created_at);
`
