package handlers

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// answer is a response as a client sees it, body decompressed.
type answer struct {
	header http.Header
	body   []byte
	gzip   bool
}

func fetch(t *testing.T, h http.Handler, method, path string, hdr map[string]string) answer {
	t.Helper()
	req := proxied(method, path, hdr)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s %s: %d", method, path, rec.Code)
	}
	a := answer{header: rec.Header().Clone(), body: rec.Body.Bytes()}
	if rec.Header().Get("Content-Encoding") == "gzip" && len(a.body) > 0 {
		zr, err := gzip.NewReader(bytes.NewReader(a.body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if a.body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		a.gzip = true
	}
	// Framing, not content: Echo streams (no length), the cache knows it.
	for _, k := range []string{"Content-Length", "Date"} {
		a.header.Del(k)
	}
	return a
}

// proxied is a request from a proxy on this machine, whose
// X-Forwarded-Proto Echo trusts.
func proxied(method, path string, hdr map[string]string) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = "127.0.0.1:40000"
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return req
}

// A cache hit is answered before Echo's middleware runs, with the same
// bytes and the same headers (security headers, CSP, HSTS over HTTPS,
// Content-Type, Vary, a download's Content-Disposition) as the answer that
// filled the cache, compressed or not as the request accepts, and without
// a body for HEAD.
func TestPageCache_HitsAnsweredBeforeEchoMatchTheMiss(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := NewTestServer(t, db, WithPageCache(100))
		ps, err := ts.Store.ListProducts(context.Background(), models.ProductFilter{})
		if err != nil || len(ps.Items) == 0 {
			t.Fatal(err)
		}
		paths := []string{"/", "/products", "/products?sort=name", "/products/" + ps.Items[0].Slug,
			"/api/v1/products/" + ps.Items[0].Slug, "/api/v1/products", "/transparency/breakdowns.csv", "/contact"}
		for _, path := range paths {
			for _, hdr := range []map[string]string{
				{"Accept-Encoding": "gzip, br", "X-Forwarded-Proto": "https"},
				{"Accept-Language": "en-GB,en;q=0.8"},
			} {
				miss := fetch(t, ts.Server, http.MethodGet, path, hdr)
				if !ts.serveCached(httptest.NewRecorder(), proxied(http.MethodGet, path, hdr)) {
					t.Fatalf("%s %v: the hit went through Echo", path, hdr)
				}
				hit := fetch(t, ts.Server, http.MethodGet, path, hdr)
				if !bytes.Equal(hit.body, miss.body) || hit.gzip != miss.gzip {
					t.Errorf("%s %v: hit body (gzip %v) differs from the miss's (gzip %v)", path, hdr, hit.gzip, miss.gzip)
				}
				if !maps.EqualFunc(hit.header, miss.header, slices.Equal) {
					t.Errorf("%s %v: headers differ\nmiss %v\nhit  %v", path, hdr, miss.header, hit.header)
				}
				if hit.header.Get("Content-Security-Policy") == "" ||
					(hdr["X-Forwarded-Proto"] == "https") != (hit.header.Get("Strict-Transport-Security") != "") {
					t.Errorf("%s %v: security headers missing: %v", path, hdr, hit.header)
				}
				head := fetch(t, ts.Server, http.MethodHead, path, hdr)
				if len(head.body) != 0 || head.header.Get("Content-Type") != miss.header.Get("Content-Type") {
					t.Errorf("%s: HEAD from the cache: %d bytes, %v", path, len(head.body), head.header)
				}
			}
		}
		// Large pages are compressed, the gzip answer is smaller.
		for _, ae := range []string{"gzip", ""} {
			a := fetch(t, ts.Server, http.MethodGet, "/products", map[string]string{"Accept-Encoding": ae})
			if a.gzip != (ae == "gzip") {
				t.Errorf("Accept-Encoding %q: gzip %v", ae, a.gzip)
			}
		}
		// A visitor with a session, a query the cache does not key, a POST
		// go the long way.
		for _, req := range []*http.Request{
			httptest.NewRequest(http.MethodGet, "/products", nil),
			httptest.NewRequest(http.MethodGet, "/products?lang=en", nil),
			httptest.NewRequest(http.MethodGet, "/contact?utm_source=x", nil),
			httptest.NewRequest(http.MethodPost, "/products", nil),
		} {
			if req.URL.RawQuery == "" && req.Method == http.MethodGet {
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: "abc"})
			}
			if ts.serveCached(httptest.NewRecorder(), req) {
				t.Errorf("%s %s (cookies %v) answered from the cache", req.Method, req.URL, req.Cookies())
			}
		}
	}, DemoCatalog)
}
