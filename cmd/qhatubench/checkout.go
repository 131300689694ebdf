package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/demo"
	"github.com/riverqueue/river"
	"github.com/stripe/stripe-go/v76/webhook"
)

// The checkout benchmark (issue 7), on its own schema and one in-process
// shop served over HTTP, paying by card on a stripe-mock it starts:
//
//  1. checkouts per second, closed loop: each buyer is a fresh browser
//     that adds a piece to its cart (POST /cart/add, which starts its
//     session), opens the checkout form (GET /checkout, for the form's
//     CSRF token) and places the order by card (POST /checkout: the
//     order, its reservation and a Checkout Session on stripe-mock, then
//     the 303 to Stripe). The latency is the three requests together.
//  2. paid webhook events per second: one signed checkout.session.completed
//     per order placed in 1, several delivered at once as Stripe does.
//  3. the catalog and a product page's requests per second with no
//     checkouts, then while buyers check out at a steady rate (open
//     loop), and the ratio.
//
// The shop runs as qhatu serve does (page cache and catalog memo on). Its
// job queue is not started: the jobs a checkout or a payment enqueues are
// written in the same transaction, as always, and wait (the workers' cost
// is the ledger benchmark's).
var checkoutFlags = struct {
	mode        *string
	duration    *time.Duration
	concurrency *int
	rate        *int
	deliveries  *int
	pace        *int
	products    *int
	cpuProfile  *string
}{
	flag.String("checkout", "on", "checkout benchmark: on (before the read path), off, or only"),
	flag.Duration("checkout-duration", 10*time.Second, "load time of each checkout measurement"),
	flag.Int("checkout-concurrency", 32, "buyers checking out at once (closed loop)"),
	flag.Int("checkout-rate", 300, "checkouts per second arriving in the open-loop measurement"),
	flag.Int("checkout-webhooks", 8, "webhook deliveries at once"),
	flag.Int("checkout-pace", 50, "checkouts per second while the pages are loaded (0: skip the pages)"),
	flag.Int("checkout-products", 1000, "catalog size of the checkout benchmark"),
	flag.String("checkout-cpuprofile", "", "write CPU profiles of the checkout, webhook and fulfillment loads to this file name plus .checkout, .webhook, .fulfil1 and .fulfil4"),
}

// benchCheckoutHook runs the checkout benchmark as -checkout says; done is
// true when nothing else should run.
func benchCheckoutHook(ctx context.Context, o options) (done bool, err error) {
	switch *checkoutFlags.mode {
	case "off":
		return false, nil
	case "on", "only":
	default:
		return true, errors.New("-checkout must be on, off or only")
	}
	if err := benchCheckout(ctx, o); err != nil {
		return true, fmt.Errorf("checkout benchmark: %w", err)
	}
	return *checkoutFlags.mode == "only", nil
}

// benchWebhookSecret signs the benchmark's webhook deliveries.
const benchWebhookSecret = "whsec_qhatubench"

func benchCheckout(ctx context.Context, o options) error {
	if *checkoutFlags.rate < 1 || *checkoutFlags.pace < 0 {
		return errors.New("-checkout-rate must be at least 1 and -checkout-pace at least 0")
	}
	mockURL, mockPID, stopMock, err := startStripeMock(ctx)
	if err != nil {
		return err
	}
	defer stopMock()
	db, schema, drop, err := benchSchema(ctx, o.dbURL, "")
	if err != nil {
		return err
	}
	defer drop()
	store := models.NewStore(db)
	start := time.Now()
	if err := demo.Large(ctx, store, *checkoutFlags.products); err != nil {
		return fmt.Errorf("seed %d products: %w", *checkoutFlags.products, err)
	}
	// Every piece for sale gets stock enough for the whole run, so no
	// checkout is refused as sold out; the buyers spread over them.
	products, err := forSale(ctx, store)
	if err != nil {
		return err
	}
	if err := db.WithContext(ctx).Exec("VACUUM ANALYZE").Error; err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	// Never started: see the comment at the top.
	jobs, err := models.NewJobs(db, river.NewWorkers(), models.JobsConfig{})
	if err != nil {
		return err
	}
	store.UseJobs(jobs)
	srv, err := handlers.New(store, handlers.Config{BaseURL: "http://localhost",
		MinimumWage: handlers.MinimumWage{Monthly: 113000, HoursPerWeek: 48,
			Source: "Decreto Supremo N.° 006-2024-TR", Since: "2025-01-01"},
		PageCacheEntries: 2000, CatalogMemo: true,
		Payments: handlers.PaymentsConfig{Stripe: handlers.StripeConfig{SecretKey: "sk_test_qhatubench",
			WebhookSecret: benchWebhookSecret, APIURL: mockURL}},
	}, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	base, stop, err := serve(srv)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Printf("checkout benchmark: %d pieces for sale on PostgreSQL (schema %s, ready in %s), stripe-mock at %s\n",
		len(products), schema, time.Since(start).Round(time.Second), mockURL)

	b := &buyers{base: base, products: products, tr: &http.Transport{
		MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}}
	defer b.tr.CloseIdleConnections()
	// Warm up: templates, prepared statements, connections to stripe-mock.
	for range 20 {
		if _, err := b.checkout(ctx); err != nil {
			return fmt.Errorf("warm-up checkout: %w", err)
		}
	}
	// A live shop's tables hold its history and autovacuum keeps their
	// statistics; these started empty, and plans made for empty tables
	// (a partial index scanned row by row instead of the primary key)
	// would be measured instead of the shop.
	if err := db.WithContext(ctx).Exec("ANALYZE").Error; err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	dur := *checkoutFlags.duration

	// 1. Checkouts, as fast as the buyers go.
	stopProfile, err := startProfile("checkout")
	if err != nil {
		return err
	}
	meter := cpuMeter{db: db, schema: schema, mockPID: mockPID}
	cpu0 := meter.sample(ctx)
	lat, failed := b.closedLoop(ctx, *checkoutFlags.concurrency, dur)
	cpu := meter.sample(ctx)
	stopProfile()
	if len(lat) == 0 {
		return fmt.Errorf("no checkout succeeded (%d failed)", failed)
	}
	fmt.Printf("\ncheckouts (cart add, checkout form, order by card + session on stripe-mock), %d buyers at once, %s:\n",
		*checkoutFlags.concurrency, dur)
	printRate(fmt.Sprintf("%d checkouts", len(lat)), lat, dur, failed, "checkouts/s", 300, 100*time.Millisecond)
	fmt.Printf("  CPU per checkout: %s\n", cpu.per(cpu0, len(lat)))

	// 1b. Buyers arriving at the target's rate (open loop), whoever is
	// still waiting: the latency a buyer sees at that load. In the closed
	// loop above, n buyers always waiting make the mean latency n / rate
	// (Little's law: 107 ms for 32 buyers at 300/s), so its p99 says how
	// long the queue is, not how fast the shop answers.
	rate := *checkoutFlags.rate
	lctx, cancel := context.WithTimeout(ctx, dur)
	p := b.openLoop(lctx, rate)
	cancel()
	fmt.Printf("\ncheckouts arriving at %d/s (open loop), %s:\n", rate, dur)
	// The shop kept up when it served every buyer who arrived: the count
	// over the window is a tick short of rate × duration (99.9 for 100/s)
	// and would read as below the rate it met.
	what, rateTarget := fmt.Sprintf("%d checkouts", len(p.lat)), 0.0
	if p.skipped > 0 || p.failed > 0 {
		what += fmt.Sprintf(" (%d buyers not served: 256 were already waiting)", p.skipped)
		rateTarget = float64(rate)
	}
	printRate(what, p.lat, p.elapsed, p.failed, "checkouts/s", rateTarget, 100*time.Millisecond)

	// 2. Stripe's paid events, one per order placed by card.
	if err := benchWebhooks(ctx, store, base, meter); err != nil {
		return err
	}

	// 3. The pages, without and with checkouts running at a steady rate
	// (-checkout-pace 0 skips them).
	pace := *checkoutFlags.pace
	if pace == 0 {
		return nil
	}
	slug := products[0].slug
	pageOpts := o
	pageOpts.duration = dur
	fmt.Printf("\npages (%s, %d connections) without checkouts, then with %d checkouts/s (open loop); page cache on:\n",
		o.loadgen, o.connections, pace)
	fmt.Println("URL\tquiet req/s\tp99\tbusy req/s\tp99\tbusy/quiet\tcheckouts/s done\tcheckout p99")
	for _, path := range []string{"/products", "/products/" + slug} {
		if err := warm(base + path); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		quiet, err := load(ctx, pageOpts, base+path)
		if err != nil {
			return fmt.Errorf("load %s: %w", path, err)
		}
		time.Sleep(time.Second) // let wrk's cut connections finish
		pctx, cancel := context.WithCancel(ctx)
		result := make(chan paced, 1)
		go func() { result <- b.openLoop(pctx, pace) }()
		time.Sleep(time.Second) // the checkouts reach their pace first
		busy, err := load(ctx, pageOpts, base+path)
		cancel()
		p := <-result
		if err != nil {
			return fmt.Errorf("load %s with checkouts: %w", path, err)
		}
		ratio := busy.rps / quiet.rps
		done := float64(len(p.lat)) / p.elapsed.Seconds()
		verdict := "ok"
		switch {
		case ratio < 0.5:
			verdict = "BELOW the 0.5× target"
		case done < 0.9*float64(pace):
			// The pages kept their rate only because the checkouts fell
			// behind their pace: not the target's condition.
			verdict = fmt.Sprintf("NOT MEASURED at %d checkouts/s: they fell behind", pace)
		}
		fmt.Printf("%s\t%.0f\t%s\t%.0f\t%s\t%.2f× (%s)\t%.1f (%d failed, %d skipped)\t%s\n", path, quiet.rps, ms(quiet.p99),
			busy.rps, ms(busy.p99), ratio, verdict, done, p.failed, p.skipped, ms(percentile(p.lat, 99)))
		time.Sleep(time.Second)
	}
	return nil
}

// printRate prints a closed loop's rate and latencies against a target.
func printRate(what string, lat []time.Duration, dur time.Duration, failed int, unit string, target float64, p99Target time.Duration) {
	rate := float64(len(lat)) / dur.Seconds()
	p50, p99 := percentile(lat, 50), percentile(lat, 99)
	verdict := "ok"
	switch {
	case rate < target && p99Target > 0 && p99 > p99Target:
		verdict = fmt.Sprintf("BELOW the targets (%.0f %s, p99 ≤ %s)", target, unit, ms(p99Target))
	case rate < target:
		verdict = fmt.Sprintf("BELOW the target (%.0f %s)", target, unit)
	case p99Target > 0 && p99 > p99Target:
		verdict = fmt.Sprintf("p99 ABOVE the target (%s)", ms(p99Target))
	}
	fmt.Printf("  %s, %d failed: %.0f %s, p50 %s, p99 %s (%s)\n", what, failed, rate, unit, ms(p50), ms(p99), verdict)
}

func percentile(lat []time.Duration, p int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}

// saleProduct is a piece the buyers buy.
type saleProduct struct {
	id   string
	slug string
}

// forSale lists the published pieces with a retail price and gives each
// a large stock.
func forSale(ctx context.Context, store *models.Store) ([]saleProduct, error) {
	db := store.DB().WithContext(ctx)
	var rows []struct {
		ID   int64
		Slug string
	}
	if err := db.Raw(`SELECT id, slug FROM products WHERE published AND retail_breakdown_id IS NOT NULL
		AND price_amount > 0 ORDER BY id`).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("pieces for sale: %w", err)
	}
	if len(rows) == 0 {
		return nil, errors.New("no piece for sale in the seeded catalog")
	}
	if err := db.Exec(`UPDATE products SET stock = 1000000 WHERE published AND retail_breakdown_id IS NOT NULL
		AND price_amount > 0`).Error; err != nil {
		return nil, fmt.Errorf("stock up: %w", err)
	}
	out := make([]saleProduct, len(rows))
	for i, r := range rows {
		out[i] = saleProduct{id: strconv.FormatInt(r.ID, 10), slug: r.Slug}
	}
	return out, nil
}

// buyers check out on the shop at base.
type buyers struct {
	base     string
	products []saleProduct
	tr       *http.Transport
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// checkoutForm is a guest buyer in Lima paying by card.
var checkoutForm = url.Values{"email": {"bench@example.org"}, "name": {"Ana Quispe"}, "phone": {"+51 987 654 321"},
	"country": {"PE"}, "region": {"lima-metropolitana"}, "city": {"Miraflores"},
	"address": {"Av. Larco 123"}, "payment_method": {"card"}}

// checkout is one fresh browser buying one piece by card, as a browser
// does it: its latency covers the three requests.
func (b *buyers) checkout(ctx context.Context) (time.Duration, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: b.tr, Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	p := b.products[rand.IntN(len(b.products))]
	t0 := time.Now()
	res, body, err := b.send(ctx, c, http.MethodPost, "/cart/add", url.Values{"product_id": {p.id}, "quantity": {"1"}})
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusSeeOther {
		return 0, fmt.Errorf("cart add: status %d: %.200s", res.StatusCode, body)
	}
	res, body, err = b.send(ctx, c, http.MethodGet, "/checkout", nil)
	if err != nil {
		return 0, err
	}
	m := csrfField.FindSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		return 0, fmt.Errorf("checkout form: status %d, token found %v", res.StatusCode, m != nil)
	}
	form := url.Values{"_csrf": {string(m[1])}}
	for k, v := range checkoutForm {
		form[k] = v
	}
	res, body, err = b.send(ctx, c, http.MethodPost, "/checkout", form)
	if err != nil {
		return 0, err
	}
	// Straight to Stripe: an answer to the order's own page means the
	// session could not be created.
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "https://") {
		return 0, fmt.Errorf("checkout: status %d to %q: %.200s", res.StatusCode, loc, body)
	}
	return time.Since(t0), nil
}

func (b *buyers) send(ctx context.Context, c *http.Client, method, path string, form url.Values) (*http.Response, []byte, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, body)
	if err != nil {
		return nil, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	// What a browser says of a form posted from the shop's own page.
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b2, err := io.ReadAll(res.Body)
	return res, b2, err
}

// closedLoop runs n buyers, each checking out again as soon as the last
// checkout is done, for d.
func (b *buyers) closedLoop(ctx context.Context, n int, d time.Duration) (lat []time.Duration, failed int) {
	deadline := time.Now().Add(d)
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs atomic.Int64
		last atomic.Value
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) && ctx.Err() == nil {
				l, err := b.checkout(ctx)
				if err != nil {
					errs.Add(1)
					last.Store(err.Error())
					continue
				}
				mine = append(mine, l)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if e := last.Load(); e != nil {
		fmt.Printf("  a failed checkout: %s\n", e)
	}
	return lat, int(errs.Load())
}

// paced is what an open loop did.
type paced struct {
	lat             []time.Duration
	failed, skipped int
	elapsed         time.Duration
}

// openLoop starts a checkout every 1/rate seconds, whether the last ones
// are done or not (a steady stream of buyers), until ctx ends; a start
// finding 256 checkouts still running is skipped and counted.
func (b *buyers) openLoop(ctx context.Context, rate int) paced {
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out paced
	)
	sem := make(chan struct{}, 256)
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	start := time.Now()
	for {
		select {
		case <-ctx.Done():
			out.elapsed = time.Since(start)
			wg.Wait()
			return out
		case <-tick.C:
		}
		select {
		case sem <- struct{}{}:
		default:
			mu.Lock()
			out.skipped++
			mu.Unlock()
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			// Checkouts the end of the load cuts short are not failures.
			l, err := b.checkout(context.WithoutCancel(ctx))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				out.failed++
				return
			}
			out.lat = append(out.lat, l)
		}()
	}
}

// benchWebhooks delivers a signed, paid checkout.session.completed for
// every pending card order with a session, several at once.
func benchWebhooks(ctx context.Context, store *models.Store, base string, meter cpuMeter) error {
	var orders []struct {
		Number            string
		TotalAmount       int64
		Currency          string
		CheckoutSessionID string
	}
	if err := store.DB().WithContext(ctx).Raw(`SELECT number, total_amount, currency, checkout_session_id FROM orders
		WHERE status = ? AND checkout_session_id IS NOT NULL ORDER BY id`, models.StatusPendingPayment).
		Scan(&orders).Error; err != nil {
		return fmt.Errorf("pending orders: %w", err)
	}
	type delivery struct {
		payload []byte
		header  string
	}
	ds := make([]delivery, len(orders))
	now := time.Now()
	for i, o := range orders {
		payload, err := json.Marshal(map[string]any{"id": "evt_bench_" + o.Number, "object": "event",
			"api_version": "2023-10-16", "created": now.Unix(), "type": "checkout.session.completed",
			"data": map[string]any{"object": map[string]any{"id": o.CheckoutSessionID, "object": "checkout.session",
				"mode": "payment", "client_reference_id": o.Number, "metadata": map[string]any{"order": o.Number},
				"payment_status": "paid", "status": "complete", "amount_total": o.TotalAmount,
				"currency": strings.ToLower(o.Currency), "payment_intent": "pi_bench_" + o.Number}}})
		if err != nil {
			return err
		}
		ds[i] = delivery{payload, webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload,
			Secret: benchWebhookSecret, Timestamp: now}).Header}
	}
	n := *checkoutFlags.deliveries
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	var (
		next   atomic.Int64
		failed atomic.Int64
		last   atomic.Value
		mu     sync.Mutex
		lat    []time.Duration
		wg     sync.WaitGroup
	)
	stopProfile, err := startProfile("webhook")
	if err != nil {
		return err
	}
	cpu0 := meter.sample(ctx)
	t0 := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := next.Add(1) - 1; int(i) < len(ds); i = next.Add(1) - 1 {
				d := ds[i]
				start := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/webhooks/stripe", strings.NewReader(string(d.payload)))
				req.Header.Set("Content-Type", "application/json; charset=utf-8")
				req.Header.Set("Stripe-Signature", d.header)
				res, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					last.Store(err.Error())
					continue
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"paid"`) {
					failed.Add(1)
					last.Store(fmt.Sprintf("status %d: %.200s", res.StatusCode, body))
					continue
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	cpu := meter.sample(ctx)
	stopProfile()
	fmt.Printf("\npaid webhook events (signed checkout.session.completed, one per order above), %d at once:\n", n)
	if e := last.Load(); e != nil {
		fmt.Printf("  a failed delivery: %s\n", e)
	}
	printRate(fmt.Sprintf("%d events in %s", len(lat), elapsed.Round(time.Millisecond)), lat, elapsed,
		int(failed.Load()), "events/s", 1000, 0)
	if len(lat) > 0 {
		fmt.Printf("  CPU per event: %s\n", cpu.per(cpu0, len(lat)))
	}
	var paid int64
	if err := store.DB().WithContext(ctx).Raw(`SELECT count(*) FROM orders WHERE status = ?`, models.StatusPaid).
		Scan(&paid).Error; err != nil {
		return err
	}
	if int(paid) != len(lat) {
		return fmt.Errorf("%d orders paid after %d paid events", paid, len(lat))
	}
	return nil
}

// startProfile CPU-profiles until the returned function is called, when
// -checkout-cpuprofile asks for it.
func startProfile(suffix string) (func(), error) {
	if *checkoutFlags.cpuProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(*checkoutFlags.cpuProfile + "." + suffix)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// startStripeMock builds and runs the module's stripe-mock tool on ports
// the system picks, reading its HTTP address from what it prints.
func startStripeMock(ctx context.Context) (string, int, func(), error) {
	out, err := exec.CommandContext(ctx, "go", "tool", "-n", "stripe-mock").Output()
	if err != nil {
		return "", 0, nil, fmt.Errorf("build stripe-mock (go tool -n stripe-mock): %w", err)
	}
	cmd := exec.Command(strings.TrimSpace(string(out)), "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	cmd.SysProcAttr = childAttr()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", 0, nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", 0, nil, fmt.Errorf("start stripe-mock: %w", err)
	}
	stop := func() { cmd.Process.Kill(); cmd.Wait() }
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "Listening for HTTP at address: "); ok {
				addr <- a
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			stop()
			return "", 0, nil, errors.New("stripe-mock ended before listening")
		}
		return "http://" + a, cmd.Process.Pid, stop, nil
	case <-time.After(time.Minute):
		stop()
		return "", 0, nil, errors.New("stripe-mock did not start within a minute")
	}
}
