package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// A paid wholesale order with made-to-order pieces is fulfilled once for
// its whole lines (one ledger entry per line, made-to-order pieces
// included), cannot ship until its production order is ready, and ships
// after: the production order goes ordered → in production → ready, each
// step audited, with no stock movement and no second ledger entry.
func TestProductionOrder_LifecycleGatesShippingAndLedgerOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newWholesaleShop(t, db, 4)
		in := c.wholesaleOrder(models.OrderLineInput{ProductID: c.prod.ID, Quantity: 10, MadeToOrder: true})
		o, err := c.store.PlaceOrder(ctx, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, changed, err := c.store.PayOrder(ctx, cardPayment(o, "cs_"+o.Token[:12])); err != nil || !changed {
			t.Fatalf("pay: %v", err)
		}
		for i := 0; i < 2; i++ {
			if _, err := c.store.FulfillOrder(ctx, o.ID); err != nil {
				t.Fatalf("fulfil %d: %v", i, err)
			}
		}
		if n := c.count(t, "ledger_entries", "order_id = ?", o.ID); n != 1 {
			t.Fatalf("%d ledger entries for one line, want 1", n)
		}
		if n := c.count(t, "ledger_entries", "order_id = ? AND quantity = ?", o.ID, 10); n != 1 {
			t.Errorf("the ledger entry is not for the whole line of 10 pieces")
		}
		wos, err := c.store.WorkOrdersOfOrder(ctx, o.ID)
		if err != nil || len(wos) != 1 {
			t.Fatalf("work orders %v %v", wos, err)
		}
		if _, err := c.store.MarkWorkOrderReady(ctx, o.ID, wos[0].ID, staffEmail); err != nil {
			t.Fatal(err)
		}
		ship := models.ShipInput{OrderID: o.ID, Carrier: "Olva", TrackingNumber: "T-1", Actor: staffEmail}
		if _, err := c.store.ShipOrder(ctx, ship); !errors.Is(err, models.ErrProductionPending) {
			t.Fatalf("shipped before the made-to-order pieces were ready: %v", err)
		}
		pos, err := c.store.ProductionOrdersOf(ctx, o.ID)
		if err != nil || len(pos) != 1 || pos[0].Stage() != models.StageOrdered {
			t.Fatalf("production orders %+v %v", pos, err)
		}
		id := pos[0].ID
		moves := []struct {
			from, to models.ProductionStage
			ok       bool
		}{
			{models.StageOrdered, models.StageReady, false},        // one step at a time
			{models.StageInProduction, models.StageReady, false},   // stale: it is still ordered
			{models.StageOrdered, models.StageInProduction, true},  //
			{models.StageOrdered, models.StageInProduction, false}, // a second post of the same form
			{models.StageInProduction, models.StageReady, true},
			{models.StageReady, models.StageCancelled, false}, // delivered pieces stay delivered
		}
		for i, m := range moves {
			po, err := c.store.MoveProductionOrder(ctx, id, m.from, m.to, staffEmail)
			switch {
			case m.ok && (err != nil || po.Stage() != m.to):
				t.Fatalf("move %d %s → %s: %v", i, m.from, m.to, err)
			case !m.ok && !errors.Is(err, models.ErrConflict):
				t.Fatalf("move %d %s → %s passed or failed otherwise: %v", i, m.from, m.to, err)
			}
		}
		if n := c.count(t, "audit_log", "entity_type = ? AND entity_id = ?", models.EntityProductionOrder, id); n != 2 {
			t.Errorf("%d audit entries, want 2", n)
		}
		if n := c.count(t, "production_orders", "id = ? AND started_at IS NOT NULL AND ready_at IS NOT NULL", id); n != 1 {
			t.Error("steps not stamped")
		}
		if c.stock(t, c.prod.ID) != 0 || c.count(t, "stock_movements", "order_id = ?", o.ID) != 1 {
			t.Errorf("ready moved stock: %d in stock", c.stock(t, c.prod.ID))
		}
		if _, err := c.store.ShipOrder(ctx, ship); err != nil {
			t.Fatalf("ship once ready: %v", err)
		}
		if n := c.count(t, "ledger_entries", "order_id = ?", o.ID); n != 1 {
			t.Errorf("%d ledger entries after shipping, want 1", n)
		}
		// A refund now leaves the delivered production order as it is.
		if _, _, err := c.store.RefundOrder(ctx, models.RefundOrderInput{OrderID: o.ID, Reference: "op-9", Actor: staffEmail}); err != nil {
			t.Fatal(err)
		}
		if n := c.count(t, "production_orders", "id = ? AND status = ?", id, models.ProductionOpen); n != 1 {
			t.Error("a refund cancelled a delivered production order")
		}
	})
}

// Two staff moving one production order at once: one move applies, the
// other is refused as a conflict, and one audit entry is written.
func TestMoveProductionOrder_ConcurrentMovesApplyOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newWholesaleShop(t, db, 2)
		o, err := c.store.PlaceOrder(ctx, c.wholesaleOrder(models.OrderLineInput{ProductID: c.prod.ID, Quantity: 6, MadeToOrder: true}), nil)
		if err != nil {
			t.Fatal(err)
		}
		pos, err := c.store.ProductionOrdersOf(ctx, o.ID)
		if err != nil || len(pos) != 1 {
			t.Fatalf("production orders %v %v", pos, err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				to := models.StageInProduction
				if i%2 == 1 {
					to = models.StageCancelled
				}
				_, errs[i] = c.store.MoveProductionOrder(ctx, pos[0].ID, models.StageOrdered, to, staffEmail)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, models.ErrConflict), errors.Is(err, models.ErrBusy):
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 || c.count(t, "audit_log", "entity_type = ?", models.EntityProductionOrder) != 1 {
			t.Errorf("%d moves applied", ok)
		}
	})
}

// Work on a made-to-order line starts only once the reseller has paid: a
// pending order's production order stays "ordered" (it may be cancelled),
// so an order that expires never leaves pieces made for nobody.
func TestMoveProductionOrder_WaitsForThePayment(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newWholesaleShop(t, db, 4)
		o, err := c.store.PlaceOrder(ctx, c.wholesaleOrder(models.OrderLineInput{ProductID: c.prod.ID, Quantity: 10, MadeToOrder: true}), nil)
		if err != nil {
			t.Fatal(err)
		}
		pos, err := c.store.ProductionOrdersOf(ctx, o.ID)
		if err != nil || len(pos) != 1 {
			t.Fatalf("production orders %+v %v", pos, err)
		}
		id := pos[0].ID
		_, err = c.store.MoveProductionOrder(ctx, id, models.StageOrdered, models.StageInProduction, staffEmail)
		var unpaid *models.ProductionUnpaidError
		if !errors.As(err, &unpaid) || unpaid.OrderStatus != models.StatusPendingPayment || !errors.Is(err, models.ErrConflict) {
			t.Fatalf("started before payment: %v", err)
		}
		if n := c.count(t, "audit_log", "entity_type = ? AND entity_id = ?", models.EntityProductionOrder, id); n != 0 {
			t.Errorf("a refused move wrote %d audit entries", n)
		}
		if _, changed, err := c.store.PayOrder(ctx, cardPayment(o, "cs_"+o.Token[:12])); err != nil || !changed {
			t.Fatalf("pay: %v", err)
		}
		if po, err := c.store.MoveProductionOrder(ctx, id, models.StageOrdered, models.StageInProduction, staffEmail); err != nil ||
			po.Stage() != models.StageInProduction {
			t.Fatalf("after payment: %v", err)
		}
	})
}
