package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// "45,50" in a price filter is S/ 45.50 (it was once read as S/ 4,550.00),
// on the catalog page and in the API alike.
func TestProductsPage_PriceFilterReadsADecimalComma(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		ctx := context.Background()
		total := func(f models.ProductFilter) int64 {
			page, err := ts.Store.ListProducts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return page.Total
		}
		all, atLeast := total(models.ProductFilter{}), total(models.ProductFilter{MinPrice: 4550})
		atMost := total(models.ProductFilter{MaxPrice: 4550})
		if atLeast == 0 || atLeast == all || atMost == 0 {
			t.Fatalf("the demo catalog should have prices on both sides of S/ 45.50: %d of %d", atLeast, all)
		}
		c := ts.client(t)
		for _, typed := range []string{"45,50", "45.50", "45,5", "S/ 45,50", " 45,50 "} {
			q := url.QueryEscape(typed)
			page := c.Get("/products?lang=en&min_price=" + q)
			if page.Status != http.StatusOK {
				t.Fatalf("min_price=%q: status %d", typed, page.Status)
			}
			if got, _ := inputValue(page.Body, "min_price"); got != "45.50" {
				t.Errorf("min_price=%q: the filter shows %q, want 45.50", typed, got)
			}
			for param, want := range map[string]int64{"min_price": atLeast, "max_price": atMost} {
				res := c.Get("/api/v1/products?per_page=1&" + param + "=" + q)
				var body struct{ Total int64 }
				if err := json.Unmarshal([]byte(res.Body), &body); err != nil || res.Status != http.StatusOK {
					t.Fatalf("%s=%q: %d %v", param, typed, res.Status, err)
				}
				if body.Total != want {
					t.Errorf("%s=%q: %d products, want %d (those at S/ 45.50 or beyond)", param, typed, body.Total, want)
				}
			}
		}
		refused := map[string]string{
			"1,234":    "“1,234” could be thousands or decimals. Write 1234 (without a thousands separator) or 1234,00",
			"1234,567": "has more than two decimals",
			"-45":      "cannot be negative",
			"45,5x":    "is not an amount in soles",
		}
		for typed, say := range refused {
			res := c.Get("/api/v1/products?lang=en&min_price=" + url.QueryEscape(typed))
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, say) {
				t.Errorf("min_price=%q: %d %s, want 400 saying %q", typed, res.Status, res.Body, say)
			}
		}
	}, demoCatalog, dbtest.Shared)
}

// Staff type prices with a decimal comma in the price editor, and an
// amount that could be read two ways is refused beside its field.
func TestAdmin_PricesAcceptADecimalComma(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		staff, _ := s.signInAs(t, models.RoleStaff)
		form := func(change map[string]string) url.Values {
			v := retailPrices()
			v.Set("lock_version", strconv.FormatInt(s.product.LockVersion, 10))
			v.Set("reason", "precios escritos con coma")
			for k, x := range change {
				v.Set(k, x)
			}
			return v
		}
		res := staff.PostForm(s.path("/prices")+"?lang=en", form(map[string]string{"retail.taxes": "1.525"}))
		if got := fieldError(res.Body, "f-retail-taxes"); res.Status != http.StatusBadRequest ||
			!strings.Contains(got, "could be thousands or decimals. Write 1525") {
			t.Fatalf("1.525: %d, message %q", res.Status, got)
		}
		res = staff.PostForm(s.path("/prices"), form(map[string]string{
			"retail.artisan_labour": "40,00", "retail.margin": "9,75", "retail.taxes": "S/ 15,25",
			"wholesale.artisan_labour": "40", "wholesale.price": "95,0",
		}))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %.300s", res.Status, res.Body)
		}
		s.reload(t)
		r, w := s.product.RetailBreakdown, s.product.WholesaleBreakdown
		if r.ArtisanLabour != 4000 || r.Margin != 975 || r.Taxes != 1525 || w.Price != 9500 || s.product.PaidToArtisansAmount != 5000 {
			t.Fatalf("saved retail %+v wholesale %+v", r, w)
		}
	})
}
