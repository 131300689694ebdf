package models

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// The jobs an order's life causes. Each is enqueued in the transaction of
// the change that causes it (Store.Enqueue), so it exists exactly when
// that change committed: an order placed queues its "received" mail and
// its expiry, a payment applied queues the "paid" mail and the hand-off
// to fulfillment, a cancellation queues the "cancelled" mail. The jobs
// carry only the order's ID; workers read the order when they run.

// OrderMail names the mails a buyer gets about an order.
type OrderMail string

const (
	OrderMailReceived  OrderMail = "received"  // placed; bank details when paying by transfer
	OrderMailPaid      OrderMail = "paid"      // payment confirmed
	OrderMailCancelled OrderMail = "cancelled" // cancelled unpaid (expired, by staff, by Stripe)
	OrderMailShipped   OrderMail = "shipped"   // on its way: carrier and tracking number
)

// OrderMailArgs asks for one mail about an order (worker: handlers).
type OrderMailArgs struct {
	OrderID int64     `json:"order_id"`
	Mail    OrderMail `json:"mail"`
}

// Kind is River's name for the job.
func (OrderMailArgs) Kind() string { return "order_mail" }

// ExpireOrderArgs cancels an order still unpaid at its expiry; it is
// scheduled for then (worker: handlers, calling Store.ExpireOrder).
type ExpireOrderArgs struct {
	OrderID int64     `json:"order_id"`
	At      time.Time `json:"at"`
}

// Kind is River's name for the job.
func (ExpireOrderArgs) Kind() string { return "expire_order" }

// InsertOpts schedules the job at the order's expiry.
func (a ExpireOrderArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{ScheduledAt: a.At} }

// QueueFulfillment is the queue of paid orders waiting for fulfillment.
// Its worker is the fulfillment module, which may run in other processes
// than the web servers.
const QueueFulfillment = "fulfillment"

// FulfillOrderArgs hands a paid order to fulfillment.
type FulfillOrderArgs struct {
	OrderID int64 `json:"order_id"`
}

// Kind is River's name for the job.
func (FulfillOrderArgs) Kind() string { return "fulfill_order" }

// InsertOpts puts the job on the fulfillment queue.
func (FulfillOrderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueFulfillment}
}

// PlaceOrder creates the order (CreateOrder), empties the cart it came
// from (when cart is not nil; ErrCartChanged when the cart no longer holds
// in's lines, see takeCart), and queues the "received" mail and the
// expiry job, all in one transaction.
func (s *Store) PlaceOrder(ctx context.Context, in OrderInput, cart *CartKey) (*Order, error) {
	now := time.Now().UTC()
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	var o *Order
	err := s.Tx(ctx, func(tx *Store) error {
		if cart != nil {
			// The cart first: a second checkout of it stops here, before
			// it takes any stock.
			if err := takeCart(tx.db.WithContext(ctx), *cart, in.Lines); err != nil {
				return err
			}
		}
		// CreateOrder without its savepoint (one round trip fewer): any
		// error here rolls the whole checkout back anyway.
		var err error
		db := tx.db.WithContext(ctx)
		if o, err = createUnnumbered(db, in, now); err != nil {
			return err
		}
		tx.afterStockMoved(o.stockMoves)
		if err := tx.Enqueue(ctx, OrderMailArgs{OrderID: o.ID, Mail: OrderMailReceived},
			ExpireOrderArgs{OrderID: o.ID, At: o.ExpiresAt}); err != nil {
			return err
		}
		// Last: from here to the commit, other checkouts wait for this one.
		return numberOrder(db, o, now)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// PayOrder is the one way an order becomes paid, whoever reports the
// payment (Stripe's webhook, the success page, staff recording a bank
// transfer): MarkOrderPaid, and, for the one call that changed the order,
// the "paid" mail and the hand-off to fulfillment, in one transaction.
// Safe to call repeatedly and concurrently with the same payment.
//
// A refused payment (ErrPaymentRefused) is kept, with the order's flag
// for staff, and returned as the error.
func (s *Store) PayOrder(ctx context.Context, in PaymentInput) (o *Order, changed bool, err error) {
	if err := in.validate(); err != nil {
		return nil, false, err
	}
	var refused *PaymentRefusedError
	err = s.Tx(ctx, func(tx *Store) error {
		// MarkOrderPaid without its savepoint (one round trip fewer): any
		// error here rolls the whole transaction back anyway.
		var locked *Order
		if in.OrderID != 0 && tx.locked != nil {
			locked = tx.locked.take(in.OrderID)
		}
		o, changed, refused, err = markPaid(tx.db.WithContext(ctx), in, locked)
		if err != nil || !changed {
			return err // a refused payment and the flag commit
		}
		return tx.Enqueue(ctx, OrderMailArgs{OrderID: o.ID, Mail: OrderMailPaid}, FulfillOrderArgs{OrderID: o.ID})
	})
	if err != nil {
		return nil, false, err
	}
	if refused != nil {
		return o, false, refused
	}
	return o, changed, nil
}
