package models_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// fulfilledOrder is a paid order handed to fulfillment.
func (c *fulfilShop) fulfilledOrder(t *testing.T, lines ...models.OrderLineInput) *models.Order {
	t.Helper()
	o := c.paidOrder(t, lines...)
	if changed, err := c.store.FulfillOrder(context.Background(), o.ID); err != nil || !changed {
		t.Fatalf("fulfil %s: changed %v, %v", o.Number, changed, err)
	}
	return c.orderByID(t, o.ID)
}

// lineOf is o's line of product id.
func lineOf(t *testing.T, o *models.Order, productID int64) models.OrderLine {
	t.Helper()
	for _, l := range o.Lines {
		if l.ProductID == productID {
			return l
		}
	}
	t.Fatalf("order %s has no line of product %d", o.Number, productID)
	return models.OrderLine{}
}

// ledgerSums adds every figure of a set of entries.
type ledgerSums struct{ qty, labour, materials, fund, paid, local, surplus int64 }

func sumEntries(es []models.LedgerEntry, kind models.LedgerKind) ledgerSums {
	var s ledgerSums
	for _, e := range es {
		if kind != "" && e.Kind != kind {
			continue
		}
		s.qty += int64(e.Quantity)
		s.labour += e.ArtisanLabour
		s.materials += e.ArtisanMaterials
		s.fund += e.CommunityFund
		s.paid += e.PaidToArtisans
		s.local += e.LocalMarketPrice
		s.surplus += e.Surplus
	}
	return s
}

func (s ledgerSums) neg() ledgerSums {
	return ledgerSums{-s.qty, -s.labour, -s.materials, -s.fund, -s.paid, -s.local, -s.surplus}
}

// staffRefund is a refund staff make by bank transfer.
func staffRefund(o *models.Order, ref string, amount int64, lines ...models.RefundLine) models.RefundInput {
	return models.RefundInput{OrderID: o.ID, Method: models.PaymentBankTransfer, Amount: models.Soles(amount),
		Reference: ref, Actor: staffEmail, Lines: lines}
}

// A whole refund of a fulfilled order reverses every sale entry: the
// reversing entries sum to minus the sales, each names the sale it
// reverses, the chain verifies, the order is refunded, pieces that never
// shipped are back in stock, and the same refund again changes nothing.
func TestRecordRefund_WholeRefundOfAFulfilledOrderReversesEveryLine(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		o := c.fulfilledOrder(t, line(c.prod.ID, 3), line(c.prod2.ID, 1))
		if c.stock(t, c.prod.ID) != 7 || c.stock(t, c.prod2.ID) != 9 {
			t.Fatalf("stock after the sale %d, %d", c.stock(t, c.prod.ID), c.stock(t, c.prod2.ID))
		}
		in := models.RefundInput{OrderID: o.ID, Method: models.PaymentCard, Amount: o.Total(), Reference: "ch_1#" +
			fmt.Sprint(o.TotalAmount), ProviderEventID: "evt_refund", Actor: models.SystemActor}
		for i, want := range []bool{true, false} {
			got, recorded, err := c.store.RecordRefund(ctx, in)
			if err != nil || recorded != want {
				t.Fatalf("call %d: recorded %v, %v", i, recorded, err)
			}
			if got.Status != models.StatusRefunded {
				t.Errorf("call %d: order is %s", i, got.Status)
			}
		}
		es := c.entries(t, o.ID)
		if len(es) != 4 {
			t.Fatalf("%d entries, want 2 sales and 2 refunds", len(es))
		}
		sales, refunds := sumEntries(es, models.LedgerSale), sumEntries(es, models.LedgerRefund)
		if refunds != sales.neg() || sales.qty != 4 || sales.paid <= 0 {
			t.Errorf("refunds %+v, sales %+v", refunds, sales)
		}
		bySeq := map[int64]models.LedgerEntry{}
		for _, e := range es {
			bySeq[e.Seq] = e
		}
		for _, e := range es[2:] {
			sale := bySeq[*e.ReversesSeq]
			if e.Kind != models.LedgerRefund || sale.Kind != models.LedgerSale || sale.OrderLineID != e.OrderLineID ||
				e.Quantity != -sale.Quantity || e.Surplus != -sale.Surplus || e.BreakdownID != sale.BreakdownID {
				t.Errorf("refund entry %+v reverses %+v", e, sale)
			}
		}
		c.verify(t, 4)
		if c.stock(t, c.prod.ID) != 10 || c.stock(t, c.prod2.ID) != 10 {
			t.Errorf("stock after the refund %d, %d: the pieces never shipped", c.stock(t, c.prod.ID), c.stock(t, c.prod2.ID))
		}
		if n := c.count(t, "stock_movements", "order_id = ? AND reason = ?", o.ID, models.StockReturned); n != 2 {
			t.Errorf("%d returned stock movements, want 2", n)
		}
		if n := c.count(t, "order_status_history", "order_id = ? AND to_status = ?", o.ID, models.StatusRefunded); n != 1 {
			t.Errorf("%d refunded history records", n)
		}
		if n := c.count(t, "refund_lines", "order_id = ?", o.ID); n != 2 {
			t.Errorf("%d refunded lines, want 2", n)
		}
		got := c.orderByID(t, o.ID)
		if got.NeedsAttention {
			t.Errorf("a whole refund before shipping flagged: %s", got.AttentionNote)
		}
		for _, g := range []int64{c.group.ID, c.group2.ID} {
			if b, err := c.store.GroupBalance(ctx, g); err != nil || b.Owed != 0 || b.Balance != 0 {
				t.Errorf("group %d after the refund: %+v, %v", g, b, err)
			}
		}
		if changed, err := c.store.FulfillOrder(ctx, o.ID); err != nil || changed {
			t.Errorf("fulfil a refunded order: %v %v", changed, err)
		}
	})
}

// Staff refund named pieces: each gets a reversing entry of exactly its
// figures, the group's totals drop by exactly those pieces, the chosen
// ones come back to stock; more pieces than are left, or more money than
// was paid, is refused without a trace; refunding the last pieces makes
// the order refunded.
func TestRecordRefund_PartialRefundByLines(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		o := c.fulfilledOrder(t, line(c.prod.ID, 3), line(c.prod2.ID, 2))
		l1, l2 := lineOf(t, o, c.prod.ID), lineOf(t, o, c.prod2.ID)
		before1, err := c.store.GroupBalance(ctx, c.group.ID)
		if err != nil {
			t.Fatal(err)
		}

		got, recorded, err := c.store.RecordRefund(ctx, staffRefund(o, "op-1", l1.UnitPrice,
			models.RefundLine{OrderLineID: l1.ID, Quantity: 1, Restock: 1}))
		if err != nil || !recorded || got.Status != models.StatusPartiallyRefunded || got.NeedsAttention {
			t.Fatalf("partial refund: %+v recorded %v, %v", got, recorded, err)
		}
		es := c.entries(t, o.ID)
		r := es[len(es)-1]
		perPiece := l1.ArtisanLabour + l1.ArtisanMaterials + l1.CommunityFund
		if len(es) != 3 || r.Kind != models.LedgerRefund || r.OrderLineID != l1.ID || r.Quantity != -1 ||
			r.PaidToArtisans != -perPiece || r.Surplus != -(perPiece-l1.LocalMarketPrice) || *r.ReversesSeq != es[0].Seq {
			t.Fatalf("entries %+v", es)
		}
		after1, _ := c.store.GroupBalance(ctx, c.group.ID)
		if after1.Owed != before1.Owed-perPiece {
			t.Errorf("group owed %d → %d, want a drop of %d", before1.Owed, after1.Owed, perPiece)
		}
		if c.stock(t, c.prod.ID) != 8 || c.stock(t, c.prod2.ID) != 8 {
			t.Errorf("stock %d, %d", c.stock(t, c.prod.ID), c.stock(t, c.prod2.ID))
		}

		refused := []struct {
			name string
			in   models.RefundInput
			want error
		}{
			{"more pieces than are left", staffRefund(o, "op-2", 100,
				models.RefundLine{OrderLineID: l1.ID, Quantity: 3}), models.ErrInvalid},
			{"more stock back than refunded", staffRefund(o, "op-2", 100,
				models.RefundLine{OrderLineID: l1.ID, Quantity: 1, Restock: 2}), models.ErrInvalid},
			{"another order's line", staffRefund(o, "op-2", 100,
				models.RefundLine{OrderLineID: l1.ID + 1000, Quantity: 1}), models.ErrNotFound},
			{"more than was paid", staffRefund(o, "op-2", o.TotalAmount-l1.UnitPrice+1), models.ErrRefundTooLarge},
		}
		for _, r := range refused {
			if _, _, err := c.store.RecordRefund(ctx, r.in); !errors.Is(err, r.want) {
				t.Errorf("%s: %v, want %v", r.name, err, r.want)
			}
		}
		if n := c.count(t, "payments", "order_id = ? AND kind = ?", o.ID, models.KindRefund); n != 1 {
			t.Errorf("%d refunds recorded, want 1", n)
		}

		// The rest of the pieces, shipping kept: no piece left, so refunded.
		got, _, err = c.store.RecordRefund(ctx, staffRefund(o, "op-3", 2*l1.UnitPrice+2*l2.UnitPrice,
			models.RefundLine{OrderLineID: l1.ID, Quantity: 2}, models.RefundLine{OrderLineID: l2.ID, Quantity: 2}))
		if err != nil || got.Status != models.StatusRefunded {
			t.Fatalf("last pieces: %v", err)
		}
		es = c.entries(t, o.ID)
		if len(es) != 5 || sumEntries(es, "") != (ledgerSums{}) {
			t.Errorf("entries after refunding every piece sum to %+v", sumEntries(es, ""))
		}
		c.verify(t, 5)
		if c.stock(t, c.prod.ID) != 8 || c.stock(t, c.prod2.ID) != 8 {
			t.Errorf("stock %d, %d: staff put none of the last pieces back", c.stock(t, c.prod.ID), c.stock(t, c.prod2.ID))
		}
		// The shipping still refundable is money alone.
		got, recorded, err = c.store.RecordRefund(ctx, staffRefund(o, "op-4", o.ShippingAmount))
		if err != nil || !recorded || got.Status != models.StatusRefunded {
			t.Errorf("shipping refunded: %v %v", recorded, err)
		}
		if n := c.count(t, "audit_log", "entity_type = ? AND entity_id = ?", models.EntityOrder, o.ID); n != 3 {
			t.Errorf("%d audit entries, want one per staff refund", n)
		}
	})
}

// Stripe's partial refund knows no lines: the order is partially refunded
// and flagged, staff say the pieces once; whether they do so before or
// after fulfillment, the ledger ends net of those pieces.
func TestAssignRefundLines_AStripePartialRefundGetsItsPiecesOnce(t *testing.T) {
	t.Parallel()
	for _, fulfilFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("fulfilled first %v", fulfilFirst), func(t *testing.T) {
			t.Parallel()
			dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
				ctx := context.Background()
				c := newFulfilShop(t, db, 10)
				o := c.paidOrder(t, line(c.prod.ID, 3), line(c.prod2.ID, 1))
				o = c.orderByID(t, o.ID)
				l1 := lineOf(t, o, c.prod.ID)
				got, refund, err := c.store.RecordChargeRefund(ctx, models.ChargeRefundInput{OrderID: o.ID, Charge: "ch_1",
					Refunded: models.Soles(l1.UnitPrice), ProviderEventID: "evt_r1", Actor: models.SystemActor})
				if err != nil || refund.Amount != l1.UnitPrice {
					t.Fatal(err)
				}
				if got.Status != models.StatusPartiallyRefunded || !got.NeedsAttention {
					t.Fatalf("order %s, flagged %v", got.Status, got.NeedsAttention)
				}
				if n := c.count(t, "refund_lines", "order_id = ?", o.ID); n != 0 {
					t.Errorf("%d refunded lines from an amount alone", n)
				}
				fulfil := func() {
					if changed, err := c.store.FulfillOrder(ctx, o.ID); err != nil || !changed {
						t.Fatalf("fulfil after a partial refund: %v %v", changed, err)
					}
				}
				if fulfilFirst {
					fulfil()
				}
				var refundID int64
				for _, p := range c.orderByID(t, o.ID).Payments {
					if p.Kind == models.KindRefund {
						refundID = p.ID
					}
				}
				in := models.AssignRefundLinesInput{RefundID: refundID, Actor: staffEmail,
					Lines: []models.RefundLine{{OrderLineID: l1.ID, Quantity: 1}}}
				for i, want := range []bool{true, false} {
					if _, recorded, err := c.store.AssignRefundLines(ctx, in); err != nil || recorded != want {
						t.Fatalf("call %d: recorded %v, %v", i, recorded, err)
					}
				}
				if !fulfilFirst {
					fulfil()
				}
				es := c.entries(t, o.ID)
				paid := map[int64]int64{}
				for _, e := range es {
					paid[e.ProductID] += int64(e.Quantity)
				}
				if paid[c.prod.ID] != 2 || paid[c.prod2.ID] != 1 {
					t.Errorf("ledger pieces net of the refund %v, want 2 and 1", paid)
				}
				wantEntries := 2
				if fulfilFirst {
					wantEntries = 3 // two sales, one reversal
				}
				if len(es) != wantEntries {
					t.Errorf("%d entries, want %d", len(es), wantEntries)
				}
				c.verify(t, int64(wantEntries))
				if got := c.orderByID(t, o.ID); got.Status != models.StatusInFulfillment {
					t.Errorf("order %s", got.Status)
				}
				wos, err := c.store.WorkOrdersOfOrder(ctx, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, wo := range wos {
					if wo.Lines[0].OrderLineID == l1.ID && wo.Lines[0].Quantity != 3-btoi(!fulfilFirst) {
						t.Errorf("work order line %+v", wo.Lines[0])
					}
				}
			})
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A paid order cancelled before fulfillment is a whole refund: every piece
// back in stock, no ledger entry, and fulfillment never ledgers it.
func TestRefundOrder_CancellationAfterPaymentBeforeFulfillment(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		o := c.paidOrder(t, line(c.prod.ID, 2), line(c.prod2.ID, 1))
		in := models.RefundOrderInput{OrderID: o.ID, Reference: "op-77", Actor: staffEmail, Note: "buyer changed mind"}
		for i, want := range []bool{true, false} {
			got, recorded, err := c.store.RefundOrder(ctx, in)
			if err != nil || recorded != want || got.Status != models.StatusRefunded {
				t.Fatalf("call %d: %+v recorded %v, %v", i, got, recorded, err)
			}
		}
		got := c.orderByID(t, o.ID)
		var refunded int64
		for _, p := range got.Payments {
			if p.Kind == models.KindRefund {
				refunded += p.Amount
			}
		}
		if refunded != o.TotalAmount {
			t.Errorf("refunded %d of %d", refunded, o.TotalAmount)
		}
		if c.stock(t, c.prod.ID) != 10 || c.stock(t, c.prod2.ID) != 10 {
			t.Errorf("stock %d, %d", c.stock(t, c.prod.ID), c.stock(t, c.prod2.ID))
		}
		if changed, err := c.store.FulfillOrder(ctx, o.ID); err != nil || changed {
			t.Errorf("fulfil a refunded order: %v %v", changed, err)
		}
		if n := c.count(t, "ledger_entries", "order_id = ?", o.ID); n != 0 {
			t.Errorf("%d ledger entries for an order refunded before fulfillment", n)
		}
		if n := c.count(t, "work_orders", "order_id = ?", o.ID); n != 0 {
			t.Errorf("%d work orders", n)
		}
		if _, _, err := c.store.RefundOrder(ctx, models.RefundOrderInput{OrderID: o.ID, Reference: "op-78",
			Actor: staffEmail}); !errors.Is(err, models.ErrRefundTooLarge) {
			t.Errorf("nothing left to refund: %v", err)
		}
	})
}

// A shipped order refunded in full by Stripe puts nothing back by itself:
// the order is flagged, and staff put back what came back, never more
// than was refunded.
func TestReturnRefundedPieces_AfterAShippedOrderIsRefunded(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		o := c.fulfilledOrder(t, line(c.prod.ID, 2))
		if _, err := c.store.TransitionOrder(ctx, o.ID, models.StatusShipped, staffEmail, "Olva 123"); err != nil {
			t.Fatal(err)
		}
		got, _, err := c.store.RecordChargeRefund(ctx, models.ChargeRefundInput{OrderID: o.ID, Charge: "ch_1",
			Refunded: o.Total(), ProviderEventID: "evt_r", Actor: models.SystemActor})
		if err != nil || got.Status != models.StatusRefunded || !got.NeedsAttention {
			t.Fatalf("refund: %+v, %v", got, err)
		}
		if c.stock(t, c.prod.ID) != 8 {
			t.Errorf("stock %d: shipped pieces came back by themselves", c.stock(t, c.prod.ID))
		}
		c.verify(t, 2)
		l := lineOf(t, o, c.prod.ID)
		if _, err := c.store.ReturnRefundedPieces(ctx, o.ID, []models.ReturnLine{{OrderLineID: l.ID, Quantity: 1}},
			staffEmail, "one came back"); err != nil {
			t.Fatal(err)
		}
		_, err = c.store.ReturnRefundedPieces(ctx, o.ID, []models.ReturnLine{{OrderLineID: l.ID, Quantity: 2}}, staffEmail, "")
		if !errors.Is(err, models.ErrInvalid) {
			t.Errorf("more back than refunded: %v", err)
		}
		if c.stock(t, c.prod.ID) != 9 {
			t.Errorf("stock %d, want 9", c.stock(t, c.prod.ID))
		}
	})
}

// The same refund reported ten times at once is recorded once; ten whole
// refunds under different references give the money back once.
func TestRecordRefund_ConcurrentDoubleRefundRecordsOne(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := newFulfilShop(t, db, 10)
		orders := []*models.Order{c.fulfilledOrder(t, line(c.prod.ID, 1), line(c.prod2.ID, 1)),
			c.fulfilledOrder(t, line(c.prod.ID, 2))}
		for k, o := range orders {
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				recorded int
				tooLarge int
				errs     []error
			)
			for i := range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ref := "op-same"
					if k == 1 {
						ref = fmt.Sprintf("op-%d", i)
					}
					_, rec, err := c.store.RecordRefund(context.Background(), staffRefund(o, ref, o.TotalAmount))
					mu.Lock()
					defer mu.Unlock()
					switch {
					case errors.Is(err, models.ErrRefundTooLarge):
						tooLarge++
					case err != nil:
						errs = append(errs, err)
					case rec:
						recorded++
					}
				}()
			}
			wg.Wait()
			wantTooLarge := 0
			if k == 1 {
				wantTooLarge = 9
			}
			if recorded != 1 || tooLarge != wantTooLarge || len(errs) != 0 {
				t.Fatalf("order %d: recorded %d, too large %d, errors %v", k, recorded, tooLarge, errs)
			}
			if n := c.count(t, "payments", "order_id = ? AND kind = ?", o.ID, models.KindRefund); n != 1 {
				t.Errorf("order %d: %d refunds", k, n)
			}
			if n := c.count(t, "ledger_entries", "order_id = ? AND kind = ?", o.ID, models.LedgerRefund); n != int64(len(o.Lines)) {
				t.Errorf("order %d: %d reversing entries, want %d", k, n, len(o.Lines))
			}
		}
		c.verify(t, 6)
		if c.stock(t, c.prod.ID) != 10 || c.stock(t, c.prod2.ID) != 10 {
			t.Errorf("stock %d, %d", c.stock(t, c.prod.ID), c.stock(t, c.prod2.ID))
		}
	})
}

// Stripe refunding a payment the order refused (a second payment) gives
// that money back alone: the order, its ledger and its stock stay as they
// were, and the order's own payment can still be refunded in full.
func TestRecordChargeRefund_OfARefusedPaymentLeavesTheOrderAlone(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		o := c.fulfilledOrder(t, line(c.prod.ID, 2))
		second := cardPayment(o, "cs_second")
		second.Reference = "pi_second"
		if _, _, err := c.store.PayOrder(ctx, second); !errors.Is(err, models.ErrPaymentRefused) {
			t.Fatalf("second payment: %v", err)
		}
		refund := func(event string, total int64) error {
			_, _, err := c.store.RecordChargeRefund(ctx, models.ChargeRefundInput{OrderID: o.ID, Charge: "ch_second",
				PaymentIntent: "pi_second", Refunded: models.Soles(total), ProviderEventID: event, Actor: models.SystemActor})
			return err
		}
		if err := refund("evt_r1", o.TotalAmount); err != nil {
			t.Fatal(err)
		}
		if err := refund("evt_r2", o.TotalAmount+1); !errors.Is(err, models.ErrRefundTooLarge) {
			t.Errorf("more than the refused payment: %v", err)
		}
		got := c.orderByID(t, o.ID)
		if got.Status != models.StatusInFulfillment || c.stock(t, c.prod.ID) != 8 {
			t.Errorf("order %s, stock %d", got.Status, c.stock(t, c.prod.ID))
		}
		if n := c.count(t, "payments", "order_id = ? AND kind = ? AND outcome = ?", o.ID, models.KindRefund,
			models.PaymentRefused); n != 1 {
			t.Errorf("%d refunds of the refused payment", n)
		}
		c.verify(t, 1)
		got, recorded, err := c.store.RecordRefund(ctx, staffRefund(o, "op-1", o.TotalAmount))
		if err != nil || !recorded || got.Status != models.StatusRefunded {
			t.Fatalf("the order's own payment refunded: %v %v", recorded, err)
		}
		c.verify(t, 2)
	})
}
