package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// StripeEventOutcome says what a verified Stripe event did to the shop.
type StripeEventOutcome string

// Outcomes of Stripe events.
const (
	EventReceived       StripeEventOutcome = "received"        // claimed, its effect not yet known (inside the transaction only)
	EventPaid           StripeEventOutcome = "paid"            // it marked its order paid
	EventPaymentKnown   StripeEventOutcome = "payment_known"   // its payment was recorded already (another event, the success page)
	EventPaymentRefused StripeEventOutcome = "payment_refused" // recorded as refused, the order flagged for staff
	EventNotPaid        StripeEventOutcome = "not_paid"        // a session without money received (unpaid, no payment required)
	EventCancelled      StripeEventOutcome = "cancelled"       // it cancelled its unpaid order and released the stock
	EventNotPending     StripeEventOutcome = "not_pending"     // a cancellation for an order no longer unpaid: untouched
	EventRefundRecorded StripeEventOutcome = "refund_recorded" // a refund recorded against its order
	EventRefundKnown    StripeEventOutcome = "refund_known"    // nothing refunded beyond what was recorded
	EventRefundRefused  StripeEventOutcome = "refund_refused"  // a refund the order cannot take: flagged for staff
	EventOrderMismatch  StripeEventOutcome = "order_mismatch"  // its references to the order disagree: flagged, nothing else
	EventUnknownOrder   StripeEventOutcome = "unknown_order"   // no order of the shop's
	EventIgnored        StripeEventOutcome = "ignored"         // a type the shop does not act on
)

// StripeEvent is a verified Stripe webhook event, recorded in the
// transaction of its effect: its unique event id is what makes a replay
// change nothing.
type StripeEvent struct {
	ID          int64              `gorm:"primaryKey"`
	EventID     string             `gorm:"size:255;not null"`
	Type        string             `gorm:"size:100;not null"`
	OrderNumber string             `gorm:"size:40;not null"` // as the event named it, "" when none
	Outcome     StripeEventOutcome `gorm:"size:30;not null"`
	ReceivedAt  time.Time          `gorm:"not null"`
}

// TableName is part of the migration history.
func (StripeEvent) TableName() string { return "stripe_events" }

// StripeEventResult is what applying an event did, recorded with it.
type StripeEventResult struct {
	OrderNumber string
	Outcome     StripeEventOutcome
}

// HandleStripeEvent records a verified event and applies it in one
// transaction. The event's row is inserted first: a concurrent delivery
// of the same event waits on its unique id and then finds it, so apply
// runs at most once per event id that commits. For an event seen before,
// nothing is applied and duplicate is true. An error from apply rolls
// the event back too, so Stripe's retry finds it new.
func (s *Store) HandleStripeEvent(ctx context.Context, eventID, eventType string,
	apply func(tx *Store) (StripeEventResult, error)) (ev *StripeEvent, duplicate bool, err error) {
	return s.HandleStripeEventExpecting(ctx, eventID, eventType, StripeEventResult{Outcome: EventReceived}, apply)
}

// HandleStripeEventExpecting is HandleStripeEvent for an event whose
// result the caller can foresee (a paid session, almost always "paid"
// for the order it names): the row is inserted with it, and corrected
// in the same transaction only when apply's result differs. The usual
// event then costs one statement less; nothing outside the transaction
// ever sees the foreseen result. On PostgreSQL, the order it names is
// locked in the same statement (recordEventLockingOrder): a concurrent
// delivery of the event then waits on the order rather than on the id.
func (s *Store) HandleStripeEventExpecting(ctx context.Context, eventID, eventType string, expect StripeEventResult,
	apply func(tx *Store) (StripeEventResult, error)) (ev *StripeEvent, duplicate bool, err error) {
	eventID, eventType = strings.TrimSpace(eventID), strings.TrimSpace(eventType)
	if eventID == "" || len(eventID) > 255 || eventType == "" || len(eventType) > 100 {
		return nil, false, fmt.Errorf("%w: stripe event id %.40q of type %.40q", ErrInvalid, eventID, eventType)
	}
	if expect.Outcome == "" {
		expect.Outcome = EventReceived
	}
	expect.OrderNumber = clip(expect.OrderNumber, 40)
	err = s.Tx(ctx, func(tx *Store) error {
		ev = &StripeEvent{EventID: eventID, Type: eventType, OrderNumber: expect.OrderNumber,
			Outcome: expect.Outcome, ReceivedAt: time.Now().UTC()}
		found, recorded, err := tx.recordEventLockingOrder(ctx, ev)
		if err != nil {
			return err
		}
		if !found {
			res := tx.db.Exec(`INSERT INTO stripe_events (event_id, type, order_number, outcome, received_at)
	VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`, ev.EventID, ev.Type, ev.OrderNumber, ev.Outcome, ev.ReceivedAt)
			if res.Error != nil {
				return fmt.Errorf("record stripe event %s: %w", eventID, res.Error)
			}
			recorded = res.RowsAffected > 0
		}
		if !recorded {
			duplicate = true
			if err := tx.db.Where("event_id = ?", eventID).Take(ev).Error; err != nil {
				return dbError(err, "stripe event "+eventID)
			}
			return nil
		}
		r, err := apply(tx)
		if err != nil {
			return err
		}
		r.OrderNumber = clip(r.OrderNumber, 40)
		if r == expect {
			return nil
		}
		ev.OrderNumber, ev.Outcome = r.OrderNumber, r.Outcome
		err = tx.db.Model(&StripeEvent{}).Where("event_id = ?", eventID).
			Updates(map[string]any{"order_number": ev.OrderNumber, "outcome": ev.Outcome}).Error
		if err != nil {
			return fmt.Errorf("record outcome of stripe event %s: %w", eventID, err)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return ev, duplicate, nil
}

// recordEventLockingOrder is, on PostgreSQL and for an event foreseen to
// name an order, the event's insert and LockOrderByNumber in one
// statement: the order is locked first, and the event recorded only when
// the order exists. found says the order does (locked, and kept for
// LockOrderByNumber); recorded, that the event was new. When the order
// is not found nothing is written, and the caller records the event as
// for any other.
func (s *Store) recordEventLockingOrder(ctx context.Context, ev *StripeEvent) (found, recorded bool, err error) {
	if s.db.Dialector.Name() != "postgres" || !ValidOrderNumber(ev.OrderNumber) {
		return false, false, nil
	}
	var rows []struct {
		Order
		Recorded bool
	}
	err = rawScan(s.db.WithContext(ctx), &rows, `WITH o AS (SELECT * FROM orders WHERE number = ? FOR UPDATE),
ev AS (INSERT INTO stripe_events (event_id, type, order_number, outcome, received_at)
	SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM o) ON CONFLICT (event_id) DO NOTHING RETURNING 1)
SELECT o.*, EXISTS (SELECT 1 FROM ev) AS recorded FROM o`, ev.OrderNumber,
		ev.EventID, ev.Type, ev.OrderNumber, ev.Outcome, ev.ReceivedAt)
	if err != nil {
		return false, false, fmt.Errorf("record stripe event %s and lock order %s: %w", ev.EventID, ev.OrderNumber, err)
	}
	if len(rows) == 0 {
		return false, false, nil
	}
	o := rows[0].Order
	s.locked[o.ID] = &o
	return true, rows[0].Recorded, nil
}

// StripeEventByID loads a recorded event.
func (s *Store) StripeEventByID(ctx context.Context, eventID string) (*StripeEvent, error) {
	var ev StripeEvent
	if err := s.db.WithContext(ctx).Where("event_id = ?", eventID).Take(&ev).Error; err != nil {
		return nil, dbError(err, "stripe event "+eventID)
	}
	return &ev, nil
}

// ActionFlag names, in the audit log, an order flagged for staff.
const ActionFlag = "flag"

// FlagOrder marks an order for staff with a note saying why (kept beside
// earlier notes), audited under actor: a payment provider's event that
// cannot be applied as it stands.
func (s *Store) FlagOrder(ctx context.Context, orderID int64, actor, note string) error {
	actor, note = strings.TrimSpace(actor), strings.TrimSpace(note)
	if actor == "" || note == "" {
		return errors.New("flag an order without an actor or a note")
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		o, err := lockOrder(tx, orderID)
		if err != nil {
			return err
		}
		before := map[string]any{"needs_attention": o.NeedsAttention, "attention_note": o.AttentionNote}
		if err := flagOrder(tx, o, note); err != nil {
			return err
		}
		return writeAudit(tx, actor, ActionFlag, EntityOrder, o.ID, "flagged order "+o.Number+": "+note, before,
			map[string]any{"needs_attention": true, "attention_note": o.AttentionNote})
	})
}

// What a payment provider's event needs to find the order it names: the
// order's own row, without its lines, payments and history (the webhook
// reads only its id, number, status and checkout session).

// OrderHeadByNumber loads an order's row by its number.
func (s *Store) OrderHeadByNumber(ctx context.Context, number string) (*Order, error) {
	if !ValidOrderNumber(number) {
		return nil, fmt.Errorf("order %.40q: %w", number, ErrNotFound)
	}
	return s.orderHead(ctx, "order "+number, "number = ?", number)
}

// LockOrderByNumber locks and loads the row of an order, in the store's
// transaction: a webhook's event that may pay the order locks it at its
// first look. The next PayOrder of the same transaction for this order
// takes the row as read here instead of locking it again, so nothing may
// change the order in between.
func (s *Store) LockOrderByNumber(ctx context.Context, number string) (*Order, error) {
	if !s.InTx() {
		return nil, errors.New("lock order: not in a transaction")
	}
	if !ValidOrderNumber(number) {
		return nil, fmt.Errorf("order %.40q: %w", number, ErrNotFound)
	}
	for _, l := range s.locked { // locked already (recordEventLockingOrder)
		if l.Number == number {
			o := *l
			return &o, nil
		}
	}
	var o Order
	if err := forUpdate(s.db.WithContext(ctx)).Where("number = ?", number).Take(&o).Error; err != nil {
		return nil, dbError(err, "order "+number)
	}
	kept := o
	s.locked[o.ID] = &kept
	return &o, nil
}

// OrderHeadByCheckoutSession loads the row of the order a Stripe
// Checkout Session was recorded for.
func (s *Store) OrderHeadByCheckoutSession(ctx context.Context, sessionID string) (*Order, error) {
	if sessionID == "" || len(sessionID) > 255 {
		return nil, fmt.Errorf("order by checkout session: %w", ErrNotFound)
	}
	return s.orderHead(ctx, "order by checkout session", "checkout_session_id = ?", sessionID)
}

// OrderHeadByPaymentReference loads the row of the order a payment with
// this reference (a Stripe payment intent, a bank reference) was
// recorded for, applied or refused.
func (s *Store) OrderHeadByPaymentReference(ctx context.Context, method PaymentMethod, reference string) (*Order, error) {
	reference = strings.TrimSpace(reference)
	if reference == "" || len(reference) > 255 {
		return nil, fmt.Errorf("order by payment reference: %w", ErrNotFound)
	}
	sub := s.db.WithContext(ctx).Model(&Payment{}).Select("order_id").
		Where("kind = ? AND method = ? AND reference = ?", KindPayment, method, reference)
	return s.orderHead(ctx, "order by payment reference "+reference, "id IN (?)", sub)
}

func (s *Store) orderHead(ctx context.Context, what, where string, args ...any) (*Order, error) {
	var o Order
	if err := s.db.WithContext(ctx).Where(where, args...).Take(&o).Error; err != nil {
		return nil, dbError(err, what)
	}
	return &o, nil
}

// ChargeRefundInput reports what a card charge has had refunded so far:
// Stripe's charge.refunded carries the cumulative amount, and one event
// per refund.
type ChargeRefundInput struct {
	OrderID         int64
	Charge          string // Stripe's charge id
	PaymentIntent   string // the charge's payment intent, when known (RefundInput.PaymentReference)
	Refunded        Money  // cumulative
	ProviderEventID string
	Actor           string
	Note            string
}

// RecordChargeRefund records the part of a charge's cumulative refunded
// amount that is not recorded yet, as one refund (RecordRefund) whose
// reference is the charge and the cumulative amount: the same total
// reported again, or an older, smaller one arriving late, records
// nothing. The order's row is locked while the earlier refunds are read.
func (s *Store) RecordChargeRefund(ctx context.Context, in ChargeRefundInput) (o *Order, refund Money, err error) {
	in.Charge = strings.TrimSpace(in.Charge)
	if in.Charge == "" || len(in.Charge) > 200 || in.Refunded.Amount <= 0 || in.Refunded.Currency == "" {
		return nil, Money{}, Invalid("amount", CodeRefund)
	}
	prefix := in.Charge + "#"
	err = s.Tx(ctx, func(tx *Store) error {
		if o, err = lockOrder(tx.db, in.OrderID); err != nil {
			return err
		}
		var ps []Payment
		err := tx.db.Where("order_id = ? AND kind = ? AND method = ?", o.ID, KindRefund, PaymentCard).Find(&ps).Error
		if err != nil {
			return fmt.Errorf("refunds of order %s: %w", o.Number, err)
		}
		var recorded int64
		for _, p := range ps {
			if strings.HasPrefix(p.Reference, prefix) && p.Currency == in.Refunded.Currency {
				recorded += p.Amount
			}
		}
		if in.Refunded.Amount <= recorded {
			refund = Money{Currency: in.Refunded.Currency}
			return nil
		}
		refund = Money{Amount: in.Refunded.Amount - recorded, Currency: in.Refunded.Currency}
		o, _, err = tx.RecordRefund(ctx, RefundInput{OrderID: o.ID, Method: PaymentCard, Amount: refund,
			Reference: fmt.Sprintf("%s%d", prefix, in.Refunded.Amount), ProviderEventID: in.ProviderEventID,
			PaymentReference: in.PaymentIntent, Actor: in.Actor, Note: in.Note})
		return err
	})
	if err != nil {
		return nil, Money{}, err
	}
	return o, refund, nil
}
