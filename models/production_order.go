package models

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"
)

// Made to order: a wholesale line may ask for more pieces than are in
// stock. Placing the order takes the pieces in stock as any order does
// and gives each producing group one production order for the rest, due
// the group's lead time after the order, in the order's transaction.
// Cancelling the order (by staff, Stripe or its expiry) cancels its open
// production orders with its stock, once (releaseStock). Staff record the
// advance they pay the group for it with the existing advance form; the
// advance names the production order.
//
// While it stands, staff move a production order on as the group works:
// ordered → in production → ready (MoveProductionOrder), or cancel it.
// Ready means the group delivered the pieces for that order: they go
// straight into the order, never through stock (the order never took
// them from stock, so no stock movement is written either way). An order
// is not shipped while one of its production orders is ordered or in
// production (ErrProductionPending).
//
// The ledger does not wait for the making: fulfillment (FulfillOrder)
// writes one sale entry per order line, for the whole line with its
// made-to-order pieces, once, when the paid order is handed over. The
// artisans are owed for the line from then on; what staff advanced for a
// production order is an advance against that balance (payout.go).

// ProductionStatus is where a production order stands.
type ProductionStatus string

// Production order statuses.
const (
	ProductionOpen      ProductionStatus = "open"
	ProductionCancelled ProductionStatus = "cancelled"
)

// ProductionProgress is how far the group got with a production order
// that stands.
type ProductionProgress string

// Production progress, in the order it goes.
const (
	ProductionOrdered      ProductionProgress = "ordered"
	ProductionInProduction ProductionProgress = "in_production"
	ProductionReady        ProductionProgress = "ready"
)

// ProductionStage is a production order's place in its life: one of the
// progress values while it stands, or "cancelled".
type ProductionStage string

// Production stages, in the order staff meet them.
const (
	StageOrdered      = ProductionStage(ProductionOrdered)
	StageInProduction = ProductionStage(ProductionInProduction)
	StageReady        = ProductionStage(ProductionReady)
	StageCancelled    = ProductionStage(ProductionCancelled)
)

// ProductionStages lists every stage.
var ProductionStages = []ProductionStage{StageOrdered, StageInProduction, StageReady, StageCancelled}

// productionMoves is every move staff may make: the making goes one step
// at a time, and what is not ready yet may be cancelled (the group will
// not make it; the pieces are refunded from the order).
var productionMoves = map[ProductionStage][]ProductionStage{
	StageOrdered:      {StageInProduction, StageCancelled},
	StageInProduction: {StageReady, StageCancelled},
}

// Next lists the stages a production order in st may move to.
func (st ProductionStage) Next() []ProductionStage { return productionMoves[st] }

// Valid reports whether st is a known stage.
func (st ProductionStage) Valid() bool { return slices.Contains(ProductionStages, st) }

// EntityProductionOrder names production orders in the audit log.
const EntityProductionOrder = "production_order"

// ErrProductionPending refuses to ship an order whose made-to-order
// pieces the groups have not delivered yet.
var ErrProductionPending = fmt.Errorf("%w: made-to-order pieces not ready", ErrConflict)

// ProductionOrder asks a group to make pieces for a wholesale order.
type ProductionOrder struct {
	ID      int64            `gorm:"primaryKey"`
	OrderID int64            `gorm:"not null"`
	Order   *Order           `gorm:"foreignKey:OrderID"`
	GroupID int64            `gorm:"not null"`
	Group   *Group           `gorm:"foreignKey:GroupID"`
	Status  ProductionStatus `gorm:"size:12;not null"`
	// Progress is how far the making went (ordered while it is only
	// asked); StartedAt and ReadyAt stamp its steps.
	Progress     ProductionProgress `gorm:"size:16;not null;default:ordered"`
	StartedAt    *time.Time
	ReadyAt      *time.Time
	LeadTimeDays int       `gorm:"not null"`
	DueOn        time.Time `gorm:"type:date;not null"`
	CancelledAt  *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Lines        []ProductionOrderLine `gorm:"foreignKey:ProductionOrderID"`
	// Advanced is what the advances naming it add up to, and Advances
	// those advances, oldest first (ProductionOrders and
	// ProductionOrdersOf fill both).
	Advanced int64     `gorm:"-"`
	Advances []Advance `gorm:"-"`
}

// Stage is where the production order stands.
func (p *ProductionOrder) Stage() ProductionStage {
	if p.Status == ProductionCancelled {
		return StageCancelled
	}
	if p.Progress == "" {
		return StageOrdered
	}
	return ProductionStage(p.Progress)
}

// Next lists the stages staff may move it to.
func (p *ProductionOrder) Next() []ProductionStage { return p.Stage().Next() }

// AdvanceHalfPaid reports whether the advances reach half of what the
// pieces pay the group (the WFTO Principle 3 prefinancing asked).
func (p *ProductionOrder) AdvanceHalfPaid() bool {
	return 2*p.Advanced >= p.ArtisansValue().Amount
}

// ArtisansValue is what the pieces to make pay the group, from the
// order lines' snapshots: the base of the WFTO advance (50 % asked).
func (p *ProductionOrder) ArtisansValue() Money {
	t := Soles(0)
	for _, l := range p.Lines {
		if l.OrderLine != nil {
			t = t.Add(l.OrderLine.Breakdown().PaidToArtisans().Mul(int64(l.Quantity)))
		}
	}
	return t
}

// AdvancedMoney is Advanced as Money.
func (p *ProductionOrder) AdvancedMoney() Money { return Soles(p.Advanced) }

// withAdvances fills Advanced and Advances of each production order
// (a reversal counts with its negative amount).
func withAdvances(tx *gorm.DB, pos []ProductionOrder) error {
	if len(pos) == 0 {
		return nil
	}
	ids := make([]int64, len(pos))
	for i := range pos {
		ids[i] = pos[i].ID
	}
	var advs []Advance
	err := tx.Where("production_order_id IN ?", ids).Order("paid_on, id").Find(&advs).Error
	if err != nil {
		return fmt.Errorf("advances of production orders: %w", err)
	}
	at := map[int64]int{}
	for i := range pos {
		at[pos[i].ID] = i
	}
	for _, a := range advs {
		p := &pos[at[*a.ProductionOrderID]]
		p.Advanced += a.Amount
		p.Advances = append(p.Advances, a)
	}
	return nil
}

// TableName is part of the migration history.
func (ProductionOrder) TableName() string { return "production_orders" }

// Pieces adds the pieces of its lines.
func (p *ProductionOrder) Pieces() int {
	n := 0
	for _, l := range p.Lines {
		n += l.Quantity
	}
	return n
}

// ProductionOrderLine is how many pieces of an order line the group makes.
type ProductionOrderLine struct {
	ID                int64 `gorm:"primaryKey"`
	ProductionOrderID int64 `gorm:"not null"`
	OrderLineID       int64 `gorm:"not null"`
	ProductID         int64 `gorm:"not null"`
	Quantity          int   `gorm:"not null"`
	// OrderLine is the line it comes from (name, SKU-less snapshot).
	OrderLine *OrderLine `gorm:"foreignKey:OrderLineID"`
}

// TableName is part of the migration history.
func (ProductionOrderLine) TableName() string { return "production_order_lines" }

// toMake is one order line's pieces beyond stock, for its group.
type toMake struct {
	line     *OrderLine
	qty      int
	leadDays int
}

// createProductionOrders writes one production order per group for the
// pieces beyond stock, due leadDays after now (Peru's calendar day).
func createProductionOrders(tx *gorm.DB, orderID int64, todo []toMake, now time.Time) ([]ProductionOrder, error) {
	byGroup := map[int64]*ProductionOrder{}
	var groups []int64
	for _, m := range todo {
		po := byGroup[m.line.GroupID]
		if po == nil {
			lead := max(m.leadDays, 1)
			d := now.In(shopTime)
			po = &ProductionOrder{OrderID: orderID, GroupID: m.line.GroupID, Status: ProductionOpen, LeadTimeDays: lead,
				DueOn:     time.Date(d.Year(), d.Month(), d.Day()+lead, 0, 0, 0, 0, time.UTC),
				CreatedAt: now, UpdatedAt: now}
			byGroup[m.line.GroupID] = po
			groups = append(groups, m.line.GroupID)
		}
		po.Lines = append(po.Lines, ProductionOrderLine{OrderLineID: m.line.ID, ProductID: m.line.ProductID, Quantity: m.qty})
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i] < groups[j] })
	out := make([]ProductionOrder, 0, len(groups))
	for _, g := range groups {
		po := byGroup[g]
		lines := po.Lines
		po.Lines = nil
		if err := tx.Omit("Order", "Group", "Lines").Create(po).Error; err != nil {
			return nil, fmt.Errorf("production order of order %d for group %d: %w", orderID, g, err)
		}
		for i := range lines {
			lines[i].ProductionOrderID = po.ID
		}
		if err := tx.Omit("OrderLine").Create(&lines).Error; err != nil {
			return nil, fmt.Errorf("lines of production order %d: %w", po.ID, err)
		}
		po.Lines = lines
		out = append(out, *po)
	}
	return out, nil
}

// cancelProductionOrders cancels an order's production orders that are
// not ready (with its stock release, which runs once): delivered pieces
// stay on the record as delivered.
func cancelProductionOrders(tx *gorm.DB, orderID int64, now time.Time) error {
	err := tx.Model(&ProductionOrder{}).
		Where("order_id = ? AND status = ? AND progress <> ?", orderID, ProductionOpen, ProductionReady).
		Updates(map[string]any{"status": ProductionCancelled, "cancelled_at": now, "updated_at": now}).Error
	if err != nil {
		return fmt.Errorf("cancel production orders of order %d: %w", orderID, err)
	}
	return nil
}

// ProductionFilter selects production orders for the back office.
type ProductionFilter struct {
	Status  ProductionStatus // "" any
	Stage   ProductionStage  // "" any; narrows Status
	GroupID int64            // 0 any
	Page    int
	PerPage int
}

// ProductionOrderPage is one page of production orders.
type ProductionOrderPage = Page[ProductionOrder]

// ProductionOrders lists production orders, soonest due first, with
// their order, group and lines.
func (s *Store) ProductionOrders(ctx context.Context, f ProductionFilter) (ProductionOrderPage, error) {
	pf := ProductFilter{Page: f.Page, PerPage: f.PerPage}
	pf.Normalize()
	q := s.db.WithContext(ctx).Model(&ProductionOrder{})
	if f.Status != "" {
		q = q.Where("production_orders.status = ?", f.Status)
	}
	switch f.Stage {
	case "":
	case StageCancelled:
		q = q.Where("production_orders.status = ?", ProductionCancelled)
	default:
		q = q.Where("production_orders.status = ? AND production_orders.progress = ?", ProductionOpen, f.Stage)
	}
	if f.GroupID != 0 {
		q = q.Where("production_orders.group_id = ?", f.GroupID)
	}
	page := ProductionOrderPage{Page: pf.Page, PerPage: pf.PerPage}
	if err := q.Session(&gorm.Session{}).Count(&page.Total).Error; err != nil {
		return page, fmt.Errorf("count production orders: %w", err)
	}
	err := q.Joins("Order").Joins("Group").Preload("Lines.OrderLine").
		Order("production_orders.due_on").Order("production_orders.id").
		Limit(pf.PerPage).Offset((pf.Page - 1) * pf.PerPage).Find(&page.Items).Error
	if err != nil {
		return page, fmt.Errorf("list production orders: %w", err)
	}
	return page, withAdvances(s.db.WithContext(ctx), page.Items)
}

// ProductionOrdersOf lists an order's production orders with their lines.
func (s *Store) ProductionOrdersOf(ctx context.Context, orderID int64) ([]ProductionOrder, error) {
	by, err := s.ProductionOrdersOfOrders(ctx, orderID)
	return by[orderID], err
}

// ProductionOrdersOfOrders lists the production orders of several orders
// (one query for a page of orders), by order, with their lines and
// advances.
func (s *Store) ProductionOrdersOfOrders(ctx context.Context, orderIDs ...int64) (map[int64][]ProductionOrder, error) {
	by := map[int64][]ProductionOrder{}
	if len(orderIDs) == 0 {
		return by, nil
	}
	var all []ProductionOrder
	err := s.db.WithContext(ctx).Joins("Group").Preload("Lines.OrderLine").
		Where("production_orders.order_id IN ?", orderIDs).Order("production_orders.id").Find(&all).Error
	if err != nil {
		return nil, fmt.Errorf("production orders of orders %v: %w", orderIDs, err)
	}
	if err := withAdvances(s.db.WithContext(ctx), all); err != nil {
		return nil, err
	}
	for _, po := range all {
		by[po.OrderID] = append(by[po.OrderID], po)
	}
	return by, nil
}

// MoveProductionOrder moves a production order from the stage staff saw
// to the next one, on actor's behalf, in one transaction with its audit
// entry: the row is locked and changed only if it is still at from
// (ErrConflict otherwise, as for a move the stages do not allow).
func (s *Store) MoveProductionOrder(ctx context.Context, id int64, from, to ProductionStage, actor string) (*ProductionOrder, error) {
	if actor == "" {
		return nil, fmt.Errorf("production order %d moved without an actor", id)
	}
	var po ProductionOrder
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Select("order_id").Take(&po, id).Error; err != nil {
			return dbError(err, fmt.Sprintf("production order %d", id))
		}
		// The order first, as cancelling and expiring lock it before its
		// production orders: work starts only on an order the reseller
		// has paid, so a pending order that is then cancelled or expires
		// never leaves pieces made for nobody.
		var o Order
		if err := forUpdate(tx).Select("id, status").Take(&o, po.OrderID).Error; err != nil {
			return dbError(err, fmt.Sprintf("order %d of production order %d", po.OrderID, id))
		}
		if err := forUpdate(tx).Take(&po, id).Error; err != nil {
			return dbError(err, fmt.Sprintf("production order %d", id))
		}
		if to != StageCancelled && (o.Status == StatusPendingPayment || o.Status == StatusCancelled) {
			return &ProductionUnpaidError{ID: id, OrderStatus: o.Status}
		}
		if po.Stage() != from {
			return fmt.Errorf("production order %d is %s, not %s: %w", id, po.Stage(), from, ErrConflict)
		}
		allowed := false
		for _, n := range from.Next() {
			allowed = allowed || n == to
		}
		if !allowed {
			return fmt.Errorf("production order %d cannot go from %s to %s: %w", id, from, to, ErrConflict)
		}
		now := time.Now().UTC()
		fields := map[string]any{"updated_at": now}
		switch to {
		case StageCancelled:
			fields["status"], fields["cancelled_at"] = ProductionCancelled, now
		case StageInProduction:
			fields["progress"], fields["started_at"] = ProductionInProduction, now
		case StageReady:
			fields["progress"], fields["ready_at"] = ProductionReady, now
		}
		res := tx.Model(&ProductionOrder{}).Where("id = ? AND status = ? AND progress = ?", id, po.Status, po.Progress).
			Updates(fields)
		if res.Error != nil {
			return fmt.Errorf("production order %d to %s: %w", id, to, res.Error)
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("production order %d changed meanwhile: %w", id, ErrConflict)
		}
		if err := writeAudit(tx, actor, ActionUpdate, EntityProductionOrder, id,
			fmt.Sprintf("production order %d of order %d: %s → %s", id, po.OrderID, from, to),
			map[string]any{"stage": from}, map[string]any{"stage": to}); err != nil {
			return err
		}
		return tx.Take(&po, id).Error
	})
	if err != nil {
		return nil, err
	}
	return &po, nil
}

// ProductionUnpaidError refuses starting or finishing a production order
// whose order is not paid (pending payment or cancelled).
type ProductionUnpaidError struct {
	ID          int64
	OrderStatus OrderStatus
}

func (e *ProductionUnpaidError) Error() string {
	return fmt.Sprintf("production order %d: its order is %s, not paid", e.ID, e.OrderStatus)
}

// Is makes the refusal a conflict with the order's state.
func (e *ProductionUnpaidError) Is(target error) bool { return target == ErrConflict }

// productionPending counts an order's production orders that stand and
// are not ready: the order waits for them before it ships.
func productionPending(tx *gorm.DB, orderID int64) (int64, error) {
	var n int64
	err := tx.Model(&ProductionOrder{}).
		Where("order_id = ? AND status = ? AND progress <> ?", orderID, ProductionOpen, ProductionReady).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("production orders of order %d: %w", orderID, err)
	}
	return n, nil
}
