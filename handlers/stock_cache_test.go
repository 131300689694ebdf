package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// cacheCounts is what a page cache has answered so far.
type cacheCounts struct{ hits, misses int64 }

func countsOf(p *pageCache) cacheCounts { return cacheCounts{p.hits.Load(), p.misses.Load()} }

// getCached fetches path as an anonymous visitor and says whether the
// page cache answered it.
func getCached(t *testing.T, ts *TestServer, path string) (body string, hit bool) {
	t.Helper()
	before := countsOf(ts.cache)
	res, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
	}
	after := countsOf(ts.cache)
	switch {
	case after.hits == before.hits+1 && after.misses == before.misses:
		return string(b), true
	case after.misses == before.misses+1 && after.hits == before.hits:
		return string(b), false
	}
	t.Fatalf("GET %s: cache counts went %+v → %+v", path, before, after)
	return "", false
}

// apiStock reads a product's stock from its (maybe cached) JSON.
func apiStock(t *testing.T, body string) int {
	t.Helper()
	var p struct{ Stock int }
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("product JSON: %v", err)
	}
	return p.Stock
}

// A sale refreshes the pages that show the sold product's stock — its
// page, its JSON, the listings and group page it is on — on this instance
// at once and on another one after its poll, while every other page keeps
// being served from the cache.
func TestPageCache_ASaleRefreshesOnlyWhatItSold(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a := NewTestServer(t, db, WithPageCache(200))
		b := NewTestServer(t, db, WithPageCache(200)) // another instance
		// The sold piece is on the catalog's first page; the other one is
		// of another group and not on that page.
		first, err := a.Store.ListProducts(ctx, models.ProductFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var sold *models.Product
		for i := range first.Items {
			if p := &first.Items[i]; p.Stock >= 2 && p.RetailBreakdownID != nil {
				sold = p
				break
			}
		}
		var quiet models.Product
		err = db.Joins("Group").Where("products.published = ? AND products.group_id <> ? AND products.id NOT IN ?",
			true, sold.GroupID, productIDs(first.Items)).Order("products.id").First(&quiet).Error
		if sold == nil || err != nil {
			t.Fatalf("no piece to sell (%v) or none unrelated: %v", sold, err)
		}
		soldPages := []string{"/products/" + sold.Slug, "/api/v1/products/" + sold.Slug, "/products",
			"/api/v1/products", "/groups/" + sold.Group.Slug, "/api/v1/groups/" + sold.Group.Slug}
		quietPages := []string{"/products/" + quiet.Slug, "/api/v1/products/" + quiet.Slug,
			"/groups/" + quiet.Group.Slug, "/products/" + sold.Slug + "/history", "/transparency", "/groups"}
		all := append(append([]string{}, soldPages...), quietPages...)
		for _, ts := range []*TestServer{a, b} {
			for _, p := range all {
				getCached(t, ts, p)
				if _, hit := getCached(t, ts, p); !hit {
					t.Fatalf("%s not cached", p)
				}
			}
		}
		in := models.OrderInput{Customer: models.Customer{Email: "ana@example.com", Name: "Ana Quispe",
			Phone: "+51 987 654 321", Address: models.Address{Country: "PE", Region: "lima-metropolitana",
				City: "Lima", Line: "Jr. Junín 123"}},
			Method: models.PaymentBankTransfer, ExpiresAt: time.Now().Add(time.Hour),
			Lines: []models.OrderLineInput{{ProductID: sold.ID, Quantity: 1}}}
		if _, err := a.Store.PlaceOrder(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
		left := sold.Stock - 1

		check := func(name string, ts *TestServer, wantStock int) {
			t.Helper()
			for _, p := range quietPages {
				if _, hit := getCached(t, ts, p); !hit {
					t.Errorf("%s: %s was dropped by a sale of another piece", name, p)
				}
			}
			for _, p := range soldPages {
				body, hit := getCached(t, ts, p)
				if hit == (wantStock == left) {
					t.Errorf("%s: %s hit=%v, stock on it should be %d", name, p, hit, wantStock)
				}
				if p == "/products/"+sold.Slug && !strings.Contains(body, fmt.Sprintf(`max="%d"`, wantStock)) {
					t.Errorf("%s: the product page does not offer %d pieces", name, wantStock)
				}
			}
			if body, _ := getCached(t, ts, "/api/v1/products/"+sold.Slug); apiStock(t, body) != wantStock {
				t.Errorf("%s: JSON stock %d, want %d", name, apiStock(t, body), wantStock)
			}
		}
		check("the selling instance", a, left)
		// The other instance has not polled yet: its pages are as they were.
		check("the other instance before its poll", b, sold.Stock)
		b.pollCatalog(ctx)
		check("the other instance after its poll", b, left)
		// The selling instance's own poll does not drop its pages again.
		a.pollCatalog(ctx)
		for _, p := range all {
			if _, hit := getCached(t, a, p); !hit {
				t.Errorf("the seller's poll dropped %s a second time", p)
			}
		}
	}, DemoCatalog)
}

// A page is tagged with the tick its rendering began at: a product that
// moves while it renders makes it stale, one that moved before does not.
func TestProductClock_StaleOnlyAfterAMoveOfItsProducts(t *testing.T) {
	var k productClock
	k.move([]int64{1})
	tick := k.now() // rendering begins
	if !k.fresh(tick, []int64{1, 2}) {
		t.Fatal("a move before rendering began makes the page stale")
	}
	k.move([]int64{3})
	if !k.fresh(tick, []int64{1, 2}) {
		t.Fatal("a move of another product makes the page stale")
	}
	k.move([]int64{2}) // while rendering
	if k.fresh(tick, []int64{1, 2}) {
		t.Fatal("a move during rendering leaves the page fresh")
	}
	if !k.fresh(tick, nil) {
		t.Fatal("a page without stock went stale")
	}
}

// With the page cache off and the catalog data memo on (how a miss is
// rendered in production), pages read products and listings from memory
// but still show a sale's stock: at once on the selling instance, after
// its poll on another; and a catalog edit at once.
func TestCatalogData_FollowsSalesAndEdits(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		memo := WithConfig(func(c *Config) { c.CatalogMemo = true })
		a, b := NewTestServer(t, db, memo), NewTestServer(t, db, memo)
		var sold models.Product
		if err := db.Where("published = ? AND stock >= 2 AND retail_breakdown_id IS NOT NULL", true).
			Order("id").First(&sold).Error; err != nil {
			t.Fatal(err)
		}
		stockIn := func(ts *TestServer, path string) int {
			t.Helper()
			res, err := http.Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var page struct {
				Stock int
				Slug  string
				Items []struct {
					Slug  string
					Stock int
				}
			}
			if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if page.Slug == sold.Slug {
				return page.Stock
			}
			for _, it := range page.Items {
				if it.Slug == sold.Slug {
					return it.Stock
				}
			}
			t.Fatalf("%s does not list %s", path, sold.Slug)
			return 0
		}
		paths := []string{"/api/v1/products/" + sold.Slug, "/api/v1/products?per_page=100"}
		for _, ts := range []*TestServer{a, b} {
			for _, p := range paths {
				if got := stockIn(ts, p); got != sold.Stock {
					t.Fatalf("%s: stock %d, want %d", p, got, sold.Stock)
				}
			}
		}
		queries := countQueries(t, db)
		for _, p := range paths {
			stockIn(a, p)
		}
		if n := queries(); n != 0 {
			t.Errorf("memoized pages ran %d queries", n)
		}
		in := models.OrderInput{Customer: models.Customer{Email: "ana@example.com", Name: "Ana Quispe",
			Phone: "+51 987 654 321", Address: models.Address{Country: "PE", Region: "lima-metropolitana",
				City: "Lima", Line: "Jr. Junín 123"}},
			Method: models.PaymentBankTransfer, ExpiresAt: time.Now().Add(time.Hour),
			Lines: []models.OrderLineInput{{ProductID: sold.ID, Quantity: 1}}}
		if _, err := a.Store.PlaceOrder(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			if got := stockIn(a, p); got != sold.Stock-1 {
				t.Errorf("seller %s: stock %d after the sale", p, got)
			}
			if got := stockIn(b, p); got != sold.Stock {
				t.Errorf("other instance %s before its poll: stock %d", p, got)
			}
		}
		b.pollCatalog(ctx)
		for _, p := range paths {
			if got := stockIn(b, p); got != sold.Stock-1 {
				t.Errorf("other instance %s after its poll: stock %d", p, got)
			}
		}
		// A catalog edit bumps the version: the memo reads again.
		if err := a.Store.Editor("rosa@ciap.example").SetProductPublished(ctx, sold.ID, sold.LockVersion, false); err != nil {
			t.Fatal(err)
		}
		res, err := http.Get(a.URL + paths[0])
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("an unpublished product still answers %d", res.StatusCode)
		}
	}, DemoCatalog)
}

// countQueries counts the queries run on db from now on; each call of the
// function returned gives the count since the last one.
func countQueries(t *testing.T, db *gorm.DB) func() int {
	t.Helper()
	var n atomic.Int64
	name := "qhatu:count:" + t.Name()
	cb := db.Callback()
	for _, p := range []interface {
		Register(string, func(*gorm.DB)) error
		Remove(string) error
	}{cb.Query(), cb.Row(), cb.Raw()} {
		if err := p.Register(name, func(*gorm.DB) { n.Add(1) }); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Remove(name) })
	}
	return func() int { return int(n.Swap(0)) }
}

// The catalog's cards kept by the memo read exactly as freshly rendered
// ones, in both languages; a visitor's CSRF token is never kept in one.
func TestCatalogCards_KeptCardsReadAsRenderedOnes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		memo := NewTestServer(t, db, WithConfig(func(c *Config) { c.CatalogMemo = true }))
		plain := NewTestServer(t, db)
		get := func(ts *TestServer, path, lang string) string {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
			req.Header.Set("Accept-Language", lang)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, res.StatusCode)
			}
			return string(b)
		}
		for _, path := range []string{"/products", "/products?page=2", "/products?sort=price_desc&per_page=6"} {
			for _, lang := range []string{"es", "en"} {
				want := get(plain, path, lang)
				if !strings.Contains(want, `class="card"`) {
					t.Fatalf("%s: no cards", path)
				}
				for i := range 2 { // rendered, then kept
					if got := get(memo, path, lang); got != want {
						t.Fatalf("%s %s, visit %d: the memo's page differs from a plain render", path, lang, i+1)
					}
				}
			}
		}
		var frags cardFragments
		tmpl := memo.views.pages["products"]
		card := cardFunc(&tmpl)
		p := &models.Product{ID: 1, Slug: "x", NameES: "x", Group: &models.Group{Name: "g"}}
		l := memo.tr.For("es")
		if _, err := card(&frags, p, l, "token-of-a-visitor", false, false); err != nil {
			t.Fatal(err)
		}
		if len(frags.m) != 0 {
			t.Fatal("a card with a visitor's token was kept")
		}
		if _, err := card(&frags, p, l, "", false, true); err != nil || len(frags.m) != 0 {
			t.Fatalf("a card with wholesale terms was kept: %v", err)
		}
		if _, err := card(&frags, p, l, "", false, false); err != nil || len(frags.m) != 1 {
			t.Fatalf("an anonymous card was not kept: %v", err)
		}
	}, DemoCatalog)
}
