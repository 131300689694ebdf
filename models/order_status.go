package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// OrderStatus is where an order stands.
type OrderStatus string

// Order statuses; the JSON API shows them as they are spelled here.
const (
	StatusPendingPayment    OrderStatus = "pending_payment"
	StatusPaid              OrderStatus = "paid"
	StatusInFulfillment     OrderStatus = "in_fulfillment"
	StatusShipped           OrderStatus = "shipped"
	StatusDelivered         OrderStatus = "delivered"
	StatusCancelled         OrderStatus = "cancelled"
	StatusRefunded          OrderStatus = "refunded"
	StatusPartiallyRefunded OrderStatus = "partially_refunded"
)

// OrderStatuses lists every status in the order an order goes through.
var OrderStatuses = []OrderStatus{StatusPendingPayment, StatusPaid, StatusInFulfillment, StatusShipped,
	StatusDelivered, StatusCancelled, StatusRefunded, StatusPartiallyRefunded}

// Valid reports whether s is a known status.
func (s OrderStatus) Valid() bool {
	_, ok := orderTransitions[s]
	return ok
}

// orderTransitions is every move an order may make. An unpaid order is
// paid or cancelled (by the buyer, staff or its expiry); after payment a
// cancellation is a refund. A partial refund leaves the rest of the order
// on its way.
var orderTransitions = map[OrderStatus][]OrderStatus{
	StatusPendingPayment:    {StatusPaid, StatusCancelled},
	StatusPaid:              {StatusInFulfillment, StatusRefunded, StatusPartiallyRefunded},
	StatusInFulfillment:     {StatusShipped, StatusRefunded, StatusPartiallyRefunded},
	StatusShipped:           {StatusDelivered, StatusRefunded, StatusPartiallyRefunded},
	StatusDelivered:         {StatusRefunded, StatusPartiallyRefunded},
	StatusPartiallyRefunded: {StatusInFulfillment, StatusShipped, StatusDelivered, StatusRefunded, StatusPartiallyRefunded},
	StatusCancelled:         nil,
	StatusRefunded:          nil,
}

// Next lists the statuses an order in s may move to.
func (s OrderStatus) Next() []OrderStatus { return orderTransitions[s] }

// CanTransition reports whether an order may move from one status to another.
func CanTransition(from, to OrderStatus) bool {
	for _, s := range orderTransitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// ErrIllegalTransition matches a TransitionError; it wraps ErrConflict.
var ErrIllegalTransition = fmt.Errorf("%w: illegal order status change", ErrConflict)

// TransitionError refuses a status change the table does not allow.
type TransitionError struct {
	Number   string
	From, To OrderStatus
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("order %s is %s: it cannot become %s", e.Number, e.From, e.To)
}

// Is lets errors.Is(err, ErrIllegalTransition) and ErrConflict match.
func (e *TransitionError) Is(target error) bool {
	return target == ErrIllegalTransition || target == ErrConflict
}

// OrderStatusChange is one entry of an order's status history, which is
// append-only. From is empty for the entry that placed the order.
type OrderStatusChange struct {
	ID        int64       `gorm:"primaryKey"`
	OrderID   int64       `gorm:"not null"`
	From      OrderStatus `gorm:"column:from_status;size:20"`
	To        OrderStatus `gorm:"column:to_status;size:20;not null"`
	Actor     string      `gorm:"size:254;not null"`
	Note      string      `gorm:"size:1000;not null"`
	CreatedAt time.Time   `gorm:"not null"` // when
}

// TableName is part of the migration history.
func (OrderStatusChange) TableName() string { return "order_status_history" }

func recordStatus(tx *gorm.DB, orderID int64, from, to OrderStatus, actor, note string) error {
	var f any
	if from != "" {
		f = from
	}
	err := tx.Exec(`INSERT INTO order_status_history (order_id, from_status, to_status, actor, note, created_at)
	VALUES (?, ?, ?, ?, ?, ?)`, orderID, f, to, actor, clip(note, 1000), time.Now().UTC()).Error
	if err != nil {
		return dbError(err, fmt.Sprintf("record status %s of order %d", to, orderID))
	}
	return nil
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// lockOrder loads an order and locks its row until the transaction ends
// (SQLite transactions hold the write lock already): every status change
// and payment of one order runs one after the other.
func lockOrder(tx *gorm.DB, id int64) (*Order, error) {
	var o Order
	if err := forUpdate(tx).Take(&o, id).Error; err != nil {
		return nil, dbError(err, fmt.Sprintf("order %d", id))
	}
	return &o, nil
}

// transition moves a locked order to a new status and records it; a
// cancellation gives the order's stock back. It is the one function that
// changes an order's status.
func transition(tx *gorm.DB, o *Order, to OrderStatus, actor, note string) error {
	if err := checkTransition(o, to, actor); err != nil {
		return err
	}
	if to == StatusShipped {
		// The made-to-order pieces travel with the rest of the order.
		n, err := productionPending(tx, o.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("order %s: %d production orders not ready: %w", o.Number, n, ErrProductionPending)
		}
	}
	now := time.Now().UTC()
	fields := map[string]any{"status": to, "updated_at": now}
	var stamp **time.Time // the in-memory copy of the column stamped below
	switch to {
	case StatusPaid:
		fields["paid_at"], stamp = now, &o.PaidAt
	case StatusCancelled:
		fields["cancelled_at"], stamp = now, &o.CancelledAt
	}
	if err := moveStatus(tx, o, to, fields, actor, note); err != nil {
		return err
	}
	o.Status, o.UpdatedAt = to, now
	if stamp != nil {
		*stamp = &now
	}
	switch to {
	case StatusCancelled:
		return releaseStock(tx, o, actor)
	case StatusRefunded:
		// Nothing is left to make for a fully refunded order.
		return cancelProductionOrders(tx, o.ID, now)
	}
	return nil
}

// transitionAll moves locked orders to one status with a note each, as
// transition does one by one. On PostgreSQL a move with nothing to do
// besides the row and its history (in_fulfillment, delivered) is one
// statement for all of them: fulfillment moves a batch of orders at once.
func transitionAll(tx *gorm.DB, orders []*Order, to OrderStatus, actor string, notes []string) error {
	plain := to == StatusInFulfillment || to == StatusDelivered
	if tx.Dialector.Name() != "postgres" || !plain || len(orders) < 2 {
		for i, o := range orders {
			if err := transition(tx, o, to, actor, notes[i]); err != nil {
				return err
			}
		}
		return nil
	}
	var b strings.Builder
	b.WriteString("WITH v(id, from_status, note) AS (VALUES ")
	args := make([]any, 0, 3*len(orders)+5)
	for i, o := range orders {
		if err := checkTransition(o, to, actor); err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(CAST(? AS BIGINT), CAST(? AS text), CAST(? AS text))")
		args = append(args, o.ID, string(o.Status), clip(notes[i], 1000))
	}
	now := time.Now().UTC()
	b.WriteString(`), moved AS (UPDATE orders SET status = ?, updated_at = ? FROM v
	WHERE orders.id = v.id AND orders.status = v.from_status RETURNING orders.id, v.from_status, v.note)
INSERT INTO order_status_history (order_id, from_status, to_status, actor, note, created_at)
SELECT id, from_status, CAST(? AS text), CAST(? AS text), note, CAST(? AS timestamptz) FROM moved`)
	args = append(args, string(to), now, string(to), actor, now)
	res := tx.Exec(b.String(), args...)
	if res.Error != nil {
		return fmt.Errorf("%d orders to %s: %w", len(orders), to, res.Error)
	}
	if res.RowsAffected != int64(len(orders)) {
		return fmt.Errorf("%d of %d orders changed while being moved to %s: %w",
			int64(len(orders))-res.RowsAffected, len(orders), to, ErrConflict)
	}
	for _, o := range orders {
		o.Status, o.UpdatedAt = to, now
	}
	return nil
}

// checkTransition says whether actor may move o to status to: the rule
// every path that changes a status applies first.
func checkTransition(o *Order, to OrderStatus, actor string) error {
	if strings.TrimSpace(actor) == "" {
		return errors.New("order status change without an actor")
	}
	if !CanTransition(o.Status, to) {
		return &TransitionError{Number: o.Number, From: o.Status, To: to}
	}
	return nil
}

// moveStatus changes the order's row to fields, conditional on the status
// read, so a change that slipped past the lock can never apply twice, and
// records the change in its history. On PostgreSQL both writes are one
// statement (the history row is inserted from the updated row), one round
// trip fewer on every status change; SQLite allows no UPDATE in a WITH.
func moveStatus(tx *gorm.DB, o *Order, to OrderStatus, fields map[string]any, actor, note string) error {
	if tx.Dialector.Name() != "postgres" {
		res := tx.Model(&Order{}).Where("id = ? AND status = ?", o.ID, o.Status).Updates(fields)
		if res.Error != nil {
			return fmt.Errorf("order %s to %s: %w", o.Number, to, res.Error)
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("order %s changed while being moved to %s: %w", o.Number, to, ErrConflict)
		}
		return recordStatus(tx, o.ID, o.Status, to, actor, note)
	}
	cols := make([]string, 0, len(fields))
	for c := range fields {
		cols = append(cols, c)
	}
	sort.Strings(cols) // one statement text per kind of change: prepared once
	set := make([]string, len(cols))
	args := make([]any, 0, len(cols)+7)
	for i, c := range cols {
		set[i] = c + " = ?"
		args = append(args, fields[c])
	}
	var from any
	if o.Status != "" {
		from = o.Status
	}
	args = append(args, o.ID, o.Status, from, to, actor, clip(note, 1000), time.Now().UTC())
	res := tx.Exec(`WITH moved AS (UPDATE orders SET `+strings.Join(set, ", ")+` WHERE id = ? AND status = ? RETURNING id)
	INSERT INTO order_status_history (order_id, from_status, to_status, actor, note, created_at)
	SELECT id, CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS timestamptz) FROM moved`, args...)
	if res.Error != nil {
		return fmt.Errorf("order %s to %s: %w", o.Number, to, res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("order %s changed while being moved to %s: %w", o.Number, to, ErrConflict)
	}
	return nil
}

// releaseStock gives an unpaid order's pieces back and cancels its open
// production orders, once: the order's stock_released_at is set by a
// conditional update, and the database refuses a second "released"
// movement for a line.
func releaseStock(tx *gorm.DB, o *Order, actor string) error {
	now := time.Now().UTC()
	res := tx.Model(&Order{}).Where("id = ? AND stock_released_at IS NULL", o.ID).Update("stock_released_at", now)
	if res.Error != nil {
		return fmt.Errorf("mark stock of order %s released: %w", o.Number, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil
	}
	// What the order took from stock, per product: a made-to-order line
	// took only the pieces that were in stock (or none).
	var sold []struct {
		ProductID int64
		Quantity  int
	}
	err := tx.Model(&StockMovement{}).Select("product_id, -SUM(delta) AS quantity").
		Where("order_id = ? AND reason = ?", o.ID, StockSold).Group("product_id").Order("product_id").Scan(&sold).Error
	if err != nil {
		return fmt.Errorf("stock taken by order %s: %w", o.Number, err)
	}
	if err := cancelProductionOrders(tx, o.ID, now); err != nil {
		return err
	}
	for _, l := range sold {
		if l.Quantity <= 0 {
			continue
		}
		m, err := adjustStock(tx, actor, StockAdjustment{ProductID: l.ProductID, Delta: l.Quantity,
			Reason: StockReleased, Note: "order " + o.Number + " " + string(o.Status), OrderID: &o.ID})
		if err != nil {
			return fmt.Errorf("release stock of order %s: %w", o.Number, err)
		}
		o.stockMoves = append(o.stockMoves, stockMovesOf(m)...)
	}
	o.StockReleasedAt = &now
	return nil
}

// TransitionOrder moves an order to another status on behalf of actor,
// with a note for the history: fulfillment, shipping, refunds and staff
// cancellations go through it. Payment does not: MarkOrderPaid records it.
func (s *Store) TransitionOrder(ctx context.Context, orderID int64, to OrderStatus, actor, note string) (*Order, error) {
	if to == StatusPaid {
		return nil, fmt.Errorf("%w: an order becomes paid by recording its payment", ErrInvalid)
	}
	var o *Order
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if o, err = lockOrder(tx, orderID); err != nil {
			return err
		}
		return transition(tx, o, to, actor, note)
	})
	if err != nil {
		return nil, err
	}
	s.afterStockMoved(o.stockMoves)
	return o, nil
}

// CancelOrder cancels an unpaid order, gives its stock back and queues
// the buyer's "cancelled" mail, in one transaction; a paid order is
// refunded instead (TransitionError).
func (s *Store) CancelOrder(ctx context.Context, orderID int64, actor, note string) (*Order, error) {
	var o *Order
	err := s.Tx(ctx, func(tx *Store) error {
		var err error
		if o, err = tx.TransitionOrder(ctx, orderID, StatusCancelled, actor, note); err != nil {
			return err
		}
		return tx.Enqueue(ctx, OrderMailArgs{OrderID: o.ID, Mail: OrderMailCancelled})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// ExpireOrder cancels the order, as the system, if it is still unpaid at
// now past its expiry, queues the "cancelled" mail, and reports whether
// it did. Run by the expiry job: safe to run twice or to race a payment
// (whichever locks the order first wins; a payment that comes second is
// refused and flagged for staff).
func (s *Store) ExpireOrder(ctx context.Context, orderID int64, now time.Time) (bool, error) {
	changed := false
	err := s.Tx(ctx, func(tx *Store) error {
		o, err := lockOrder(tx.db, orderID)
		if err != nil {
			return err
		}
		if o.Status != StatusPendingPayment || o.ExpiresAt.After(now) {
			return nil
		}
		changed = true
		if err := transition(tx.db, o, StatusCancelled, SystemActor, "not paid in time"); err != nil {
			return err
		}
		tx.afterStockMoved(o.stockMoves)
		return tx.Enqueue(ctx, OrderMailArgs{OrderID: o.ID, Mail: OrderMailCancelled})
	})
	return changed, err
}

// ExpiredOrders lists unpaid orders past their expiry at now, oldest
// first, at most limit: a sweeper's safety net beside the expiry jobs.
func (s *Store) ExpiredOrders(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var ids []int64
	err := s.db.WithContext(ctx).Model(&Order{}).
		Where("status = ? AND expires_at <= ?", StatusPendingPayment, now.UTC()).
		Order("expires_at").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("expired orders: %w", err)
	}
	return ids, nil
}

// flagOrder marks an order for staff, keeping earlier notes.
func flagOrder(tx *gorm.DB, o *Order, note string) error {
	if o.AttentionNote != "" {
		note = o.AttentionNote + "\n" + note
	}
	note = clip(note, 1000)
	err := tx.Model(&Order{}).Where("id = ?", o.ID).
		Updates(map[string]any{"needs_attention": true, "attention_note": note, "updated_at": time.Now().UTC()}).Error
	if err != nil {
		return fmt.Errorf("flag order %s: %w", o.Number, err)
	}
	o.NeedsAttention, o.AttentionNote = true, note
	return nil
}

// EntityOrder names orders in the audit log.
const EntityOrder = "order"

// ResolveOrderAttention clears an order's flag once staff have dealt with
// it, saying what they did (audited).
func (s *Store) ResolveOrderAttention(ctx context.Context, orderID int64, actor, note string) error {
	actor, note = strings.TrimSpace(actor), strings.TrimSpace(note)
	if actor == "" {
		return errors.New("resolve an order flag without an actor")
	}
	if note == "" {
		return Invalid("note", CodeTransitionNote)
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		o, err := lockOrder(tx, orderID)
		if err != nil {
			return err
		}
		if !o.NeedsAttention {
			return nil
		}
		err = tx.Model(&Order{}).Where("id = ?", o.ID).
			Updates(map[string]any{"needs_attention": false, "attention_note": "", "updated_at": time.Now().UTC()}).Error
		if err != nil {
			return fmt.Errorf("clear flag of order %s: %w", o.Number, err)
		}
		return writeAudit(tx, actor, ActionUpdate, EntityOrder, o.ID, "resolved order "+o.Number+": "+note,
			map[string]any{"needs_attention": true, "attention_note": o.AttentionNote},
			map[string]any{"needs_attention": false, "resolution": note})
	})
}
