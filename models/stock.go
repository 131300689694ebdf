package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// StockReason says why a product's stock changed.
type StockReason string

// Stock movement reasons. The back office records the first three by
// hand; orders record sold, released (an unpaid order cancelled or
// expired gives its pieces back) and returned.
const (
	StockReceived   StockReason = "received_from_group"
	StockDamaged    StockReason = "damaged"
	StockCorrection StockReason = "count_correction"
	StockSold       StockReason = "sold"
	StockReleased   StockReason = "released"
	StockReturned   StockReason = "returned"
)

// ManualStockReasons are the reasons staff may choose in the back office.
var ManualStockReasons = []StockReason{StockReceived, StockDamaged, StockCorrection}

// Valid reports whether r is a known reason.
func (r StockReason) Valid() bool {
	switch r {
	case StockReceived, StockDamaged, StockCorrection, StockSold, StockReleased, StockReturned:
		return true
	}
	return false
}

// Manual reports whether staff may record r by hand.
func (r StockReason) Manual() bool {
	return r == StockReceived || r == StockDamaged || r == StockCorrection
}

// MaxStockDelta bounds one movement, so a typo cannot add a million pieces.
const MaxStockDelta = 100000

// StockMovement is one recorded change of a product's stock. Movements are
// append-only: the database refuses to change or delete one.
type StockMovement struct {
	ID             int64       `gorm:"primaryKey"`
	ProductID      int64       `gorm:"not null;index"`
	Delta          int         `gorm:"not null"`
	Reason         StockReason `gorm:"size:30;not null"`
	Note           string      `gorm:"size:500;not null"`
	Actor          string      `gorm:"size:254;not null"`
	CreatedAt      time.Time   `gorm:"not null"` // when
	ResultingStock int         `gorm:"not null"` // stock right after this movement
	OrderID        *int64      // the order that sold or released the pieces
}

// TableName is part of the migration history.
func (StockMovement) TableName() string { return "stock_movements" }

// StockAdjustment asks for one stock movement.
type StockAdjustment struct {
	ProductID int64
	Delta     int // pieces added (positive) or removed (negative)
	Reason    StockReason
	Note      string
	// SeenStock, when set, is the stock the editor saw: the movement is
	// refused with ErrStale if the stock changed meanwhile. A count
	// correction sets it, since it corrects the count it was made against.
	SeenStock *int
	// OrderID names the order a sale or release belongs to.
	OrderID *int64
}

// ErrNotEnoughStock marks a movement that would take stock below zero.
var ErrNotEnoughStock = errors.New("not enough stock")

// NotEnoughStockError says how much there was; it matches ErrNotEnoughStock.
type NotEnoughStockError struct {
	ProductID int64
	InStock   int
	Remove    int
}

func (e *NotEnoughStockError) Error() string {
	return fmt.Sprintf("product %d has %d in stock: cannot remove %d", e.ProductID, e.InStock, e.Remove)
}

// Is lets errors.Is(err, ErrNotEnoughStock) match.
func (e *NotEnoughStockError) Is(target error) bool { return target == ErrNotEnoughStock }

// Validate checks the movement's own rules: a known reason, a change in
// the direction the reason implies, and bounds.
func (a *StockAdjustment) Validate() error {
	var v ValidationError
	a.Note = strings.TrimSpace(a.Note)
	if !a.Reason.Valid() {
		v.add("reason", CodeStockReason)
	}
	switch {
	case a.Delta == 0:
		v.add("delta", CodeStockZero)
	case a.Delta > MaxStockDelta || a.Delta < -MaxStockDelta:
		v.add("delta", CodeStockBounds, "Count", MaxStockDelta)
	case (a.Reason == StockReceived || a.Reason == StockReturned || a.Reason == StockReleased) && a.Delta < 0:
		v.add("delta", CodeStockPositive)
	case (a.Reason == StockDamaged || a.Reason == StockSold) && a.Delta > 0:
		v.add("delta", CodeStockNegative)
	}
	if len([]rune(a.Note)) > 500 {
		v.add("note", CodeTooLong, "Max", 500)
	}
	if a.Reason == StockCorrection && a.Note == "" {
		v.add("note", CodeStockNote)
	}
	return v.orNil()
}

// AdjustStock records a stock movement and changes the stock with one
// conditional update, so concurrent movements never take it below zero:
// of two removals of the last piece, exactly one succeeds and the other
// gets a NotEnoughStockError.
func (e *Editor) AdjustStock(ctx context.Context, a StockAdjustment) (*StockMovement, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := e.check(); err != nil {
		return nil, err
	}
	// Only this product's pages change: no catalog version bump.
	var m *StockMovement
	err := e.s.stockTx(ctx, func(tx *gorm.DB) ([]StockMove, error) {
		var err error
		m, err = adjustStock(tx, e.actor, a)
		return stockMovesOf(m), err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// adjustStock does the movement inside tx, with its audit entry; order
// creation and release call it inside the order's transaction with
// StockSold and StockReleased.
func adjustStock(tx *gorm.DB, actor string, a StockAdjustment) (*StockMovement, error) {
	now := time.Now().UTC()
	sql := "UPDATE products SET stock = stock + ?, updated_at = ? WHERE id = ? AND stock + ? >= 0"
	args := []any{a.Delta, now, a.ProductID, a.Delta}
	if a.SeenStock != nil {
		sql += " AND stock = ?"
		args = append(args, *a.SeenStock)
	}
	pg := tx.Dialector.Name() == "postgres"
	if pg {
		// The movement is written by the same statement, from the updated
		// row: one round trip fewer per line of every order.
		sql = "WITH moved AS (" + sql + ` RETURNING id, stock)
	INSERT INTO stock_movements (product_id, delta, reason, note, actor, created_at, resulting_stock, order_id)
	SELECT id, CAST(? AS integer), CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS timestamptz), stock,
		CAST(? AS bigint) FROM moved`
		args = append(args, a.Delta, a.Reason, a.Note, actor, now, a.OrderID)
	}
	var rows []struct {
		ID    int64
		Stock int
	}
	returning := " RETURNING stock"
	if pg {
		returning = " RETURNING id, resulting_stock AS stock"
	}
	if err := rawScan(tx, &rows, sql+returning, args...); err != nil {
		return nil, fmt.Errorf("adjust stock of product %d: %w", a.ProductID, err)
	}
	if len(rows) != 1 {
		var p Product
		if err := tx.Select("id", "stock").Take(&p, a.ProductID).Error; err != nil {
			return nil, dbError(err, fmt.Sprintf("product %d", a.ProductID))
		}
		if a.SeenStock != nil && p.Stock != *a.SeenStock {
			return nil, fmt.Errorf("the stock of product %d changed since you opened it (%d, now %d): %w",
				a.ProductID, *a.SeenStock, p.Stock, ErrStale)
		}
		return nil, &NotEnoughStockError{ProductID: a.ProductID, InStock: p.Stock, Remove: -a.Delta}
	}
	after := rows[0].Stock
	m := &StockMovement{ProductID: a.ProductID, Delta: a.Delta, Reason: a.Reason, Note: a.Note,
		Actor: actor, ResultingStock: after, OrderID: a.OrderID}
	if pg {
		m.ID, m.CreatedAt = rows[0].ID, now
	} else if err := tx.Create(m).Error; err != nil {
		return nil, fmt.Errorf("record stock movement of product %d: %w", a.ProductID, err)
	}
	summary := fmt.Sprintf("stock %d → %d (%+d, %s)", after-a.Delta, after, a.Delta, a.Reason)
	if a.Note != "" {
		summary += ": " + a.Note
	}
	err := writeAudit(tx, actor, ActionStock, EntityProduct, a.ProductID, summary,
		map[string]any{"stock": after - a.Delta},
		map[string]any{"stock": after, "delta": a.Delta, "reason": a.Reason, "note": a.Note, "movement_id": m.ID})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// StockMovements lists a product's movements, newest first, at most limit.
func (s *Store) StockMovements(ctx context.Context, productID int64, limit int) ([]StockMovement, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var ms []StockMovement
	err := s.db.WithContext(ctx).Where("product_id = ?", productID).Order("id DESC").Limit(limit).Find(&ms).Error
	if err != nil {
		return nil, fmt.Errorf("stock movements of product %d: %w", productID, err)
	}
	return ms, nil
}
