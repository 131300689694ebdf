package handlers

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// A visitor with a cart has a session, so their pages (with their count)
// are never cached nor served from the cache; a visitor without one
// still gets cache hits.
func TestCart_CachedPagesNeverCarryAVisitorsCount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := NewTestServer(t, db, WithPageCache(100))
		var p models.Product
		if err := db.Where("published = ? AND stock > 0 AND retail_breakdown_id IS NOT NULL", true).Order("id").First(&p).Error; err != nil {
			t.Fatal(err)
		}
		get := func(cookie string) string {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/products", nil)
			if cookie != "" {
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return string(b)
		}
		const count = `class="cart-count"`
		first := get("")
		if n := ts.cache.entries.Len(); n != 1 {
			t.Fatalf("entries after an anonymous visit: %d", n)
		}
		// A first add from that cached page (no token on it).
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/cart/add",
			strings.NewReader(url.Values{"product_id": {strconv.FormatInt(p.ID, 10)}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var session string
		for _, ck := range res.Cookies() {
			if ck.Name == sessionCookie {
				session = ck.Value
			}
		}
		if res.StatusCode != http.StatusSeeOther || session == "" {
			t.Fatalf("first add: %d, session cookie %q", res.StatusCode, session)
		}
		if mine := get(session); !strings.Contains(mine, count) {
			t.Fatal("the visitor with a cart does not see its count")
		}
		if n := ts.cache.entries.Len(); n != 1 {
			t.Fatalf("a page with a cart count went into the cache: %d entries", n)
		}
		e, _ := ts.cache.entries.Peek(ts.cache.entries.Keys()[0])
		if e == nil || strings.Contains(string(e.body), count) {
			t.Fatal("the cached listing carries a count")
		}
		if again := get(""); again != first || strings.Contains(again, count) {
			t.Fatal("an anonymous visitor no longer gets the cached page")
		}
	}, DemoCatalog)
}
