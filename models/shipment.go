package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Shipping, after fulfillment: staff mark each group's work order ready,
// then the order shipped with its carrier and tracking number (the buyer
// is mailed), then delivered. Each step is one transaction holding the
// change, its status history, its jobs and its audit entry.

// WorkOrderReady: the group's pieces are picked or made and packed.
const WorkOrderReady WorkOrderStatus = "ready"

// Shipment is how an order left: carrier and tracking number (table
// shipments, append-only, one per order).
type Shipment struct {
	ID             int64     `gorm:"primaryKey"`
	OrderID        int64     `gorm:"not null"`
	Carrier        string    `gorm:"size:100;not null"`
	TrackingNumber string    `gorm:"size:100;not null"`
	Actor          string    `gorm:"size:254;not null"`
	CreatedAt      time.Time `gorm:"not null"` // when it was marked shipped
}

// TableName is part of the migration history.
func (Shipment) TableName() string { return "shipments" }

// ErrWorkOrdersOpen refuses to ship an order whose groups are not all ready.
var ErrWorkOrdersOpen = fmt.Errorf("%w: work orders not ready", ErrConflict)

// preparing reports whether an order's work orders may still change: it
// is with fulfillment and has not left.
func preparing(st OrderStatus) bool {
	return st == StatusInFulfillment || st == StatusPartiallyRefunded
}

// MarkWorkOrderReady marks one of an order's work orders ready, audited;
// a work order ready already changes nothing (changed is false). Only an
// order still being prepared has work orders to mark (TransitionError
// naming the order's status otherwise).
func (s *Store) MarkWorkOrderReady(ctx context.Context, orderID, workOrderID int64, actor string) (changed bool, err error) {
	actor = strings.TrimSpace(actor)
	if actor == "" {
		return false, errors.New("work order ready without an actor")
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		o, err := lockOrder(tx, orderID)
		if err != nil {
			return err
		}
		var wo WorkOrder
		if err := tx.Where("order_id = ?", o.ID).Take(&wo, workOrderID).Error; err != nil {
			return dbError(err, fmt.Sprintf("work order %d of order %s", workOrderID, o.Number))
		}
		if wo.Status == WorkOrderReady {
			return nil
		}
		if !preparing(o.Status) {
			return &TransitionError{Number: o.Number, From: o.Status, To: StatusShipped}
		}
		res := tx.Model(&WorkOrder{}).Where("id = ? AND status = ?", wo.ID, WorkOrderOpen).
			Updates(map[string]any{"status": WorkOrderReady, "updated_at": time.Now().UTC()})
		if res.Error != nil {
			return fmt.Errorf("work order %d of order %s ready: %w", wo.ID, o.Number, res.Error)
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("work order %d changed meanwhile: %w", wo.ID, ErrConflict)
		}
		var g Group
		if err := tx.Select("id, name").Take(&g, wo.GroupID).Error; err != nil {
			return dbError(err, fmt.Sprintf("group %d", wo.GroupID))
		}
		changed = true
		return writeAudit(tx, actor, ActionUpdate, EntityOrder, o.ID,
			fmt.Sprintf("work order of %s for order %s ready", g.Name, o.Number),
			map[string]any{"work_order_id": wo.ID, "group_id": wo.GroupID, "status": WorkOrderOpen},
			map[string]any{"work_order_id": wo.ID, "group_id": wo.GroupID, "status": WorkOrderReady})
	})
	return changed, err
}

// ShipInput is what staff type when an order leaves.
type ShipInput struct {
	OrderID        int64
	Carrier        string
	TrackingNumber string
	Actor          string
	Note           string
}

func (in *ShipInput) validate() error {
	in.Carrier, in.TrackingNumber = strings.TrimSpace(in.Carrier), strings.TrimSpace(in.TrackingNumber)
	in.Actor, in.Note = strings.TrimSpace(in.Actor), strings.TrimSpace(in.Note)
	if in.Actor == "" {
		return errors.New("ship an order without an actor")
	}
	var v ValidationError
	for _, f := range []struct{ name, value string }{{"carrier", in.Carrier}, {"tracking_number", in.TrackingNumber}} {
		switch {
		case f.value == "":
			v.add(f.name, CodeRequired)
		case len([]rune(f.value)) > 100:
			v.add(f.name, CodeTooLong, "Max", 100)
		}
	}
	if len([]rune(in.Note)) > 500 {
		v.add("note", CodeTooLong, "Max", 500)
	}
	return v.orNil()
}

// ShipOrder marks an order shipped once every work order is ready
// (ErrWorkOrdersOpen before that), records its carrier and tracking
// number, and queues the buyer's "shipped" mail, in one audited
// transaction. An order that cannot ship from its status is refused with
// a TransitionError.
func (s *Store) ShipOrder(ctx context.Context, in ShipInput) (*Order, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var o *Order
	err := s.Tx(ctx, func(tx *Store) error {
		var err error
		if o, err = lockOrder(tx.db, in.OrderID); err != nil {
			return err
		}
		if !CanTransition(o.Status, StatusShipped) {
			return &TransitionError{Number: o.Number, From: o.Status, To: StatusShipped}
		}
		var total, open int64
		if err := tx.db.Model(&WorkOrder{}).Where("order_id = ?", o.ID).Count(&total).Error; err != nil {
			return fmt.Errorf("work orders of order %s: %w", o.Number, err)
		}
		if err := tx.db.Model(&WorkOrder{}).Where("order_id = ? AND status <> ?", o.ID, WorkOrderReady).
			Count(&open).Error; err != nil {
			return fmt.Errorf("work orders of order %s: %w", o.Number, err)
		}
		var left int64
		if err := tx.db.Model(&Shipment{}).Where("order_id = ?", o.ID).Count(&left).Error; err != nil {
			return fmt.Errorf("shipment of order %s: %w", o.Number, err)
		}
		if left > 0 { // a partially refunded order that had shipped
			return &TransitionError{Number: o.Number, From: o.Status, To: StatusShipped}
		}
		if total == 0 || open > 0 {
			return fmt.Errorf("order %s: %d of %d work orders not ready: %w", o.Number, open, total, ErrWorkOrdersOpen)
		}
		from := o.Status
		note := fmt.Sprintf("shipped with %s, tracking %s%s", in.Carrier, in.TrackingNumber, optionalNote(in.Note))
		if err := transition(tx.db, o, StatusShipped, in.Actor, note); err != nil {
			return err
		}
		sh := Shipment{OrderID: o.ID, Carrier: in.Carrier, TrackingNumber: in.TrackingNumber, Actor: in.Actor,
			CreatedAt: time.Now().UTC()}
		if err := tx.db.Create(&sh).Error; err != nil {
			return dbError(err, "shipment of order "+o.Number)
		}
		if err := tx.Enqueue(ctx, OrderMailArgs{OrderID: o.ID, Mail: OrderMailShipped}); err != nil {
			return err
		}
		return writeAudit(tx.db, in.Actor, ActionUpdate, EntityOrder, o.ID, "shipped order "+o.Number+": "+note,
			map[string]any{"status": from},
			map[string]any{"status": o.Status, "carrier": sh.Carrier, "tracking_number": sh.TrackingNumber})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// DeliverOrder marks a shipped order delivered, audited, in one
// transaction; any other status is refused with a TransitionError.
func (s *Store) DeliverOrder(ctx context.Context, orderID int64, actor, note string) (*Order, error) {
	actor, note = strings.TrimSpace(actor), strings.TrimSpace(note)
	if actor == "" {
		return nil, errors.New("deliver an order without an actor")
	}
	if len([]rune(note)) > 500 {
		return nil, Invalid("note", CodeTooLong, "Max", 500)
	}
	var o *Order
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if o, err = lockOrder(tx, orderID); err != nil {
			return err
		}
		// Only an order that left is delivered: a partially refunded one
		// only once it shipped, and once.
		ok := o.Status == StatusShipped
		if o.Status == StatusPartiallyRefunded {
			var shipped, delivered int64
			if err := tx.Model(&Shipment{}).Where("order_id = ?", o.ID).Count(&shipped).Error; err != nil {
				return fmt.Errorf("shipment of order %s: %w", o.Number, err)
			}
			if err := tx.Model(&OrderStatusChange{}).Where("order_id = ? AND to_status = ?", o.ID, StatusDelivered).
				Count(&delivered).Error; err != nil {
				return fmt.Errorf("history of order %s: %w", o.Number, err)
			}
			ok = shipped > 0 && delivered == 0
		}
		if !ok {
			return &TransitionError{Number: o.Number, From: o.Status, To: StatusDelivered}
		}
		from := o.Status
		if err := transition(tx, o, StatusDelivered, actor, "delivered"+optionalNote(note)); err != nil {
			return err
		}
		return writeAudit(tx, actor, ActionUpdate, EntityOrder, o.ID, "delivered order "+o.Number+optionalNote(note),
			map[string]any{"status": from}, map[string]any{"status": o.Status, "note": note})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// ShipmentOfOrder is how an order left, or nil before it shipped.
func (s *Store) ShipmentOfOrder(ctx context.Context, orderID int64) (*Shipment, error) {
	var sh []Shipment
	if err := s.db.WithContext(ctx).Where("order_id = ?", orderID).Limit(1).Find(&sh).Error; err != nil {
		return nil, fmt.Errorf("shipment of order %d: %w", orderID, err)
	}
	if len(sh) == 0 {
		return nil, nil
	}
	return &sh[0], nil
}
