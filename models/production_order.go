package models

import (
	"context"
	"fmt"
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

// ProductionStatus is where a production order stands.
type ProductionStatus string

// Production order statuses.
const (
	ProductionOpen      ProductionStatus = "open"
	ProductionCancelled ProductionStatus = "cancelled"
)

// ProductionOrder asks a group to make pieces for a wholesale order.
type ProductionOrder struct {
	ID           int64            `gorm:"primaryKey"`
	OrderID      int64            `gorm:"not null"`
	Order        *Order           `gorm:"foreignKey:OrderID"`
	GroupID      int64            `gorm:"not null"`
	Group        *Group           `gorm:"foreignKey:GroupID"`
	Status       ProductionStatus `gorm:"size:12;not null"`
	LeadTimeDays int              `gorm:"not null"`
	DueOn        time.Time        `gorm:"type:date;not null"`
	CancelledAt  *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Lines        []ProductionOrderLine `gorm:"foreignKey:ProductionOrderID"`
	// Advanced is what the advances naming it add up to (ProductionOrders
	// and ProductionOrdersOf fill it).
	Advanced int64 `gorm:"-"`
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

// withAdvances fills Advanced of each production order.
func withAdvances(tx *gorm.DB, pos []ProductionOrder) error {
	if len(pos) == 0 {
		return nil
	}
	ids := make([]int64, len(pos))
	for i := range pos {
		ids[i] = pos[i].ID
	}
	var sums []struct {
		ProductionOrderID int64
		Amount            int64
	}
	err := tx.Model(&Advance{}).Select("production_order_id, SUM(amount) AS amount").
		Where("production_order_id IN ?", ids).Group("production_order_id").Scan(&sums).Error
	if err != nil {
		return fmt.Errorf("advances of production orders: %w", err)
	}
	by := map[int64]int64{}
	for _, s := range sums {
		by[s.ProductionOrderID] = s.Amount
	}
	for i := range pos {
		pos[i].Advanced = by[pos[i].ID]
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

// cancelProductionOrders cancels an order's open production orders (with
// its stock release, which runs once).
func cancelProductionOrders(tx *gorm.DB, orderID int64, now time.Time) error {
	err := tx.Model(&ProductionOrder{}).Where("order_id = ? AND status = ?", orderID, ProductionOpen).
		Updates(map[string]any{"status": ProductionCancelled, "cancelled_at": now, "updated_at": now}).Error
	if err != nil {
		return fmt.Errorf("cancel production orders of order %d: %w", orderID, err)
	}
	return nil
}

// ProductionFilter selects production orders for the back office.
type ProductionFilter struct {
	Status  ProductionStatus // "" any
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
	var out []ProductionOrder
	err := s.db.WithContext(ctx).Joins("Group").Preload("Lines.OrderLine").
		Where("production_orders.order_id = ?", orderID).Order("production_orders.id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("production orders of order %d: %w", orderID, err)
	}
	return out, withAdvances(s.db.WithContext(ctx), out)
}
