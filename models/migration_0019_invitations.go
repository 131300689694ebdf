package models

// Migration 0019_invitations: reviewer invitations, and the English reason
// of a price change beside the Spanish one.
//
// An invitation keeps only the SHA-256 of its link's token (like
// password_resets); token_hash is empty until the mail job makes the link,
// so the link never sits in the job table. user_id is the account the
// invitation created or upgraded, set when it is used.
//
// price_breakdowns.reason stays the reason as written in Spanish (and the
// one older versions have); reason_en is the English one. Either may be
// empty, not both (Breakdown.Validate).
const schemaInvitations = `
CREATE TABLE invitations (
	id {{id}},
	email VARCHAR(254) NOT NULL CHECK (LENGTH(email) > 0),
	role VARCHAR(20) NOT NULL CHECK (role IN ('reviewer')),
	invited_by VARCHAR(254) NOT NULL CHECK (LENGTH(invited_by) > 0),
	token_hash VARCHAR(64) UNIQUE,
	lang VARCHAR(5) NOT NULL,
	expires_at {{ts}} NOT NULL,
	used_at {{ts}},
	user_id BIGINT REFERENCES users(id),
	created_at {{ts}} NOT NULL
);
CREATE INDEX ix_invitations_email ON invitations(email, id);
ALTER TABLE price_breakdowns ADD COLUMN reason_en VARCHAR(500) NOT NULL DEFAULT '';
`
