package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Uploaded pictures live in the database, not on an instance's disk, so
// any instance serves any picture and a new instance needs no copy of a
// folder. A picture's bytes are a media_blobs row keyed by their SHA-256;
// a media row (name, who uploaded it) points at it by that hash. A new
// upload is named by its hash too, so its URL never serves other bytes
// and can be cached for good.

// MediaBlob is a stored picture's bytes.
type MediaBlob struct {
	SHA256      string    `gorm:"column:sha256;primaryKey;size:64"`
	ContentType string    `gorm:"size:20;not null"`
	Size        int64     `gorm:"not null"`
	Data        []byte    `gorm:"not null"`
	CreatedAt   time.Time `gorm:"not null"`
}

// TableName is part of the migration history.
func (MediaBlob) TableName() string { return "media_blobs" }

// MediaFile is a picture as it is served: its record and its bytes.
type MediaFile struct {
	Name        string
	ContentType string
	SHA256      string `gorm:"column:sha256"`
	CreatedAt   time.Time
	Data        []byte
}

// ETag is the picture's strong entity tag: its hash.
func (f *MediaFile) ETag() string { return `"` + f.SHA256 + `"` }

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// mediaNameFor names a picture by the first 128 bits of its hash, in the
// form ValidMediaName accepts (older uploads have random names).
func mediaNameFor(sum, contentType string) string { return sum[:32] + imageExt[contentType] }

// putBlob stores a picture's bytes once: the same bytes stored again, by
// another upload or another instance at the same moment, change nothing.
func putBlob(tx *gorm.DB, sum, contentType string, data []byte) error {
	b := &MediaBlob{SHA256: sum, ContentType: contentType, Size: int64(len(data)), Data: data}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(b).Error; err != nil {
		return fmt.Errorf("store picture %s: %w", sum, err)
	}
	return nil
}

// SetProductImage stores a checked picture and makes it the product's
// image, in one transaction with its audit entry. seen is the product's
// lock version when the form was opened. The previous picture is kept:
// the audit log and cached pages may still refer to it.
func (e *Editor) SetProductImage(ctx context.Context, productID, seen int64, up *Upload) (*Media, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	if up == nil || imageExt[up.ContentType] == "" {
		return nil, imageError(CodeImageType)
	}
	sum := sha256Hex(up.Data)
	name := mediaNameFor(sum, up.ContentType)
	m := &Media{Name: name, ContentType: up.ContentType, Size: int64(len(up.Data)), Width: up.Width,
		Height: up.Height, SHA256: sum, UploadedBy: e.actor}
	err := e.tx(ctx, func(tx *gorm.DB) error {
		if err := putBlob(tx, sum, up.ContentType, up.Data); err != nil {
			return err
		}
		// The same picture uploaded again keeps its first record.
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(m).Error; err != nil {
			return fmt.Errorf("record media %s: %w", name, err)
		}
		before, err := lockedUpdate(tx, EntityProduct, productID, seen,
			func(x *Product) int64 { return x.LockVersion }, map[string]any{"image": MediaPrefix + name})
		if err != nil {
			return err
		}
		return writeAudit(tx, e.actor, ActionImage, EntityProduct, productID,
			fmt.Sprintf("new picture for %s: %s, %d×%d, %d bytes", before.Slug, up.ContentType, up.Width, up.Height, m.Size),
			map[string]any{"image": before.Image},
			map[string]any{"image": MediaPrefix + name, "content_type": m.ContentType, "sha256": m.SHA256})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// MediaFileByName loads a picture and its bytes; an unknown or malformed
// name is ErrNotFound.
func (s *Store) MediaFileByName(ctx context.Context, name string) (*MediaFile, error) {
	if !ValidMediaName(name) {
		return nil, fmt.Errorf("media %q: %w", name, ErrNotFound)
	}
	var f MediaFile
	err := s.db.WithContext(ctx).Table("media AS m").
		Select("m.name, m.content_type, m.sha256, m.created_at, b.data").
		Joins("JOIN media_blobs AS b ON b.sha256 = m.sha256").
		Where("m.name = ?", name).Take(&f).Error
	if err != nil {
		return nil, dbError(err, "media "+name)
	}
	return &f, nil
}

// MediaImport says what ImportMediaFiles did.
type MediaImport struct {
	Imported int      // files copied into the database
	Missing  []string // recorded pictures with no file, or a file whose hash differs
}

// ImportMediaFiles copies pictures uploaded before they moved into the
// database from <dataDir>/media into it: each media row without bytes
// whose file is there and hashes to what the row recorded. It runs on
// every start and costs one query when there is nothing to copy; any
// instance that has the files can run it, and running it twice, or on
// two instances at once, stores each picture once. Files are left on
// disk.
func (s *Store) ImportMediaFiles(ctx context.Context, dataDir string) (MediaImport, error) {
	var res MediaImport
	var pending []Media
	err := s.db.WithContext(ctx).
		Where("NOT EXISTS (SELECT 1 FROM media_blobs AS b WHERE b.sha256 = media.sha256)").
		Order("name").Find(&pending).Error
	if err != nil {
		return res, fmt.Errorf("list pictures to import: %w", err)
	}
	for _, m := range pending {
		data, err := os.ReadFile(filepath.Join(dataDir, "media", m.Name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			res.Missing = append(res.Missing, m.Name)
			continue
		case err != nil:
			return res, fmt.Errorf("read picture %s: %w", m.Name, err)
		case sha256Hex(data) != m.SHA256:
			res.Missing = append(res.Missing, m.Name)
			continue
		}
		if err := putBlob(s.db.WithContext(ctx), m.SHA256, m.ContentType, data); err != nil {
			return res, err
		}
		res.Imported++
	}
	return res, nil
}
