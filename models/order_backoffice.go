package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// What staff do to orders in the back office. Each action is one
// transaction holding the change, its jobs and its audit entry, so the
// audit log never names a change that did not commit, or misses one.

// StaffCancelOrder cancels an unpaid order for a staff member: CancelOrder
// (status, stock back, the buyer's "cancelled" mail) and its audit entry.
// A paid order is refused with a TransitionError (ErrIllegalTransition):
// it is refunded, not cancelled.
func (s *Store) StaffCancelOrder(ctx context.Context, orderID int64, actor, note string) (*Order, error) {
	actor, note = strings.TrimSpace(actor), strings.TrimSpace(note)
	if actor == "" {
		return nil, errors.New("cancel an order without an actor")
	}
	history := "cancelled in the back office"
	if note != "" {
		history += ": " + note
	}
	var o *Order
	err := s.Tx(ctx, func(tx *Store) error {
		var err error
		if o, err = tx.CancelOrder(ctx, orderID, actor, history); err != nil {
			return err
		}
		return writeAudit(tx.db, actor, ActionUpdate, EntityOrder, o.ID, "cancelled order "+o.Number+optionalNote(note),
			map[string]any{"status": StatusPendingPayment},
			map[string]any{"status": o.Status, "note": note})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

func optionalNote(note string) string {
	if note == "" {
		return ""
	}
	return ": " + note
}

// BankTransfer is a transfer staff found on CIAP's bank account for an
// order, as they type it from the bank's statement.
type BankTransfer struct {
	OrderID    int64
	Amount     Money
	ReceivedAt time.Time // the day the money arrived
	Reference  string    // the bank's reference of the operation
	Actor      string    // the staff member's email
	Note       string
}

// RecordBankTransfer reports a bank transfer through PayOrder, the one way
// an order becomes paid, and writes its audit entry in the same
// transaction. recorded is false when the same transfer (same order and
// bank reference) was recorded before: nothing changes then, no audit
// entry either. A transfer that cannot pay the order (wrong amount, the
// order cancelled or paid already) is kept as refused, the order flagged,
// and the *PaymentRefusedError returned after the commit.
func (s *Store) RecordBankTransfer(ctx context.Context, in BankTransfer) (o *Order, recorded bool, err error) {
	p := PaymentInput{OrderID: in.OrderID, Method: PaymentBankTransfer, Amount: in.Amount,
		Reference: in.Reference, ReceivedAt: in.ReceivedAt, Actor: in.Actor, Note: in.Note}
	if err := p.validate(); err != nil {
		return nil, false, err
	}
	var refused error
	err = s.Tx(ctx, func(tx *Store) error {
		// Locked first, so that of two identical forms sent at once only
		// one finds the transfer new and audits it.
		if _, err := lockOrder(tx.db, p.OrderID); err != nil {
			return err
		}
		var seen int64
		err := tx.db.Model(&Payment{}).Where("order_id = ? AND kind = ? AND dedupe_key = ?",
			p.OrderID, KindPayment, p.dedupeKey()).Count(&seen).Error
		if err != nil {
			return fmt.Errorf("payments of order %d: %w", p.OrderID, err)
		}
		var changed bool
		o, changed, err = tx.PayOrder(ctx, p)
		if errors.Is(err, ErrPaymentRefused) {
			refused, err = err, nil
		}
		if err != nil || seen > 0 {
			return err
		}
		recorded = true
		outcome := "refused: " + refusedReason(refused)
		if changed {
			outcome = "order paid"
		}
		summary := fmt.Sprintf("recorded bank transfer %s of %s %s for order %s: %s",
			p.Reference, p.Amount.Decimal(), p.Amount.Currency, o.Number, outcome)
		return writeAudit(tx.db, p.Actor, ActionUpdate, EntityOrder, o.ID, summary, nil,
			map[string]any{"payment_method": p.Method, "amount": p.Amount.Amount, "currency": p.Amount.Currency,
				"reference": p.Reference, "received_at": p.ReceivedAt.Format(time.RFC3339),
				"outcome": outcome, "status": o.Status, "note": p.Note})
	})
	if err != nil {
		return nil, false, err
	}
	return o, recorded, refused
}

func refusedReason(err error) string {
	var r *PaymentRefusedError
	if errors.As(err, &r) {
		return string(r.Reason)
	}
	return "unknown"
}
