package handlers

import (
	"bytes"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/labstack/echo/v4"
)

// pageCache keeps rendered catalog pages and API answers in memory for
// anonymous visitors. Entries are tagged with the catalog version they were
// rendered under: a change on this instance bumps the version at once, and
// WatchCatalog picks up changes made by other instances.
//
// It is bounded twice: in entries (the LRU) and in bytes (maxBytes), since
// a bound in entries alone lets large pages take any amount of memory.
type pageCache struct {
	entries  *lru.Cache[string, *cachedPage]
	version  *catalogVersion
	maxBytes int64
	bytes    atomic.Int64 // keys and bodies of the entries held
	// addMu serialises add, so the byte count follows the entries exactly.
	addMu sync.Mutex
}

type cachedPage struct {
	version     int64
	status      int
	contentType string
	body        []byte
}

// maxCachedBody keeps one huge export from evicting many pages.
const maxCachedBody = 512 << 10

// DefaultPageCacheBytes bounds the cache when the configuration does not.
const DefaultPageCacheBytes = 64 << 20

// entryOverhead approximates what an entry costs besides its key and body
// (the LRU's list element and map slot, the cachedPage).
const entryOverhead = 256

func pageSize(key string, p *cachedPage) int64 {
	return int64(len(key) + len(p.body) + len(p.contentType) + entryOverhead)
}

func newPageCache(entries int, maxBytes int64, version *catalogVersion) *pageCache {
	if entries <= 0 {
		return nil
	}
	if maxBytes <= 0 {
		maxBytes = DefaultPageCacheBytes
	}
	p := &pageCache{version: version, maxBytes: maxBytes}
	c, err := lru.NewWithEvict(entries, func(key string, e *cachedPage) { p.bytes.Add(-pageSize(key, e)) })
	if err != nil {
		return nil
	}
	p.entries = c
	return p
}

// add keeps a page, then drops the least recently used ones until the
// cache fits in maxBytes again.
func (p *pageCache) add(key string, e *cachedPage) {
	size := pageSize(key, e)
	if size > p.maxBytes {
		return
	}
	p.addMu.Lock()
	defer p.addMu.Unlock()
	// Remove first, so the eviction callback of a replaced entry is counted
	// before the new one is.
	p.entries.Remove(key)
	p.bytes.Add(size)
	p.entries.Add(key, e)
	for p.bytes.Load() > p.maxBytes {
		if _, _, ok := p.entries.RemoveOldest(); !ok {
			return
		}
	}
}

// sessionCookie is the cookie of a visitor with a session (signed in, or
// shown a form): their pages may carry personal data and are never shared.
const sessionCookie = "qhatu_session"

// cacheKeyFunc names the page a request asks for, or returns false when the
// request must be served uncached.
type cacheKeyFunc func(c echo.Context) (string, bool)

// cached serves a GET from the cache, or runs next and keeps a 200 answer.
// The page depends on the path alone: a request with any query parameter
// is served uncached ("?utm_source=…"), because pages echo the query into
// their links and one visitor's parameters must not reach another's page,
// and because random parameters would fill the cache with copies.
func (s *Server) cached(next echo.HandlerFunc) echo.HandlerFunc {
	return s.cachedBy(pathKey, next)
}

// cachedCatalog caches a catalog listing by its parsed, validated filter
// (catalog_filter.go), never by the raw query: the same filter spelt two
// ways shares one entry, and a query that does not parse, repeats a
// parameter or has one the catalog does not know is served uncached.
func (s *Server) cachedCatalog(next echo.HandlerFunc) echo.HandlerFunc {
	return s.cachedBy(func(c echo.Context) (string, bool) {
		f, ok := catalogFilterKey(c, s.tr.Pick(c))
		if !ok {
			return "", false
		}
		return c.Request().URL.Path + "?" + f, true
	}, next)
}

func pathKey(c echo.Context) (string, bool) {
	u := c.Request().URL
	return u.Path, u.RawQuery == ""
}

func (s *Server) cachedBy(key cacheKeyFunc, next echo.HandlerFunc) echo.HandlerFunc {
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
		page, ok := key(c)
		if !ok {
			return next(c)
		}
		k := s.tr.Pick(c) + " " + page
		version := p.version.get()
		if e, ok := p.entries.Get(k); ok && e.version == version {
			return c.Blob(e.status, e.contentType, e.body)
		}
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		err := next(c)
		c.Response().Writer = rec.ResponseWriter
		if err == nil && c.Response().Status == http.StatusOK && !rec.overflow &&
			c.Response().Header().Get("Set-Cookie") == "" {
			p.add(k, &cachedPage{version: version, status: http.StatusOK,
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

// singleValued reports whether every parameter of q appears once and is
// one of known.
func singleValued(q url.Values, known map[string]bool) bool {
	for k, vs := range q {
		if !known[k] || len(vs) != 1 {
			return false
		}
	}
	return true
}
