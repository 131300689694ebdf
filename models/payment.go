package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PaymentKind says whether money came in or went back.
type PaymentKind string

// Payment kinds.
const (
	KindPayment PaymentKind = "payment"
	KindRefund  PaymentKind = "refund"
)

// PaymentOutcome says what a recorded payment did to its order.
type PaymentOutcome string

// Payment outcomes.
const (
	PaymentApplied PaymentOutcome = "applied" // it paid the order
	PaymentRefused PaymentOutcome = "refused" // recorded, order flagged for staff
)

// PaymentRefusal says why a payment did not pay its order.
type PaymentRefusal string

// Refusal reasons.
const (
	RefusalMismatch  PaymentRefusal = "mismatch"  // amount or currency differ from the order's total
	RefusalLate      PaymentRefusal = "late"      // the order was cancelled (expired) before it came
	RefusalDuplicate PaymentRefusal = "duplicate" // the order was paid already, by another payment
)

// Payment is money received for an order (or refunded), as the provider
// or staff reported it. Payments are append-only; a refused one stays on
// record so staff can refund it.
type Payment struct {
	ID                int64          `gorm:"primaryKey"`
	OrderID           int64          `gorm:"not null"`
	Kind              PaymentKind    `gorm:"size:10;not null"`
	Method            PaymentMethod  `gorm:"size:20;not null"`
	Currency          Currency       `gorm:"size:3;not null"`
	Amount            int64          `gorm:"not null"`
	Reference         string         `gorm:"size:255;not null"` // bank reference or Stripe payment intent
	ProviderEventID   *string        `gorm:"size:255"`          // the Stripe event that reported it
	ProviderSessionID string         `gorm:"size:255;not null"` // the Stripe Checkout Session
	DedupeKey         string         `gorm:"size:300;not null"`
	Outcome           PaymentOutcome `gorm:"size:10;not null"`
	Refusal           PaymentRefusal `gorm:"size:20;not null"`
	ReceivedAt        time.Time      `gorm:"not null"`
	Actor             string         `gorm:"size:254;not null"`
	Note              string         `gorm:"size:1000;not null"`
	CreatedAt         time.Time
}

// TableName is part of the migration history.
func (Payment) TableName() string { return "payments" }

// Money is the amount paid.
func (p *Payment) Money() Money { return Money{Amount: p.Amount, Currency: p.Currency} }

// PaymentInput reports a payment for an order, named by ID or number.
type PaymentInput struct {
	OrderID int64
	Number  string
	Method  PaymentMethod
	Amount  Money // as paid, e.g. Stripe's amount_total and currency
	// Reference is the bank transfer's reference or Stripe's payment
	// intent; ProviderSessionID the Checkout Session; ProviderEventID the
	// webhook event. One of Reference and ProviderSessionID is required:
	// it is what makes the same payment reported twice one payment.
	Reference         string
	ProviderSessionID string
	ProviderEventID   string
	ReceivedAt        time.Time // zero means now
	Actor             string    // SystemActor for webhooks, the staff member's email for transfers
	Note              string
}

func (p *PaymentInput) validate() error {
	var v ValidationError
	p.Reference, p.ProviderSessionID = strings.TrimSpace(p.Reference), strings.TrimSpace(p.ProviderSessionID)
	p.ProviderEventID, p.Actor = strings.TrimSpace(p.ProviderEventID), strings.TrimSpace(p.Actor)
	p.Note = strings.TrimSpace(p.Note)
	if p.OrderID == 0 && !ValidOrderNumber(p.Number) {
		v.add("order", CodeRequired)
	}
	if !p.Method.Valid() {
		v.add("method", CodePaymentMethod)
	}
	if p.Amount.Amount < 0 {
		v.add("amount", CodeNegative)
	}
	if p.Amount.Currency == "" {
		v.add("currency", CodeRequired)
	}
	if p.dedupeKey() == "" {
		v.add("reference", CodeBankReference)
	}
	for field, s := range map[string]string{"reference": p.Reference, "session": p.ProviderSessionID, "event": p.ProviderEventID} {
		if len(s) > 255 {
			v.add(field, CodeTooLong, "Max", 255)
		}
	}
	if p.Actor == "" {
		v.add("actor", CodeRequired)
	}
	if p.ReceivedAt.IsZero() {
		p.ReceivedAt = time.Now().UTC()
	}
	return v.orNil()
}

// dedupeKey is what makes one payment reported twice (a webhook retried,
// the success page and the webhook, a staff form sent twice) one payment.
func (p *PaymentInput) dedupeKey() string {
	id := p.ProviderSessionID
	if id == "" {
		id = p.Reference
	}
	if id == "" {
		return ""
	}
	return string(p.Method) + ":" + id
}

// ErrPaymentRefused matches a PaymentRefusedError.
var ErrPaymentRefused = errors.New("payment refused")

// PaymentRefusedError says why a payment did not pay its order. The
// payment and the order's flag for staff are recorded all the same.
type PaymentRefusedError struct {
	Number string
	Status OrderStatus // the order's status when the payment came
	Reason PaymentRefusal
	Paid   Money
	Due    Money
}

func (e *PaymentRefusedError) Error() string {
	switch e.Reason {
	case RefusalMismatch:
		return fmt.Sprintf("payment of %s %s for order %s, which is %s %s: not marked paid",
			e.Paid.Decimal(), e.Paid.Currency, e.Number, e.Due.Decimal(), e.Due.Currency)
	case RefusalLate:
		return fmt.Sprintf("payment for order %s arrived after it was %s", e.Number, e.Status)
	default:
		return fmt.Sprintf("second payment for order %s, which is %s already", e.Number, e.Status)
	}
}

// Is lets errors.Is(err, ErrPaymentRefused) match.
func (e *PaymentRefusedError) Is(target error) bool { return target == ErrPaymentRefused }

// MarkOrderPaid records a payment and, if it pays a pending order
// exactly (same amount and currency as its total), moves the order to
// paid. It is safe to call repeatedly and concurrently with the same
// payment: the order row is locked, the payment is recognised by its
// dedupe key, and changed is true for exactly one call. The caller
// enqueues the confirmation mail and the fulfillment hand-off in the same
// transaction, only when changed (see Store.Tx).
//
// A payment that cannot pay the order (wrong amount or currency, the
// order cancelled or already paid) is recorded as refused, the order is
// flagged for staff and stays as it was, and a PaymentRefusedError is
// returned after those writes. Called on a transaction-scoped store, the
// writes are in the caller's transaction: to keep them, the caller
// commits (returns nil from its Tx function) on ErrPaymentRefused.
func (s *Store) MarkOrderPaid(ctx context.Context, in PaymentInput) (o *Order, changed bool, err error) {
	if err := in.validate(); err != nil {
		return nil, false, err
	}
	var refused *PaymentRefusedError
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		o, changed, refused, err = markPaid(tx, in, nil)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if refused != nil {
		return o, false, refused
	}
	return o, changed, nil
}

func markPaid(tx *gorm.DB, in PaymentInput, locked *Order) (*Order, bool, *PaymentRefusedError, error) {
	o := locked // the transaction locked and read it already (LockOrderByNumber)
	if o == nil {
		id, err := orderIDOf(tx, in.OrderID, in.Number)
		if err != nil {
			return nil, false, nil, err
		}
		if o, err = lockOrder(tx, id); err != nil {
			return nil, false, nil, err
		}
	}
	due := o.Total()
	refusal := func(r PaymentRefusal) *PaymentRefusedError {
		return &PaymentRefusedError{Number: o.Number, Status: o.Status, Reason: r, Paid: in.Amount, Due: due}
	}
	var reason PaymentRefusal
	switch {
	case o.Status == StatusCancelled:
		reason = RefusalLate
	case o.Status != StatusPendingPayment:
		reason = RefusalDuplicate
	case in.Amount != due:
		reason = RefusalMismatch
	}
	p := Payment{OrderID: o.ID, Kind: KindPayment, Method: in.Method, Currency: in.Amount.Currency,
		Amount: in.Amount.Amount, Reference: in.Reference, ProviderSessionID: in.ProviderSessionID,
		DedupeKey: in.dedupeKey(), Outcome: PaymentApplied, Refusal: reason, ReceivedAt: in.ReceivedAt.UTC(),
		Actor: in.Actor, Note: clip(in.Note, 1000)}
	if in.ProviderEventID != "" {
		p.ProviderEventID = &in.ProviderEventID
	}
	if reason != "" {
		p.Outcome = PaymentRefused
	}
	note := fmt.Sprintf("%s payment of %s received", in.Method, due.Decimal())
	if in.Note != "" {
		note += ": " + in.Note
	}
	if reason == "" && tx.Dialector.Name() == "postgres" {
		// The usual payment: recorded and the order paid in one statement.
		inserted, err := payPG(tx, o, &p, in.Actor, note)
		if err != nil {
			return nil, false, nil, err
		}
		if inserted {
			return o, true, nil, nil
		}
		return knownPayment(tx, o, &p, refusal)
	}
	// The payment's dedupe key is unique per order: inserted, it is new;
	// not inserted, the same payment was recorded before (by a call that
	// held the order's lock and committed), and nothing changes. Inserting
	// first saves the paying call a look-up.
	res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "order_id"}, {Name: "kind"}, {Name: "dedupe_key"}},
		DoNothing: true}).Create(&p)
	if res.Error != nil {
		return nil, false, nil, dbError(res.Error, "record payment for order "+o.Number)
	}
	if res.RowsAffected == 0 {
		return knownPayment(tx, o, &p, refusal)
	}
	o.Payments = append(o.Payments, p)
	if reason != "" {
		r := refusal(reason)
		if err := flagOrder(tx, o, r.Error()+": refund it or re-reserve the pieces"); err != nil {
			return nil, false, nil, err
		}
		return o, false, r, nil
	}
	if err := transition(tx, o, StatusPaid, in.Actor, note); err != nil {
		return nil, false, nil, err
	}
	return o, true, nil, nil
}

// knownPayment answers a payment whose dedupe key the order had already:
// nothing changes, and a payment refused then is refused again.
func knownPayment(tx *gorm.DB, o *Order, p *Payment, refusal func(PaymentRefusal) *PaymentRefusedError) (*Order, bool, *PaymentRefusedError, error) {
	var seen Payment
	err := tx.Where("order_id = ? AND kind = ? AND dedupe_key = ?", o.ID, KindPayment, p.DedupeKey).Take(&seen).Error
	if err != nil {
		return nil, false, nil, dbError(err, "payment recorded for order "+o.Number)
	}
	if seen.Outcome == PaymentRefused {
		return o, false, refusal(seen.Refusal), nil
	}
	return o, false, nil, nil
}

// payPG records a new, applied payment of a locked pending order and
// moves the order to paid with its history row, in one statement: what
// transition does for StatusPaid, one round trip instead of two. inserted
// is false, and nothing written, when the order had the payment already.
func payPG(tx *gorm.DB, o *Order, p *Payment, actor, note string) (inserted bool, err error) {
	if err := checkTransition(o, StatusPaid, actor); err != nil {
		return false, err
	}
	now := time.Now().UTC()
	p.CreatedAt = now
	var got []struct {
		PaymentID *int64
		Moved     int
	}
	err = rawScan(tx, &got, `WITH pay AS (INSERT INTO payments (order_id, kind, method, currency, amount, reference,
	provider_event_id, provider_session_id, dedupe_key, outcome, refusal, received_at, actor, note, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (order_id, kind, dedupe_key) DO NOTHING RETURNING id),
moved AS (UPDATE orders SET paid_at = ?, status = ?, updated_at = ?
	WHERE id = ? AND status = ? AND EXISTS (SELECT 1 FROM pay) RETURNING id),
hist AS (INSERT INTO order_status_history (order_id, from_status, to_status, actor, note, created_at)
	SELECT id, CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS timestamptz) FROM moved
	RETURNING order_id)
SELECT (SELECT id FROM pay) AS payment_id, (SELECT COUNT(*) FROM hist) AS moved`,
		p.OrderID, string(p.Kind), string(p.Method), string(p.Currency), p.Amount, p.Reference,
		p.ProviderEventID, p.ProviderSessionID, p.DedupeKey, string(p.Outcome), string(p.Refusal), p.ReceivedAt,
		p.Actor, p.Note, p.CreatedAt,
		now, string(StatusPaid), now, o.ID, string(o.Status),
		string(o.Status), string(StatusPaid), actor, clip(note, 1000), now)
	if err != nil {
		return false, dbError(err, "record payment for order "+o.Number)
	}
	switch {
	case len(got) != 1:
		return false, fmt.Errorf("record payment for order %s: %d result rows", o.Number, len(got))
	case got[0].PaymentID == nil:
		return false, nil
	case got[0].Moved != 1:
		return false, fmt.Errorf("order %s changed while being paid: %w", o.Number, ErrConflict)
	}
	p.ID = *got[0].PaymentID
	o.Payments = append(o.Payments, *p)
	o.Status, o.UpdatedAt, o.PaidAt = StatusPaid, now, &now
	return true, nil
}

// SetCheckoutSession records the Stripe Checkout Session made for an
// order (after its transaction committed: a session is never created
// while the order's rows are locked). Recording the same session again is
// fine; another one is refused with ErrConflict.
func (s *Store) SetCheckoutSession(ctx context.Context, orderID int64, sessionID string) error {
	sessionID = strings.TrimSpace(sessionID)
	if sessionID == "" || len(sessionID) > 255 {
		return fmt.Errorf("%w: checkout session id", ErrInvalid)
	}
	// One statement is atomic by itself: without GORM's wrapping
	// transaction it costs one round trip, not three.
	res := s.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true}).Model(&Order{}).
		Where("id = ? AND (checkout_session_id IS NULL OR checkout_session_id = ?)", orderID, sessionID).
		Updates(map[string]any{"checkout_session_id": sessionID, "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return dbError(res.Error, fmt.Sprintf("record checkout session of order %d", orderID))
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("order %d has another checkout session (or none such order): %w", orderID, ErrConflict)
	}
	return nil
}

// RefundInput reports money given back for an order: Stripe's
// charge.refunded or a refund staff made by bank.
type RefundInput struct {
	OrderID int64
	Number  string
	Method  PaymentMethod
	Amount  Money
	// All refunds whatever is left to refund, in Amount's currency
	// (Amount's figure is ignored): a paid order cancelled (RefundOrder).
	All bool
	// Reference identifies this refund (Stripe's refund id, the bank's
	// reference): the same refund reported twice is recorded once.
	Reference       string
	ProviderEventID string
	ReceivedAt      time.Time
	Actor           string
	Note            string
	// PaymentReference names the payment given back (Stripe's payment
	// intent), when known: on an order that took a payment, the refund of
	// another payment it refused (a second payment) gives back that
	// payment alone and leaves the order as it is.
	PaymentReference string
	// Lines names the pieces refunded and those back in stock (staff). A
	// partial refund without lines (Stripe's) is flagged for staff to say
	// them (AssignRefundLines); a whole refund covers every piece left.
	Lines []RefundLine
}

// ErrRefundTooLarge refuses a refund beyond what the order was paid.
var ErrRefundTooLarge = fmt.Errorf("%w: refund larger than what was paid", ErrInvalid)

// RecordRefund records a whole or partial refund of a paid order, once
// per reference, and reports whether it recorded it. In the same
// transaction it records the pieces refunded, puts back in stock those
// that come back, writes the reversing ledger entries of fulfilled
// pieces, and moves the order to refunded or partially_refunded (the
// rules are at the top of refund.go). A refund in another currency, or
// beyond what the order's applied payments minus earlier refunds come to,
// is refused.
func (s *Store) RecordRefund(ctx context.Context, in RefundInput) (o *Order, recorded bool, err error) {
	p := PaymentInput{OrderID: in.OrderID, Number: in.Number, Method: in.Method, Amount: in.Amount,
		Reference: in.Reference, ProviderEventID: in.ProviderEventID, ReceivedAt: in.ReceivedAt, Actor: in.Actor, Note: in.Note}
	if err := p.validate(); err != nil {
		return nil, false, err
	}
	if (in.Amount.Amount <= 0 && !in.All) || p.Reference == "" {
		return nil, false, Invalid("amount", CodeRefund)
	}
	if err := validateRefundLines(in.Lines); err != nil {
		return nil, false, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		id, err := orderIDOf(tx, p.OrderID, p.Number)
		if err != nil {
			return err
		}
		if o, err = lockOrder(tx, id); err != nil {
			return err
		}
		var ps []Payment
		if err := tx.Where("order_id = ?", o.ID).Order("id").Find(&ps).Error; err != nil {
			return fmt.Errorf("payments of order %s: %w", o.Number, err)
		}
		for _, x := range ps {
			if x.Kind == KindRefund && x.DedupeKey == p.dedupeKey() {
				return nil // reported again
			}
		}
		// An order that never took a payment (cancelled, pending) has
		// nothing to refund: such a refund is refused below, for staff.
		paid := refusedPayment(ps, p.Method, in.PaymentReference)
		if paid != nil && refundable(ps, in.Amount.Currency) > 0 {
			recorded = true
			return refundRefused(tx, o, ps, paid, &p, in.Amount)
		}
		amount, balance := in.Amount.Amount, refundable(ps, in.Amount.Currency)
		if in.All {
			amount = balance
		}
		if amount <= 0 || amount > balance {
			return fmt.Errorf("order %s: refund of %s %s, %s refundable: %w", o.Number,
				Money{Amount: amount, Currency: in.Amount.Currency}.Decimal(), in.Amount.Currency,
				Money{Amount: balance, Currency: in.Amount.Currency}.Decimal(), ErrRefundTooLarge)
		}
		r := Payment{OrderID: o.ID, Kind: KindRefund, Method: p.Method, Currency: in.Amount.Currency,
			Amount: amount, Reference: p.Reference, DedupeKey: p.dedupeKey(), Outcome: PaymentApplied,
			ReceivedAt: p.ReceivedAt.UTC(), Actor: p.Actor, Note: clip(p.Note, 1000)}
		if p.ProviderEventID != "" {
			r.ProviderEventID = &p.ProviderEventID
		}
		if err := tx.Create(&r).Error; err != nil {
			return dbError(err, "record refund for order "+o.Number)
		}
		o.Payments, recorded = append(ps, r), true
		// Whole: all the money paid in the order's currency is back.
		whole := amount == balance && in.Amount.Currency == o.Currency
		st, err := loadRefundState(tx, o)
		if err != nil {
			return err
		}
		takes, err := st.take(in.Lines, whole)
		if err != nil {
			return err
		}
		if err := st.apply(tx, &r, takes, p.Actor); err != nil {
			return err
		}
		if err := st.settle(tx, &r, whole, len(in.Lines) > 0, p.Actor); err != nil {
			return err
		}
		if p.Actor == SystemActor {
			return nil
		}
		return writeAudit(tx, p.Actor, ActionUpdate, EntityOrder, o.ID,
			fmt.Sprintf("refunded %s %s of order %s (%s)%s", r.Money().Decimal(), r.Currency, o.Number, r.Reference,
				optionalNote(p.Note)),
			nil, map[string]any{"refund_id": r.ID, "amount": r.Amount, "currency": r.Currency, "lines": in.Lines,
				"status": o.Status})
	})
	if err != nil {
		return nil, false, err
	}
	s.afterStockMoved(o.stockMoves)
	return o, recorded, nil
}

// orderIDOf finds an order's id from its id or number.
func orderIDOf(tx *gorm.DB, id int64, number string) (int64, error) {
	if id != 0 {
		return id, nil
	}
	var ids []int64
	if err := tx.Model(&Order{}).Where("number = ?", number).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("find order %s: %w", number, err)
	}
	if len(ids) == 0 {
		return 0, fmt.Errorf("order %s: %w", number, ErrNotFound)
	}
	return ids[0], nil
}
