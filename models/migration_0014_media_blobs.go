package models

import (
	"strings"

	"gorm.io/gorm"
)

// migrateMediaBlobs is migration 0014_media_blobs: uploaded pictures move
// from the instance's disk into the database, so every instance serves
// every picture. A blob is keyed by the SHA-256 of its bytes, which the
// media rows already record: the same picture is stored once, and a
// picture's bytes can never change under its key.
func migrateMediaBlobs(tx *gorm.DB) error {
	blob := "BYTEA"
	if tx.Dialector.Name() == "sqlite" {
		blob = "BLOB"
	}
	return execAll(strings.ReplaceAll(schemaMediaBlobs, "{{bytes}}", blob))(tx)
}

const schemaMediaBlobs = `
CREATE TABLE media_blobs (
	sha256 VARCHAR(64) PRIMARY KEY CHECK (length(sha256) = 64),
	content_type VARCHAR(20) NOT NULL CHECK (content_type IN ('image/jpeg','image/png','image/webp')),
	size BIGINT NOT NULL CHECK (size > 0),
	data {{bytes}} NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX ix_media_sha256 ON media(sha256);
`
