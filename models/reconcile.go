package models

import (
	"context"
	"fmt"
	"time"
)

// Reconciliation checks a group's ledger against the orders, for the
// orders paid in a period: each paid line's snapshot, less the pieces
// refunded (refund_lines), is what the ledger should hold for it, net.
// Every line where it does not is listed, with what was expected and
// what the ledger holds; nothing is netted away. Payouts and advances made
// in the period stand beside the totals. Amounts are in soles.
type Reconciliation struct {
	GroupID  int64
	From, To time.Time // the first and last day, in Peru's time
	Totals   ReconcileTotals
	// Differences lists, line by line in order, every mismatch.
	Differences []ReconcileDifference
}

// ReconcileTotals are the period's sums.
type ReconcileTotals struct {
	Orders, Lines int
	// From the lines' snapshots: sold, refunded (pieces in refund_lines),
	// and the net the ledger should hold.
	SoldPaid, RefundedPaid, ExpectedPaid Money
	ExpectedSurplus                      Money
	// From the ledger entries of those lines.
	Entries                   int
	LedgerPaid, LedgerSurplus Money
	// Beside them: money sent to the group in the period.
	Payouts, Advances Money
}

// ReconcileKind says what a difference is.
type ReconcileKind string

// The differences a reconciliation finds.
const (
	// A paid line with no ledger entry at all (fulfillment never ran).
	ReconcileMissingEntry ReconcileKind = "missing_entry"
	// Pieces refunded that no reversing entry takes out of the ledger.
	ReconcileRefundNotReversed ReconcileKind = "refund_not_reversed"
	// Entries whose net differs from the line's snapshot.
	ReconcileAmountsDiffer ReconcileKind = "amounts_differ"
	// An entry of this group for an order that was never paid.
	ReconcileUnpaidOrder ReconcileKind = "unpaid_order"
)

// ReconcileDifference is one line that does not reconcile.
type ReconcileDifference struct {
	Kind                             ReconcileKind
	OrderID                          int64
	OrderNumber                      string
	OrderLineID                      int64
	ProductSlug                      string
	ExpectedQuantity, LedgerQuantity int
	ExpectedPaid, LedgerPaid         Money
	ExpectedSurplus, LedgerSurplus   Money
}

// Reconcile reconciles a group's ledger for the orders paid from the day
// from to the day to, both included (dates in Peru's time).
func (s *Store) Reconcile(ctx context.Context, groupID int64, from, to time.Time) (*Reconciliation, error) {
	rs, err := s.ReconcileGroups(ctx, []int64{groupID}, from, to)
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// ReconcileGroups reconciles each group over the same period, in the
// order given, with the same five queries whatever the number of groups.
func (s *Store) ReconcileGroups(ctx context.Context, groupIDs []int64, from, to time.Time) ([]*Reconciliation, error) {
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, limaZone)
	to = time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, limaZone)
	if to.Before(from) {
		return nil, fmt.Errorf("reconcile: period ends (%s) before it starts (%s): %w",
			to.Format(time.DateOnly), from.Format(time.DateOnly), ErrInvalid)
	}
	out := make([]*Reconciliation, len(groupIDs))
	byGroup := make(map[int64]*Reconciliation, len(groupIDs))
	for i, id := range groupIDs {
		out[i] = &Reconciliation{GroupID: id, From: from, To: to}
		byGroup[id] = out[i]
	}
	if len(groupIDs) == 0 {
		return out, nil
	}
	end := to.AddDate(0, 0, 1)
	db := s.db.WithContext(ctx)
	var lines []struct {
		ID          int64
		GroupID     int64
		OrderID     int64
		Number      string
		ProductSlug string
		Quantity    int
		UnitPaid    int64
		UnitLocal   int64
		Refunded    int
	}
	err := rawScan(db, &lines, `SELECT l.id, l.group_id, l.order_id, o.number, l.product_slug, l.quantity,
			l.artisan_labour + l.artisan_materials + l.community_fund AS unit_paid, l.local_market_price AS unit_local,
			COALESCE((SELECT SUM(rl.quantity) FROM refund_lines rl WHERE rl.order_line_id = l.id), 0) AS refunded
		FROM order_lines l JOIN orders o ON o.id = l.order_id
		WHERE l.group_id IN ? AND o.paid_at >= ? AND o.paid_at < ?
		ORDER BY o.id, l.line_no`, groupIDs, from.UTC(), end.UTC())
	if err != nil {
		return nil, fmt.Errorf("reconcile groups %v: paid lines: %w", groupIDs, err)
	}
	type net struct {
		entries, qty   int
		paid, surplus  int64
		sales, refunds int
	}
	var entries []struct {
		GroupID        int64
		OrderLineID    int64
		Kind           LedgerKind
		Quantity       int
		PaidToArtisans int64
		Surplus        int64
	}
	err = rawScan(db, &entries, `SELECT e.group_id, e.order_line_id, e.kind, e.quantity, e.paid_to_artisans, e.surplus
		FROM ledger_entries e JOIN orders o ON o.id = e.order_id
		WHERE e.group_id IN ? AND o.paid_at >= ? AND o.paid_at < ?`, groupIDs, from.UTC(), end.UTC())
	if err != nil {
		return nil, fmt.Errorf("reconcile groups %v: ledger entries: %w", groupIDs, err)
	}
	byLine := map[int64]*net{} // order line IDs are the shop's, not a group's
	for _, e := range entries {
		n := byLine[e.OrderLineID]
		if n == nil {
			n = &net{}
			byLine[e.OrderLineID] = n
		}
		n.entries++
		n.qty += e.Quantity
		n.paid += e.PaidToArtisans
		n.surplus += e.Surplus
		if e.Kind == LedgerRefund {
			n.refunds++
		} else {
			n.sales++
		}
		t := &byGroup[e.GroupID].Totals
		t.Entries++
		t.LedgerPaid.Amount += e.PaidToArtisans
		t.LedgerSurplus.Amount += e.Surplus
	}
	orders := map[int64]map[int64]bool{}
	for _, l := range lines {
		r := byGroup[l.GroupID]
		if orders[l.GroupID] == nil {
			orders[l.GroupID] = map[int64]bool{}
		}
		orders[l.GroupID][l.OrderID] = true
		r.Totals.Lines++
		kept := l.Quantity - l.Refunded
		sold, refunded := l.UnitPaid*int64(l.Quantity), l.UnitPaid*int64(l.Refunded)
		wantPaid, wantSurplus := l.UnitPaid*int64(kept), (l.UnitPaid-l.UnitLocal)*int64(kept)
		r.Totals.SoldPaid.Amount += sold
		r.Totals.RefundedPaid.Amount += refunded
		r.Totals.ExpectedPaid.Amount += wantPaid
		r.Totals.ExpectedSurplus.Amount += wantSurplus
		got := byLine[l.ID]
		if got == nil {
			got = &net{}
		}
		if got.qty == kept && got.paid == wantPaid && got.surplus == wantSurplus {
			continue
		}
		kind := ReconcileAmountsDiffer
		switch {
		case got.entries == 0:
			kind = ReconcileMissingEntry
		case l.Refunded > 0 && got.refunds == 0 && got.qty == l.Quantity:
			kind = ReconcileRefundNotReversed
		}
		r.Differences = append(r.Differences, ReconcileDifference{Kind: kind, OrderID: l.OrderID, OrderNumber: l.Number,
			OrderLineID: l.ID, ProductSlug: l.ProductSlug, ExpectedQuantity: kept, LedgerQuantity: got.qty,
			ExpectedPaid: Soles(wantPaid), LedgerPaid: Soles(got.paid),
			ExpectedSurplus: Soles(wantSurplus), LedgerSurplus: Soles(got.surplus)})
	}
	for id, os := range orders {
		byGroup[id].Totals.Orders = len(os)
	}

	// Entries written in the period for orders never paid: no paid line
	// stands behind them.
	var unpaid []struct {
		GroupID        int64
		OrderID        int64
		Number         string
		OrderLineID    int64
		ProductSlug    string
		Quantity       int
		PaidToArtisans int64
		Surplus        int64
	}
	err = rawScan(db, &unpaid, `SELECT e.group_id, e.order_id, o.number, e.order_line_id, l.product_slug, e.quantity, e.paid_to_artisans, e.surplus
		FROM ledger_entries e JOIN orders o ON o.id = e.order_id JOIN order_lines l ON l.id = e.order_line_id
		WHERE e.group_id IN ? AND o.paid_at IS NULL AND e.created_at >= ? AND e.created_at < ?
		ORDER BY e.seq`, groupIDs, from.UTC(), end.UTC())
	if err != nil {
		return nil, fmt.Errorf("reconcile groups %v: entries of unpaid orders: %w", groupIDs, err)
	}
	for _, u := range unpaid {
		r := byGroup[u.GroupID]
		r.Differences = append(r.Differences, ReconcileDifference{Kind: ReconcileUnpaidOrder, OrderID: u.OrderID,
			OrderNumber: u.Number, OrderLineID: u.OrderLineID, ProductSlug: u.ProductSlug,
			LedgerQuantity: u.Quantity, ExpectedPaid: Soles(0), LedgerPaid: Soles(u.PaidToArtisans),
			ExpectedSurplus: Soles(0), LedgerSurplus: Soles(u.Surplus)})
	}

	for _, q := range []struct {
		table string
		dst   func(*Reconciliation) *Money
	}{
		{"payouts", func(r *Reconciliation) *Money { return &r.Totals.Payouts }},
		{"advances", func(r *Reconciliation) *Money { return &r.Totals.Advances }},
	} {
		var sums []struct {
			GroupID int64
			Sum     int64
		}
		err := db.Table(q.table).Select("group_id, COALESCE(SUM(amount), 0) AS sum").
			Where("group_id IN ? AND currency = ? AND paid_on >= ? AND paid_on <= ?", groupIDs, PEN,
				from.Format(time.DateOnly), to.Format(time.DateOnly)).Group("group_id").Scan(&sums).Error
		if err != nil {
			return nil, fmt.Errorf("reconcile groups %v: %s: %w", groupIDs, q.table, err)
		}
		for _, r := range out {
			*q.dst(r) = Soles(0)
		}
		for _, sm := range sums {
			*q.dst(byGroup[sm.GroupID]) = Soles(sm.Sum)
		}
	}
	for _, r := range out {
		for _, m := range []*Money{&r.Totals.SoldPaid, &r.Totals.RefundedPaid, &r.Totals.ExpectedPaid,
			&r.Totals.ExpectedSurplus, &r.Totals.LedgerPaid, &r.Totals.LedgerSurplus} {
			m.Currency = PEN
		}
	}
	return out, nil
}
