package models

import (
	"context"
	"fmt"
)

// OrderTrail is an order's evidence for a reviewer: its lines (each with
// the breakdown snapshot it was sold under), the ledger entries written
// for them (sales and the reversing entries of refunds), and the payouts
// that say they cover the order (payout_orders), with their corrections.
type OrderTrail struct {
	Order   *Order
	Entries []LedgerEntry // in chain order
	Payouts []Payout      // oldest first; a correction after what it corrects
}

// EntriesOfLine are the trail's entries for one order line.
func (t *OrderTrail) EntriesOfLine(lineID int64) []LedgerEntry {
	var es []LedgerEntry
	for _, e := range t.Entries {
		if e.OrderLineID == lineID {
			es = append(es, e)
		}
	}
	return es
}

// OrderTrail loads the trail of the order with this number.
func (s *Store) OrderTrail(ctx context.Context, number string) (*OrderTrail, error) {
	o, err := s.OrderByNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	t := &OrderTrail{Order: o}
	if t.Entries, err = s.LedgerEntriesOfOrder(ctx, o.ID); err != nil {
		return nil, err
	}
	covering := s.db.Table("payout_orders").Select("payout_id").Where("order_id = ?", o.ID)
	err = s.db.WithContext(ctx).Where("id IN (?) OR reverses_id IN (?)", covering, covering).
		Order("id").Find(&t.Payouts).Error
	if err != nil {
		return nil, fmt.Errorf("payouts covering order %s: %w", number, err)
	}
	for i := range t.Payouts {
		t.Payouts[i].PaidOn = day(t.Payouts[i].PaidOn)
	}
	return t, nil
}
