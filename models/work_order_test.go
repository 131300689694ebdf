package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// fulfilShop is a shop with two producing groups: the catalog's product
// (group 1) and a piece of a second group.
type fulfilShop struct {
	*shopCatalog
	group2 *models.Group
	prod2  *models.Product
}

func newFulfilShop(t *testing.T, db *gorm.DB, stock int) *fulfilShop {
	t.Helper()
	c := newShop(t, db, stock)
	g := &models.Group{Slug: "ceramistas-de-huamanga", Name: "Ceramistas de Huamanga", AssociationID: c.assoc.ID,
		Region: models.RegionAyacucho, Place: "Huamanga", Craft: models.CraftCeramics, Artisans: 20,
		WomenPercent: 90, AssemblyCadence: models.CadenceWeekly, StoryES: "Historia", StoryEN: "Story"}
	if err := c.ed.CreateGroup(context.Background(), g); err != nil {
		t.Fatalf("create second group: %v", err)
	}
	return &fulfilShop{shopCatalog: c, group2: g, prod2: c.addProductOf(t, g.ID, "toro-de-huamanga", stock)}
}

// paidOrder places an order and pays it through PayOrder, as the webhook does.
func (c *fulfilShop) paidOrder(t *testing.T, lines ...models.OrderLineInput) *models.Order {
	t.Helper()
	o := c.order(t, lines...)
	if _, changed, err := c.store.PayOrder(context.Background(), cardPayment(o, "cs_"+o.Token[:12])); err != nil || !changed {
		t.Fatalf("pay %s: changed %v, %v", o.Number, changed, err)
	}
	return o
}

func (c *fulfilShop) entries(t *testing.T, orderID int64) []models.LedgerEntry {
	t.Helper()
	es, err := c.store.LedgerEntriesOfOrder(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// verify checks the whole chain and that it holds want entries.
func (c *fulfilShop) verify(t *testing.T, want int64) models.LedgerCheck {
	t.Helper()
	check, err := c.store.VerifyLedger(context.Background())
	if err != nil {
		t.Fatalf("verify ledger: %v", err)
	}
	if check.Entries != want || check.HeadSeq != want {
		t.Fatalf("ledger has %d entries (head %d), want %d", check.Entries, check.HeadSeq, want)
	}
	return check
}

// fulfilledOnce checks what one fulfillment of o leaves: the order in
// fulfillment with one history record, one work order per group, one
// sale entry per line.
func (c *fulfilShop) fulfilledOnce(t *testing.T, o *models.Order, groups int) {
	t.Helper()
	got := c.orderByID(t, o.ID)
	if got.Status != models.StatusInFulfillment {
		t.Errorf("order is %s, want in_fulfillment", got.Status)
	}
	if n := c.count(t, "order_status_history", "order_id = ? AND to_status = ?", o.ID, models.StatusInFulfillment); n != 1 {
		t.Errorf("%d in_fulfillment history records, want 1", n)
	}
	if n := c.count(t, "work_orders", "order_id = ?", o.ID); n != int64(groups) {
		t.Errorf("%d work orders, want %d", n, groups)
	}
	if n := c.count(t, "ledger_entries", "order_id = ?", o.ID); n != int64(len(o.Lines)) {
		t.Errorf("%d ledger entries, want %d", n, len(o.Lines))
	}
}

func TestFulfillOrder_WorkOrdersPerGroupAndEntriesFromTheSnapshot(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		o := c.paidOrder(t, line(c.prod.ID, 3), line(c.prod2.ID, 1))
		// The group is paid more from now on: the sale keeps its price.
		r, w := boRetail(), boWholesale()
		r.Price, r.ArtisanLabour, w.Price, w.ArtisanLabour = r.Price+2000, r.ArtisanLabour+2000, w.Price+2000, w.ArtisanLabour+2000
		if _, err := c.ed.SaveBreakdowns(ctx, c.prod.ID, c.prodLock(t), r, w, "labour paid more"); err != nil {
			t.Fatal(err)
		}

		changed, err := c.store.FulfillOrder(ctx, o.ID)
		if err != nil || !changed {
			t.Fatalf("fulfil: changed %v, %v", changed, err)
		}
		c.fulfilledOnce(t, o, 2)
		got := c.orderByID(t, o.ID)
		if last := got.History[len(got.History)-1]; last.From != models.StatusPaid || last.Actor != models.SystemActor {
			t.Errorf("history %+v", last)
		}

		wos, err := c.store.WorkOrdersOfOrder(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantGroups := map[int64]int64{c.group.ID: c.prod.ID, c.group2.ID: c.prod2.ID}
		for _, wo := range wos {
			if wo.Status != models.WorkOrderOpen || len(wo.Lines) != 1 || wo.Lines[0].ProductID != wantGroups[wo.GroupID] {
				t.Errorf("work order of group %d: %+v", wo.GroupID, wo)
			}
		}

		// The snapshot: boRetail's figures per piece, times the quantity.
		old := boRetail()
		want := map[int64]int64{c.prod.ID: 3, c.prod2.ID: 1}
		es := c.entries(t, o.ID)
		for i, e := range es {
			q := want[e.ProductID]
			l := o.Lines[0]
			if l.ProductID != e.ProductID {
				l = o.Lines[1]
			}
			paid := (old.ArtisanLabour + old.ArtisanMaterials + old.CommunityFund) * q
			switch {
			case e.Kind != models.LedgerSale || int64(e.Quantity) != q || e.OrderLineID != l.ID || e.GroupID != l.GroupID:
				t.Errorf("entry %d: %+v", i, e)
			case e.ArtisanLabour != old.ArtisanLabour*q || e.ArtisanMaterials != old.ArtisanMaterials*q ||
				e.CommunityFund != old.CommunityFund*q || e.PaidToArtisans != paid:
				t.Errorf("entry %d does not pay the snapshot: %+v", i, e)
			case e.LocalMarketPrice != old.LocalMarketPrice*q || e.Surplus != paid-old.LocalMarketPrice*q:
				t.Errorf("entry %d surplus: %+v", i, e)
			case e.BreakdownID != l.BreakdownID || e.BreakdownVersion != l.BreakdownVersion || e.Currency != models.PEN:
				t.Errorf("entry %d breakdown: %+v", i, e)
			case e.Seq != int64(i+1) || e.Hash != e.ComputeHash():
				t.Errorf("entry %d chain: %+v", i, e)
			}
		}
		check := c.verify(t, 2)
		if check.Head != es[1].Hash || es[1].PrevHash != es[0].Hash || es[0].PrevHash != models.LedgerGenesis {
			t.Errorf("head %s, entries %+v", check.Head, es)
		}

		// The job run again finds nothing to do.
		if changed, err := c.store.FulfillOrder(ctx, o.ID); err != nil || changed {
			t.Fatalf("second run: changed %v, %v", changed, err)
		}
		c.fulfilledOnce(t, o, 2)
		c.verify(t, 2)
	})
}

func (c *fulfilShop) prodLock(t *testing.T) int64 {
	t.Helper()
	p, err := c.store.ProductByID(context.Background(), c.prod.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p.LockVersion
}

// The hand-off job may run on several instances at once: one of ten
// concurrent runs fulfils the order, the others change nothing.
func TestFulfillOrder_TenConcurrentRunsFulfilOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := newFulfilShop(t, db, 10)
		o := c.paidOrder(t, line(c.prod.ID, 2), line(c.prod2.ID, 2))
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			changed int
			errs    []error
		)
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ch, err := c.store.FulfillOrder(context.Background(), o.ID)
				mu.Lock()
				defer mu.Unlock()
				if ch {
					changed++
				}
				if err != nil {
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		if changed != 1 || len(errs) != 0 {
			t.Fatalf("fulfilled %d times, errors %v", changed, errs)
		}
		c.fulfilledOnce(t, o, 2)
		c.verify(t, 2)
	})
}

// Writers of different orders at once take turns on the chain head: the
// chain has no gap and no fork.
func TestFulfillOrder_ConcurrentOrdersKeepOneChain(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := newFulfilShop(t, db, 40)
		orders := make([]*models.Order, 8)
		for i := range orders {
			orders[i] = c.paidOrder(t, line(c.prod.ID, 1), line(c.prod2.ID, 1+i%3))
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2*len(orders))
		for _, o := range orders {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := c.store.FulfillOrder(context.Background(), o.ID); err != nil {
						errs <- err
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for _, o := range orders {
			c.fulfilledOnce(t, o, 2)
		}
		c.verify(t, int64(2*len(orders)))
	})
}

// A run that fails after its writes (a later step, a lost worker, a
// cancelled context) leaves nothing behind; the retry fulfils the order
// exactly once.
func TestFulfillOrder_FailedRunLeavesNothingAndTheRetryCompletes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		o := c.paidOrder(t, line(c.prod.ID, 1), line(c.prod2.ID, 1))
		nothing := func(when string) {
			t.Helper()
			if got := c.orderByID(t, o.ID); got.Status != models.StatusPaid {
				t.Errorf("%s: order is %s", when, got.Status)
			}
			for _, table := range []string{"work_orders", "ledger_entries", "order_status_history"} {
				where := "order_id = ?"
				if table == "order_status_history" {
					where += " AND to_status = 'in_fulfillment'"
				}
				if n := c.count(t, table, where, o.ID); n != 0 {
					t.Errorf("%s: %d rows in %s", when, n, table)
				}
			}
			c.verify(t, 0)
		}

		boom := errors.New("the worker died before commit")
		err := c.store.Tx(ctx, func(tx *models.Store) error {
			if changed, err := tx.FulfillOrder(ctx, o.ID); err != nil || !changed {
				return fmt.Errorf("fulfil in tx: changed %v, %w", changed, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("tx: %v", err)
		}
		nothing("after a rollback")

		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := c.store.FulfillOrder(cancelled, o.ID); err == nil {
			t.Fatal("fulfilled with a cancelled context")
		}
		nothing("after a cancelled run")

		if changed, err := c.store.FulfillOrder(ctx, o.ID); err != nil || !changed {
			t.Fatalf("retry: changed %v, %v", changed, err)
		}
		c.fulfilledOnce(t, o, 2)
		c.verify(t, 2)
	})
}

// Only a paid order is handed over: an unpaid or cancelled one is left as
// it is, and an unknown one is not found.
func TestFulfillOrder_LeavesOrdersThatAreNotPaid(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		pending := c.order(t, line(c.prod.ID, 1))
		cancelled := c.order(t, line(c.prod2.ID, 1))
		if _, err := c.store.CancelOrder(ctx, cancelled.ID, staffEmail, "buyer asked"); err != nil {
			t.Fatal(err)
		}
		for _, o := range []*models.Order{pending, cancelled} {
			before := c.orderByID(t, o.ID)
			if changed, err := c.store.FulfillOrder(ctx, o.ID); err != nil || changed {
				t.Errorf("%s: changed %v, %v", before.Status, changed, err)
			}
			if after := c.orderByID(t, o.ID); after.Status != before.Status || len(after.History) != len(before.History) {
				t.Errorf("%s became %s", before.Status, after.Status)
			}
		}
		if n := c.count(t, "work_orders", "1 = 1"); n != 0 {
			t.Errorf("%d work orders", n)
		}
		if _, err := c.store.FulfillOrder(ctx, 999999); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown order: %v", err)
		}
		c.verify(t, 0)
	})
}

// Lines of one group share its work order, in the order's line order,
// and work orders are numbered in group order (both databases write them
// differently: PostgreSQL in one statement).
func TestFulfillOrder_SeveralLinesOfAGroupShareItsWorkOrder(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		prod3 := c.addProductOf(t, c.group.ID, "retablo-pequeno", 10).ID
		o := c.paidOrder(t, line(c.prod.ID, 1), line(c.prod2.ID, 2), line(prod3, 3))
		if changed, err := c.store.FulfillOrder(ctx, o.ID); err != nil || !changed {
			t.Fatalf("fulfil: changed %v, %v", changed, err)
		}
		c.fulfilledOnce(t, o, 2)
		wos, err := c.store.WorkOrdersOfOrder(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		type want struct{ product, quantity int64 }
		wantLines := map[int64][]want{
			c.group.ID:  {{c.prod.ID, 1}, {prod3, 3}},
			c.group2.ID: {{c.prod2.ID, 2}},
		}
		if len(wos) != 2 || (wos[0].GroupID < wos[1].GroupID) != (wos[0].ID < wos[1].ID) {
			t.Fatalf("work orders %+v", wos)
		}
		byProduct := map[int64]int64{}
		for _, l := range o.Lines {
			byProduct[l.ProductID] = l.ID
		}
		for _, wo := range wos {
			w := wantLines[wo.GroupID]
			if len(wo.Lines) != len(w) {
				t.Fatalf("work order of group %d: %d lines, want %d", wo.GroupID, len(wo.Lines), len(w))
			}
			for i, l := range wo.Lines {
				if l.WorkOrderID != wo.ID || l.ProductID != w[i].product || int64(l.Quantity) != w[i].quantity ||
					l.OrderLineID != byProduct[l.ProductID] {
					t.Errorf("work order of group %d, line %d: %+v, want %+v", wo.GroupID, i, l, w[i])
				}
			}
		}
		c.verify(t, 3)
	})
}

// A job's run takes waiting paid orders along (oldest first), each
// fulfilled exactly as alone, under one lock of the chain head; orders
// not paid stay as they are, and the orders' own jobs then find nothing.
// Batches racing each other (PostgreSQL: SKIP LOCKED) fulfil every order
// once and keep one chain.
func TestFulfillOrders_TakesWaitingOrdersAlongOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 100)
		paid := make([]*models.Order, 6)
		for i := range paid {
			paid[i] = c.paidOrder(t, line(c.prod.ID, 1), line(c.prod2.ID, 1))
		}
		pending := c.order(t, line(c.prod.ID, 1))

		f, err := c.store.FulfillOrders(ctx, paid[2].ID, 3)
		if err != nil || !f.Changed || !slices.Equal(f.Others, []int64{paid[0].ID, paid[1].ID, paid[3].ID}) {
			t.Fatalf("batch: %+v, %v; want its own order and the 3 oldest others", f, err)
		}
		// The job's own order, and the three oldest others.
		for i, o := range paid {
			want := models.StatusPaid
			if i <= 3 {
				want = models.StatusInFulfillment
			}
			if got := c.orderByID(t, o.ID).Status; got != want {
				t.Errorf("order %d is %s, want %s", i, got, want)
			}
		}
		c.verify(t, 8)
		// Their own jobs: nothing to do, nothing taken along.
		f, err = c.store.FulfillOrders(ctx, paid[0].ID, 10)
		if err != nil || f.Changed || len(f.Others) != 0 {
			t.Fatalf("job of an order already taken along: %+v, %v", f, err)
		}
		if got := c.orderByID(t, paid[4].ID).Status; got != models.StatusPaid {
			t.Errorf("a job with nothing to do took an order along: %s", got)
		}

		// Two batches at once share out what is left.
		var wg sync.WaitGroup
		results := make([]models.Fulfilled, 2)
		errs := make([]error, 2)
		for i, o := range paid[4:] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = c.store.FulfillOrders(ctx, o.ID, 10)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		changed := 0
		for _, r := range results {
			changed += len(r.Others)
			if r.Changed {
				changed++
			}
		}
		if changed != 2 {
			t.Errorf("the racing batches fulfilled %d orders, want 2: %+v", changed, results)
		}
		for _, o := range paid {
			c.fulfilledOnce(t, o, 2)
		}
		if got := c.orderByID(t, pending.ID).Status; got != models.StatusPendingPayment {
			t.Errorf("an unpaid order was taken along: %s", got)
		}
		// Each work order line is a line of its work order's order and group.
		if n := c.count(t, "work_order_lines", `NOT EXISTS (SELECT 1 FROM work_orders wo JOIN order_lines ol
			ON ol.order_id = wo.order_id AND ol.group_id = wo.group_id
			WHERE wo.id = work_order_lines.work_order_id AND ol.id = work_order_lines.order_line_id)`); n != 0 {
			t.Errorf("%d work order lines in another order's or group's work order", n)
		}
		c.verify(t, 12)
	})
}
