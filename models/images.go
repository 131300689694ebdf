package models

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Uploaded product pictures. A picture is accepted only when its content
// (never its name or the browser's claim) is a JPEG, PNG or WebP that
// decodes, and it is at most MaxImageBytes. SVG is refused: it can carry
// scripts. Pictures are stored in the database (media.go), named by their
// hash, and served with the content type recorded here at upload.

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
