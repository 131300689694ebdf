package handlers_test

import (
	"context"
	"html"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// A reseller's product page starts the quantity at the wholesale minimum
// rounded up to the pack step and steps by the pack; their cards add that
// quantity (the server decides it, a typed 1 is still refused). Neither
// is served from nor stored into the anonymous page cache, whichever
// visits first, and anonymous pages never show wholesale terms.
func TestWholesaleCards_ResellerAddsTheMinimumCacheKeepsAnonymousPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db, withPageCache(100))
		var p models.Product
		if err := db.Where("published = ? AND wholesale_price_amount > 0 AND wholesale_min_qty > 1 AND wholesale_pack_step > 1 AND stock >= 2 * wholesale_min_qty", true).
			Order("slug").First(&p).Error; err != nil {
			t.Fatal(err)
		}
		start := p.WholesaleStartQty()
		if start%p.WholesalePackStep != 0 || start < p.WholesaleMinQty {
			t.Fatalf("start %d for minimum %d, pack %d", start, p.WholesaleMinQty, p.WholesalePackStep)
		}
		var grp models.Group
		if err := db.Take(&grp, p.GroupID).Error; err != nil {
			t.Fatal(err)
		}
		anon := ts.client(t)
		reseller, u := ts.signInAs(t, models.RoleReseller)
		customer, cu := ts.signInAs(t, models.RoleCustomer)
		for _, c := range []*testClient{anon, reseller, customer} {
			c.Header.Set("Accept-Language", "en")
		}
		productPath := "/products/" + p.Slug
		input := `min="` + strconv.Itoa(start) + `" step="` + strconv.Itoa(p.WholesalePackStep) + `" value="` + strconv.Itoa(start) + `"`
		card := "Wholesale at "
		noTerms := func(what, body string) {
			t.Helper()
			if strings.Contains(body, "wholesale-terms") || strings.Contains(body, card) || strings.Contains(body, input) {
				t.Errorf("%s shows wholesale terms", what)
			}
		}
		wholesaleCached := func() {
			t.Helper()
			for k, body := range ts.CachedBodiesForTest() {
				noTerms("cached "+k, body)
			}
		}
		// Anonymous first, then the reseller: the reseller is not served
		// the cached page.
		for i := 0; i < 2; i++ {
			res := anon.Get(productPath)
			if res.Status != http.StatusOK {
				t.Fatalf("anonymous product page: %d", res.Status)
			}
			noTerms("anonymous product page", res.Body)
		}
		if _, ok := ts.CachedBodiesForTest()["en "+productPath]; !ok {
			t.Fatalf("the anonymous product page was not cached: %v", slices.Sorted(maps.Keys(ts.CachedBodiesForTest())))
		}
		if body := reseller.Get(productPath).Body; !strings.Contains(body, input) || !strings.Contains(body, "wholesale-terms") {
			t.Errorf("reseller's product page: no wholesale quantity input %s", input)
		}
		// The reseller first, then anonymous: nothing of the reseller's is kept.
		for _, path := range []string{"/products", "/", "/groups/" + grp.Slug} {
			body := html.UnescapeString(reseller.Get(path).Body)
			if !strings.Contains(body, card) {
				t.Errorf("reseller's %s: no wholesale card", path)
			}
			wholesaleCached()
			anonBody := anon.Get(path)
			if anonBody.Status != http.StatusOK {
				t.Fatalf("anonymous %s: %d", path, anonBody.Status)
			}
			noTerms("anonymous "+path, html.UnescapeString(anonBody.Body))
			noTerms("customer's "+path, html.UnescapeString(customer.Get(path).Body))
		}
		wholesaleCached()
		// A card's add: no quantity sent. The reseller gets the smallest
		// wholesale quantity, a customer one piece.
		form := url.Values{"product_id": {strconv.FormatInt(p.ID, 10)}}
		for _, c := range []*testClient{reseller, customer} {
			if res := c.PostForm("/cart/add", form); res.Status != http.StatusSeeOther {
				t.Fatalf("card add: %d %.300s", res.Status, res.Body)
			}
		}
		qty := func(u *models.User) int {
			v, err := ts.Store.Cart(context.Background(), models.CartKey{UserID: u.ID, Channel: models.ChannelFor(u.Role)})
			if err != nil || len(v.Items) != 1 {
				t.Fatalf("cart of %s: %v %v", u.Role, v, err)
			}
			return v.Items[0].Quantity
		}
		if got := qty(u); got != start {
			t.Errorf("reseller's card add put %d, want %d", got, start)
		}
		if got := qty(cu); got != 1 {
			t.Errorf("customer's card add put %d, want 1", got)
		}
		// The server still holds the wholesale rules: a typed 1 is refused.
		if res := reseller.PostForm("/cart/add", url.Values{"product_id": {strconv.FormatInt(p.ID, 10)}, "quantity": {"1"}}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("reseller adding 1 more: %d", res.Status)
		}
		if got := qty(u); got != start {
			t.Errorf("after a refused add the cart holds %d", got)
		}
	}, demoCatalog)
}
