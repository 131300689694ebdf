package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ciap/qhatu/fulfillment"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/demo"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"
)

// The ledger benchmark (issue 8): paid three-line orders fulfilled and
// ledgered per second by 1 and by 4 workers, then `ledger verify` over the
// whole chain. The workers are goroutines working one job per order with
// the River fulfillment worker's own Work, so the figure is the database
// work of the hand-off (order lock, work orders, status history, entries
// chained under the head's lock, waiting orders taken along in batches;
// the jobs of orders a batch took find nothing to do) without the queue's
// polling. The orders are placed and paid first, untimed, through
// CreateOrder and PayOrder, in their own schema.
var ledgerFlags = struct {
	mode          *string
	orders1       *int
	orders4       *int
	verifyEntries *int
}{
	flag.String("ledger", "on", "ledger benchmark: on (before the read path), off, or only"),
	flag.Int("ledger-orders-1", 1000, "paid orders fulfilled by 1 worker"),
	flag.Int("ledger-orders-4", 2000, "paid orders fulfilled by 4 workers"),
	flag.Int("ledger-verify-entries", 100_000, "entries in the chain ledger verify reads (synthetic refund entries make up the difference)"),
}

// benchLedgerHook runs the ledger benchmark as -ledger says; done is true
// when nothing else should run.
func benchLedgerHook(ctx context.Context, dbURL string) (done bool, err error) {
	switch *ledgerFlags.mode {
	case "off":
		return false, nil
	case "on", "only":
	default:
		return true, errors.New("-ledger must be on, off or only")
	}
	if err := benchLedger(ctx, dbURL); err != nil {
		return true, fmt.Errorf("ledger benchmark: %w", err)
	}
	return *ledgerFlags.mode == "only", nil
}

func benchLedger(ctx context.Context, dbURL string) error {
	db, schema, drop, err := benchSchema(ctx, dbURL, "")
	if err != nil {
		return err
	}
	defer drop()
	store := models.NewStore(db)
	// Never started: paying enqueues the mail and fulfillment jobs, which
	// stay queued; the benchmark's workers fulfil the orders themselves.
	jobs, err := models.NewJobs(db, river.NewWorkers(), models.JobsConfig{})
	if err != nil {
		return err
	}
	store.UseJobs(jobs)
	if err := demo.Load(ctx, store); err != nil {
		return fmt.Errorf("seed the demo catalog: %w", err)
	}
	fmt.Printf("\nledger: paid 3-line orders fulfilled and ledgered on PostgreSQL (schema %s) by N goroutines\n", schema)
	fmt.Printf("working each order's job as the River fulfillment worker does (fulfillment.Worker.Work, batches of up to %d):\n",
		fulfillment.Batch+1)
	for _, run := range []struct{ workers, orders int }{{1, *ledgerFlags.orders1}, {4, *ledgerFlags.orders4}} {
		// Each run's orders are placed just before it, so a batch never
		// takes along an order of the next run.
		products, err := stockUp(ctx, db, store, run.orders)
		if err != nil {
			return err
		}
		start := time.Now()
		ids, err := placePaidOrders(ctx, store, products, run.orders)
		if err != nil {
			return err
		}
		if err := db.WithContext(ctx).Exec("VACUUM ANALYZE").Error; err != nil {
			return fmt.Errorf("vacuum: %w", err)
		}
		placed := time.Since(start)
		stopProfile, err := startProfile(fmt.Sprintf("fulfil%d", run.workers))
		if err != nil {
			return err
		}
		meter := cpuMeter{db: db, schema: schema}
		cpu0 := meter.sample(ctx)
		took, err := fulfil(ctx, db, fulfillment.NewWorker(store, nil), ids, run.workers)
		cpu := meter.sample(ctx)
		stopProfile()
		if err != nil {
			return err
		}
		fmt.Printf("  %d worker(s): %6d orders (placed in %s) in %6s = %7.0f orders/s (%7.0f entries/s)\n",
			run.workers, len(ids), placed.Round(time.Second), took.Round(time.Millisecond), float64(len(ids))/took.Seconds(),
			float64(3*len(ids))/took.Seconds())
		fmt.Printf("    CPU per order: %s\n", cpu.per(cpu0, len(ids)))
	}
	if err := extendChain(ctx, db, *ledgerFlags.verifyEntries); err != nil {
		return err
	}
	start := time.Now()
	c, err := store.VerifyLedger(ctx)
	took := time.Since(start)
	if err != nil {
		return err
	}
	fmt.Printf("  ledger verify: %d entries in %s = %.0f entries/s (head %d %s)\n", c.Entries,
		took.Round(time.Millisecond), float64(c.Entries)/took.Seconds(), c.HeadSeq, c.Head)
	return nil
}

// stockUp gives the demo catalog's published products enough stock for
// every order and returns them.
func stockUp(ctx context.Context, db *gorm.DB, store *models.Store, orders int) ([]int64, error) {
	var ids []int64
	if err := db.WithContext(ctx).Raw("SELECT id FROM products WHERE published ORDER BY id").Scan(&ids).Error; err != nil {
		return nil, fmt.Errorf("products: %w", err)
	}
	if len(ids) < 3 {
		return nil, fmt.Errorf("only %d published products", len(ids))
	}
	ed := store.Editor(models.SystemActor)
	per := 3*orders/len(ids) + 3
	for _, id := range ids {
		if _, err := ed.AdjustStock(ctx, models.StockAdjustment{ProductID: id, Delta: per,
			Reason: models.StockReceived, Note: "benchmark"}); err != nil {
			return nil, fmt.Errorf("stock product %d: %w", id, err)
		}
	}
	return ids, nil
}

// placePaidOrders places and pays n orders of three different products
// each (so most span several producing groups), four at a time.
func placePaidOrders(ctx context.Context, store *models.Store, products []int64, n int) ([]int64, error) {
	ids := make([]int64, n)
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errs = make([]error, 4)
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				lines := make([]models.OrderLineInput, 3)
				for k := range lines {
					lines[k] = models.OrderLineInput{ProductID: products[(3*i+k)%len(products)], Quantity: 1}
				}
				o, err := store.CreateOrder(ctx, models.OrderInput{
					Customer: models.Customer{Email: "bench@example.com", Name: "Ana Quispe", Phone: "+51 987 654 321",
						Address: models.Address{Country: "PE", Region: "lima-metropolitana", City: "Lima",
							Line: "Jr. Junín 123", PostalCode: "15001"}},
					Method: models.PaymentCard, ExpiresAt: time.Now().Add(24 * time.Hour), Lines: lines,
				})
				if err != nil {
					errs[w] = fmt.Errorf("place order %d: %w", i, err)
					return
				}
				sess := fmt.Sprintf("cs_bench_%d", o.ID)
				if _, _, err := store.PayOrder(ctx, models.PaymentInput{Number: o.Number, Method: models.PaymentCard,
					Amount: o.Total(), ProviderSessionID: sess, ProviderEventID: "evt_" + sess,
					Actor: models.SystemActor}); err != nil {
					errs[w] = fmt.Errorf("pay order %s: %w", o.Number, err)
					return
				}
				ids[i] = o.ID
			}
		}()
	}
	wg.Wait()
	return ids, errors.Join(errs...)
}

// fulfil works one fulfillment job per order with workers goroutines,
// each taking the next job as soon as its last one is done, and times the
// whole; then it checks that every order was fulfilled.
func fulfil(ctx context.Context, db *gorm.DB, w *fulfillment.Worker, ids []int64, workers int) (time.Duration, error) {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errs = make([]error, workers)
	)
	start := time.Now()
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ids) {
					return
				}
				job := &river.Job[models.FulfillOrderArgs]{JobRow: &rivertype.JobRow{ID: int64(i + 1), Attempt: 1},
					Args: models.FulfillOrderArgs{OrderID: ids[i]}}
				if err := w.Work(ctx, job); err != nil {
					errs[g] = fmt.Errorf("fulfil order %d: %w", ids[i], err)
					return
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return took, err
	}
	var left int64
	if err := db.WithContext(ctx).Model(&models.Order{}).Where("id IN ? AND status <> ?", ids, models.StatusInFulfillment).
		Count(&left).Error; err != nil {
		return took, fmt.Errorf("check the orders: %w", err)
	}
	if left > 0 {
		return took, fmt.Errorf("%d of %d orders not in fulfillment after their jobs", left, len(ids))
	}
	return took, nil
}

// extendChain brings the chain to n entries for the verify figure.
// Placing 33,000 orders through the shop would take longer than the rest
// of the benchmark, and verify reads rows and hashes them whatever they
// record, so the entries added are refunds reversing the sales written
// above (cycling through them), chained exactly as the shop chains its
// own and written in one transaction with the head, into the benchmark's
// own schema, dropped at the end.
func extendChain(ctx context.Context, db *gorm.DB, n int) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var head struct {
			Seq  int64
			Hash string
		}
		if err := tx.Raw("SELECT seq, hash FROM ledger_head WHERE id = 1 FOR UPDATE").Scan(&head).Error; err != nil {
			return fmt.Errorf("ledger head: %w", err)
		}
		var sales []models.LedgerEntry
		if err := tx.Where("kind = ?", models.LedgerSale).Order("seq").Find(&sales).Error; err != nil {
			return fmt.Errorf("sale entries: %w", err)
		}
		if len(sales) == 0 || head.Seq >= int64(n) {
			return nil
		}
		created := time.Now().UTC().Truncate(time.Second)
		batch := make([]models.LedgerEntry, 0, 1000)
		for i := 0; head.Seq < int64(n); i++ {
			s := sales[i%len(sales)]
			e := models.LedgerEntry{Seq: head.Seq + 1, Kind: models.LedgerRefund, OrderID: s.OrderID,
				OrderLineID: s.OrderLineID, GroupID: s.GroupID, ProductID: s.ProductID, BreakdownID: s.BreakdownID,
				BreakdownVersion: s.BreakdownVersion, Quantity: -s.Quantity, Currency: s.Currency,
				ArtisanLabour: -s.ArtisanLabour, ArtisanMaterials: -s.ArtisanMaterials, CommunityFund: -s.CommunityFund,
				PaidToArtisans: -s.PaidToArtisans, LocalMarketPrice: -s.LocalMarketPrice, Surplus: -s.Surplus,
				ReversesSeq: &sales[i%len(sales)].Seq, CreatedAt: created, PrevHash: head.Hash}
			e.Hash = e.ComputeHash()
			head.Seq, head.Hash = e.Seq, e.Hash
			if batch = append(batch, e); len(batch) == cap(batch) || head.Seq == int64(n) {
				if err := tx.Create(&batch).Error; err != nil {
					return fmt.Errorf("extend the chain: %w", err)
				}
				batch = batch[:0]
			}
		}
		if err := tx.Exec("UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1", head.Seq, head.Hash).Error; err != nil {
			return fmt.Errorf("move the head: %w", err)
		}
		return tx.Exec("ANALYZE ledger_entries").Error
	})
}
