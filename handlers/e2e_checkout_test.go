package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// twoProductsForSale picks two published demo products with a retail
// price and gives each stock pieces, so the order has two lines.
func twoProductsForSale(t *testing.T, db *gorm.DB, stock int) []models.Product {
	t.Helper()
	var ps []models.Product
	if err := db.Where("published = ? AND retail_breakdown_id IS NOT NULL AND price_amount > 0", true).
		Order("id").Limit(2).Find(&ps).Error; err != nil || len(ps) != 2 {
		t.Fatalf("two products for sale: %d, %v", len(ps), err)
	}
	for i := range ps {
		if err := db.Model(&models.Product{}).Where("id = ?", ps[i].ID).Update("stock", stock).Error; err != nil {
			t.Fatalf("set stock: %v", err)
		}
		ps[i].Stock = stock
	}
	return ps
}

// The whole card purchase through the real HTTP stack: the cart, the
// checkout creating a Checkout Session on stripe-mock, Stripe's signed
// webhook paying the order, the jobs mailing the buyer and fulfilling the
// order into the ledger. stripe-mock not starting fails the test
// (stripeMockURL), it is never skipped.
func TestEndToEnd_CardPurchaseFromCartToLedger(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		mock := handlers.NewStripeMock(t)
		ts := newTestServer(t, db, mock.Option(), withConfig(func(c *handlers.Config) {
			c.Payments.Stripe.WebhookSecret = testWebhookSecret
		}))
		ps := twoProductsForSale(t, db, 5)
		buyer := englishClient(t, ts)
		addToCart(t, buyer, strconv.FormatInt(ps[0].ID, 10), 2)
		addToCart(t, buyer, strconv.FormatInt(ps[1].ID, 10), 1)

		res := buyer.PostForm("/checkout", checkoutValues("card"))
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "https://checkout.stripe.com/") {
			t.Fatalf("card checkout: %d to %q: %.300s", res.Status, res.Location(), res.Body)
		}
		o := onlyOrder(t, ts, db)
		if o.Status != models.StatusPendingPayment || o.CheckoutSessionID == nil || len(o.Lines) != 2 {
			t.Fatalf("order after checkout: %s, session %v, %d lines", o.Status, o.CheckoutSessionID, len(o.Lines))
		}
		sid := *o.CheckoutSessionID
		created := mock.Requests(http.MethodPost, sessionsPath)
		if len(created) != 1 || created[0].Form.Get("client_reference_id") != o.Number {
			t.Fatalf("sessions created: %+v", created)
		}
		wantTotal := 2*ps[0].PriceAmount + ps[1].PriceAmount + o.ShippingAmount
		if o.TotalAmount != wantTotal || o.Currency != models.PEN {
			t.Fatalf("order total %d %s, want %d PEN", o.TotalAmount, o.Currency, wantTotal)
		}
		for _, p := range ps {
			if s := stockOf(t, db, p.ID); s >= 5 {
				t.Errorf("product %d stock %d: nothing reserved", p.ID, s)
			}
		}

		// Stripe tells the shop the session was paid.
		w := &webhookShop{testServer: ts, db: db, order: o, session: sid}
		if a := w.deliver(t, "evt_e2e_paid", "checkout.session.completed", w.checkoutSession(nil)); a.Status != http.StatusOK ||
			a.Outcome != models.EventPaid || a.Duplicate {
			t.Fatalf("webhook: %+v, want 200 paid", a)
		}
		page := buyer.Get("/orders/" + o.Token)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, ">Paid<") || !strings.Contains(page.Body, o.Number) {
			t.Errorf("order page after the webhook: %d, paid shown %v", page.Status, strings.Contains(page.Body, ">Paid<"))
		}
		api := buyer.Get("/api/v1/orders/" + o.Token)
		var got struct {
			Number string             `json:"number"`
			Status models.OrderStatus `json:"status"`
			Total  models.Money       `json:"total"`
			Lines  []json.RawMessage  `json:"lines"`
		}
		if err := json.Unmarshal([]byte(api.Body), &got); err != nil || api.Status != http.StatusOK {
			t.Fatalf("order API: %d %v: %.300s", api.Status, err, api.Body)
		}
		if got.Number != o.Number || got.Status != models.StatusPaid || got.Total != o.Total() || len(got.Lines) != 2 {
			t.Errorf("order API says %+v", got)
		}

		ts.RunJobs(t)
		paidSubject := "Payment received for order " + o.Number
		paidMails := 0
		for _, m := range ts.Mail.To("ana@example.org") {
			if m.Subject == paidSubject {
				paidMails++
			}
		}
		if paidMails != 1 {
			t.Errorf("%d %q mails to the buyer, want 1", paidMails, paidSubject)
		}
		done := orderByNumber(t, ts, o.Number)
		if done.Status != models.StatusInFulfillment {
			t.Fatalf("order after the jobs: %s, want %s", done.Status, models.StatusInFulfillment)
		}
		entries, err := ts.Store.LedgerEntriesOfOrder(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != len(done.Lines) {
			t.Fatalf("%d ledger entries for %d lines", len(entries), len(done.Lines))
		}
		perLine := map[int64]int{}
		for _, e := range entries {
			perLine[e.OrderLineID]++
			if e.Kind != models.LedgerSale || e.Currency != models.PEN {
				t.Errorf("ledger entry %d: %s in %s", e.Seq, e.Kind, e.Currency)
			}
		}
		for _, l := range done.Lines {
			if perLine[l.ID] != 1 {
				t.Errorf("line %d has %d ledger entries", l.ID, perLine[l.ID])
			}
		}
		check, err := ts.Store.VerifyLedger(ctx)
		if err != nil || check.Entries < int64(len(entries)) {
			t.Errorf("ledger check %+v: %v", check, err)
		}
		// Working the queue again changes nothing more.
		ts.RunJobs(t)
		if again, _ := ts.Store.LedgerEntriesOfOrder(ctx, o.ID); len(again) != len(entries) {
			t.Errorf("%d ledger entries after a second run", len(again))
		}
	}, demoCatalog)
}
