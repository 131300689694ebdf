package models

import "gorm.io/gorm"

// migrateAccounts is migration 0002_accounts: users, sessions, password
// resets, failed sign-ins and the mail outbox.
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
CREATE TABLE login_failures (
	id {{id}},
	ip VARCHAR(64) NOT NULL,
	email_hash VARCHAR(64) NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX ix_login_failures_ip ON login_failures(ip, created_at);
CREATE INDEX ix_login_failures_email ON login_failures(email_hash, created_at);
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
