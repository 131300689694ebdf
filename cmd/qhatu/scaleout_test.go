package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/riverqueue/river"
	"github.com/stripe/stripe-go/v76/webhook"
	"gorm.io/gorm"
)

const (
	scaleoutOrders = 200
	scaleoutSecret = "whsec_scaleout_test"
)

// Two `qhatu serve` instances (run as main runs it: its own HTTP server
// and its own River client working the fulfillment queue) on two ports
// and one PostgreSQL database. 200 paid orders' Checkout events are
// delivered to both at once, some twice: to the same instance, to the
// other, or as a second event for the same session. Every order is paid
// once and fulfilled once, the ledger has one entry per line and its
// chain verifies, and what it says the artisans were paid is exactly what
// the orders' lines snapshotted. SQLite is single-instance by design (one
// process owns the file), so this runs on PostgreSQL only; in CI that is
// required (dbtest.Engines fails without it), never skipped.
func TestScaleOut_TwoInstancesFulfillEachPaidOrderOnce(t *testing.T) {
	t.Parallel()
	if !slices.Contains(dbtest.Engines(t), "postgres") {
		t.Skipf("%s is not set: two instances share a PostgreSQL database (SQLite serves one instance)", dbtest.EnvURL)
	}
	ctx := context.Background()
	// The demo catalog copied from the seed the ledger tests fill once,
	// not loaded again through the domain code.
	db := dbtest.Open(t, "postgres", demoSeed)
	store := models.NewStore(db)
	// Enqueues only (order mails, fulfillment): the instances work them.
	jobs, err := models.NewJobs(db, river.NewWorkers(), models.JobsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	store.UseJobs(jobs)
	dbURL := schemaURL(t, db)

	// Both instances, each on its own port and data folder (no disk is
	// shared), running until the test ends.
	runCtx, stop := context.WithCancel(ctx)
	var instances []string
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		addr, dir := freeAddr(t), t.TempDir()
		instances = append(instances, "http://"+addr)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- run(runCtx, []string{"serve", "-addr", addr, "-base-url", "http://" + addr,
				"-database-url", dbURL, "-data-dir", dir, "-seed-demo=false", "-catalog-poll", "0",
				"-log-level", "error", "-job-workers", "4", "-stripe-webhook-secret", scaleoutSecret})
		}()
	}
	stopped := false
	shutdown := func() {
		if stopped {
			return
		}
		stopped = true
		stop()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("instance: %v", err)
			}
		}
	}
	t.Cleanup(shutdown)
	// The orders are placed while the instances start.
	orders := placeScaleoutOrders(t, store)

	for _, base := range instances {
		waitReady(t, base)
	}

	// Every order's event goes to one instance; one in four goes to the
	// other too (the same event: Stripe retrying where the first answer
	// was lost), one in six also as a second event for the same session
	// (completed and async_payment_succeeded both arrive). All at once.
	type delivery struct {
		base    string
		payload []byte
	}
	var deliveries []delivery
	for i, o := range orders {
		first, other := instances[i%2], instances[(i+1)%2]
		ev := checkoutEvent(t, fmt.Sprintf("evt_so_%d", i), "checkout.session.completed", o)
		deliveries = append(deliveries, delivery{first, ev})
		if i%4 == 0 {
			deliveries = append(deliveries, delivery{other, ev})
		}
		if i%6 == 0 {
			deliveries = append(deliveries, delivery{other,
				checkoutEvent(t, fmt.Sprintf("evt_so_%d_async", i), "checkout.session.async_payment_succeeded", o)})
		}
	}
	rand.Shuffle(len(deliveries), func(i, j int) { deliveries[i], deliveries[j] = deliveries[j], deliveries[i] })

	start := time.Now()
	outcomes := map[models.StripeEventOutcome]int{}
	duplicates := 0
	var mu sync.Mutex
	next := make(chan delivery)
	var senders sync.WaitGroup
	for range 16 {
		senders.Add(1)
		go func() {
			defer senders.Done()
			for d := range next {
				a, err := postEvent(d.base, d.payload)
				mu.Lock()
				if err != nil {
					t.Errorf("delivery to %s: %v", d.base, err)
				} else if a.Duplicate {
					duplicates++
				} else {
					outcomes[a.Outcome]++
				}
				mu.Unlock()
			}
		}()
	}
	for _, d := range deliveries {
		next <- d
	}
	close(next)
	senders.Wait()
	delivered := time.Since(start)
	sameEvent := (scaleoutOrders + 3) / 4
	secondEvent := (scaleoutOrders + 5) / 6
	if outcomes[models.EventPaid] != scaleoutOrders || duplicates != sameEvent ||
		outcomes[models.EventPaymentKnown] != secondEvent || len(outcomes) != 2 {
		t.Fatalf("outcomes %v, %d duplicates; want %d paid, %d payment_known, %d duplicates",
			outcomes, duplicates, scaleoutOrders, secondEvent, sameEvent)
	}

	ids := make([]int64, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var left int64
		if err := db.Model(&models.Order{}).Where("id IN ? AND status <> ?", ids, models.StatusInFulfillment).
			Count(&left).Error; err != nil {
			t.Fatal(err)
		}
		// A job whose order went with another job's batch completes
		// with nothing to do: wait for those too before counting below.
		var open int64
		if err := db.Raw(`SELECT COUNT(*) FROM river_job WHERE kind = ? AND state <> 'completed'`,
			models.FulfillOrderArgs{}.Kind()).Scan(&open).Error; err != nil {
			t.Fatal(err)
		}
		if left == 0 && open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d orders not in fulfillment, %d fulfillment jobs not completed after 30 s", left, open)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fulfilled := time.Since(start)
	// Stop both instances, so nothing can still be writing what is
	// counted below.
	shutdown()
	// Each instance's River client worked part of the queue.
	var workedBy []struct {
		Client string
		Jobs   int
	}
	if err := db.Raw(`SELECT attempted_by[array_length(attempted_by, 1)] AS client, COUNT(*) AS jobs
		FROM river_job WHERE kind = ? AND state = 'completed' GROUP BY 1`, models.FulfillOrderArgs{}.Kind()).
		Scan(&workedBy).Error; err != nil {
		t.Fatal(err)
	}
	if len(workedBy) != 2 || workedBy[0].Jobs+workedBy[1].Jobs != scaleoutOrders {
		t.Errorf("fulfillment jobs completed by %+v; want %d between the two instances", workedBy, scaleoutOrders)
	}

	var lines, entries, linesTwice, payments int64
	count := func(n *int64, q string, args ...any) {
		t.Helper()
		if err := db.Raw(q, args...).Scan(n).Error; err != nil {
			t.Fatal(err)
		}
	}
	count(&lines, "SELECT COUNT(*) FROM order_lines WHERE order_id IN ?", ids)
	count(&entries, "SELECT COUNT(*) FROM ledger_entries WHERE kind = ?", models.LedgerSale)
	count(&linesTwice, `SELECT COUNT(*) FROM (SELECT order_line_id FROM ledger_entries
		GROUP BY order_line_id HAVING COUNT(*) > 1) AS twice`)
	count(&payments, "SELECT COUNT(*) FROM payments WHERE order_id IN ?", ids)
	if entries != lines || linesTwice != 0 {
		t.Errorf("%d ledger entries (%d lines ledgered twice) for %d order lines: want one per line", entries, linesTwice, lines)
	}
	if payments != scaleoutOrders {
		t.Errorf("%d payments recorded for %d orders", payments, scaleoutOrders)
	}
	var unled int64
	count(&unled, `SELECT COUNT(*) FROM order_lines AS l WHERE l.order_id IN ?
		AND NOT EXISTS (SELECT 1 FROM ledger_entries AS e WHERE e.order_line_id = l.id)`, ids)
	if unled != 0 {
		t.Errorf("%d order lines without a ledger entry", unled)
	}
	var history int64
	count(&history, "SELECT COUNT(*) FROM order_status_history WHERE order_id IN ? AND to_status = ?",
		ids, models.StatusInFulfillment)
	if history != scaleoutOrders {
		t.Errorf("%d moves to in_fulfillment recorded for %d orders", history, scaleoutOrders)
	}

	check, err := store.VerifyLedger(ctx)
	if err != nil {
		t.Fatalf("ledger verify: %v", err)
	}
	if check.Entries != entries {
		t.Errorf("verify checked %d entries, the ledger has %d", check.Entries, entries)
	}

	// Reconciliation: the ledger's totals are the snapshotted lines'.
	var ledger, snapshot struct{ Paid, Surplus int64 }
	if err := db.Raw(`SELECT COALESCE(SUM(paid_to_artisans), 0) AS paid, COALESCE(SUM(surplus), 0) AS surplus
		FROM ledger_entries`).Scan(&ledger).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Raw(`SELECT
		COALESCE(SUM((artisan_labour + artisan_materials + community_fund) * quantity), 0) AS paid,
		COALESCE(SUM((artisan_labour + artisan_materials + community_fund - local_market_price) * quantity), 0) AS surplus
		FROM order_lines WHERE order_id IN ?`, ids).Scan(&snapshot).Error; err != nil {
		t.Fatal(err)
	}
	if ledger != snapshot || ledger.Paid <= 0 {
		t.Errorf("ledger paid %d, surplus %d; the orders' lines snapshotted paid %d, surplus %d",
			ledger.Paid, ledger.Surplus, snapshot.Paid, snapshot.Surplus)
	}
	t.Logf("%d deliveries of %d orders (%d lines) to 2 instances: answered in %v, all fulfilled in %v; ledger head %d %s",
		len(deliveries), scaleoutOrders, lines, delivered.Round(time.Millisecond), fulfilled.Round(time.Millisecond),
		check.HeadSeq, check.Head)
}

// placeScaleoutOrders places the pending card orders, each with a
// Checkout session recorded as the checkout records it, of one to three
// demo products, after giving those products enough stock.
func placeScaleoutOrders(t *testing.T, store *models.Store) []*models.Order {
	t.Helper()
	ctx := context.Background()
	page, err := store.ListProducts(ctx, models.ProductFilter{PerPage: 6})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) < 3 {
		t.Fatalf("the demo catalog lists %d products", len(page.Items))
	}
	ed := store.Editor("almacen@ciap.example")
	for _, p := range page.Items {
		if _, err := ed.AdjustStock(ctx, models.StockAdjustment{ProductID: p.ID, Delta: 2 * scaleoutOrders * 3,
			Reason: models.StockReceived, Note: "scale-out test"}); err != nil {
			t.Fatal(err)
		}
	}
	orders := make([]*models.Order, scaleoutOrders)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < scaleoutOrders; i += 4 {
				var lines []models.OrderLineInput
				for k := range 1 + i%3 {
					p := page.Items[(i+k)%len(page.Items)]
					lines = append(lines, models.OrderLineInput{ProductID: p.ID, Quantity: 1 + (i+k)%3})
				}
				o, err := store.PlaceOrder(ctx, models.OrderInput{
					Customer: models.Customer{Email: fmt.Sprintf("buyer%d@example.org", i), Name: "Ana Quispe",
						Phone: "+51 987 654 321", Address: models.Address{Country: "PE", Region: "lima-metropolitana",
							City: "Lima", Line: "Jr. Junín " + strconv.Itoa(100+i)}},
					Method: models.PaymentCard, ExpiresAt: time.Now().Add(time.Hour), Lines: lines,
				}, nil)
				if err == nil {
					err = store.SetCheckoutSession(ctx, o.ID, "cs_test_so_"+o.Number)
				}
				if err != nil {
					errs <- fmt.Errorf("order %d: %w", i, err)
					return
				}
				orders[i] = o
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return orders
}

// checkoutEvent is a signed-to-be Stripe event paying the order in full.
func checkoutEvent(t *testing.T, id, typ string, o *models.Order) []byte {
	t.Helper()
	session := "cs_test_so_" + o.Number
	b, err := json.Marshal(map[string]any{"id": id, "object": "event", "api_version": "2023-10-16",
		"created": time.Now().Unix(), "livemode": false, "type": typ, "data": map[string]any{"object": map[string]any{
			"id": session, "object": "checkout.session", "mode": "payment",
			"client_reference_id": o.Number, "metadata": map[string]any{"order": o.Number},
			"payment_status": "paid", "status": "complete", "amount_total": o.TotalAmount,
			"currency": "pen", "payment_intent": "pi_" + session,
		}}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Currency != "PEN" {
		t.Fatalf("order %s in %s", o.Number, o.Currency)
	}
	return b
}

type eventAnswer struct {
	Duplicate bool                      `json:"duplicate"`
	Outcome   models.StripeEventOutcome `json:"outcome"`
}

// postEvent signs the payload now and posts it to the instance's webhook.
func postEvent(base string, payload []byte) (eventAnswer, error) {
	var a eventAnswer
	sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: scaleoutSecret})
	req, err := http.NewRequest(http.MethodPost, base+"/webhooks/stripe", bytes.NewReader(payload))
	if err != nil {
		return a, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Stripe-Signature", sig.Header)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return a, err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return a, fmt.Errorf("status %d: %s", res.StatusCode, body)
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return a, fmt.Errorf("answer %q: %w", body, err)
	}
	return a, nil
}

// schemaURL is the URL of the test's PostgreSQL schema, for instances
// that open their own pools.
func schemaURL(t *testing.T, db *gorm.DB) string {
	t.Helper()
	var schema string
	if err := db.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(os.Getenv(dbtest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// freeAddr is a local address nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// waitReady waits until the instance answers /readyz.
func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after 20 s: %v", base, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}
