package handlers

import (
	"bytes"
	"net/http"
	"net/url"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/labstack/echo/v4"
)

// pageCache keeps rendered catalog pages and API answers in memory for
// anonymous visitors. Entries are tagged with the catalog version they were
// rendered under: a change on this instance bumps the version at once, and
// WatchCatalog picks up changes made by other instances.
type pageCache struct {
	entries *lru.Cache[string, *cachedPage]
	version *catalogVersion
}

type cachedPage struct {
	version     int64
	status      int
	contentType string
	body        []byte
}

// maxCachedBody keeps one huge export from evicting many pages.
const maxCachedBody = 512 << 10

func newPageCache(size int, version *catalogVersion) *pageCache {
	if size <= 0 {
		return nil
	}
	c, err := lru.New[string, *cachedPage](size)
	if err != nil {
		return nil
	}
	return &pageCache{entries: c, version: version}
}

// sessionCookie is the cookie that marks a signed-in or carting visitor,
// whose pages carry personal data and are never shared.
const sessionCookie = "qhatu_session"

// cached serves a GET from the cache, or runs next and keeps a 200 answer.
func (s *Server) cached(next echo.HandlerFunc) echo.HandlerFunc {
	p := s.cache
	if p == nil {
		return next
	}
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodGet {
			return next(c)
		}
		if _, err := r.Cookie(sessionCookie); err == nil {
			return next(c)
		}
		c.Response().Header().Set("Vary", "Accept-Language, Cookie")
		path, ok := cacheKey(r.URL)
		if !ok {
			return next(c)
		}
		key := s.tr.Pick(c) + " " + path
		version := p.version.get()
		if e, ok := p.entries.Get(key); ok && e.version == version {
			return c.Blob(e.status, e.contentType, e.body)
		}
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		err := next(c)
		c.Response().Writer = rec.ResponseWriter
		if err == nil && c.Response().Status == http.StatusOK && !rec.overflow &&
			c.Response().Header().Get("Set-Cookie") == "" {
			p.entries.Add(key, &cachedPage{version: version, status: http.StatusOK,
				contentType: c.Response().Header().Get(echo.HeaderContentType),
				body:        bytes.Clone(rec.buf.Bytes())})
		}
		return err
	}
}

// recorder copies what a handler writes, up to maxCachedBody.
type recorder struct {
	http.ResponseWriter
	buf      bytes.Buffer
	overflow bool
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.overflow {
		if r.buf.Len()+len(b) > maxCachedBody {
			r.overflow = true
			r.buf = bytes.Buffer{}
		} else {
			r.buf.Write(b)
		}
	}
	return r.ResponseWriter.Write(b)
}

// pageParams are the query parameters cached pages depend on; the catalog
// filters are the only ones.
var pageParams = map[string]bool{"craft": true, "region": true, "group": true, "min_price": true,
	"max_price": true, "q": true, "sort": true, "page": true, "per_page": true}

// cacheKey is the path and the query in a fixed order, so the same filters
// in another order share an entry. ok is false when the query has a
// parameter no page depends on ("?utm_source=…"): such a request is served
// uncached, because pages echo the query into their links and one visitor's
// parameters must not reach another's page, and because random parameters
// would fill the cache with copies.
func cacheKey(u *url.URL) (key string, ok bool) {
	q := u.Query()
	for k := range q {
		if !pageParams[k] {
			return "", false
		}
	}
	if len(q) == 0 {
		return u.Path, true
	}
	return u.Path + "?" + q.Encode(), true
}
