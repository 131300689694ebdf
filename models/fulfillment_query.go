package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// What the back office reads of fulfillment: work orders waiting per
// group (and the pick list they make), and the ledger filtered.

// WorkOrderFilter narrows the work orders being prepared.
type WorkOrderFilter struct {
	GroupID int64           // 0: every group
	Status  WorkOrderStatus // "": open and ready
}

// PickLine is pieces of one product a work order prepares.
type PickLine struct {
	OrderLineID   int64
	ProductID     int64
	ProductSlug   string
	ProductNameES string
	ProductNameEN string
	Quantity      int
}

// Name is the product's name in lang, as it was sold.
func (p *PickLine) Name(lang string) string { return pick(lang, p.ProductNameES, p.ProductNameEN) }

// WorkOrderRow is a work order with its order's number and its group.
type WorkOrderRow struct {
	WorkOrder
	OrderNumber string
	OrderStatus OrderStatus
	GroupName   string
	Picks       []PickLine `gorm:"-"`
}

// maxWorkOrderRows bounds the list: more work orders than this waiting
// at once is beyond what a pick list can serve.
const maxWorkOrderRows = 1000

// ListWorkOrders lists the work orders of orders still being prepared
// (in fulfillment, or partially refunded before leaving), oldest first,
// with their lines.
func (s *Store) ListWorkOrders(ctx context.Context, f WorkOrderFilter) ([]WorkOrderRow, error) {
	db := s.db.WithContext(ctx)
	q := db.Table("work_orders").
		Select(`work_orders.*, orders.number AS order_number, orders.status AS order_status,
			producer_groups.name AS group_name`).
		Joins("JOIN orders ON orders.id = work_orders.order_id").
		Joins("JOIN producer_groups ON producer_groups.id = work_orders.group_id").
		Where("orders.status IN ?", []OrderStatus{StatusInFulfillment, StatusPartiallyRefunded}).
		Where("NOT EXISTS (SELECT 1 FROM shipments WHERE shipments.order_id = orders.id)")
	if f.GroupID != 0 {
		q = q.Where("work_orders.group_id = ?", f.GroupID)
	}
	if f.Status != "" {
		q = q.Where("work_orders.status = ?", f.Status)
	}
	var rows []WorkOrderRow
	if err := q.Order("work_orders.created_at, work_orders.id").Limit(maxWorkOrderRows).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list work orders: %w", err)
	}
	if len(rows) == 0 {
		return rows, nil
	}
	ids := make([]int64, len(rows))
	at := make(map[int64]int, len(rows))
	for i := range rows {
		ids[i], at[rows[i].ID] = rows[i].ID, i
	}
	var lines []struct {
		WorkOrderID int64
		PickLine
	}
	err := db.Table("work_order_lines").
		Select(`work_order_lines.work_order_id, work_order_lines.order_line_id, work_order_lines.product_id,
			work_order_lines.quantity, order_lines.product_slug, order_lines.product_name_es, order_lines.product_name_en`).
		Joins("JOIN order_lines ON order_lines.id = work_order_lines.order_line_id").
		Where("work_order_lines.work_order_id IN ?", ids).Order("work_order_lines.id").Scan(&lines).Error
	if err != nil {
		return nil, fmt.Errorf("lines of work orders: %w", err)
	}
	for _, l := range lines {
		r := &rows[at[l.WorkOrderID]]
		r.Picks = append(r.Picks, l.PickLine)
	}
	return rows, nil
}

// LedgerFilter narrows the ledger; zero values do not filter.
type LedgerFilter struct {
	GroupID   int64
	ProductID int64
	From, To  time.Time // entries at or after From, before To
	Page      int       // from 1
	PerPage   int
}

// LedgerRow is an entry with the names a reader needs beside it.
type LedgerRow struct {
	LedgerEntry
	OrderNumber   string
	GroupName     string
	ProductSlug   string
	ProductNameES string
	ProductNameEN string
}

// ProductName is the product's name in lang.
func (r *LedgerRow) ProductName(lang string) string {
	return pick(lang, r.ProductNameES, r.ProductNameEN)
}

// LedgerTotal sums the filtered entries in one currency, net of refunds.
type LedgerTotal struct {
	Currency       Currency
	Pieces         int64
	PaidToArtisans int64
	Surplus        int64
}

// Money is amount in the total's currency.
func (t *LedgerTotal) Money(amount int64) Money { return Money{Amount: amount, Currency: t.Currency} }

// LedgerPage is one page of filtered entries, newest first, and the
// totals of every entry the filter matches.
type LedgerPage struct {
	Rows    []LedgerRow
	Total   int64
	Page    int
	PerPage int
	Totals  []LedgerTotal
}

// ListLedger reads the ledger for the back office.
func (s *Store) ListLedger(ctx context.Context, f LedgerFilter) (LedgerPage, error) {
	if f.PerPage <= 0 || f.PerPage > 500 {
		f.PerPage = 100
	}
	if f.Page < 1 {
		f.Page = 1
	}
	db := s.db.WithContext(ctx)
	where := func(q *gorm.DB) *gorm.DB {
		if f.GroupID != 0 {
			q = q.Where("ledger_entries.group_id = ?", f.GroupID)
		}
		if f.ProductID != 0 {
			q = q.Where("ledger_entries.product_id = ?", f.ProductID)
		}
		if !f.From.IsZero() {
			q = q.Where("ledger_entries.created_at >= ?", f.From.UTC())
		}
		if !f.To.IsZero() {
			q = q.Where("ledger_entries.created_at < ?", f.To.UTC())
		}
		return q
	}
	page := LedgerPage{Page: f.Page, PerPage: f.PerPage}
	err := where(db.Table("ledger_entries")).
		Select(`currency, SUM(quantity) AS pieces, SUM(paid_to_artisans) AS paid_to_artisans, SUM(surplus) AS surplus`).
		Group("currency").Order("currency").Scan(&page.Totals).Error
	if err != nil {
		return page, fmt.Errorf("ledger totals: %w", err)
	}
	if err := where(db.Table("ledger_entries")).Count(&page.Total).Error; err != nil {
		return page, fmt.Errorf("count ledger entries: %w", err)
	}
	err = ledgerRowsQuery(where(db.Table("ledger_entries"))).
		Order("ledger_entries.seq DESC").Offset((f.Page - 1) * f.PerPage).Limit(f.PerPage).
		Scan(&page.Rows).Error
	if err != nil {
		return page, fmt.Errorf("list ledger entries: %w", err)
	}
	return page, nil
}

// ledgerRowsQuery selects entries with their order's number, group's and
// product's names.
func ledgerRowsQuery(q *gorm.DB) *gorm.DB {
	return q.Select(`ledger_entries.*, orders.number AS order_number, producer_groups.name AS group_name,
			products.slug AS product_slug, products.name_es AS product_name_es, products.name_en AS product_name_en`).
		Joins("JOIN orders ON orders.id = ledger_entries.order_id").
		Joins("JOIN producer_groups ON producer_groups.id = ledger_entries.group_id").
		Joins("JOIN products ON products.id = ledger_entries.product_id")
}

// LedgerRowBySeq reads one entry with the names beside it.
func (s *Store) LedgerRowBySeq(ctx context.Context, seq int64) (*LedgerRow, error) {
	var rows []LedgerRow
	err := ledgerRowsQuery(s.db.WithContext(ctx).Table("ledger_entries")).
		Where("ledger_entries.seq = ?", seq).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("ledger entry %d: %w", seq, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("ledger entry %d: %w", seq, ErrNotFound)
	}
	rows[0].CreatedAt = rows[0].CreatedAt.UTC()
	return &rows[0], nil
}

// LedgerProduct is a product that has ledger entries, for the filter.
type LedgerProduct struct {
	ID     int64
	Slug   string
	NameES string
	NameEN string
}

// Name is the product's name in lang.
func (p *LedgerProduct) Name(lang string) string { return pick(lang, p.NameES, p.NameEN) }

// LedgerProducts lists the products the ledger names, by slug.
func (s *Store) LedgerProducts(ctx context.Context) ([]LedgerProduct, error) {
	var ps []LedgerProduct
	err := s.db.WithContext(ctx).Table("products").Select("id, slug, name_es, name_en").
		Where("id IN (SELECT DISTINCT product_id FROM ledger_entries)").Order("slug").Scan(&ps).Error
	if err != nil {
		return nil, fmt.Errorf("products in the ledger: %w", err)
	}
	return ps, nil
}
