package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Assets serves embedded static files under content-hashed names
// ("/static/css/site.3f2a9c1b.css"), so browsers may cache them for a
// year and a new release is fetched at once.
type Assets struct {
	hashed map[string]string // "css/site.css" → "css/site.3f2a9c1b.css"
	plain  map[string]string // the reverse
	files  map[string][]byte // read once: the files are small and few
}

// NewAssets hashes every file of fsys once, at start-up.
func NewAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{hashed: map[string]string{}, plain: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		h := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.hashed[p], a.plain[h], a.files[p] = h, p, b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hash static files: %w", err)
	}
	return a, nil
}

// URL is the cache-busting URL of a static file. An unknown file yields a
// URL that 404s, and Has tells templates' tests which files exist.
func (a *Assets) URL(p string) string {
	if h, ok := a.hashed[p]; ok {
		return "/static/" + h
	}
	return "/static/" + p
}

// Image is the URL of a product or group picture: an uploaded one
// ("media/<name>") under /media/, otherwise the static file, falling back
// to the craft's picture and then the logo, so a missing file never shows
// a broken image.
func (a *Assets) Image(p string, craft models.Craft) string {
	if name, ok := models.MediaName(p); ok {
		return "/media/" + name
	}
	for _, c := range []string{p, "img/crafts/" + string(craft) + ".svg"} {
		if c != "" && a.Has(c) {
			return a.URL(c)
		}
	}
	return a.URL("img/favicon.svg")
}

// Has reports whether the static file exists.
func (a *Assets) Has(p string) bool { _, ok := a.hashed[p]; return ok }

// serve answers /static/* with the file behind a hashed name. Unhashed
// names are served too (for external links), with a short cache.
func (a *Assets) serve(c echo.Context) error {
	name := c.Param("*")
	p, hashed := a.plain[name]
	if !hashed {
		if _, ok := a.hashed[name]; !ok {
			return echo.ErrNotFound
		}
		p = name
	}
	b := a.files[p]
	h := c.Response().Header()
	if hashed {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	ct := mime.TypeByExtension(path.Ext(p))
	if ct == "" {
		ct = "application/octet-stream"
	}
	return c.Blob(http.StatusOK, ct, b)
}
