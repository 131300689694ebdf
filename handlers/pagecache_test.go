package handlers

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// cacheBytesHeld sums what the cache's entries cost, to check its count.
func cacheBytesHeld(p *pageCache) int64 {
	var n int64
	for _, k := range p.entries.Keys() {
		if e, ok := p.entries.Peek(k); ok {
			n += pageSize(k, e)
		}
	}
	return n
}

func TestPageCache_HostileQueriesCannotGrowIt(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		const maxBytes = 256 << 10
		srv := NewTestServer(t, db, WithConfig(func(c *Config) {
			c.PageCacheEntries, c.PageCacheBytes = 1000, maxBytes
		})).Server
		get := func(target string) int {
			t.Helper()
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
			if rec.Code >= 500 {
				t.Fatalf("GET %.80s: %d", target, rec.Code)
			}
			return rec.Code
		}
		p := srv.cache
		for _, base := range []string{"/products", "/api/v1/products"} {
			get(base)
		}
		if n := p.entries.Len(); n != 2 {
			t.Fatalf("entries after the two listings: %d", n)
		}
		big := strings.Repeat("x", 100<<10)
		zeros := strings.Repeat("0", 100<<10)
		for i := range 20 {
			pad := big + strings.Repeat("y", i)
			for _, base := range []string{"/products", "/api/v1/products"} {
				// Only the first value of a repeated parameter is read.
				get(base + "?sort=name&sort=" + pad)
				// Unknown parameters.
				get(base + "?utm_source=" + pad)
				// Valid, but spelt with padding: the parsed filter is the
				// plain listing's, and so is its entry.
				if code := get(base + "?page=" + zeros + "1&per_page=" + zeros[:i] + "24"); code != http.StatusOK {
					t.Fatalf("padded page number: %d", code)
				}
				get(base + "?sort=featured&craft=&q=")
			}
		}
		if n := p.entries.Len(); n != 2 {
			t.Fatalf("hostile queries grew the cache to %d entries (%d bytes)", n, p.bytes.Load())
		}

		// Many distinct, valid filters: the byte bound evicts.
		for i := range 60 {
			get("/products?q=" + strings.Repeat("a", i%40) + "&per_page=100&page=" + string(rune('1'+i%9)))
		}
		held := p.bytes.Load()
		if held > maxBytes || held != cacheBytesHeld(p) {
			t.Fatalf("cache holds %d bytes by its count, %d by its entries, bound %d", held, cacheBytesHeld(p), maxBytes)
		}
		if n := p.entries.Len(); n < 2 || n >= 60 {
			t.Fatalf("entries after 60 distinct filters within %d bytes: %d", maxBytes, n)
		}
	})
}
