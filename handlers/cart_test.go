package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// cartProduct picks a published demo product with a retail price and
// gives it stock pieces.
func cartProduct(t *testing.T, db *gorm.DB, stock int) models.Product {
	t.Helper()
	var p models.Product
	if err := db.Where("published = ? AND retail_breakdown_id IS NOT NULL AND price_amount > 0", true).
		Order("id").First(&p).Error; err != nil {
		t.Fatalf("a product for sale: %v", err)
	}
	if err := db.Model(&models.Product{}).Where("id = ?", p.ID).Update("stock", stock).Error; err != nil {
		t.Fatalf("set stock: %v", err)
	}
	p.Stock = stock
	return p
}

// cartShop is a shop whose first product for sale has stock pieces, and
// a browser reading it in English; id is the product's ID as a form sends it.
func cartShop(t *testing.T, db *gorm.DB, stock int, opts ...testOption) (*testServer, models.Product, *testClient, string) {
	t.Helper()
	ts := newTestServer(t, db, opts...)
	p := cartProduct(t, db, stock)
	return ts, p, englishClient(t, ts), strconv.FormatInt(p.ID, 10)
}

// englishClient is a browser reading the shop in English.
func englishClient(t *testing.T, ts *testServer) *testClient {
	c := ts.client(t)
	c.Header.Set("Accept-Language", "en")
	return c
}

// guestAndAccountCarts is a shop where an account already holds one piece
// (from another browser) and a guest, not signed in, has put two of the
// same product in a cart of its own.
func guestAndAccountCarts(t *testing.T, db *gorm.DB) (*testServer, *testClient, *models.User) {
	t.Helper()
	ts, p, guest, id := cartShop(t, db, 5)
	u := ts.createUser(t, models.RoleCustomer)
	if err := ts.Store.AddToCart(context.Background(), models.CartKey{UserID: u.ID}, p.ID, 1); err != nil {
		t.Fatal(err)
	}
	if res := guest.PostForm("/cart/add", url.Values{"product_id": {id}, "quantity": {"2"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("guest add: %d", res.Status)
	}
	return ts, guest, u
}

func headerCount(body string) string {
	const open = `<span class="cart-count">`
	i := strings.Index(body, open)
	if i < 0 {
		return ""
	}
	rest := body[i+len(open):]
	return rest[:strings.Index(rest, "<")]
}

func cartQuantity(t *testing.T, ts *testServer, k models.CartKey) int {
	t.Helper()
	v, err := ts.Store.Cart(context.Background(), k)
	if err != nil {
		t.Fatal(err)
	}
	return v.Count()
}

func TestCart_AddShowUpdateRemove(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		p := cartProduct(t, db, 5)
		c := englishClient(t, ts)

		res := c.PostForm("/cart/add", url.Values{"slug": {p.Slug}, "quantity": {"2"}})
		if res.Status != http.StatusSeeOther || res.Location() != "/cart" {
			t.Fatalf("add: %d %q: %.300s", res.Status, res.Location(), res.Body)
		}
		cart := c.Get("/cart")
		checkPage(t, "cart", cart)
		for _, want := range []string{"Added to your cart.", html.EscapeString(p.Name("en")), "Items total",
			"Of which paid to the artisans", "IGV", "Line total: " + moneyText(t, p.Price().Mul(2))} {
			if !strings.Contains(cart.Body, want) {
				t.Errorf("cart page lacks %q", want)
			}
		}
		if again := c.Get("/products"); strings.Contains(again.Body, "Added to your cart.") || headerCount(again.Body) != "2" {
			t.Errorf("the next page: message shown again %v, header count %q", strings.Contains(again.Body, "Added to your cart."), headerCount(again.Body))
		}

		id := strconv.FormatInt(p.ID, 10)
		if res := c.PostForm("/cart/update", url.Values{"product_id": {id}, "quantity": {"3"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("update: %d: %.300s", res.Status, res.Body)
		}
		if got := headerCount(c.Get("/products").Body); got != "3" {
			t.Fatalf("header count after update to 3: %q", got)
		}
		res = c.PostForm("/cart/remove", url.Values{"product_id": {id}, "next": {"/products/" + p.Slug}})
		if res.Status != http.StatusSeeOther || res.Location() != "/products/"+p.Slug {
			t.Fatalf("remove with next: %d %q", res.Status, res.Location())
		}
		cart = c.Get("/cart")
		checkPage(t, "empty cart", cart)
		if !strings.Contains(cart.Body, "Your cart is empty") || headerCount(cart.Body) != "" {
			t.Fatalf("cart after removing its line: %.500s", cart.Body)
		}
		// next must be a local path.
		res = c.PostForm("/cart/add", url.Values{"product_id": {id}, "next": {"https://evil.example/"}})
		if res.Status != http.StatusSeeOther || res.Location() != "/cart" {
			t.Fatalf("add with a foreign next: %d %q", res.Status, res.Location())
		}
	}, demoCatalog)
}

// moneyText formats as the English pages do, HTML-escaped.
func moneyText(t *testing.T, m models.Money) string {
	t.Helper()
	tr := handlers.SharedTranslations(t)
	return html.EscapeString(tr.For("en").Money(m))
}

func TestCart_PriceFieldsFromTheBrowserChangeNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		p := cartProduct(t, db, 5)
		u := ts.createUser(t, models.RoleCustomer)
		c := englishClient(t, ts)
		c.signIn(u.Email, testPassword)
		id := strconv.FormatInt(p.ID, 10)
		tamper := url.Values{"product_id": {id}, "quantity": {"2"}, "price": {"1"}, "price_amount": {"1"},
			"unit_price": {"0.01"}, "total": {"0.02"}, "discount": {"99"}, "channel": {"wholesale"},
			"wholesale": {"1"}, "currency": {"USD"}}
		if res := c.PostForm("/cart/add", tamper); res.Status != http.StatusSeeOther {
			t.Fatalf("add: %d: %.300s", res.Status, res.Body)
		}
		tamper.Set("quantity", "3")
		if res := c.PostForm("/cart/update", tamper); res.Status != http.StatusSeeOther {
			t.Fatalf("update: %d: %.300s", res.Status, res.Body)
		}
		v, err := ts.Store.Cart(context.Background(), models.CartKey{UserID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		want := p.Price().Mul(3)
		if len(v.Items) != 1 || v.Items[0].Quantity != 3 || v.ItemsTotal() != want {
			t.Fatalf("cart: %d lines, total %v; want 3 pieces at the catalog price, %v", len(v.Items), v.ItemsTotal(), want)
		}
		if body := c.Get("/cart").Body; !strings.Contains(body, moneyText(t, want)) {
			t.Fatalf("cart page lacks the catalog total %s", moneyText(t, want))
		}
	}, demoCatalog)
}

func TestCart_BadQuantitiesAreRefusedWithAMessage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, _, c, id := cartShop(t, db, 5)
		if res := c.PostForm("/cart/add", url.Values{"product_id": {id}}); res.Status != http.StatusSeeOther {
			t.Fatalf("add one (no quantity field): %d", res.Status)
		}
		for _, tc := range []struct{ qty, msg string }{
			{"0", "at least 1"},
			{"-1", "whole number"},
			{"1.5", "whole number"},
			{"abc", "whole number"},
			{"", "give a quantity"},
			{"12345678901234567890", "far more than we have"},
			{"1e3", "whole number"},
			{"+2", "whole number"},
		} {
			for _, path := range []string{"/cart/add", "/cart/update"} {
				res := c.PostForm(path, url.Values{"product_id": {id}, "quantity": {tc.qty}})
				if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.msg) {
					t.Errorf("%s quantity %q: %d, want 422 saying %q: %.300s", path, tc.qty, res.Status, tc.msg, res.Body)
				}
				checkPage(t, "refused quantity", res)
			}
		}
		if got := headerCount(c.Get("/cart").Body); got != "1" {
			t.Fatalf("refused quantities changed the cart: count %q", got)
		}
	}, demoCatalog)
}

func TestCart_MoreThanStockSaysHowManyAreLeft(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, p, c, id := cartShop(t, db, 3)
		res := c.PostForm("/cart/add", url.Values{"product_id": {id}, "quantity": {"4"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Only 3 left") {
			t.Fatalf("4 of 3: %d: %.300s", res.Status, res.Body)
		}
		if res := c.PostForm("/cart/add", url.Values{"product_id": {id}, "quantity": {"2"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("2 of 3: %d", res.Status)
		}
		res = c.PostForm("/cart/add", url.Values{"product_id": {id}, "quantity": {"2"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Only 3 left") {
			t.Fatalf("2 more on top of 2, of 3: %d: %.300s", res.Status, res.Body)
		}
		// Stock falls below the cart's quantity: the line says so.
		if err := db.Model(&models.Product{}).Where("id = ?", p.ID).Update("stock", 1).Error; err != nil {
			t.Fatal(err)
		}
		short := c.Get("/cart")
		checkPage(t, "cart with a short line", short)
		if body := short.Body; !strings.Contains(body, "Only 1 left: lower the quantity") {
			t.Fatalf("cart with a line above the stock: %.500s", body)
		}
		if err := db.Model(&models.Product{}).Where("id = ?", p.ID).Update("published", false).Error; err != nil {
			t.Fatal(err)
		}
		if body := c.Get("/cart").Body; !strings.Contains(body, "no longer available") {
			t.Fatalf("cart with an unpublished product: %.500s", body)
		}
	}, demoCatalog)
}

func TestCart_GuestCartMergesAtSignIn(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, guest, u := guestAndAccountCarts(t, db)
		guest.signIn(u.Email, testPassword)
		if got := cartQuantity(t, ts, models.CartKey{UserID: u.ID}); got != 3 {
			t.Fatalf("account's cart after sign-in: %d pieces, want 1+2", got)
		}
		if got := headerCount(guest.Get("/products").Body); got != "3" {
			t.Fatalf("header after sign-in: %q", got)
		}
		var guestCarts int64
		if err := db.Model(&models.Cart{}).Where("user_id IS NULL").Count(&guestCarts).Error; err != nil {
			t.Fatal(err)
		}
		if guestCarts != 0 {
			t.Fatalf("%d guest carts left after the merge", guestCarts)
		}
	}, demoCatalog)
}

func TestCart_AnotherVisitorNeverSeesIt(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db, withPageCache(100))
		p := cartProduct(t, db, 5)
		a := englishClient(t, ts)
		if res := a.PostForm("/cart/add", url.Values{"product_id": {strconv.FormatInt(p.ID, 10)}, "quantity": {"2"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("add: %d", res.Status)
		}
		if got := headerCount(a.Get("/products").Body); got != "2" {
			t.Fatalf("a's header: %q", got)
		}
		b := englishClient(t, ts)
		b.CSRFToken() // b has a session of its own
		if body := b.Get("/cart").Body; !strings.Contains(body, "Your cart is empty") || strings.Contains(body, p.Name("en")) {
			t.Fatal("another visitor sees the cart")
		}
		anon := englishClient(t, ts)
		for range 2 {
			if got := headerCount(anon.Get("/products").Body); got != "" {
				t.Fatalf("an anonymous visitor's header shows %q", got)
			}
		}
		// A stolen-looking cookie is just no session.
		anon.SetCookie("qhatu_session", "forged")
		if body := anon.Get("/cart").Body; !strings.Contains(body, "Your cart is empty") {
			t.Fatal("a forged session cookie reads a cart")
		}
	}, demoCatalog)
}

func TestCart_WritesNeedTheSessionsToken(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, _, c, id := cartShop(t, db, 5)
		c.CSRFToken() // a session with a token
		for _, path := range []string{"/cart/add", "/cart/update", "/cart/remove"} {
			form := url.Values{"product_id": {id}, "quantity": {"1"}}
			if res := c.PostRaw(path, form); res.Status != http.StatusForbidden {
				t.Errorf("%s without the token: %d, want 403", path, res.Status)
			}
			form.Set("_csrf", "not-the-token")
			if res := c.PostRaw(path, form); res.Status != http.StatusForbidden {
				t.Errorf("%s with a wrong token: %d, want 403", path, res.Status)
			}
		}
		// A visitor with no session yet adds from a cached page (no token
		// there): only when the browser says the form is the shop's own.
		for _, tc := range []struct {
			header, value string
			want          int
		}{
			{"", "", http.StatusForbidden},
			{"Sec-Fetch-Site", "cross-site", http.StatusForbidden},
			{"Sec-Fetch-Site", "same-site", http.StatusForbidden},
			{"Origin", "https://evil.example", http.StatusForbidden},
			{"Sec-Fetch-Site", "same-origin", http.StatusSeeOther},
		} {
			fresh := englishClient(t, ts)
			if tc.header != "" {
				fresh.Header.Set(tc.header, tc.value)
			}
			res := fresh.PostRaw("/cart/add", url.Values{"product_id": {id}})
			if res.Status != tc.want {
				t.Errorf("first add with %s %q: %d, want %d", tc.header, tc.value, res.Status, tc.want)
				continue
			}
			if tc.want != http.StatusSeeOther {
				if fresh.Cookie("qhatu_session") != "" {
					t.Errorf("a refused first add (%s %q) started a session", tc.header, tc.value)
				}
				continue
			}
			body := fresh.Get("/cart").Body
			if headerCount(body) != "1" || !strings.Contains(body, `name="_csrf"`) {
				t.Fatalf("after a first add: count %q, token in forms %v", headerCount(body), strings.Contains(body, `name="_csrf"`))
			}
			// From now on the session has a token, and a write without it is refused.
			fresh.Header.Del(tc.header)
			if res := fresh.PostRaw("/cart/add", url.Values{"product_id": {id}}); res.Status != http.StatusForbidden {
				t.Fatalf("second add without the token: %d", res.Status)
			}
		}
	}, demoCatalog)
}

func TestCart_AddToCartFormsOnProductPagesAndCards(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		p := cartProduct(t, db, 5)
		c := englishClient(t, ts)
		form := `<form class="add-to-cart" method="post" action="/cart/add">`
		for _, c := range []*testClient{c, func() *testClient { s, _ := ts.signInAs(t, models.RoleCustomer); return s }()} {
			page := c.Get("/products/" + p.Slug)
			checkPage(t, "product page", page)
			if !strings.Contains(page.Body, form) || !strings.Contains(page.Body, `name="quantity"`) {
				t.Fatal("the product page has no add-to-cart form with a quantity")
			}
			list := c.Get("/products")
			checkPage(t, "listing", list)
			if !strings.Contains(list.Body, form) {
				t.Fatal("the cards have no add-to-cart form")
			}
		}
		if err := db.Model(&models.Product{}).Where("id = ?", p.ID).Update("stock", 0).Error; err != nil {
			t.Fatal(err)
		}
		body := c.Get("/products/" + p.Slug).Body
		if strings.Contains(body, form) || !strings.Contains(body, "Sold out") {
			t.Fatal("a sold-out product offers the add button")
		}
	}, demoCatalog)
}

func TestCart_HousekeepingDropsGuestCartsNoSessionCanReach(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, _, _ := guestAndAccountCarts(t, db)
		carts := func() (guests, accounts int64) {
			t.Helper()
			if err := db.Model(&models.Cart{}).Where("user_id IS NULL").Count(&guests).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Model(&models.Cart{}).Where("user_id IS NOT NULL").Count(&accounts).Error; err != nil {
				t.Fatal(err)
			}
			return guests, accounts
		}
		for _, step := range []struct {
			name                string
			advance             time.Duration
			guests, accountsNow int64
		}{
			{"while its session may still live", time.Hour, 1, 1},
			{"once no session can reach it", 8 * 24 * time.Hour, 0, 1},
		} {
			ts.Clock.Advance(step.advance)
			ts.HousekeepOnce(context.Background())
			if g, a := carts(); g != step.guests || a != step.accountsNow {
				t.Fatalf("%s: %d guest and %d account carts, want %d and %d", step.name, g, a, step.guests, step.accountsNow)
			}
		}
	}, demoCatalog)
}
