package models_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// fulfilRoundTrips is the most statements fulfilling one paid 3-line
// order of two groups may cost (issue 8's 1,000 orders/s rests on it), per
// engine: on PostgreSQL every round trip, BEGIN and COMMIT included; on
// SQLite the statements GORM runs.
var fulfilRoundTrips = map[string]int{"postgres": 8, "sqlite": 9}

// placeRoundTrips is the same for placing a 2-line order (its "received"
// mail and expiry queued in its transaction); issue 7's 300 checkouts/s
// rests on it.
var placeRoundTrips = map[string]int{"postgres": 13, "sqlite": 13}

// Fulfilling an order costs a fixed, small number of round trips: a
// change that adds one fails here, with the statements listed.
func TestFulfillOrder_RoundTrips(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		counted, n := dbtest.Counted(t, db)
		store := models.NewStore(counted)
		lines := []models.OrderLineInput{{ProductID: c.prod.ID, Quantity: 1}, {ProductID: c.prod2.ID, Quantity: 2}}
		warm, o := c.paidOrder(t, lines...), c.paidOrder(t, lines...)
		// The first prepares the statements on the connection.
		if changed, err := store.FulfillOrder(ctx, warm.ID); err != nil || !changed {
			t.Fatalf("fulfil %s: %v %v", warm.Number, changed, err)
		}
		n.Reset()
		if changed, err := store.FulfillOrder(ctx, o.ID); err != nil || !changed {
			t.Fatalf("fulfil %s: %v %v", o.Number, changed, err)
		}
		stmts := n.Statements()
		t.Logf("fulfil: %d statements:\n%s", len(stmts), strings.Join(stmts, "\n"))
		if max := fulfilRoundTrips[counted.Dialector.Name()]; len(stmts) > max {
			t.Errorf("fulfil: %d statements, want at most %d", len(stmts), max)
		}
		if es := c.entries(t, o.ID); len(es) != 2 {
			t.Errorf("%d ledger entries, want 2", len(es))
		}
	})
}

// Placing an order costs a fixed, small number of round trips.
func TestPlaceOrder_RoundTrips(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		counted, n := dbtest.Counted(t, db)
		store := storeWithQueue(t, counted)
		in := buyer(line(c.prod.ID, 1), line(c.prod2.ID, 2))
		// The first prepares the statements on the connection.
		if _, err := store.PlaceOrder(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
		n.Reset()
		o, err := store.PlaceOrder(ctx, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		stmts := n.Statements()
		t.Logf("place: %d statements:\n%s", len(stmts), strings.Join(stmts, "\n"))
		if max := placeRoundTrips[counted.Dialector.Name()]; len(stmts) > max {
			t.Errorf("place: %d statements, want at most %d", len(stmts), max)
		}
		if o.Status != models.StatusPendingPayment || len(o.Lines) != 2 {
			t.Errorf("order %s with %d lines", o.Status, len(o.Lines))
		}
	})
}
