package models_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// today is the day in Peru's time, the reconciliation's period unit.
func today() time.Time { return time.Now().In(time.FixedZone("", -5*3600)) }

func TestReconcile_CleanPeriodAndEveryDifferenceListed(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFulfilShop(t, db, 20)
		day := today()
		// Two fulfilled orders, one of them then refunded in full: the
		// ledger reverses it, so the group's period reconciles.
		kept := f.paidOrder(t, line(f.prod.ID, 2), line(f.prod2.ID, 1))
		refunded := f.paidOrder(t, line(f.prod.ID, 1))
		for _, o := range []*models.Order{kept, refunded} {
			if _, err := f.store.FulfillOrder(ctx, o.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := f.store.RefundOrder(ctx, models.RefundOrderInput{OrderID: refunded.ID, Reference: "op-1",
			Actor: staffEmail, Note: "broken in transit"}); err != nil {
			t.Fatal(err)
		}
		r, err := f.store.Reconcile(ctx, f.group.ID, day, day)
		if err != nil {
			t.Fatal(err)
		}
		entries := f.entries(t, kept.ID)
		var wantPaid int64
		for _, e := range entries {
			if e.GroupID == f.group.ID {
				wantPaid += e.PaidToArtisans
			}
		}
		tot := r.Totals
		if len(r.Differences) != 0 || tot.Orders != 2 || tot.Lines != 2 || tot.Entries != 3 ||
			tot.LedgerPaid.Amount != wantPaid || tot.ExpectedPaid != tot.LedgerPaid ||
			tot.ExpectedSurplus != tot.LedgerSurplus || tot.RefundedPaid.Amount <= 0 ||
			tot.SoldPaid.Amount-tot.RefundedPaid.Amount != tot.ExpectedPaid.Amount {
			t.Fatalf("clean period: %+v, differences %+v (want paid %d)", tot, r.Differences, wantPaid)
		}
		// Yesterday had no orders: nothing to reconcile, nothing wrong.
		r, err = f.store.Reconcile(ctx, f.group.ID, day.AddDate(0, 0, -1), day.AddDate(0, 0, -1))
		if err != nil || r.Totals.Lines != 0 || r.Totals.Entries != 0 || len(r.Differences) != 0 {
			t.Fatalf("empty period: %+v %v", r, err)
		}

		// A paid order whose fulfillment never ran: its line is listed.
		stuck := f.paidOrder(t, line(f.prod.ID, 3))
		r, err = f.store.Reconcile(ctx, f.group.ID, day, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Differences) != 1 {
			t.Fatalf("differences: %+v", r.Differences)
		}
		d := r.Differences[0]
		if d.Kind != models.ReconcileMissingEntry || d.OrderID != stuck.ID || d.OrderNumber != stuck.Number ||
			d.ExpectedQuantity != 3 || d.LedgerQuantity != 0 || d.ExpectedPaid.Amount <= 0 || d.LedgerPaid.Amount != 0 {
			t.Errorf("difference %+v", d)
		}
		if r.Totals.ExpectedPaid.Amount-r.Totals.LedgerPaid.Amount != d.ExpectedPaid.Amount {
			t.Errorf("totals %+v do not show the missing line's %d", r.Totals, d.ExpectedPaid.Amount)
		}
		// The other group's period is clean: it had no stuck order.
		if r, err := f.store.Reconcile(ctx, f.group2.ID, day, day); err != nil || len(r.Differences) != 0 {
			t.Errorf("second group: %+v %v", r, err)
		}
		if _, err := f.store.Reconcile(ctx, f.group.ID, day, day.AddDate(0, 0, -1)); err == nil {
			t.Error("a period ending before it starts was accepted")
		}
		// Several groups at once read the same as each alone, in the order asked.
		both, err := f.store.ReconcileGroups(ctx, []int64{f.group2.ID, f.group.ID}, day, day)
		if err != nil || len(both) != 2 {
			t.Fatalf("both groups: %v %v", both, err)
		}
		for _, got := range both {
			alone, err := f.store.Reconcile(ctx, got.GroupID, day, day)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, alone) {
				t.Errorf("group %d with the other: %+v; alone: %+v", got.GroupID, got, alone)
			}
		}
		if both[0].GroupID != f.group2.ID || len(both[1].Differences) != 1 || both[1].Totals.Lines == 0 {
			t.Errorf("groups out of order or empty: %+v", both)
		}
	})
}
