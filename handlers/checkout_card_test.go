package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

const sessionsPath = "/v1/checkout/sessions"

// cardShop is cartShop with card payment through a stripe-mock of its own.
func cardShop(t *testing.T, db *gorm.DB, stock int) (*testServer, *handlers.StripeMock, models.Product, *testClient, string) {
	t.Helper()
	mock := handlers.NewStripeMock(t)
	ts, p, c, id := cartShop(t, db, stock, mock.Option())
	return ts, mock, p, c, id
}

// orderByNumber reads an order back with its details.
func orderByNumber(t *testing.T, ts *testServer, number string) *models.Order {
	t.Helper()
	o, err := ts.Store.OrderByNumber(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// onlyOrder is the one order of the database.
func onlyOrder(t *testing.T, ts *testServer, db *gorm.DB) *models.Order {
	t.Helper()
	var os []models.Order
	if err := db.Find(&os).Error; err != nil {
		t.Fatal(err)
	}
	if len(os) != 1 {
		t.Fatalf("%d orders, want 1", len(os))
	}
	return orderByNumber(t, ts, os[0].Number)
}

func TestCheckout_CardGoesToStripeCheckoutOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, mock, p, c, id := cardShop(t, db, 5)
		addToCart(t, c, id, 2)
		if page := c.Get("/checkout"); !strings.Contains(page.Body, `value="card"`) {
			t.Fatal("card not offered with a Stripe key")
		}
		res := c.PostForm("/checkout", checkoutValues("card"))
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "https://checkout.stripe.com/") {
			t.Fatalf("card checkout: %d to %q: %.300s", res.Status, res.Location(), res.Body)
		}
		o := onlyOrder(t, ts, db)
		if o.Status != models.StatusPendingPayment || o.CheckoutSessionID == nil || !strings.HasPrefix(*o.CheckoutSessionID, "cs_") {
			t.Fatalf("order after card checkout: status %s, session %v", o.Status, o.CheckoutSessionID)
		}
		if d := o.ExpiresAt.Sub(o.CreatedAt); d < handlers.DefaultCardExpiry-2e9 || d > handlers.DefaultCardExpiry+2e9 {
			t.Errorf("card order expires after %s, want the default %s", d, handlers.DefaultCardExpiry)
		}
		reqs := mock.Requests(http.MethodPost, sessionsPath)
		if len(reqs) != 1 {
			t.Fatalf("%d session creations, want 1", len(reqs))
		}
		f := reqs[0].Form
		checks := map[string]string{
			"client_reference_id":                    o.Number,
			"metadata[order]":                        o.Number,
			"mode":                                   "payment",
			"success_url":                            testBaseURL() + "/orders/" + o.Token,
			"cancel_url":                             testBaseURL() + "/orders/" + o.Token,
			"line_items[0][price_data][currency]":    "pen",
			"line_items[0][price_data][unit_amount]": strconv.FormatInt(p.PriceAmount, 10),
			"line_items[0][quantity]":                "2",
			"line_items[1][price_data][unit_amount]": strconv.FormatInt(o.ShippingAmount, 10),
			"line_items[1][quantity]":                "1",
			"expires_at":                             strconv.FormatInt(o.ExpiresAt.Unix(), 10),
			"customer_email":                         "ana@example.org",
		}
		for k, want := range checks {
			if got := f.Get(k); got != want {
				t.Errorf("session %s = %q, want %q", k, got, want)
			}
		}
		if reqs[0].IdempotencyKey != "checkout-session:"+o.Number {
			t.Errorf("idempotency key %q", reqs[0].IdempotencyKey)
		}

		// The same form sent again (a double click): the same session,
		// no second order and no second creation.
		again := c.PostForm("/checkout", checkoutValues("card"))
		if again.Status != http.StatusSeeOther || !strings.HasPrefix(again.Location(), "https://checkout.stripe.com/") {
			t.Errorf("second submit: %d to %q", again.Status, again.Location())
		}
		if n := countOrders(t, db); n != 1 {
			t.Errorf("%d orders after a double submit", n)
		}
		if n := len(mock.Requests(http.MethodPost, sessionsPath)); n != 1 {
			t.Errorf("%d session creations after a double submit", n)
		}
		if s := stockOf(t, db, p.ID); s != 3 {
			t.Errorf("stock %d", s)
		}
		// The order's page, pending, offers to go on paying by card.
		page := c.Get("/orders/" + o.Token)
		if !strings.Contains(page.Body, `action="/orders/`+o.Token+`/pay"`) {
			t.Errorf("pending card order's page has no pay button")
		}
	}, demoCatalog)
}

func TestCheckout_StripeDownKeepsTheOrderAndRetriesWithTheSameKey(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, mock, p, c, id := cardShop(t, db, 5)
		addToCart(t, c, id, 1)
		mock.Fail(true)
		o := placedOrder(t, ts, c.PostForm("/checkout", checkoutValues("card")))
		if o.Status != models.StatusPendingPayment || o.CheckoutSessionID != nil {
			t.Fatalf("order when Stripe is down: %s, session %v", o.Status, o.CheckoutSessionID)
		}
		if s := stockOf(t, db, p.ID); s != 4 {
			t.Errorf("stock %d: the order's pieces are not kept", s)
		}
		page := c.Get("/orders/" + o.Token)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "try paying again") ||
			!strings.Contains(page.Body, `action="/orders/`+o.Token+`/pay"`) {
			t.Errorf("order page after a Stripe failure: %d, no message or pay button", page.Status)
		}
		mock.Fail(false)
		res := c.PostForm("/orders/"+o.Token+"/pay", nil)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "https://checkout.stripe.com/") {
			t.Fatalf("pay again: %d to %q", res.Status, res.Location())
		}
		if o = orderByNumber(t, ts, o.Number); o.CheckoutSessionID == nil {
			t.Error("pay again recorded no session")
		}
		reqs := mock.Requests(http.MethodPost, sessionsPath)
		if len(reqs) < 2 {
			t.Fatalf("%d creation attempts", len(reqs))
		}
		for _, r := range reqs {
			if r.IdempotencyKey != "checkout-session:"+o.Number || r.Form.Get("expires_at") != reqs[0].Form.Get("expires_at") {
				t.Errorf("attempt with key %q, expires_at %s: retries must repeat the first request", r.IdempotencyKey, r.Form.Get("expires_at"))
			}
		}
	}, demoCatalog)
}

func TestOrderPage_ConfirmsAPaidSessionFromStripeOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, mock, _, c, id := cardShop(t, db, 5)
		addToCart(t, c, id, 1)
		c.PostForm("/checkout", checkoutValues("card"))
		o := onlyOrder(t, ts, db)
		sid := *o.CheckoutSessionID

		// Paid, but for another amount or another order: not paid.
		for _, wrong := range []handlers.PaidSession{
			{ClientReferenceID: o.Number, AmountTotal: o.TotalAmount - 1, Currency: "pen", PaymentStatus: "paid"},
			{ClientReferenceID: o.Number, AmountTotal: o.TotalAmount, Currency: "usd", PaymentStatus: "paid"},
			{ClientReferenceID: "Q-2000-000001", AmountTotal: o.TotalAmount, Currency: "pen", PaymentStatus: "paid"},
			{ClientReferenceID: o.Number, AmountTotal: o.TotalAmount, Currency: "pen", PaymentStatus: "unpaid"},
		} {
			mock.Pay(sid, wrong)
			if res := c.Get("/orders/" + o.Token); res.Status != http.StatusOK {
				t.Fatalf("order page: %d", res.Status)
			}
			if got := orderByNumber(t, ts, o.Number); got.Status != models.StatusPendingPayment {
				t.Fatalf("%+v marked the order %s", wrong, got.Status)
			}
		}
		// A session ID in the URL is never looked at.
		mock.Pay("cs_test_forged", handlers.PaidSession{ClientReferenceID: o.Number, AmountTotal: o.TotalAmount,
			Currency: "pen", PaymentStatus: "paid"})
		c.Get("/orders/" + o.Token + "?session_id=cs_test_forged")
		if got := orderByNumber(t, ts, o.Number); got.Status != models.StatusPendingPayment {
			t.Fatalf("a session from the URL marked the order %s", got.Status)
		}

		mock.Pay(sid, handlers.PaidSession{ClientReferenceID: o.Number, AmountTotal: o.TotalAmount, Currency: "pen", PaymentStatus: "paid"})
		for range 3 {
			res := c.Get("/orders/" + o.Token)
			if res.Status != http.StatusOK || !strings.Contains(res.Body, ">Paid<") || strings.Contains(res.Body, `http-equiv="refresh"`) {
				t.Errorf("success page: %d, paid shown %v", res.Status, strings.Contains(res.Body, ">Paid<"))
			}
		}
		got := orderByNumber(t, ts, o.Number)
		applied := 0
		for _, p := range got.Payments {
			if p.Outcome == models.PaymentApplied {
				applied++
				if p.ProviderSessionID != sid || p.Actor != models.SystemActor {
					t.Errorf("payment recorded with session %q by %q", p.ProviderSessionID, p.Actor)
				}
			}
		}
		paidChanges := 0
		for _, h := range got.History {
			if h.To == models.StatusPaid {
				paidChanges++
			}
		}
		if got.Status != models.StatusPaid || applied != 1 || paidChanges != 1 {
			t.Errorf("after three visits: %s, %d payments, %d paid entries", got.Status, applied, paidChanges)
		}
	}, demoCatalog)
}

// untranslatedCheckout matches a checkout or order message ID shown
// instead of its text.
var untranslatedCheckout = regexp.MustCompile(`\b(checkout|orders?|zone|duration)\.[a-z_]+(\.[a-z_]+)?\b`)

func TestCheckout_EveryPageRendersValidMarkupInBothLanguages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, _, _, _, id := cardShop(t, db, 10)
		for _, lang := range []string{"es", "en"} {
			c, _ := ts.signInAs(t, models.RoleCustomer)
			c.Header.Set("Accept-Language", lang)
			check := pageChecker(t, lang, untranslatedCheckout)
			check("empty checkout", c.Get("/checkout"), http.StatusOK)
			check("no orders", c.Get("/account/orders"), http.StatusOK)
			addToCart(t, c, id, 1)
			check("checkout", c.Get("/checkout"), http.StatusOK)
			bad := checkoutValues("card")
			bad.Set("phone", "x")
			bad.Set("country", "DE")
			check("refused checkout", c.PostForm("/checkout", bad), http.StatusUnprocessableEntity)
			bank := placedOrder(t, ts, c.PostForm("/checkout", checkoutValues("bank_transfer")))
			check("bank order", c.Get("/orders/"+bank.Token), http.StatusOK)
			addToCart(t, c, id, 1)
			c.PostForm("/checkout", checkoutValues("card"))
			check("card order", c.Get("/account/orders"), http.StatusOK)
			orders, err := ts.Store.ListOrders(context.Background(), models.OrderFilter{Query: "ana@", PerPage: 1})
			if err != nil || len(orders.Items) == 0 {
				t.Fatalf("card order: %v", err)
			}
			check("card order page", c.Get("/orders/"+orders.Items[0].Token), http.StatusOK)
			if _, err := ts.Store.CancelOrder(context.Background(), bank.ID, models.SystemActor, "test"); err != nil {
				t.Fatal(err)
			}
			check("cancelled order", c.Get("/orders/"+bank.Token), http.StatusOK)
		}
	}, demoCatalog)
}
