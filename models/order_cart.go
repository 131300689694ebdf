package models

import (
	"fmt"

	"gorm.io/gorm"
)

// ErrCartChanged refuses an order whose cart no longer holds the lines the
// checkout read: another checkout of the same cart (a double click, a
// second tab) took it first, or the buyer changed it meanwhile.
var ErrCartChanged = fmt.Errorf("%w: the cart changed during checkout", ErrConflict)

// takeCart empties the cart an order is made from, in the order's
// transaction, after checking that it still holds exactly the asked lines.
// Its lines are locked first (PostgreSQL), so of two checkouts of one cart
// the second waits, then finds it empty and is refused: one cart makes at
// most one order.
func takeCart(tx *gorm.DB, k CartKey, asked []OrderLineInput) error {
	id, err := findCart(tx, k)
	if err != nil {
		return err
	}
	var lines []CartLine
	if id != 0 {
		if err := forUpdate(tx).Where("cart_id = ?", id).Order("id").Find(&lines).Error; err != nil {
			return fmt.Errorf("lock cart lines: %w", err)
		}
	}
	want := map[int64]int{}
	for _, l := range asked {
		want[l.ProductID] += l.Quantity
	}
	if len(lines) != len(want) {
		return ErrCartChanged
	}
	for _, l := range lines {
		if want[l.ProductID] != l.Quantity {
			return ErrCartChanged
		}
	}
	if err := tx.Where("cart_id = ?", id).Delete(&CartLine{}).Error; err != nil {
		return fmt.Errorf("clear cart: %w", err)
	}
	return nil
}
