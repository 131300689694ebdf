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
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, limaZone)
	to = time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, limaZone)
	if to.Before(from) {
		return nil, fmt.Errorf("reconcile: period ends (%s) before it starts (%s): %w",
			to.Format(time.DateOnly), from.Format(time.DateOnly), ErrInvalid)
	}
	end := to.AddDate(0, 0, 1)
	r := &Reconciliation{GroupID: groupID, From: from, To: to}
	db := s.db.WithContext(ctx)
	var lines []struct {
		ID          int64
		OrderID     int64
		Number      string
		ProductSlug string
		Quantity    int
		UnitPaid    int64
		UnitLocal   int64
		Refunded    int
	}
	err := db.Raw(`SELECT l.id, l.order_id, o.number, l.product_slug, l.quantity,
			l.artisan_labour + l.artisan_materials + l.community_fund AS unit_paid, l.local_market_price AS unit_local,
			COALESCE((SELECT SUM(rl.quantity) FROM refund_lines rl WHERE rl.order_line_id = l.id), 0) AS refunded
		FROM order_lines l JOIN orders o ON o.id = l.order_id
		WHERE l.group_id = ? AND o.paid_at >= ? AND o.paid_at < ?
		ORDER BY o.id, l.line_no`, groupID, from.UTC(), end.UTC()).Scan(&lines).Error
	if err != nil {
		return nil, fmt.Errorf("reconcile group %d: paid lines: %w", groupID, err)
	}
	type net struct {
		entries, qty   int
		paid, surplus  int64
		sales, refunds int
	}
	var entries []struct {
		OrderLineID    int64
		Kind           LedgerKind
		Quantity       int
		PaidToArtisans int64
		Surplus        int64
	}
	err = db.Raw(`SELECT e.order_line_id, e.kind, e.quantity, e.paid_to_artisans, e.surplus
		FROM ledger_entries e JOIN orders o ON o.id = e.order_id
		WHERE e.group_id = ? AND o.paid_at >= ? AND o.paid_at < ?`, groupID, from.UTC(), end.UTC()).Scan(&entries).Error
	if err != nil {
		return nil, fmt.Errorf("reconcile group %d: ledger entries: %w", groupID, err)
	}
	byLine := map[int64]*net{}
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
		r.Totals.Entries++
		r.Totals.LedgerPaid.Amount += e.PaidToArtisans
		r.Totals.LedgerSurplus.Amount += e.Surplus
	}
	orders := map[int64]bool{}
	for _, l := range lines {
		orders[l.OrderID] = true
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
	r.Totals.Orders, r.Totals.Lines = len(orders), len(lines)

	// Entries written in the period for orders never paid: no paid line
	// stands behind them.
	var unpaid []struct {
		OrderID        int64
		Number         string
		OrderLineID    int64
		ProductSlug    string
		Quantity       int
		PaidToArtisans int64
		Surplus        int64
	}
	err = db.Raw(`SELECT e.order_id, o.number, e.order_line_id, l.product_slug, e.quantity, e.paid_to_artisans, e.surplus
		FROM ledger_entries e JOIN orders o ON o.id = e.order_id JOIN order_lines l ON l.id = e.order_line_id
		WHERE e.group_id = ? AND o.paid_at IS NULL AND e.created_at >= ? AND e.created_at < ?
		ORDER BY e.seq`, groupID, from.UTC(), end.UTC()).Scan(&unpaid).Error
	if err != nil {
		return nil, fmt.Errorf("reconcile group %d: entries of unpaid orders: %w", groupID, err)
	}
	for _, u := range unpaid {
		r.Differences = append(r.Differences, ReconcileDifference{Kind: ReconcileUnpaidOrder, OrderID: u.OrderID,
			OrderNumber: u.Number, OrderLineID: u.OrderLineID, ProductSlug: u.ProductSlug,
			LedgerQuantity: u.Quantity, ExpectedPaid: Soles(0), LedgerPaid: Soles(u.PaidToArtisans),
			ExpectedSurplus: Soles(0), LedgerSurplus: Soles(u.Surplus)})
	}

	for _, q := range []struct {
		table string
		dst   *Money
	}{{"payouts", &r.Totals.Payouts}, {"advances", &r.Totals.Advances}} {
		var sum int64
		err := db.Table(q.table).Select("COALESCE(SUM(amount), 0)").
			Where("group_id = ? AND currency = ? AND paid_on >= ? AND paid_on <= ?", groupID, PEN,
				from.Format(time.DateOnly), to.Format(time.DateOnly)).Scan(&sum).Error
		if err != nil {
			return nil, fmt.Errorf("reconcile group %d: %s: %w", groupID, q.table, err)
		}
		*q.dst = Soles(sum)
	}
	for _, m := range []*Money{&r.Totals.SoldPaid, &r.Totals.RefundedPaid, &r.Totals.ExpectedPaid,
		&r.Totals.ExpectedSurplus, &r.Totals.LedgerPaid, &r.Totals.LedgerSurplus} {
		m.Currency = PEN
	}
	return r, nil
}
