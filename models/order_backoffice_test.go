package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// Two staff members (or one double click) record the same transfer at
// once: one payment, one status change, one hand-off, one audit entry.
func TestRecordBankTransfer_SameTransferAtOnceIsRecordedAndAuditedOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 2))
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			recorded int
			errs     []error
		)
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, rec, err := c.store.RecordBankTransfer(ctx, models.BankTransfer{OrderID: o.ID, Amount: o.Total(),
					ReceivedAt: time.Now(), Reference: " OP-77 ", Actor: staffEmail})
				mu.Lock()
				defer mu.Unlock()
				if rec {
					recorded++
				}
				if err != nil {
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		if recorded != 1 || len(errs) != 0 {
			t.Fatalf("recorded %d times, errors %v", recorded, errs)
		}
		got := c.orderByID(t, o.ID)
		if got.Status != models.StatusPaid || len(got.Payments) != 1 || got.Payments[0].Reference != "OP-77" ||
			got.Payments[0].Actor != staffEmail || got.Payments[0].Method != models.PaymentBankTransfer {
			t.Fatalf("order %s, payments %+v", got.Status, got.Payments)
		}
		if n := c.count(t, "audit_log", "entity_type = ? AND entity_id = ?", models.EntityOrder, o.ID); n != 1 {
			t.Errorf("%d audit entries, want 1", n)
		}
		if n := c.count(t, "river_job", "kind = ?", "fulfill_order"); n != 1 {
			t.Errorf("%d fulfill_order jobs, want 1", n)
		}
	})
}

// A transfer that cannot pay the order is kept, audited and flags the
// order; the refusal comes back after the commit.
func TestRecordBankTransfer_WrongAmountIsKeptRefusedAndAudited(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 1))
		_, rec, err := c.store.RecordBankTransfer(ctx, models.BankTransfer{OrderID: o.ID,
			Amount: o.Total().Sub(models.Soles(1)), Reference: "OP-1", Actor: staffEmail})
		var refused *models.PaymentRefusedError
		if !rec || !errors.As(err, &refused) || refused.Reason != models.RefusalMismatch {
			t.Fatalf("recorded %v, err %v", rec, err)
		}
		got := c.orderByID(t, o.ID)
		if got.Status != models.StatusPendingPayment || !got.NeedsAttention || len(got.Payments) != 1 ||
			got.Payments[0].Outcome != models.PaymentRefused {
			t.Fatalf("order %s flagged %v payments %+v", got.Status, got.NeedsAttention, got.Payments)
		}
		if n := c.count(t, "audit_log", "entity_type = ? AND entity_id = ? AND summary LIKE ?", models.EntityOrder, o.ID, "%refused: mismatch%"); n != 1 {
			t.Errorf("%d audit entries of the refusal, want 1", n)
		}
		// Reported again, it is still refused, and neither recorded nor audited twice.
		_, rec, err = c.store.RecordBankTransfer(ctx, models.BankTransfer{OrderID: o.ID,
			Amount: o.Total().Sub(models.Soles(1)), Reference: "OP-1", Actor: staffEmail})
		if rec || !errors.Is(err, models.ErrPaymentRefused) {
			t.Errorf("again: recorded %v, err %v", rec, err)
		}
		if n := c.count(t, "audit_log", "entity_type = ? AND entity_id = ?", models.EntityOrder, o.ID); n != 1 {
			t.Errorf("%d audit entries after the repeat, want 1", n)
		}
		// Bad input writes nothing.
		for _, in := range []models.BankTransfer{
			{OrderID: o.ID, Amount: o.Total(), Reference: " ", Actor: staffEmail},
			{OrderID: o.ID, Amount: o.Total(), Reference: "OP-2"},
			{OrderID: o.ID, Amount: models.Soles(-5), Reference: "OP-3", Actor: staffEmail},
		} {
			if _, _, err := c.store.RecordBankTransfer(ctx, in); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("%+v: %v", in, err)
			}
		}
		if _, _, err := c.store.RecordBankTransfer(ctx, models.BankTransfer{OrderID: 999999, Amount: o.Total(),
			Reference: "OP-4", Actor: staffEmail}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown order: %v", err)
		}
		if got := c.orderByID(t, o.ID); len(got.Payments) != 1 {
			t.Errorf("bad input recorded payments: %+v", got.Payments)
		}
	})
}

// A staff cancellation and its audit entry commit together; a paid order
// is refused and leaves no entry.
func TestStaffCancelOrder_AuditedWithTheChange(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 2))
		if _, err := c.store.StaffCancelOrder(ctx, o.ID, staffEmail, "asked by phone"); err != nil {
			t.Fatal(err)
		}
		if c.stock(t, c.prod.ID) != 5 || c.orderByID(t, o.ID).Status != models.StatusCancelled {
			t.Error("not cancelled with its stock back")
		}
		if n := c.count(t, "audit_log", "entity_type = ? AND entity_id = ? AND actor = ?", models.EntityOrder, o.ID, staffEmail); n != 1 {
			t.Errorf("%d audit entries, want 1", n)
		}
		paid := c.order(t, line(c.prod.ID, 1))
		if _, _, err := c.store.RecordBankTransfer(ctx, models.BankTransfer{OrderID: paid.ID, Amount: paid.Total(),
			Reference: "OP-1", Actor: staffEmail}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.store.StaffCancelOrder(ctx, paid.ID, staffEmail, ""); !errors.Is(err, models.ErrIllegalTransition) {
			t.Fatalf("cancel a paid order: %v", err)
		}
		if n := c.count(t, "audit_log", "entity_type = ? AND entity_id = ? AND summary LIKE ?", models.EntityOrder, paid.ID, "cancelled%"); n != 0 {
			t.Errorf("a refused cancellation left %d audit entries", n)
		}
		if _, err := c.store.StaffCancelOrder(ctx, o.ID, " ", ""); err == nil {
			t.Error("a cancellation without an actor was accepted")
		}
	})
}
