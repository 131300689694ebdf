package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// An event is applied at most once: concurrent deliveries wait for the
// first and find it recorded; an effect that fails leaves no record, so
// the retry applies it.
func TestHandleStripeEvent_AppliedOnceAndRecordedWithItsEffect(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 1))
		boom := errors.New("the effect failed")
		_, _, err := c.store.HandleStripeEvent(ctx, "evt_1", "checkout.session.expired",
			func(tx *models.Store) (models.StripeEventResult, error) {
				if err := tx.FlagOrder(ctx, o.ID, models.SystemActor, "written, then rolled back"); err != nil {
					return models.StripeEventResult{}, err
				}
				return models.StripeEventResult{}, boom
			})
		if !errors.Is(err, boom) {
			t.Fatalf("failed effect: %v", err)
		}
		if n := c.count(t, "stripe_events", "1 = 1"); n != 0 {
			t.Fatalf("%d events recorded after a failed effect", n)
		}
		if got := c.orderByID(t, o.ID); got.NeedsAttention {
			t.Fatal("the failed effect's write stayed")
		}
		var applied atomic.Int32
		var wg sync.WaitGroup
		dups := atomic.Int32{}
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ev, dup, err := c.store.HandleStripeEvent(ctx, "evt_1", "checkout.session.expired",
					func(tx *models.Store) (models.StripeEventResult, error) {
						applied.Add(1)
						_, err := tx.CancelOrder(ctx, o.ID, models.SystemActor, "expired")
						return models.StripeEventResult{OrderNumber: o.Number, Outcome: models.EventCancelled}, err
					})
				if err != nil || ev.Outcome != models.EventCancelled || ev.OrderNumber != o.Number {
					t.Errorf("delivery: %+v %v", ev, err)
				}
				if dup {
					dups.Add(1)
				}
			}()
		}
		wg.Wait()
		if applied.Load() != 1 || dups.Load() != 9 {
			t.Fatalf("applied %d times, %d duplicates", applied.Load(), dups.Load())
		}
		if got := c.orderByID(t, o.ID); got.Status != models.StatusCancelled {
			t.Errorf("order %s", got.Status)
		}
		if s := c.stock(t, c.prod.ID); s != 5 {
			t.Errorf("stock %d, want 5", s)
		}
		for _, bad := range []struct{ id, typ string }{{"", "x"}, {"evt_2", ""}, {strings.Repeat("e", 256), "x"}} {
			_, _, err := c.store.HandleStripeEvent(ctx, bad.id, bad.typ,
				func(*models.Store) (models.StripeEventResult, error) { return models.StripeEventResult{}, nil })
			if !errors.Is(err, models.ErrInvalid) {
				t.Errorf("event %.10q of type %q: %v", bad.id, bad.typ, err)
			}
		}
	})
}

// Stripe reports a charge's refunds as a running total: each new part is
// recorded once, and an older or repeated total records nothing.
func TestRecordChargeRefund_RecordsTheNewPartOfARunningTotal(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 2))
		p := cardPayment(o, "cs_refund")
		p.Reference = "pi_refund"
		if _, _, err := c.store.MarkOrderPaid(ctx, p); err != nil {
			t.Fatal(err)
		}
		found, err := c.store.OrderHeadByPaymentReference(ctx, models.PaymentCard, "pi_refund")
		if err != nil || found.ID != o.ID {
			t.Fatalf("order by payment intent: %v", err)
		}
		if _, err := c.store.OrderHeadByPaymentReference(ctx, models.PaymentCard, "pi_other"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown payment intent: %v", err)
		}
		steps := []struct {
			event    string
			refunded int64
			want     int64 // recorded by this call
		}{
			{"evt_r1", 1000, 1000},
			{"evt_r2", 1000, 0}, // the same total again
			{"evt_r3", 2500, 1500},
			{"evt_r4", 1000, 0}, // an older total, late
			{"evt_r5", o.TotalAmount, o.TotalAmount - 2500},
		}
		for _, s := range steps {
			_, got, err := c.store.RecordChargeRefund(ctx, models.ChargeRefundInput{OrderID: o.ID, Charge: "ch_1",
				Refunded: models.Soles(s.refunded), ProviderEventID: s.event, Actor: models.SystemActor})
			if err != nil || got.Amount != s.want {
				t.Fatalf("%s (total %d): recorded %d, %v; want %d", s.event, s.refunded, got.Amount, err, s.want)
			}
		}
		_, _, err = c.store.RecordChargeRefund(ctx, models.ChargeRefundInput{OrderID: o.ID, Charge: "ch_2",
			Refunded: models.Soles(1), ProviderEventID: "evt_r6", Actor: models.SystemActor})
		if !errors.Is(err, models.ErrRefundTooLarge) {
			t.Errorf("a refund past what was paid: %v", err)
		}
		if n := c.count(t, "payments", "order_id = ? AND kind = ?", o.ID, models.KindRefund); n != 3 {
			t.Errorf("%d refunds recorded, want 3", n)
		}
	})
}

// A flag keeps earlier notes and is audited under its actor.
func TestFlagOrder_KeepsEarlierNotesAndIsAudited(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 1))
		for i := range 2 {
			if err := c.store.FlagOrder(ctx, o.ID, models.SystemActor, fmt.Sprintf("note %d", i)); err != nil {
				t.Fatal(err)
			}
		}
		got := c.orderByID(t, o.ID)
		if !got.NeedsAttention || got.AttentionNote != "note 0\nnote 1" || got.Status != models.StatusPendingPayment {
			t.Errorf("flag %v %q status %s", got.NeedsAttention, got.AttentionNote, got.Status)
		}
		if n := c.count(t, "audit_log", "entity_type = ? AND entity_id = ? AND action = ? AND actor = ?",
			models.EntityOrder, o.ID, models.ActionFlag, models.SystemActor); n != 2 {
			t.Errorf("%d audit entries, want 2", n)
		}
		if err := c.store.FlagOrder(ctx, o.ID, models.SystemActor, " "); err == nil {
			t.Error("a flag without a note")
		}
	})
}

// An event recorded with the result its caller foresaw keeps it when apply
// agrees, and is corrected in the same transaction when apply does not.
func TestHandleStripeEventExpecting_RecordsWhatApplyDid(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		paid := models.StripeEventResult{OrderNumber: "Q-2026-000001", Outcome: models.EventPaid}
		cases := []struct {
			id   string
			did  models.StripeEventResult
			want models.StripeEventResult
		}{
			{"evt_as_foreseen", paid, paid},
			{"evt_other_outcome", models.StripeEventResult{OrderNumber: "Q-2026-000001", Outcome: models.EventPaymentKnown},
				models.StripeEventResult{OrderNumber: "Q-2026-000001", Outcome: models.EventPaymentKnown}},
			{"evt_unknown_order", models.StripeEventResult{OrderNumber: "Q-2026-000009", Outcome: models.EventUnknownOrder},
				models.StripeEventResult{OrderNumber: "Q-2026-000009", Outcome: models.EventUnknownOrder}},
		}
		for _, tc := range cases {
			ev, dup, err := c.store.HandleStripeEventExpecting(ctx, tc.id, "checkout.session.completed", paid,
				func(*models.Store) (models.StripeEventResult, error) { return tc.did, nil })
			if err != nil || dup {
				t.Fatalf("%s: %v (duplicate %v)", tc.id, err, dup)
			}
			stored, err := c.store.StripeEventByID(ctx, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range []models.StripeEventResult{{OrderNumber: ev.OrderNumber, Outcome: ev.Outcome},
				{OrderNumber: stored.OrderNumber, Outcome: stored.Outcome}} {
				if got != tc.want {
					t.Errorf("%s: recorded %+v, want %+v", tc.id, got, tc.want)
				}
			}
		}
		// A replay applies nothing and finds what was recorded, whether
		// the order it names exists or not (two paths on PostgreSQL:
		// recordEventLockingOrder).
		placed := c.order(t, line(c.prod.ID, 1))
		named := models.StripeEventResult{OrderNumber: placed.Number, Outcome: models.EventPaid}
		cases = append(cases, struct {
			id        string
			did, want models.StripeEventResult
		}{"evt_existing_order", named, named})
		if _, _, err := c.store.HandleStripeEventExpecting(ctx, "evt_existing_order", "checkout.session.completed", named,
			func(*models.Store) (models.StripeEventResult, error) { return named, nil }); err != nil {
			t.Fatal(err)
		}
		for _, tc := range cases { // each naming its order as recorded: Q-2026-000009 does not exist
			ev, dup, err := c.store.HandleStripeEventExpecting(ctx, tc.id, "checkout.session.completed", tc.want,
				func(*models.Store) (models.StripeEventResult, error) {
					t.Errorf("%s: applied again", tc.id)
					return tc.did, nil
				})
			if err != nil || !dup {
				t.Fatalf("replay of %s: %v (duplicate %v)", tc.id, err, dup)
			}
			if got := (models.StripeEventResult{OrderNumber: ev.OrderNumber, Outcome: ev.Outcome}); got != tc.want {
				t.Errorf("replay of %s: %+v, want %+v", tc.id, got, tc.want)
			}
		}
	})
}
