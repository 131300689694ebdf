package handlers

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// A product page rendered from what the catalog data memo keeps reads
// exactly as a plain render, in both languages, before and after a price
// change (a new breakdown version) and a sale (stock); and no visitor's
// CSRF token is kept in a fragment.
func TestProductFragments_ReadAsRenderedOnes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		memo := NewTestServer(t, db, WithConfig(func(c *Config) { c.CatalogMemo = true }))
		plain := NewTestServer(t, db)
		var p models.Product
		if err := db.Where("published = ? AND stock >= 2 AND retail_breakdown_id IS NOT NULL AND wholesale_breakdown_id IS NOT NULL", true).
			Order("id").First(&p).Error; err != nil {
			t.Fatal(err)
		}
		path := "/products/" + p.Slug
		get := func(ts *TestServer, lang string) string {
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
		same := func(stage string, wants ...string) {
			t.Helper()
			for _, lang := range []string{"es", "en"} {
				want := get(plain, lang)
				for _, w := range wants {
					if !strings.Contains(want, w) {
						t.Fatalf("%s %s: the page lacks %q", stage, lang, w)
					}
				}
				for i := range 2 { // rendered, then kept
					if got := get(memo, lang); got != want {
						t.Fatalf("%s %s, visit %d: the memo's page differs from a plain render", stage, lang, i+1)
					}
				}
			}
		}
		same("first", `class="breakdown"`, `class="chart`, `"availability":"https://schema.org/InStock"`)

		// A price change: a new retail breakdown version, dearer by 10 soles.
		r, err := memo.Store.BreakdownByID(ctx, p.ID, *p.RetailBreakdownID)
		if err != nil {
			t.Fatal(err)
		}
		w, err := memo.Store.BreakdownByID(ctx, p.ID, *p.WholesaleBreakdownID)
		if err != nil {
			t.Fatal(err)
		}
		r.ID, w.ID = 0, 0
		r.Price, r.Margin = r.Price+1000, r.Margin+1000
		if _, err := memo.Store.Editor("rosa@ciap.example").SaveBreakdowns(ctx, p.ID, p.LockVersion, r, w, "dearer"); err != nil {
			t.Fatal(err)
		}
		price := models.Money{Amount: r.Price, Currency: r.Currency}.Decimal()
		same("after a price change", `"price":"`+price+`"`)

		// A sale moves the stock: the in-stock line and the add-to-cart
		// form's maximum follow.
		in := models.OrderInput{Customer: models.Customer{Email: "ana@example.com", Name: "Ana Quispe",
			Phone: "+51 987 654 321", Address: models.Address{Country: "PE", Region: "lima-metropolitana",
				City: "Lima", Line: "Jr. Junín 123"}},
			Method: models.PaymentBankTransfer, ExpiresAt: time.Now().Add(time.Hour),
			Lines: []models.OrderLineInput{{ProductID: p.ID, Quantity: 1}}}
		if _, err := memo.Store.PlaceOrder(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
		same("after a sale", `max="`+strconv.Itoa(p.Stock-1)+`"`)

		// A fragment rendered for a signed-in visitor keeps no token.
		memo.data.mu.Lock()
		e := memo.data.products[p.Slug]
		memo.data.mu.Unlock()
		if e == nil || e.pages.views.m["es"] == nil || len(e.pages.frags.m) != 4 {
			t.Fatal("the product page's view and parts were not kept")
		}
		tmpl := memo.views.pages["product"]
		frag := fragFunc(&tmpl)
		var frags pageFragments
		const token = "token-of-a-visitor"
		page := Page{L: memo.tr.For("es"), Data: e.pages.views.m["es"], Viewer: Viewer{CSRF: token, SignedIn: true}}
		for _, name := range []string{"product_top", "product_rest"} {
			h, err := frag(&frags, name, page)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(h), token) {
				t.Errorf("%s keeps the visitor's token", name)
			}
			if h != e.pages.frags.m[fragKey{name, "es"}] {
				t.Errorf("%s for a signed-in visitor differs from the anonymous one", name)
			}
		}
	}, DemoCatalog)
}
