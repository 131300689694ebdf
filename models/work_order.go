package models

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// WorkOrderStatus is where a group's share of an order stands.
type WorkOrderStatus string

// WorkOrderOpen: the group has pieces to pick or make for the order.
const WorkOrderOpen WorkOrderStatus = "open"

// WorkOrder is what one producing group prepares for one order: the
// order's lines of that group's products.
type WorkOrder struct {
	ID        int64           `gorm:"primaryKey"`
	OrderID   int64           `gorm:"not null"`
	GroupID   int64           `gorm:"not null"`
	Status    WorkOrderStatus `gorm:"size:20;not null"`
	CreatedAt time.Time
	UpdatedAt time.Time

	Lines []WorkOrderLine `gorm:"foreignKey:WorkOrderID"`
}

// TableName is part of the migration history.
func (WorkOrder) TableName() string { return "work_orders" }

// WorkOrderLine is one order line a work order prepares (append-only).
type WorkOrderLine struct {
	ID          int64 `gorm:"primaryKey"`
	WorkOrderID int64 `gorm:"not null"`
	OrderLineID int64 `gorm:"not null"`
	ProductID   int64 `gorm:"not null"`
	Quantity    int   `gorm:"not null"`
}

// TableName is part of the migration history.
func (WorkOrderLine) TableName() string { return "work_order_lines" }

// FulfillOrder hands a paid order to fulfillment in one transaction: it
// locks the order, splits its lines into one work order per producing
// group, writes one ledger sale entry per line from the line's snapshot
// (never today's catalog), and moves the order to in_fulfillment as the
// system. An order partially refunded before fulfillment is fulfilled for
// the pieces left (refund.go). Any other order (already in fulfillment,
// or further, or refunded) is left alone and changed is false: the job may
// run twice, at once on several instances, or again after a crash rolled
// a first run back, and the order is fulfilled once. The unique index on a
// line's sale entry is the database's own guard against a second set.
func (s *Store) FulfillOrder(ctx context.Context, orderID int64) (changed bool, err error) {
	f, err := s.FulfillOrders(ctx, orderID, 0)
	return f.Changed, err
}

// Fulfilled is what one FulfillOrders call handed to fulfillment.
type Fulfilled struct {
	// Changed: the order asked for was fulfilled by this call.
	Changed bool
	// Others are the other waiting orders that came with it: their own
	// jobs find nothing left to do.
	Others []int64
}

// FulfillOrders fulfils orderID as FulfillOrder does and, in the same
// transaction, up to more other paid orders waiting for fulfillment
// (oldest first, skipping any another transaction holds). Each order's
// changes are those FulfillOrder makes; the ledger entries of all of them
// are chained under one lock of the chain head and one commit. That lock,
// held until the commit reaches the disk, is what every fulfillment
// shares: taking it once for a batch instead of once per order is what
// lets orders waiting in a queue go through faster than one disk flush
// each. The other orders' own jobs then find nothing to do. If one of the
// orders fails, the whole batch rolls back: the caller retries with more
// = 0 (fulfillment.Worker does), so one bad order holds back only its own.
func (s *Store) FulfillOrders(ctx context.Context, orderID int64, more int) (f Fulfilled, err error) {
	if more > 0 {
		// Under a backlog most jobs find their order already taken along
		// by another's batch: one read says so, where the transaction
		// below would cost four round trips.
		var st []OrderStatus
		if err := s.db.WithContext(ctx).Model(&Order{}).Where("id = ?", orderID).Pluck("status", &st).Error; err != nil {
			return Fulfilled{}, fmt.Errorf("order %d: %w", orderID, err)
		}
		if len(st) == 1 && st[0] != StatusPaid && st[0] != StatusPartiallyRefunded {
			return Fulfilled{}, nil
		}
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		f = Fulfilled{}
		o, err := lockWaitingOrder(tx, orderID)
		if err != nil {
			return err
		}
		own := false
		if o != nil {
			if own, err = fulfillable(tx, o); err != nil {
				return err
			}
		}
		var orders []*Order
		if own {
			orders = append(orders, o)
		} else if o == nil {
			// Its job comes after the order went with another's batch
			// (or twice): nothing to do, and nothing to take along.
			return nil
		}
		if more > 0 {
			waiting, err := claimWaitingOrders(tx, orderID, more)
			if err != nil {
				return err
			}
			orders = append(orders, waiting...)
		}
		if len(orders) == 0 {
			return nil
		}
		if err := loadLines(tx, orders); err != nil {
			return err
		}
		entries, err := prepareFulfillments(tx, orders)
		if err != nil {
			return err
		}
		// Last: the chain head's lock is the one every fulfillment shares.
		if err := appendLedger(tx, entries); err != nil {
			return fmt.Errorf("ledger of %d orders: %w", len(orders), err)
		}
		f = Fulfilled{Changed: own}
		for _, o := range orders {
			if o.ID != orderID {
				f.Others = append(f.Others, o.ID)
			}
		}
		return nil
	})
	if err != nil {
		return Fulfilled{}, err
	}
	return f, nil
}

// lockWaitingOrder locks order id if it may be waiting for fulfillment
// (paid, or partially refunded before it). It returns nil for an order
// past that, without locking it: a job whose order went with another's
// batch then commits nothing, so it costs no disk flush.
func lockWaitingOrder(tx *gorm.DB, id int64) (*Order, error) {
	var rows []Order
	err := forUpdate(tx).Where("id = ? AND status IN ?", id, []OrderStatus{StatusPaid, StatusPartiallyRefunded}).
		Limit(1).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("order %d: %w", id, err)
	}
	if len(rows) == 1 {
		return &rows[0], nil
	}
	var n int64
	if err := tx.Model(&Order{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("order %d: %w", id, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("order %d: %w", id, ErrNotFound)
	}
	return nil, nil
}

// claimWaitingOrders locks up to n paid orders other than except, oldest
// first, skipping those another transaction holds (on PostgreSQL; SQLite
// has one writer at a time).
func claimWaitingOrders(tx *gorm.DB, except int64, n int) ([]*Order, error) {
	q := tx.Where("status = ? AND id <> ?", StatusPaid, except).Order("created_at, id").Limit(n)
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
	}
	var waiting []*Order
	if err := q.Find(&waiting).Error; err != nil {
		return nil, fmt.Errorf("paid orders waiting for fulfillment: %w", err)
	}
	return waiting, nil
}

// loadLines reads the lines of every order in one query.
func loadLines(tx *gorm.DB, orders []*Order) error {
	ids := make([]int64, len(orders))
	byID := make(map[int64]*Order, len(orders))
	for i, o := range orders {
		ids[i], byID[o.ID] = o.ID, o
		o.Lines = nil
	}
	var lines []OrderLine
	if err := tx.Where("order_id IN ?", ids).Order("order_id, line_no").Find(&lines).Error; err != nil {
		return fmt.Errorf("lines of %d orders: %w", len(orders), err)
	}
	for _, l := range lines {
		o := byID[l.OrderID]
		o.Lines = append(o.Lines, l)
	}
	return nil
}

// prepareFulfillments writes the work orders and status changes of
// locked, fulfillable orders and returns their ledger entries, not yet
// chained. On PostgreSQL the work orders of all of them are one statement
// and their moves to in_fulfillment another, whatever their number.
func prepareFulfillments(tx *gorm.DB, orders []*Order) ([]LedgerEntry, error) {
	var entries []LedgerEntry
	groups := make([][]int64, len(orders))
	byGroup := make([]map[int64][]*OrderLine, len(orders))
	notes := make([]string, len(orders))
	for i, o := range orders {
		if err := netOfRefunds(tx, o); err != nil {
			return nil, err
		}
		if len(o.Lines) == 0 {
			return nil, fmt.Errorf("order %s has no lines to fulfil", o.Number)
		}
		groups[i], byGroup[i] = linesByGroup(o)
		notes[i] = fmt.Sprintf("handed to fulfillment: %d work orders", len(groups[i]))
		for j := range o.Lines {
			e, err := saleEntry(&o.Lines[j])
			if err != nil {
				return nil, fmt.Errorf("ledger entry of order %s: %w", o.Number, err)
			}
			entries = append(entries, e)
		}
	}
	now := time.Now().UTC()
	if tx.Dialector.Name() == "postgres" {
		if err := createWorkOrdersPG(tx, orders, groups, byGroup, now); err != nil {
			return nil, err
		}
	} else {
		for i, o := range orders {
			if err := createWorkOrders(tx, o, groups[i], byGroup[i], now); err != nil {
				return nil, err
			}
		}
	}
	if err := transitionAll(tx, orders, StatusInFulfillment, SystemActor, notes); err != nil {
		return nil, err
	}
	return entries, nil
}

// linesByGroup sorts an order's lines by producing group, groups in id
// order.
func linesByGroup(o *Order) ([]int64, map[int64][]*OrderLine) {
	byGroup := map[int64][]*OrderLine{}
	for i := range o.Lines {
		l := &o.Lines[i]
		byGroup[l.GroupID] = append(byGroup[l.GroupID], l)
	}
	ids := make([]int64, 0, len(byGroup))
	for id := range byGroup {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, byGroup
}

// createWorkOrders writes one work order per producing group of the
// order's lines (ids, in order) and their lines, in two statements.
func createWorkOrders(tx *gorm.DB, o *Order, ids []int64, byGroup map[int64][]*OrderLine, now time.Time) error {
	wos := make([]WorkOrder, len(ids))
	for i, id := range ids {
		wos[i] = WorkOrder{OrderID: o.ID, GroupID: id, Status: WorkOrderOpen, CreatedAt: now, UpdatedAt: now}
	}
	// Lines are written below, not through GORM's association saving,
	// which would skip a conflicting line silently.
	if err := tx.Omit(clause.Associations).Create(&wos).Error; err != nil {
		return dbError(err, "work orders of order "+o.Number)
	}
	var lines []WorkOrderLine
	for _, wo := range wos {
		for _, l := range byGroup[wo.GroupID] {
			lines = append(lines, WorkOrderLine{WorkOrderID: wo.ID, OrderLineID: l.ID, ProductID: l.ProductID,
				Quantity: l.Quantity})
		}
	}
	if err := tx.Create(&lines).Error; err != nil {
		return dbError(err, "work order lines of order "+o.Number)
	}
	return nil
}

// createWorkOrdersPG writes the work orders of several orders and their
// lines in one statement: the lines take their work order's id from the
// INSERT … RETURNING in the WITH, and are numbered in the same order
// (order, group, then line) as the two-INSERT path gives them.
func createWorkOrdersPG(tx *gorm.DB, orders []*Order, groups [][]int64, byGroup []map[int64][]*OrderLine, now time.Time) error {
	var b strings.Builder
	b.WriteString("WITH wo AS (INSERT INTO work_orders (order_id, group_id, status, created_at, updated_at) VALUES ")
	var args []any
	for i, o := range orders {
		for j, g := range groups[i] {
			if i > 0 || j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, o.ID, g, string(WorkOrderOpen), now, now)
		}
	}
	b.WriteString(` RETURNING id, order_id, group_id)
INSERT INTO work_order_lines (work_order_id, order_line_id, product_id, quantity)
SELECT wo.id, v.order_line_id, v.product_id, v.quantity FROM (VALUES `)
	n := 0
	for i, o := range orders {
		for _, g := range groups[i] {
			for _, l := range byGroup[i][g] {
				if n > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(CAST(? AS INTEGER), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS INTEGER))")
				args = append(args, n, o.ID, g, l.ID, l.ProductID, l.Quantity)
				n++
			}
		}
	}
	b.WriteString(`) AS v(n, order_id, group_id, order_line_id, product_id, quantity)
JOIN wo ON wo.order_id = v.order_id AND wo.group_id = v.group_id ORDER BY v.n`)
	what := fmt.Sprintf("work orders of %d orders", len(orders))
	if len(orders) == 1 {
		what = "work orders of order " + orders[0].Number
	}
	res := tx.Exec(b.String(), args...)
	if res.Error != nil {
		return dbError(res.Error, what)
	}
	if res.RowsAffected != int64(n) {
		return fmt.Errorf("%s: %d of %d lines written", what, res.RowsAffected, n)
	}
	return nil
}

// saleEntry computes a line's ledger entry from its snapshot alone.
func saleEntry(l *OrderLine) (LedgerEntry, error) {
	e := LedgerEntry{Kind: LedgerSale, OrderID: l.OrderID, OrderLineID: l.ID, GroupID: l.GroupID,
		ProductID: l.ProductID, BreakdownID: l.BreakdownID, BreakdownVersion: l.BreakdownVersion,
		Quantity: l.Quantity, Currency: l.Currency}
	for _, f := range []struct {
		dst  *int64
		unit int64
	}{
		{&e.ArtisanLabour, l.ArtisanLabour}, {&e.ArtisanMaterials, l.ArtisanMaterials},
		{&e.CommunityFund, l.CommunityFund}, {&e.LocalMarketPrice, l.LocalMarketPrice},
	} {
		var err error
		if *f.dst, err = mulAmount(f.unit, l.Quantity); err != nil {
			return e, err
		}
	}
	// Each part is at most the line total, which fits: so does their sum.
	e.PaidToArtisans = e.ArtisanLabour + e.ArtisanMaterials + e.CommunityFund
	e.Surplus = e.PaidToArtisans - e.LocalMarketPrice
	return e, nil
}

// WorkOrdersOfOrder lists an order's work orders, by group, with lines.
func (s *Store) WorkOrdersOfOrder(ctx context.Context, orderID int64) ([]WorkOrder, error) {
	var wos []WorkOrder
	err := s.db.WithContext(ctx).Preload("Lines", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		Where("order_id = ?", orderID).Order("group_id").Find(&wos).Error
	if err != nil {
		return nil, fmt.Errorf("work orders of order %d: %w", orderID, err)
	}
	return wos, nil
}
