package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stripe/stripe-go/v76/webhook"
	"gorm.io/gorm"
)

const testWebhookSecret = "whsec_test_qhatu_webhook"

// webhookShop is a shop with Stripe's webhook secret set and one card
// order of 2 pieces (of a product with 5) whose Checkout Session is
// recorded.
type webhookShop struct {
	*testServer
	db      *gorm.DB
	product models.Product
	order   *models.Order
	session string
}

func newWebhookShop(t *testing.T, db *gorm.DB, opts ...testOption) *webhookShop {
	t.Helper()
	opts = append([]testOption{withConfig(func(c *handlers.Config) {
		c.Payments.Stripe.WebhookSecret = testWebhookSecret
	})}, opts...)
	ts := newTestServer(t, db, opts...)
	p := cartProduct(t, db, 5)
	w := &webhookShop{testServer: ts, db: db, product: p}
	w.order = w.place(t, 2)
	w.session = "cs_test_" + w.order.Token[:12]
	if err := ts.Store.SetCheckoutSession(context.Background(), w.order.ID, w.session); err != nil {
		t.Fatal(err)
	}
	return w
}

// place places a card order of qty pieces of w's product.
func (w *webhookShop) place(t *testing.T, qty int) *models.Order {
	t.Helper()
	o, err := w.Store.PlaceOrder(context.Background(), models.OrderInput{
		Customer: models.Customer{Email: "ana@example.org", Name: "Ana Quispe", Phone: "+51 987 654 321",
			Address: models.Address{Country: "PE", Region: "lima-metropolitana", City: "Lima", Line: "Jr. Junín 123"}},
		Method: models.PaymentCard, ExpiresAt: time.Now().Add(time.Hour),
		Lines: []models.OrderLineInput{{ProductID: w.product.ID, Quantity: qty}},
	}, nil)
	if err != nil {
		t.Fatalf("place order: %v", err)
	}
	return o
}

// session is the Checkout Session object of w's order as Stripe sends it,
// paid in full; edit changes it before it is sent.
func (w *webhookShop) checkoutSession(edit func(map[string]any)) map[string]any {
	cs := map[string]any{
		"id": w.session, "object": "checkout.session", "mode": "payment",
		"client_reference_id": w.order.Number, "metadata": map[string]any{"order": w.order.Number},
		"payment_status": "paid", "status": "complete",
		"amount_total": w.order.TotalAmount, "currency": strings.ToLower(string(w.order.Currency)),
		"payment_intent": "pi_" + w.session,
	}
	if edit != nil {
		edit(cs)
	}
	return cs
}

// stripeEvent is an event as Stripe's API version 2023-10-16 spells it.
func stripeEvent(t *testing.T, id, typ string, object map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"id": id, "object": "event", "api_version": "2023-10-16",
		"created": time.Now().Unix(), "livemode": false, "type": typ, "data": map[string]any{"object": object}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signature is the Stripe-Signature header for payload signed at at
// (zero: now) with secret.
func signature(payload []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret,
		Timestamp: at}).Header
}

type webhookAnswer struct {
	Status    int
	Duplicate bool
	Outcome   models.StripeEventOutcome
}

// post sends a delivery to the webhook; header "" sends no signature.
func (w *webhookShop) post(t *testing.T, payload []byte, header string) webhookAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, w.URL+"/webhooks/stripe", bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if header != "" {
		req.Header.Set("Stripe-Signature", header)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	a := webhookAnswer{Status: res.StatusCode}
	var reply struct {
		Duplicate bool                      `json:"duplicate"`
		Outcome   models.StripeEventOutcome `json:"outcome"`
	}
	if err := json.Unmarshal(body, &reply); err != nil {
		t.Fatalf("answer %d %q: %v", res.StatusCode, body, err)
	}
	a.Duplicate, a.Outcome = reply.Duplicate, reply.Outcome
	return a
}

// deliver signs the event with the shop's secret and sends it.
func (w *webhookShop) deliver(t *testing.T, id, typ string, object map[string]any) webhookAnswer {
	t.Helper()
	payload := stripeEvent(t, id, typ, object)
	return w.post(t, payload, signature(payload, testWebhookSecret, time.Time{}))
}

// mustDeliver delivers and wants a 200 with the outcome.
func (w *webhookShop) mustDeliver(t *testing.T, id, typ string, object map[string]any, want models.StripeEventOutcome) {
	t.Helper()
	if a := w.deliver(t, id, typ, object); a.Status != http.StatusOK || a.Outcome != want {
		t.Fatalf("%s %s: %+v, want 200 %s", typ, id, a, want)
	}
}

func (w *webhookShop) reload(t *testing.T) *models.Order {
	t.Helper()
	o, err := w.Store.OrderByID(context.Background(), w.order.ID)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (w *webhookShop) stock(t *testing.T) int {
	t.Helper()
	p, err := w.Store.ProductByID(context.Background(), w.product.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p.Stock
}

func (w *webhookShop) count(t *testing.T, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := w.db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// snapshot is what a refused delivery must leave as it was.
func (w *webhookShop) snapshot(t *testing.T) string {
	t.Helper()
	o := w.reload(t)
	var b strings.Builder
	fmt.Fprintf(&b, "order %s flagged %v stock %d;", o.Status, o.NeedsAttention, w.stock(t))
	for _, table := range []string{"stripe_events", "payments", "order_status_history", "stock_movements", "audit_log", "river_job"} {
		fmt.Fprintf(&b, " %s %d", table, w.count(t, table, "1 = 1"))
	}
	return b.String()
}

// jobs lists the queued jobs of a kind.
func (w *webhookShop) jobs(t *testing.T, kind string) []*rivertype.JobRow {
	t.Helper()
	res, err := w.Jobs.JobList(context.Background(), river.NewJobListParams().Kinds(kind).First(100))
	if err != nil {
		t.Fatal(err)
	}
	return res.Jobs
}

// mailJobs counts the order's queued mails of a kind.
func (w *webhookShop) mailJobs(t *testing.T, mail models.OrderMail) int {
	t.Helper()
	n := 0
	for _, j := range w.jobs(t, models.OrderMailArgs{}.Kind()) {
		var args models.OrderMailArgs
		if err := json.Unmarshal(j.EncodedArgs, &args); err != nil {
			t.Fatal(err)
		}
		if args.OrderID == w.order.ID && args.Mail == mail {
			n++
		}
	}
	return n
}

func (w *webhookShop) fulfillJobs(t *testing.T) int {
	t.Helper()
	return len(w.jobs(t, models.FulfillOrderArgs{}.Kind()))
}

func TestStripeWebhook_UnverifiedDeliveriesAre400AndChangeNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWebhookShop(t, db)
		payload := stripeEvent(t, "evt_unverified", "checkout.session.completed", w.checkoutSession(nil))
		good := signature(payload, testWebhookSecret, time.Time{})
		cases := []struct {
			name    string
			payload []byte
			header  string
			status  int
		}{
			{"missing signature", payload, "", http.StatusBadRequest},
			{"signed with another secret", payload, signature(payload, "whsec_someone_else", time.Time{}), http.StatusBadRequest},
			{"body changed after signing", bytes.Replace(payload, []byte(`"amount_total":`), []byte(`"amount_total":1`), 1),
				good, http.StatusBadRequest},
			{"stale timestamp", payload, signature(payload, testWebhookSecret, time.Now().Add(-6*time.Minute)), http.StatusBadRequest},
			{"garbled header", payload, "t=abc,v1=zz", http.StatusBadRequest},
			{"signature without timestamp", payload, "v1=" + strings.SplitN(good, "v1=", 2)[1], http.StatusBadRequest},
			{"too large", append(payload, bytes.Repeat([]byte(" "), 65<<10)...), good, http.StatusRequestEntityTooLarge},
		}
		before := w.snapshot(t)
		for _, tc := range cases {
			if a := w.post(t, tc.payload, tc.header); a.Status != tc.status {
				t.Errorf("%s: %d, want %d", tc.name, a.Status, tc.status)
			}
			if after := w.snapshot(t); after != before {
				t.Fatalf("%s changed the shop:\n%s\n%s", tc.name, before, after)
			}
		}
		// The same delivery, correctly signed, goes through.
		if a := w.post(t, payload, good); a.Status != http.StatusOK || a.Outcome != models.EventPaid {
			t.Fatalf("signed delivery: %+v", a)
		}
	}, demoCatalog)
}

func TestStripeWebhook_WithoutASecretAnswers503(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWebhookShop(t, db, withConfig(func(c *handlers.Config) { c.Payments.Stripe.WebhookSecret = "" }))
		before := w.snapshot(t)
		payload := stripeEvent(t, "evt_no_secret", "checkout.session.completed", w.checkoutSession(nil))
		for _, secret := range []string{testWebhookSecret, ""} {
			if a := w.post(t, payload, signature(payload, secret, time.Time{})); a.Status != http.StatusServiceUnavailable {
				t.Errorf("signed with %q: %d, want 503", secret, a.Status)
			}
		}
		if after := w.snapshot(t); after != before {
			t.Fatalf("changed:\n%s\n%s", before, after)
		}
	}, demoCatalog)
}

// Stripe retries, and may deliver one event several times at once: the
// order is paid once, with one status change, one "paid" mail and one
// hand-off to fulfillment.
func TestStripeWebhook_TenConcurrentDeliveriesPayOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWebhookShop(t, db)
		payload := stripeEvent(t, "evt_paid_once", "checkout.session.completed", w.checkoutSession(nil))
		header := signature(payload, testWebhookSecret, time.Time{})
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			answers []webhookAnswer
		)
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := w.post(t, payload, header)
				mu.Lock()
				answers = append(answers, a)
				mu.Unlock()
			}()
		}
		wg.Wait()
		fresh := 0
		for _, a := range answers {
			if a.Status != http.StatusOK || a.Outcome != models.EventPaid {
				t.Errorf("answer %+v, want 200 paid", a)
			}
			if !a.Duplicate {
				fresh++
			}
		}
		if fresh != 1 {
			t.Errorf("%d deliveries applied, want 1", fresh)
		}
		o := w.reload(t)
		if o.Status != models.StatusPaid || o.NeedsAttention || len(o.Payments) != 1 {
			t.Fatalf("order %s flagged %v payments %d", o.Status, o.NeedsAttention, len(o.Payments))
		}
		p := o.Payments[0]
		if p.Amount != w.order.TotalAmount || p.Currency != models.PEN || p.ProviderSessionID != w.session ||
			p.Reference != "pi_"+w.session || p.ProviderEventID == nil || *p.ProviderEventID != "evt_paid_once" ||
			p.Actor != models.SystemActor {
			t.Errorf("payment %+v", p)
		}
		if n := w.count(t, "order_status_history", "order_id = ? AND to_status = ?", o.ID, models.StatusPaid); n != 1 {
			t.Errorf("%d paid status changes", n)
		}
		if last := o.History[len(o.History)-1]; last.Actor != models.SystemActor {
			t.Errorf("paid by %q", last.Actor)
		}
		if n := w.mailJobs(t, models.OrderMailPaid); n != 1 {
			t.Errorf("%d paid mails queued", n)
		}
		if n := w.fulfillJobs(t); n != 1 {
			t.Errorf("%d fulfillment hand-offs queued", n)
		}
		if n := w.count(t, "stripe_events", "event_id = ?", "evt_paid_once"); n != 1 {
			t.Errorf("%d event rows", n)
		}
		ev, err := w.Store.StripeEventByID(context.Background(), "evt_paid_once")
		if err != nil || ev.Outcome != models.EventPaid || ev.OrderNumber != o.Number || ev.Type != "checkout.session.completed" {
			t.Errorf("event %+v, %v", ev, err)
		}
		// A later event for the same session (the async success after the
		// success page, say) finds the payment recorded.
		w.mustDeliver(t, "evt_paid_again", "checkout.session.async_payment_succeeded", w.checkoutSession(nil), models.EventPaymentKnown)
		if n := w.fulfillJobs(t); n != 1 {
			t.Errorf("%d fulfillment hand-offs queued after a second event", n)
		}
	}, demoCatalog)
}

// Only money received pays: a session completed without payment (an
// asynchronous method still pending, or nothing to pay) never marks the
// order paid; the asynchronous success later does.
func TestStripeWebhook_UnpaidSessionNeverPays(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWebhookShop(t, db)
		for i, status := range []string{"unpaid", "no_payment_required"} {
			w.mustDeliver(t, fmt.Sprintf("evt_unpaid_%d", i), "checkout.session.completed",
				w.checkoutSession(func(cs map[string]any) { cs["payment_status"] = status }), models.EventNotPaid)
			if o := w.reload(t); o.Status != models.StatusPendingPayment || len(o.Payments) != 0 || o.NeedsAttention {
				t.Fatalf("%s: order %s, %d payments, flagged %v", status, o.Status, len(o.Payments), o.NeedsAttention)
			}
		}
		if n := w.count(t, "stripe_events", "outcome = ?", models.EventNotPaid); n != 2 {
			t.Errorf("%d unpaid events recorded", n)
		}
		// The same "unpaid" event type from async_payment_succeeded does not pay either.
		w.mustDeliver(t, "evt_async_unpaid", "checkout.session.async_payment_succeeded",
			w.checkoutSession(func(cs map[string]any) { cs["payment_status"] = "unpaid" }), models.EventNotPaid)
		w.mustDeliver(t, "evt_async_paid", "checkout.session.async_payment_succeeded", w.checkoutSession(nil), models.EventPaid)
		if o := w.reload(t); o.Status != models.StatusPaid {
			t.Fatalf("order %s after the asynchronous success", o.Status)
		}
	}, demoCatalog)
}

// A payment that differs from the order's total (amount or currency) is
// recorded as refused and the order flagged for staff; it stays unpaid,
// and Stripe gets a 200 all the same.
func TestStripeWebhook_MismatchedAmountFlagsAndDoesNotPay(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(w *webhookShop) func(map[string]any)
	}{
		{"one céntimo short", func(w *webhookShop) func(map[string]any) {
			return func(cs map[string]any) { cs["amount_total"] = w.order.TotalAmount - 1 }
		}},
		{"in dollars", func(*webhookShop) func(map[string]any) {
			return func(cs map[string]any) { cs["currency"] = "usd" }
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
				w := newWebhookShop(t, db)
				w.mustDeliver(t, "evt_mismatch", "checkout.session.completed", w.checkoutSession(tc.edit(w)), models.EventPaymentRefused)
				o := w.reload(t)
				if o.Status != models.StatusPendingPayment || !o.NeedsAttention || o.AttentionNote == "" {
					t.Fatalf("order %s flagged %v %q", o.Status, o.NeedsAttention, o.AttentionNote)
				}
				if len(o.Payments) != 1 || o.Payments[0].Outcome != models.PaymentRefused ||
					o.Payments[0].Refusal != models.RefusalMismatch {
					t.Errorf("payments %+v", o.Payments)
				}
				if w.fulfillJobs(t) != 0 || w.mailJobs(t, models.OrderMailPaid) != 0 {
					t.Error("a refused payment queued a mail or a hand-off")
				}
			}, demoCatalog)
		})
	}
}

// A session that expired, or whose asynchronous payment failed, cancels
// its unpaid order and gives its stock back, once; a paid order is never
// touched.
func TestStripeWebhook_ExpiredOrFailedCancelsAndReleasesStockOnce(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"checkout.session.expired", "checkout.session.async_payment_failed"} {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
				w := newWebhookShop(t, db)
				if s := w.stock(t); s != 3 {
					t.Fatalf("stock %d after the order, want 3", s)
				}
				unpaid := func(cs map[string]any) { cs["payment_status"] = "unpaid"; cs["status"] = "expired" }
				w.mustDeliver(t, "evt_cancel_1", typ, w.checkoutSession(unpaid), models.EventCancelled)
				w.mustDeliver(t, "evt_cancel_2", typ, w.checkoutSession(unpaid), models.EventNotPending)
				o := w.reload(t)
				if o.Status != models.StatusCancelled || o.StockReleasedAt == nil {
					t.Fatalf("order %s released %v", o.Status, o.StockReleasedAt)
				}
				if s := w.stock(t); s != 5 {
					t.Errorf("stock %d, want 5", s)
				}
				if n := w.count(t, "stock_movements", "order_id = ? AND reason = ?", o.ID, models.StockReleased); n != 1 {
					t.Errorf("%d release movements", n)
				}
				if n := w.mailJobs(t, models.OrderMailCancelled); n != 1 {
					t.Errorf("%d cancelled mails", n)
				}
				if last := o.History[len(o.History)-1]; last.Actor != models.SystemActor || last.To != models.StatusCancelled {
					t.Errorf("history %+v", last)
				}
			}, demoCatalog)
		})
	}
	t.Run("paid order untouched", func(t *testing.T) {
		t.Parallel()
		dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
			w := newWebhookShop(t, db)
			w.mustDeliver(t, "evt_paid", "checkout.session.completed", w.checkoutSession(nil), models.EventPaid)
			w.mustDeliver(t, "evt_expired", "checkout.session.expired", w.checkoutSession(nil), models.EventNotPending)
			if o := w.reload(t); o.Status != models.StatusPaid || o.StockReleasedAt != nil {
				t.Fatalf("order %s released %v", o.Status, o.StockReleasedAt)
			}
			if s := w.stock(t); s != 3 {
				t.Errorf("stock %d, want 3", s)
			}
		}, demoCatalog)
	})
}

// An event id seen before changes nothing, whatever its body says now.
func TestStripeWebhook_DuplicateEventIDAfterAnotherEffectChangesNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWebhookShop(t, db)
		w.mustDeliver(t, "evt_same", "checkout.session.expired", w.checkoutSession(nil), models.EventCancelled)
		before := w.snapshot(t)
		a := w.deliver(t, "evt_same", "checkout.session.completed", w.checkoutSession(nil))
		if a.Status != http.StatusOK || !a.Duplicate || a.Outcome != models.EventCancelled {
			t.Fatalf("replay: %+v", a)
		}
		if after := w.snapshot(t); after != before {
			t.Fatalf("a replay changed the shop:\n%s\n%s", before, after)
		}
	}, demoCatalog)
}

// charge.refunded reports the charge's cumulative refunds: each new part
// is recorded once, a repeated or older total records nothing.
func TestStripeWebhook_ChargeRefundedRecordsEachPartOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWebhookShop(t, db)
		w.mustDeliver(t, "evt_paid", "checkout.session.completed", w.checkoutSession(nil), models.EventPaid)
		total := w.order.TotalAmount
		charge := func(refunded int64) map[string]any {
			return map[string]any{"id": "ch_1", "object": "charge", "payment_intent": "pi_" + w.session,
				"amount": total, "amount_refunded": refunded, "currency": "pen", "refunded": refunded == total}
		}
		refunds := func() []int64 {
			var out []int64
			for _, p := range w.reload(t).Payments {
				if p.Kind == models.KindRefund {
					out = append(out, p.Amount)
				}
			}
			return out
		}
		w.mustDeliver(t, "evt_refund_1", "charge.refunded", charge(1000), models.EventRefundRecorded)
		if a := w.deliver(t, "evt_refund_1", "charge.refunded", charge(1000)); !a.Duplicate || a.Status != http.StatusOK {
			t.Fatalf("replay: %+v", a)
		}
		w.mustDeliver(t, "evt_refund_1b", "charge.refunded", charge(1000), models.EventRefundKnown)
		if got := refunds(); len(got) != 1 || got[0] != 1000 {
			t.Fatalf("refunds %v after a partial refund, want [1000]", got)
		}
		// The buyer sees the refund on the order's page and in its JSON.
		buyer := englishClient(t, w.testServer)
		page := buyer.Get("/orders/" + w.order.Token)
		checkPage(t, "refunded order page", page)
		ten := moneyText(t, models.Money{Amount: 1000, Currency: models.PEN})
		for _, want := range []string{"Refund of " + ten + " sent back (Card (Stripe))", "Refunded in all: " + ten,
			"Payment of " + moneyText(t, w.order.Total()) + " received"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("order page without %q", want)
			}
		}
		var api struct {
			Refunded models.Money
			Payments []struct {
				Kind   models.PaymentKind
				Amount models.Money
			}
		}
		if res := buyer.Get("/api/v1/orders/" + w.order.Token); json.Unmarshal([]byte(res.Body), &api) != nil ||
			api.Refunded.Amount != 1000 || len(api.Payments) != 2 || api.Payments[0].Kind != models.KindPayment ||
			api.Payments[1].Kind != models.KindRefund || api.Payments[1].Amount.Amount != 1000 {
			t.Errorf("order JSON: %d %.400s", res.Status, res.Body)
		}
		w.mustDeliver(t, "evt_refund_2", "charge.refunded", charge(total), models.EventRefundRecorded)
		w.mustDeliver(t, "evt_refund_old", "charge.refunded", charge(1000), models.EventRefundKnown)
		if got := refunds(); len(got) != 2 || got[1] != total-1000 {
			t.Fatalf("refunds %v, want [1000 %d]", got, total-1000)
		}
		// A partial refund names no lines: the order is flagged for staff
		// to say which pieces it covered; the rest refunds it whole.
		o := w.reload(t)
		if o.Status != models.StatusRefunded || !o.NeedsAttention {
			t.Errorf("order %s flagged %v", o.Status, o.NeedsAttention)
		}
		// A charge the shop does not know, and one beyond what was paid.
		unknown := charge(500)
		unknown["payment_intent"] = "pi_elsewhere"
		w.mustDeliver(t, "evt_refund_unknown", "charge.refunded", unknown, models.EventUnknownOrder)
		other := charge(700)
		other["id"] = "ch_2"
		w.mustDeliver(t, "evt_refund_too_much", "charge.refunded", other, models.EventRefundRefused)
		if o := w.reload(t); !o.NeedsAttention || len(refunds()) != 2 {
			t.Errorf("a refund beyond what was paid: flagged %v, refunds %v", o.NeedsAttention, refunds())
		}
	}, demoCatalog)
}

// The event's references to the order must agree: with each other, and
// with the session the order recorded. A disagreement flags the order and
// pays nothing; unknown orders and other event types are recorded and
// answered 200.
func TestStripeWebhook_OrderReferencesMustAgree(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWebhookShop(t, db)
		cases := []struct {
			name string
			typ  string
			edit func(map[string]any)
			want models.StripeEventOutcome
			flag bool
		}{
			{"metadata names another order", "checkout.session.completed", func(cs map[string]any) {
				cs["metadata"] = map[string]any{"order": "Q-2020-000001"}
			}, models.EventOrderMismatch, true},
			{"another session for the order", "checkout.session.completed", func(cs map[string]any) {
				cs["id"] = "cs_test_someone_else"
			}, models.EventOrderMismatch, true},
			{"another session cannot cancel it", "checkout.session.expired", func(cs map[string]any) {
				cs["id"] = "cs_test_someone_else"
			}, models.EventOrderMismatch, true},
			{"unknown order", "checkout.session.completed", func(cs map[string]any) {
				cs["id"], cs["client_reference_id"] = "cs_test_unknown", "Q-2020-000002"
				cs["metadata"] = map[string]any{"order": "Q-2020-000002"}
			}, models.EventUnknownOrder, false},
			{"no reference at all", "checkout.session.completed", func(cs map[string]any) {
				cs["id"], cs["client_reference_id"], cs["metadata"] = "cs_test_unlabelled", nil, map[string]any{}
			}, models.EventUnknownOrder, false},
			{"an event type the shop ignores", "customer.created", nil, models.EventIgnored, false},
		}
		for i, tc := range cases {
			w.mustDeliver(t, fmt.Sprintf("evt_ref_%d", i), tc.typ, w.checkoutSession(tc.edit), tc.want)
			o := w.reload(t)
			if o.Status != models.StatusPendingPayment || len(o.Payments) != 0 || o.NeedsAttention != tc.flag {
				t.Errorf("%s: order %s, %d payments, flagged %v", tc.name, o.Status, len(o.Payments), o.NeedsAttention)
			}
			if tc.flag {
				if n := w.count(t, "audit_log", "entity_type = ? AND entity_id = ? AND action = ? AND actor = ?",
					models.EntityOrder, o.ID, models.ActionFlag, models.SystemActor); n == 0 {
					t.Errorf("%s: flag not audited", tc.name)
				}
				if err := w.Store.ResolveOrderAttention(context.Background(), o.ID, "staff@example.org", "checked"); err != nil {
					t.Fatal(err)
				}
			}
		}
		if n := w.count(t, "stripe_events", "1 = 1"); n != int64(len(cases)) {
			t.Errorf("%d events recorded, want %d", n, len(cases))
		}
		// An order that recorded no session cannot be paid by another
		// order's session: both are flagged.
		second := w.place(t, 1)
		w.mustDeliver(t, "evt_other_session", "checkout.session.completed", w.checkoutSession(func(cs map[string]any) {
			cs["client_reference_id"], cs["metadata"] = second.Number, map[string]any{"order": second.Number}
			cs["amount_total"] = second.TotalAmount
		}), models.EventOrderMismatch)
		for _, id := range []int64{w.order.ID, second.ID} {
			o, err := w.Store.OrderByID(context.Background(), id)
			if err != nil || !o.NeedsAttention || o.Status != models.StatusPendingPayment || len(o.Payments) != 0 {
				t.Fatalf("order %d: %+v %v", id, o, err)
			}
			if err := w.Store.ResolveOrderAttention(context.Background(), id, "staff@example.org", "checked"); err != nil {
				t.Fatal(err)
			}
		}
		// A session the checkout could not label still finds its order
		// through the recorded session.
		w.mustDeliver(t, "evt_by_session", "checkout.session.completed", w.checkoutSession(func(cs map[string]any) {
			cs["client_reference_id"], cs["metadata"] = nil, nil
		}), models.EventPaid)
	}, demoCatalog)
}

// A payment after the order expired does not revive it: it is kept as
// refused and the order flagged for staff; Stripe's refund of it later is
// noted on the flag.
func TestStripeWebhook_LatePaymentIsRefusedAndFlagged(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWebhookShop(t, db)
		ctx := context.Background()
		if done, err := w.Store.ExpireOrder(ctx, w.order.ID, time.Now().Add(2*time.Hour)); !done || err != nil {
			t.Fatalf("expire: %v %v", done, err)
		}
		w.mustDeliver(t, "evt_late", "checkout.session.completed", w.checkoutSession(nil), models.EventPaymentRefused)
		o := w.reload(t)
		if o.Status != models.StatusCancelled || !o.NeedsAttention || len(o.Payments) != 1 ||
			o.Payments[0].Refusal != models.RefusalLate {
			t.Fatalf("order %s flagged %v payments %+v", o.Status, o.NeedsAttention, o.Payments)
		}
		if s := w.stock(t); s != 5 || w.fulfillJobs(t) != 0 {
			t.Errorf("stock %d, %d hand-offs", s, w.fulfillJobs(t))
		}
		w.mustDeliver(t, "evt_late_refund", "charge.refunded", map[string]any{"id": "ch_late", "object": "charge",
			"payment_intent": "pi_" + w.session, "amount_refunded": w.order.TotalAmount, "currency": "pen"},
			models.EventRefundRefused)
		if o := w.reload(t); !strings.Contains(o.AttentionNote, "ch_late") || o.Status != models.StatusCancelled {
			t.Errorf("note %q status %s", o.AttentionNote, o.Status)
		}
	}, demoCatalog)
}
