package models

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Uploaded product pictures. A picture is accepted only when its content
// (never its name or the browser's claim) is a JPEG, PNG or WebP that
// decodes, and it is at most MaxImageBytes. SVG is refused: it can carry
// scripts. Files are stored under <data dir>/media with a random name and
// served with the content type recorded here at upload.

// MaxImageBytes is the largest picture accepted: 5 MB.
const MaxImageBytes = 5 << 20

// MaxImageSide bounds a picture's width and height in pixels.
const MaxImageSide = 10000

// MaxImagePixels bounds a picture's area: a small file can claim a huge
// canvas (a PNG of 10000×10000 compresses to a few kilobytes), which every
// later decode, resize or browser would have to allocate.
const MaxImagePixels = 25_000_000

// MediaPrefix starts a Product.Image that names an uploaded picture
// ("media/<name>") rather than a static file.
const MediaPrefix = "media/"

var imageExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}

// Upload is a checked picture, ready to store.
type Upload struct {
	Data          []byte
	ContentType   string
	Width, Height int
}

func imageError(code Code, args ...any) error { return Invalid("image", code, args...) }

// ReadImage reads at most MaxImageBytes (plus one, to tell a larger file)
// from r and checks the picture.
func ReadImage(r io.Reader) (*Upload, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	return CheckImage(data)
}

// CheckImage sniffs the content and checks that it decodes as what it
// claims to be. Only the header is decoded (its size), never the pixels,
// so a decompression bomb costs nothing: its claimed size is refused. A
// file renamed .png, an SVG or a 20 MB file each get a ValidationError on
// "image" saying which.
func CheckImage(data []byte) (*Upload, error) {
	if len(data) == 0 {
		return nil, imageError(CodeImageMissing)
	}
	if len(data) > MaxImageBytes {
		return nil, imageError(CodeImageTooLarge)
	}
	ct := http.DetectContentType(data)
	if imageExt[ct] == "" && looksLikeSVG(data) {
		return nil, imageError(CodeImageSVG)
	}
	up := &Upload{Data: data, ContentType: ct}
	switch ct {
	case "image/jpeg":
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, imageError(CodeImageBroken)
		}
		up.Width, up.Height = cfg.Width, cfg.Height
	case "image/png":
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, imageError(CodeImageBroken)
		}
		up.Width, up.Height = cfg.Width, cfg.Height
	case "image/webp":
		w, h, err := webpSize(data)
		if err != nil {
			return nil, imageError(CodeImageBroken)
		}
		up.Width, up.Height = w, h
	default:
		return nil, imageError(CodeImageType)
	}
	if up.Width < 1 || up.Height < 1 || up.Width > MaxImageSide || up.Height > MaxImageSide {
		return nil, imageError(CodeImageSize)
	}
	if int64(up.Width)*int64(up.Height) > MaxImagePixels {
		return nil, imageError(CodeImagePixels, "Max", MaxImagePixels/1_000_000)
	}
	return up, nil
}

// looksLikeSVG spots SVG (XML with an <svg> element) in the first bytes,
// so the refusal can say why.
func looksLikeSVG(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 1024)])
	return bytes.Contains(head, []byte("<svg"))
}

// webpSize reads a WebP's canvas size from its RIFF header and checks that
// the RIFF length matches the file.
func webpSize(b []byte) (int, int, error) {
	bad := errors.New("not a WebP file")
	if len(b) < 30 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return 0, 0, bad
	}
	if size := binary.LittleEndian.Uint32(b[4:8]); int64(size)+8 != int64(len(b)) && int64(size)+9 != int64(len(b)) {
		return 0, 0, bad
	}
	u24 := func(p []byte) int { return int(p[0]) | int(p[1])<<8 | int(p[2])<<16 }
	switch string(b[12:16]) {
	case "VP8X":
		return u24(b[24:27]) + 1, u24(b[27:30]) + 1, nil
	case "VP8 ":
		if b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a {
			return 0, 0, bad
		}
		return int(binary.LittleEndian.Uint16(b[26:28]) & 0x3fff), int(binary.LittleEndian.Uint16(b[28:30]) & 0x3fff), nil
	case "VP8L":
		if b[20] != 0x2f {
			return 0, 0, bad
		}
		bits := binary.LittleEndian.Uint32(b[21:25])
		return int(bits&0x3fff) + 1, int(bits>>14&0x3fff) + 1, nil
	}
	return 0, 0, bad
}

// Media is an uploaded file's record: its content type is decided here,
// from the content, and is what the file is served with.
type Media struct {
	Name        string    `gorm:"primaryKey;size:64"`
	ContentType string    `gorm:"size:20;not null"`
	Size        int64     `gorm:"not null"`
	Width       int       `gorm:"not null"`
	Height      int       `gorm:"not null"`
	SHA256      string    `gorm:"column:sha256;size:64;not null"`
	UploadedBy  string    `gorm:"size:254;not null"`
	CreatedAt   time.Time `gorm:"not null"`
}

// TableName is part of the migration history.
func (Media) TableName() string { return "media" }

var mediaNameRE = regexp.MustCompile(`^[0-9a-f]{32}\.(?:jpg|png|webp)$`)

// ValidMediaName reports whether name is one the store could have given.
func ValidMediaName(name string) bool { return mediaNameRE.MatchString(name) }

// MediaName returns the uploaded file an image path names ("media/x.jpg"
// → "x.jpg"), or false for a static file path.
func MediaName(image string) (string, bool) {
	name, ok := strings.CutPrefix(image, MediaPrefix)
	return name, ok && ValidMediaName(name)
}

// Images stores uploaded pictures in a folder on disk.
type Images struct{ dir string }

// NewImages keeps pictures in <dataDir>/media.
func NewImages(dataDir string) *Images { return &Images{dir: filepath.Join(dataDir, "media")} }

// Open opens a stored file by name; an unknown or malformed name is
// ErrNotFound.
func (im *Images) Open(name string) (*os.File, error) {
	if !ValidMediaName(name) {
		return nil, fmt.Errorf("media %q: %w", name, ErrNotFound)
	}
	f, err := os.Open(filepath.Join(im.dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("media %q: %w", name, ErrNotFound)
	}
	return f, err
}

// write stores data under name, atomically: a reader never sees half a file.
func (im *Images) write(name string, data []byte) error {
	if err := os.MkdirAll(im.dir, 0o750); err != nil {
		return fmt.Errorf("create media folder: %w", err)
	}
	tmp, err := os.CreateTemp(im.dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("store upload: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("store upload: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("store upload: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store upload: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(im.dir, name)); err != nil {
		return fmt.Errorf("store upload: %w", err)
	}
	return nil
}

func newMediaName(contentType string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("media name: %w", err)
	}
	return hex.EncodeToString(b) + imageExt[contentType], nil
}

// SetProductImage stores a checked picture and makes it the product's
// image, recording the change in the audit log. seen is the product's lock
// version when the form was opened. The previous file is kept: the audit
// log and cached pages may still refer to it.
func (e *Editor) SetProductImage(ctx context.Context, im *Images, productID, seen int64, up *Upload) (*Media, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	if up == nil || imageExt[up.ContentType] == "" {
		return nil, imageError(CodeImageType)
	}
	name, err := newMediaName(up.ContentType)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(up.Data)
	m := &Media{Name: name, ContentType: up.ContentType, Size: int64(len(up.Data)), Width: up.Width,
		Height: up.Height, SHA256: hex.EncodeToString(sum[:]), UploadedBy: e.actor}
	if err := im.write(name, up.Data); err != nil {
		return nil, err
	}
	err = e.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(m).Error; err != nil {
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
		_ = os.Remove(filepath.Join(im.dir, name))
		return nil, err
	}
	return m, nil
}

// MediaByName loads an uploaded file's record.
func (s *Store) MediaByName(ctx context.Context, name string) (*Media, error) {
	if !ValidMediaName(name) {
		return nil, fmt.Errorf("media %q: %w", name, ErrNotFound)
	}
	var m Media
	if err := s.db.WithContext(ctx).Where("name = ?", name).Take(&m).Error; err != nil {
		return nil, dbError(err, "media "+name)
	}
	return &m, nil
}
