package models_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

func cardPayment(o *models.Order, session string) models.PaymentInput {
	return models.PaymentInput{Number: o.Number, Method: models.PaymentCard, Amount: o.Total(),
		ProviderSessionID: session, ProviderEventID: "evt_" + session, Actor: models.SystemActor}
}

// The webhook, its retries and the success page may all report one
// payment at once: the order changes once.
func TestMarkOrderPaid_TenConcurrentCallsChangeTheOrderOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 2))
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			changed int
			errs    []error
		)
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := cardPayment(o, "cs_test_1")
				p.ProviderEventID = fmt.Sprintf("evt_%d", i) // retries and the success page bring other event ids
				// As the caller will: mark paid and enqueue in one transaction.
				err := c.store.Tx(ctx, func(tx *models.Store) error {
					_, ch, err := tx.MarkOrderPaid(ctx, p)
					if ch {
						mu.Lock()
						changed++
						mu.Unlock()
					}
					return err
				})
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if changed != 1 || len(errs) != 0 {
			t.Fatalf("changed %d times, errors %v", changed, errs)
		}
		got := c.orderByID(t, o.ID)
		if got.Status != models.StatusPaid || got.PaidAt == nil || got.NeedsAttention {
			t.Errorf("status %s paid at %v flagged %v", got.Status, got.PaidAt, got.NeedsAttention)
		}
		if n := c.count(t, "order_status_history", "order_id = ? AND to_status = ?", o.ID, models.StatusPaid); n != 1 {
			t.Errorf("%d paid history rows", n)
		}
		if len(got.Payments) != 1 || got.Payments[0].Outcome != models.PaymentApplied || got.Payments[0].Amount != o.TotalAmount {
			t.Errorf("payments %+v", got.Payments)
		}
		if last := got.History[len(got.History)-1]; last.From != models.StatusPendingPayment || last.Actor != models.SystemActor {
			t.Errorf("history %+v", last)
		}
	})
}

func TestMarkOrderPaid_AmountMismatchNeverMarksPaid(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 1))
		for i, paid := range []models.Money{
			{Amount: o.TotalAmount - 1, Currency: models.PEN},
			{Amount: o.TotalAmount, Currency: "USD"},
			{Amount: 0, Currency: models.PEN},
		} {
			for range 2 { // reported twice: refused twice, recorded once
				p := cardPayment(o, fmt.Sprintf("cs_wrong_%d", i))
				p.Amount = paid
				_, changed, err := c.store.MarkOrderPaid(ctx, p)
				var re *models.PaymentRefusedError
				if changed || !errors.As(err, &re) || re.Reason != models.RefusalMismatch {
					t.Fatalf("paid %v: changed %v err %v", paid, changed, err)
				}
			}
		}
		got := c.orderByID(t, o.ID)
		if got.Status != models.StatusPendingPayment || !got.NeedsAttention || got.AttentionNote == "" {
			t.Errorf("status %s flagged %v %q", got.Status, got.NeedsAttention, got.AttentionNote)
		}
		if len(got.Payments) != 3 || len(got.History) != 1 {
			t.Errorf("%d payments, %d history rows", len(got.Payments), len(got.History))
		}
		for _, p := range got.Payments {
			if p.Outcome != models.PaymentRefused || p.Refusal != models.RefusalMismatch {
				t.Errorf("payment %+v", p)
			}
		}
		// The right amount still pays it.
		if _, changed, err := c.store.MarkOrderPaid(ctx, cardPayment(o, "cs_right")); !changed || err != nil {
			t.Errorf("right amount: changed %v err %v", changed, err)
		}
		if err := c.store.ResolveOrderAttention(ctx, o.ID, staffEmail, "refunded the wrong payments"); err != nil {
			t.Fatal(err)
		}
		if got := c.orderByID(t, o.ID); got.NeedsAttention {
			t.Error("flag not cleared")
		}
	})
}

// Inside a caller's transaction, a refusal is written there: the caller
// commits it.
func TestMarkOrderPaid_RefusalKeptByTheCallersCommit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 1))
		p := cardPayment(o, "cs_x")
		p.Amount.Amount++
		var refused error
		err := c.store.Tx(ctx, func(tx *models.Store) error {
			_, _, err := tx.MarkOrderPaid(ctx, p)
			if errors.Is(err, models.ErrPaymentRefused) {
				refused = err
				return nil
			}
			return err
		})
		if err != nil || refused == nil {
			t.Fatalf("err %v refused %v", err, refused)
		}
		if n := c.count(t, "payments", "order_id = ? AND outcome = ?", o.ID, models.PaymentRefused); n != 1 {
			t.Errorf("%d refused payments kept", n)
		}
	})
}

func TestMarkOrderPaid_BankTransferRecordedByStaff(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		in := buyer(line(c.prod.ID, 1))
		in.Method = models.PaymentBankTransfer
		in.ExpiresAt = time.Now().Add(7 * 24 * time.Hour)
		o, err := c.store.CreateOrder(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		p := models.PaymentInput{OrderID: o.ID, Method: models.PaymentBankTransfer, Amount: o.Total(),
			Actor: staffEmail, ReceivedAt: time.Now().Add(-time.Hour)}
		if _, _, err := c.store.MarkOrderPaid(ctx, p); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("a transfer without a bank reference: %v", err)
		}
		p.Reference = "BCP-000123"
		for i, want := range []bool{true, false} { // the form sent twice
			if _, changed, err := c.store.MarkOrderPaid(ctx, p); changed != want || err != nil {
				t.Errorf("call %d: changed %v err %v", i, changed, err)
			}
		}
		got, _ := c.store.OrderByToken(ctx, o.Token)
		if got.Status != models.StatusPaid || len(got.Payments) != 1 || got.Payments[0].Reference != "BCP-000123" ||
			got.History[1].Actor != staffEmail {
			t.Errorf("order %s payments %+v", got.Status, got.Payments)
		}
		// Another transfer for a paid order is on record and flagged.
		p.Reference = "BCP-000999"
		if _, _, err := c.store.MarkOrderPaid(ctx, p); !errors.Is(err, models.ErrPaymentRefused) {
			t.Errorf("second payment: %v", err)
		}
		if got := c.orderByID(t, o.ID); !got.NeedsAttention || got.Status != models.StatusPaid {
			t.Errorf("second payment: status %s flagged %v", got.Status, got.NeedsAttention)
		}
	})
}

// Expiry and a late payment race for the same order: whichever locks it
// first wins, and the stock comes back exactly once if it expired.
func TestExpireOrder_RacingALatePaymentReleasesStockOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 20)
		later := time.Now().Add(2 * time.Hour)
		outcomes := map[models.OrderStatus]int{}
		for round := range 8 {
			o := c.order(t, line(c.prod.ID, 2))
			var wg sync.WaitGroup
			errs := make(chan error, 6)
			for i := range 3 {
				wg.Add(2)
				go func() {
					defer wg.Done()
					if _, err := c.store.ExpireOrder(ctx, o.ID, later); err != nil {
						errs <- err
					}
				}()
				go func() {
					defer wg.Done()
					p := cardPayment(o, fmt.Sprintf("cs_race_%d", round))
					p.ProviderEventID = fmt.Sprintf("evt_%d_%d", round, i)
					if _, _, err := c.store.MarkOrderPaid(ctx, p); err != nil && !errors.Is(err, models.ErrPaymentRefused) {
						errs <- err
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			got := c.orderByID(t, o.ID)
			outcomes[got.Status]++
			released := c.count(t, "stock_movements", "order_id = ? AND reason = ?", o.ID, models.StockReleased)
			switch got.Status {
			case models.StatusCancelled:
				if released != 1 || got.StockReleasedAt == nil || !got.NeedsAttention ||
					len(got.Payments) != 1 || got.Payments[0].Refusal != models.RefusalLate {
					t.Errorf("expired: %d releases, flagged %v, payments %+v", released, got.NeedsAttention, got.Payments)
				}
			case models.StatusPaid:
				if released != 0 || got.NeedsAttention {
					t.Errorf("paid: %d releases, flagged %v", released, got.NeedsAttention)
				}
			default:
				t.Errorf("status %s", got.Status)
			}
			// Running the expiry again changes nothing.
			if changed, err := c.store.ExpireOrder(ctx, o.ID, later); changed || err != nil {
				t.Errorf("second expiry: %v %v", changed, err)
			}
		}
		var taken int64
		if err := db.Raw("SELECT COALESCE(SUM(delta), 0) FROM stock_movements WHERE order_id IS NOT NULL").Scan(&taken).Error; err != nil {
			t.Fatal(err)
		}
		if s := c.stock(t, c.prod.ID); int64(s) != 20+taken || int64(s) != 20-2*int64(outcomes[models.StatusPaid]) {
			t.Errorf("stock %d after %v (movements %d)", s, outcomes, taken)
		}
		t.Logf("outcomes %v", outcomes)
	})
}

func TestExpireOrder_OnlyPastItsExpiry(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 3))
		if changed, err := c.store.ExpireOrder(ctx, o.ID, time.Now()); changed || err != nil {
			t.Fatalf("expired early: %v %v", changed, err)
		}
		ids, err := c.store.ExpiredOrders(ctx, time.Now().Add(2*time.Hour), 10)
		if err != nil || len(ids) != 1 || ids[0] != o.ID {
			t.Fatalf("expired orders %v %v", ids, err)
		}
		if changed, err := c.store.ExpireOrder(ctx, o.ID, o.ExpiresAt); !changed || err != nil {
			t.Fatalf("expire: %v %v", changed, err)
		}
		if s := c.stock(t, c.prod.ID); s != 5 {
			t.Errorf("stock %d after expiry, want 5", s)
		}
		got := c.orderByID(t, o.ID)
		if last := got.History[len(got.History)-1]; last.To != models.StatusCancelled || last.Actor != models.SystemActor {
			t.Errorf("history %+v", last)
		}
		// The late payment is kept and flagged; the order stays cancelled.
		_, changed, err := c.store.MarkOrderPaid(ctx, cardPayment(o, "cs_late"))
		var re *models.PaymentRefusedError
		if changed || !errors.As(err, &re) || re.Reason != models.RefusalLate {
			t.Errorf("late payment: %v %v", changed, err)
		}
		if ids, _ := c.store.ExpiredOrders(ctx, time.Now().Add(2*time.Hour), 10); len(ids) != 0 {
			t.Errorf("still listed as expired: %v", ids)
		}
	})
}

func TestTransitionOrder_FollowsTheTable(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 1))
		for _, to := range []models.OrderStatus{models.StatusShipped, models.StatusDelivered, models.StatusInFulfillment} {
			if _, err := c.store.TransitionOrder(ctx, o.ID, to, staffEmail, ""); !errors.Is(err, models.ErrIllegalTransition) {
				t.Errorf("pending → %s: %v", to, err)
			}
		}
		if _, err := c.store.TransitionOrder(ctx, o.ID, models.StatusPaid, staffEmail, ""); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("paid without a payment: %v", err)
		}
		if _, _, err := c.store.MarkOrderPaid(ctx, cardPayment(o, "cs_1")); err != nil {
			t.Fatal(err)
		}
		if _, err := c.store.CancelOrder(ctx, o.ID, staffEmail, "changed mind"); !errors.Is(err, models.ErrIllegalTransition) {
			t.Errorf("cancel a paid order: %v", err)
		}
		for _, to := range []models.OrderStatus{models.StatusInFulfillment, models.StatusShipped, models.StatusDelivered} {
			if _, err := c.store.TransitionOrder(ctx, o.ID, to, models.SystemActor, "next step"); err != nil {
				t.Fatalf("→ %s: %v", to, err)
			}
		}
		got := c.orderByID(t, o.ID)
		var path []models.OrderStatus
		for _, h := range got.History {
			path = append(path, h.To)
		}
		want := []models.OrderStatus{models.StatusPendingPayment, models.StatusPaid, models.StatusInFulfillment,
			models.StatusShipped, models.StatusDelivered}
		if fmt.Sprint(path) != fmt.Sprint(want) || c.stock(t, c.prod.ID) != 4 {
			t.Errorf("history %v, stock %d", path, c.stock(t, c.prod.ID))
		}
		for _, s := range models.OrderStatuses {
			for _, n := range s.Next() {
				if !n.Valid() {
					t.Errorf("%s → unknown %s", s, n)
				}
			}
		}
	})
}

func TestCancelOrder_ReleasesStockOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		b := c.addProduct(t, "retablo", 4)
		o := c.order(t, line(c.prod.ID, 2), line(b.ID, 4))
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.store.CancelOrder(ctx, o.ID, "ana@example.com", "no longer needed")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, models.ErrIllegalTransition):
					t.Errorf("cancel: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || c.stock(t, c.prod.ID) != 5 || c.stock(t, b.ID) != 4 {
			t.Errorf("%d cancellations; stock %d and %d", ok, c.stock(t, c.prod.ID), c.stock(t, b.ID))
		}
		if n := c.count(t, "stock_movements", "order_id = ? AND reason = ?", o.ID, models.StockReleased); n != 2 {
			t.Errorf("%d release movements, want 2", n)
		}
		// The database itself refuses a second release of a line.
		err := db.Exec(`INSERT INTO stock_movements (product_id, delta, reason, note, actor, created_at, resulting_stock, order_id)
			VALUES (?, 2, 'released', 'again', 'x', ?, 7, ?)`, c.prod.ID, time.Now().UTC(), o.ID).Error
		if err == nil {
			t.Error("a second release of the same line was stored")
		}
	})
}

func TestRecordRefund_OncePerReferenceAndNoMoreThanPaid(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 2))
		refund := func(ref string, amount int64) (bool, error) {
			_, rec, err := c.store.RecordRefund(ctx, models.RefundInput{Number: o.Number, Method: models.PaymentCard,
				Amount: models.Soles(amount), Reference: ref, Actor: models.SystemActor})
			return rec, err
		}
		if _, err := refund("re_0", 100); !errors.Is(err, models.ErrRefundTooLarge) {
			t.Errorf("refund of an unpaid order: %v", err)
		}
		if _, _, err := c.store.MarkOrderPaid(ctx, cardPayment(o, "cs_r")); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false} { // charge.refunded delivered twice
			if rec, err := refund("re_1", 5000); rec != want || err != nil {
				t.Errorf("call %d: recorded %v err %v", i, rec, err)
			}
		}
		if _, err := refund("re_2", o.TotalAmount-5000+1); !errors.Is(err, models.ErrRefundTooLarge) {
			t.Errorf("refund past the total: %v", err)
		}
		if rec, err := refund("re_2", o.TotalAmount-5000); !rec || err != nil {
			t.Errorf("rest of the total: %v %v", rec, err)
		}
		got := c.orderByID(t, o.ID)
		if len(got.Payments) != 3 || got.Status != models.StatusRefunded {
			t.Errorf("payments %+v status %s", got.Payments, got.Status)
		}
	})
}

// A row LockOrderByNumber locked is handed to the next PayOrder of the
// same transaction once; outside a transaction there is nothing to hold
// the lock, and it is refused.
func TestLockOrderByNumber_HandsTheRowToPayOrderOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 1))
		if _, err := c.store.LockOrderByNumber(ctx, o.Number); err == nil {
			t.Fatal("locked outside a transaction")
		}
		err := c.store.Tx(ctx, func(tx *models.Store) error {
			if _, err := tx.LockOrderByNumber(ctx, "Q-1999-000001"); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("unknown number: %v", err)
			}
			locked, err := tx.LockOrderByNumber(ctx, o.Number)
			if err != nil || locked.ID != o.ID {
				return fmt.Errorf("lock: %v, %v", locked, err)
			}
			in := cardPayment(o, "cs_locked")
			in.OrderID, in.Number = o.ID, ""
			if _, changed, err := tx.PayOrder(ctx, in); err != nil || !changed {
				return fmt.Errorf("pay: %v, %w", changed, err)
			}
			// The row was handed over once: a second payment locks and
			// reads the order again, and finds it paid.
			again := cardPayment(o, "cs_locked_again")
			again.OrderID, again.Number = o.ID, ""
			if _, changed, err := tx.PayOrder(ctx, again); changed || !errors.Is(err, models.ErrPaymentRefused) {
				t.Errorf("second payment in the transaction: changed %v, %v", changed, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.orderByID(t, o.ID); got.Status != models.StatusPaid || len(got.Payments) != 2 {
			t.Errorf("order %s with %d payments, want paid with the second refused", got.Status, len(got.Payments))
		}
	})
}
