package models

import "gorm.io/gorm"

// migrateAccounts is migration 0002_accounts: users, sessions, password
// resets, rate-limit events (failed sign-ins, sign-ups, reset requests;
// an event counted per IP only has an empty email_hash) and the mail
// outbox.
func migrateAccounts(tx *gorm.DB) error {
	if err := execAll(schemaAccounts)(tx); err != nil {
		return err
	}
	return execDialect(tx, sessionsPostgres, sessionsSQLite)
}

const schemaAccounts = `
CREATE TABLE users (
	id {{id}},
	email VARCHAR(254) NOT NULL UNIQUE,
	name VARCHAR(160) NOT NULL,
	role VARCHAR(20) NOT NULL CHECK (role IN ('admin','staff','reseller','reviewer','customer')),
	password_hash VARCHAR(255) NOT NULL,
	active BOOLEAN NOT NULL DEFAULT TRUE,
	session_epoch BIGINT NOT NULL DEFAULT 1,
	version BIGINT NOT NULL DEFAULT 1,
	last_sign_in_at {{ts}},
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
CREATE INDEX ix_users_role ON users(role);
CREATE TABLE password_resets (
	id {{id}},
	user_id BIGINT NOT NULL REFERENCES users(id),
	token_hash VARCHAR(64) NOT NULL UNIQUE,
	expires_at {{ts}} NOT NULL,
	used_at {{ts}},
	created_at {{ts}} NOT NULL
);
CREATE INDEX ix_password_resets_user ON password_resets(user_id);
CREATE TABLE rate_events (
	id {{id}},
	kind VARCHAR(20) NOT NULL CHECK (kind IN ('signin_failure','signup','reset_request')),
	ip VARCHAR(64) NOT NULL,
	email_hash VARCHAR(64) NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX ix_rate_events_ip ON rate_events(kind, ip, created_at);
CREATE INDEX ix_rate_events_email ON rate_events(kind, email_hash, created_at);
CREATE TABLE outbox (
	id {{id}},
	to_address VARCHAR(254) NOT NULL,
	subject VARCHAR(300) NOT NULL,
	body TEXT NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX ix_outbox_created ON outbox(created_at);
`

// The sessions table is exactly what the scs stores expect
// (github.com/alexedwards/scs/postgresstore and sqlite3store).
var sessionsPostgres = []string{
	`CREATE TABLE sessions (
	token TEXT PRIMARY KEY,
	data BYTEA NOT NULL,
	expiry TIMESTAMPTZ NOT NULL
)`,
	`CREATE INDEX sessions_expiry_idx ON sessions (expiry)`,
}

var sessionsSQLite = []string{
	`CREATE TABLE sessions (
	token TEXT PRIMARY KEY,
	data BLOB NOT NULL,
	expiry REAL NOT NULL
)`,
	`CREATE INDEX sessions_expiry_idx ON sessions(expiry)`,
}
