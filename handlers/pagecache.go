package handlers

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ciap/qhatu/models"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/labstack/echo/v4"
)

// pageCache keeps rendered catalog pages and API answers in memory for
// anonymous visitors. Entries are tagged with the catalog version they were
// rendered under: a change on this instance bumps the version at once, and
// WatchCatalog picks up changes made by other instances. A sale changes
// less: only the pages that show the stock of a product sold (showsStock)
// go stale, by the product clock below.
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
	stock *productClock
	// ledger is the chain head, for pages that show ledger figures.
	ledger *ledgerClock
	// hits and misses count the answers of cacheable requests.
	hits, misses atomic.Int64
}

type cachedPage struct {
	version int64
	// tick is the product clock when rendering began; products are the
	// ones whose stock the page shows.
	tick     uint64
	products []int64
	// ledger marks a page showing ledger figures, rendered at the chain
	// head ledgerSeq (showsLedger).
	ledger    bool
	ledgerSeq int64
	// header is the answer's headers as the middleware and handler set
	// them (security headers, Content-Type, Content-Disposition, …), with
	// Vary and the body's length; body is the page uncompressed.
	header http.Header
	body   []byte
	// gz and gzHeader are the page gzip-compressed, made at the first hit
	// that accepts it (small pages are sent as they are, as the gzip
	// middleware does).
	gzOnce   sync.Once
	gz       []byte
	gzHeader http.Header
}

// hstsMaxAge is the HSTS lifetime the Secure middleware sends over HTTPS
// (server.go); hstsValue is its header as Echo writes it, for cache hits.
const hstsMaxAge = 31536000

var hstsValue = []string{"max-age=" + strconv.Itoa(hstsMaxAge) + "; includeSubdomains"}

// pageVary is the Vary header of every cacheable answer: the page depends
// on the language (Accept-Language or the language cookie), on the
// session cookie, and its encoding on Accept-Encoding.
const pageVary = "Accept-Encoding, Accept-Language, Cookie"

// gzipMinLength is the size below which a page is sent uncompressed, as
// the gzip middleware's MinLength (server.go).
const gzipMinLength = 1024

// newCachedPage keeps a handler's answer: its body and the headers worth
// replaying. Per-answer headers are dropped: the length and encoding are
// the cache's to set, HSTS depends on the request's scheme.
func newCachedPage(h http.Header, body []byte) *cachedPage {
	h = h.Clone()
	for _, k := range []string{echo.HeaderContentLength, echo.HeaderContentEncoding, echo.HeaderVary,
		echo.HeaderStrictTransportSecurity, echo.HeaderSetCookie, "Date"} {
		delete(h, k)
	}
	h[echo.HeaderVary] = []string{pageVary}
	e := &cachedPage{header: h, body: bytes.Clone(body)}
	e.header[echo.HeaderContentLength] = []string{strconv.Itoa(len(e.body))}
	return e
}

// gzipped returns the compressed body and its headers, compressing once.
func (e *cachedPage) gzipped() ([]byte, http.Header) {
	e.gzOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		if _, err := zw.Write(e.body); err != nil || zw.Close() != nil {
			return
		}
		h := e.header.Clone()
		h[echo.HeaderContentEncoding] = []string{"gzip"}
		h[echo.HeaderContentLength] = []string{strconv.Itoa(buf.Len())}
		e.gz, e.gzHeader = buf.Bytes(), h
	})
	return e.gz, e.gzHeader
}

// write sends the page: compressed when the request accepts gzip (as the
// gzip middleware reads Accept-Encoding) and the page is worth it, and
// without a body for HEAD.
func (e *cachedPage) write(w http.ResponseWriter, r *http.Request, https bool) {
	body, h := e.body, e.header
	if len(body) >= gzipMinLength && strings.Contains(r.Header.Get(echo.HeaderAcceptEncoding), "gzip") {
		if gz, gh := e.gzipped(); gh != nil {
			body, h = gz, gh
		}
	}
	dst := w.Header()
	for k, v := range h {
		dst[k] = v
	}
	if https {
		dst[echo.HeaderStrictTransportSecurity] = hstsValue
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// productClock says when each product's stock last moved, in ticks of a
// counter local to the instance: a page rendered at tick t is stale once
// one of its products moved after t. A product moved while its page was
// rendering makes the page stale too (at worst one needless miss), never
// a page that keeps old stock.
type productClock struct {
	tick  atomic.Uint64
	mu    sync.RWMutex
	moved map[int64]uint64
}

// now is the tick to tag a page with, read before rendering it.
func (k *productClock) now() uint64 { return k.tick.Load() }

// move marks products as moved now.
func (k *productClock) move(ids []int64) {
	if len(ids) == 0 {
		return
	}
	t := k.tick.Add(1)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.moved == nil {
		k.moved = map[int64]uint64{}
	}
	for _, id := range ids {
		k.moved[id] = t
	}
}

// fresh reports whether none of products moved after tick.
func (k *productClock) fresh(tick uint64, products []int64) bool {
	if len(products) == 0 {
		return true
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, id := range products {
		if k.moved[id] > tick {
			return false
		}
	}
	return true
}

// fresh reports whether e still shows the catalog as it is.
func (p *pageCache) fresh(e *cachedPage) bool {
	return e.version == p.version.get() && p.stock.fresh(e.tick, e.products) &&
		(!e.ledger || e.ledgerSeq >= 0 && e.ledgerSeq == p.ledger.current())
}

// stockKey is the echo.Context key of the products a page shows the
// stock of.
const stockKey = "qhatu.page.stock"

// showsStock records that the page being rendered shows the stock of the
// products ids (a buy button, "sold out", an availability, a JSON stock
// figure): the page cache drops it when one of them sells or is counted.
// Pages that show no stock call nothing.
func showsStock(c echo.Context, ids ...int64) {
	prev, _ := c.Get(stockKey).([]int64)
	c.Set(stockKey, append(prev, ids...))
}

// productIDs lists the IDs of ps (for showsStock, or to load what
// belongs to a page of products in one query).
func productIDs(ps []models.Product) []int64 {
	ids := make([]int64, len(ps))
	for i := range ps {
		ids[i] = ps[i].ID
	}
	return ids
}

// maxCachedBody keeps one huge export from evicting many pages.
const maxCachedBody = 512 << 10

// DefaultPageCacheBytes bounds the cache when the configuration does not.
const DefaultPageCacheBytes = 64 << 20

// entryOverhead approximates what an entry costs besides its key and body
// (the LRU's list element and map slot, the cachedPage).
const entryOverhead = 256

// pageSize counts the body twice: its compressed copy is usually far
// smaller, and is made only once a client asks for it.
func pageSize(key string, p *cachedPage) int64 {
	return int64(len(key) + 2*len(p.body) + 8*len(p.products) + entryOverhead)
}

func newPageCache(entries int, maxBytes int64, version *catalogVersion, stock *productClock) *pageCache {
	if entries <= 0 {
		return nil
	}
	if maxBytes <= 0 {
		maxBytes = DefaultPageCacheBytes
	}
	p := &pageCache{version: version, stock: stock, maxBytes: maxBytes}
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
	return s.cachedBy(s.catalogKey, next)
}

func (s *Server) catalogKey(c echo.Context) (string, bool) {
	f, ok := catalogFilterKey(c, s.tr.Pick(c))
	if !ok {
		return "", false
	}
	return c.Request().URL.Path + "?" + f, true
}

func pathKey(c echo.Context) (string, bool) {
	u := c.Request().URL
	return u.Path, u.RawQuery == ""
}

// catalogListings are the routes cached by cachedCatalog, whose key the
// early path (serveCached) computes as cachedCatalog does.
var catalogListings = map[string]bool{"/products": true, "/api/v1/products": true}

// anonymous reports whether r carries no session cookie. A false
// "carries one" (a cookie whose name ends with the session's) only sends
// the request the long way.
func anonymous(r *http.Request) bool {
	for _, h := range r.Header["Cookie"] {
		if strings.Contains(h, sessionCookie+"=") {
			return false
		}
	}
	return true
}

// serveCached answers a cache hit before Echo and its middleware run:
// an anonymous GET or HEAD of a page whose fresh copy is in the cache gets
// it with the headers the middleware gave it (security headers and CSP
// included), and the request log line. Everything else — a miss, a
// visitor with a session, a query the page cache does not key — returns
// false and goes through Echo, which renders and fills the cache
// (cachedBy).
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request) bool {
	p := s.cache
	if p == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) ||
		strings.HasPrefix(r.URL.Path, "/static/") || !anonymous(r) {
		return false
	}
	start := time.Now()
	c := s.echo.AcquireContext()
	defer s.echo.ReleaseContext(c)
	c.Reset(r, w)
	if c.QueryParam("lang") != "" { // Pick would set the language cookie
		return false
	}
	var page string
	var ok bool
	if catalogListings[r.URL.Path] {
		page, ok = s.catalogKey(c)
	} else {
		page, ok = pathKey(c)
	}
	if !ok {
		return false
	}
	e, ok := p.entries.Get(s.tr.Pick(c) + " " + page)
	if !ok || !p.fresh(e) {
		return false
	}
	p.hits.Add(1)
	e.write(w, r, c.Scheme() == "https")
	s.logRequest(r.Context(), r.Method, r.URL.Path, http.StatusOK, time.Since(start), c.RealIP())
	return true
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
		c.Response().Header().Set(echo.HeaderVary, pageVary)
		page, ok := key(c)
		if !ok {
			return next(c)
		}
		k := s.tr.Pick(c) + " " + page
		version, tick, ledgerSeq := p.version.get(), p.stock.now(), p.ledger.current()
		if e, ok := p.entries.Get(k); ok && p.fresh(e) {
			// Most hits are answered before Echo (serveCached); this one
			// goes through the gzip middleware like any answer.
			p.hits.Add(1)
			h := c.Response().Header()
			for k, v := range e.header {
				if k != echo.HeaderContentLength {
					h[k] = v
				}
			}
			return c.Blob(http.StatusOK, h.Get(echo.HeaderContentType), e.body)
		}
		p.misses.Add(1)
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		err := next(c)
		c.Response().Writer = rec.ResponseWriter
		if err == nil && c.Response().Status == http.StatusOK && !rec.overflow &&
			c.Response().Header().Get("Set-Cookie") == "" {
			e := newCachedPage(c.Response().Header(), rec.buf.Bytes())
			e.version, e.tick = version, tick
			e.products, _ = c.Get(stockKey).([]int64)
			e.ledger, _ = c.Get(ledgerKey).(bool)
			e.ledgerSeq = ledgerSeq
			p.add(k, e)
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
