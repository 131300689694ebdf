package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// What a refund does beside the money (RecordRefund records the money):
// which pieces it gives back, the ledger entries that reverse their sale,
// stock for pieces that come back, and the order's status. The rules
// (README.md, "Refunds"):
//
//   - A whole refund — all the money paid is given back — refunds every
//     piece not refunded yet. The order becomes refunded.
//   - A partial refund that names lines (staff) refunds those pieces; the
//     order becomes refunded once no piece is left, partially_refunded
//     before that.
//   - A partial refund by amount alone (Stripe's charge.refunded, which
//     knows no lines) refunds no piece: the order becomes
//     partially_refunded and is flagged for staff to say which lines it
//     covered (AssignRefundLines).
//   - Every refunded piece of a fulfilled line gets a reversing ledger
//     entry (kind refund, negative figures, reverses_seq = the line's sale
//     entry). Pieces refunded before fulfillment have no sale entry to
//     reverse: fulfillment then ledgers only the pieces left, and never an
//     order refunded in full.
//   - Stock: staff say how many refunded pieces come back (Restock). A
//     whole refund that names no lines puts back every piece of an order
//     that never shipped (they never left CIAP) and flags a shipped one for
//     staff to record what comes back (ReturnRefundedPieces).

// RefundLine names pieces of one order line that a refund gives money back
// for, and how many of them come back to stock.
type RefundLine struct {
	OrderLineID int64
	Quantity    int // pieces refunded, at least 1
	Restock     int // of those, pieces back in stock: 0 to Quantity
}

// RefundedLine is one line's pieces refunded by one refund (table
// refund_lines, append-only): the record of which goods a refund covered,
// whether or not the line had reached the ledger.
type RefundedLine struct {
	ID          int64     `gorm:"primaryKey"`
	PaymentID   int64     `gorm:"not null"` // the refund (payments row of kind refund)
	OrderID     int64     `gorm:"not null"`
	OrderLineID int64     `gorm:"not null"`
	Quantity    int       `gorm:"not null"`
	Actor       string    `gorm:"size:254;not null"`
	CreatedAt   time.Time `gorm:"not null"`
}

// TableName is part of the migration history.
func (RefundedLine) TableName() string { return "refund_lines" }

// maxRefundLines bounds a refund's lines (an order has at most a few dozen).
const maxRefundLines = 200

// validateRefundLines checks the lines' own shape; what the order allows is
// checked against its state (refundState.take).
func validateRefundLines(lines []RefundLine) error {
	if len(lines) > maxRefundLines {
		return Invalid("lines", CodeTooManyLines, "Max", maxRefundLines)
	}
	seen := map[int64]bool{}
	for _, l := range lines {
		switch {
		case l.OrderLineID <= 0 || seen[l.OrderLineID]:
			return Invalid("lines", CodeRefund)
		case l.Quantity < 1:
			return Invalid("quantity", CodeMinOne)
		case l.Restock < 0 || l.Restock > l.Quantity:
			return Invalid("restock", CodeAtMost, "Max", l.Quantity)
		}
		seen[l.OrderLineID] = true
	}
	return nil
}

// refundState is what a locked order's refunds stand on: its lines, the
// pieces of each refunded so far, each line's sale entry (when fulfilled)
// and whether it ever shipped.
type refundState struct {
	o        *Order
	lines    []OrderLine
	refunded map[int64]int   // order line id → pieces refunded so far
	sale     map[int64]int64 // order line id → seq of its sale entry
	shipped  bool
	// taken is, per product, the pieces the order took from stock and
	// has not given back: a made-to-order line took only what was in
	// stock, so a refund never restocks pieces that were never there.
	taken map[int64]int
}

func loadRefundState(tx *gorm.DB, o *Order) (*refundState, error) {
	st := &refundState{o: o, refunded: map[int64]int{}, sale: map[int64]int64{}, taken: map[int64]int{}}
	if err := tx.Where("order_id = ?", o.ID).Order("line_no").Find(&st.lines).Error; err != nil {
		return nil, fmt.Errorf("lines of order %s: %w", o.Number, err)
	}
	var rs []struct {
		OrderLineID int64
		N           int
	}
	err := tx.Model(&RefundedLine{}).Select("order_line_id, SUM(quantity) AS n").
		Where("order_id = ?", o.ID).Group("order_line_id").Scan(&rs).Error
	if err != nil {
		return nil, fmt.Errorf("refunded lines of order %s: %w", o.Number, err)
	}
	for _, r := range rs {
		st.refunded[r.OrderLineID] = r.N
	}
	var sales []struct{ Seq, OrderLineID int64 }
	err = tx.Model(&LedgerEntry{}).Select("seq, order_line_id").
		Where("order_id = ? AND kind = ?", o.ID, LedgerSale).Scan(&sales).Error
	if err != nil {
		return nil, fmt.Errorf("sale entries of order %s: %w", o.Number, err)
	}
	for _, s := range sales {
		st.sale[s.OrderLineID] = s.Seq
	}
	var shipped int64
	err = tx.Model(&OrderStatusChange{}).Where("order_id = ? AND to_status = ?", o.ID, StatusShipped).
		Count(&shipped).Error
	if err != nil {
		return nil, fmt.Errorf("history of order %s: %w", o.Number, err)
	}
	st.shipped = shipped > 0
	var moves []struct {
		ProductID int64
		N         int
	}
	err = tx.Model(&StockMovement{}).Select("product_id, -SUM(delta) AS n").
		Where("order_id = ? AND reason IN ?", o.ID, []StockReason{StockSold, StockReturned}).Group("product_id").Scan(&moves).Error
	if err != nil {
		return nil, fmt.Errorf("stock taken by order %s: %w", o.Number, err)
	}
	for _, m := range moves {
		st.taken[m.ProductID] = m.N
	}
	return st, nil
}

// left is how many pieces of line l are not refunded yet.
func (st *refundState) left(l *OrderLine) int { return l.Quantity - st.refunded[l.ID] }

// allRefunded reports whether no piece is left to refund.
func (st *refundState) allRefunded() bool {
	for i := range st.lines {
		if st.left(&st.lines[i]) > 0 {
			return false
		}
	}
	return true
}

// refundTake is pieces of one line a refund covers.
type refundTake struct {
	line    *OrderLine
	qty     int
	restock int
}

// take turns the lines a refund names into pieces of the order's lines,
// refusing a line of another order or more pieces than are left. With
// whole, every piece left is taken: named lines keep their Restock, the
// others come back to stock only if the order never shipped.
func (st *refundState) take(named []RefundLine, whole bool) ([]refundTake, error) {
	byID := make(map[int64]*OrderLine, len(st.lines))
	for i := range st.lines {
		byID[st.lines[i].ID] = &st.lines[i]
	}
	asked := make(map[int64]RefundLine, len(named))
	for _, n := range named {
		l, ok := byID[n.OrderLineID]
		if !ok {
			return nil, fmt.Errorf("order %s has no line %d: %w", st.o.Number, n.OrderLineID, ErrNotFound)
		}
		if n.Quantity > st.left(l) {
			return nil, Invalid("quantity", CodeQuantity, "Max", st.left(l))
		}
		asked[l.ID] = n
	}
	var takes []refundTake
	for i := range st.lines {
		l := &st.lines[i]
		n, ok := asked[l.ID]
		switch {
		case whole && st.left(l) == 0:
		case whole && ok:
			takes = append(takes, refundTake{line: l, qty: st.left(l), restock: n.Restock})
		case whole && !st.shipped:
			back := min(st.left(l), max(st.taken[l.ProductID], 0))
			st.taken[l.ProductID] -= back
			takes = append(takes, refundTake{line: l, qty: st.left(l), restock: back})
		case whole:
			takes = append(takes, refundTake{line: l, qty: st.left(l)})
		case ok:
			takes = append(takes, refundTake{line: l, qty: n.Quantity, restock: n.Restock})
		}
	}
	return takes, nil
}

// apply writes what the takes of refund r do, inside tx: refund lines,
// stock back, and reversing ledger entries (last: the chain head's lock is
// the one every fulfillment shares).
func (st *refundState) apply(tx *gorm.DB, r *Payment, takes []refundTake, actor string) error {
	o := st.o
	now := time.Now().UTC()
	var (
		rows    []RefundedLine
		entries []LedgerEntry
	)
	for _, t := range takes {
		rows = append(rows, RefundedLine{PaymentID: r.ID, OrderID: o.ID, OrderLineID: t.line.ID, Quantity: t.qty,
			Actor: actor, CreatedAt: now})
		st.refunded[t.line.ID] += t.qty
		if t.restock > 0 {
			m, err := adjustStock(tx, actor, StockAdjustment{ProductID: t.line.ProductID, Delta: t.restock,
				Reason: StockReturned, Note: clip("refund "+r.Reference+" of order "+o.Number, 500), OrderID: &o.ID})
			if err != nil {
				return fmt.Errorf("return stock of order %s: %w", o.Number, err)
			}
			o.stockMoves = append(o.stockMoves, stockMovesOf(m)...)
		}
		if seq, ok := st.sale[t.line.ID]; ok {
			e, err := refundEntry(t.line, t.qty, seq)
			if err != nil {
				return fmt.Errorf("ledger refund entry of order %s: %w", o.Number, err)
			}
			entries = append(entries, e)
		}
	}
	if len(rows) > 0 {
		if err := tx.Create(&rows).Error; err != nil {
			return dbError(err, "record refunded lines of order "+o.Number)
		}
	}
	if err := appendLedger(tx, entries); err != nil {
		return fmt.Errorf("ledger of order %s: %w", o.Number, err)
	}
	return nil
}

// refundEntry reverses qty pieces of a line's sale entry: the sale's
// figures for those pieces, from the same snapshot, negated.
func refundEntry(l *OrderLine, qty int, saleSeq int64) (LedgerEntry, error) {
	part := *l
	part.Quantity = qty
	e, err := saleEntry(&part)
	if err != nil {
		return e, err
	}
	e.Kind, e.ReversesSeq = LedgerRefund, &saleSeq
	e.Quantity = -e.Quantity
	for _, f := range []*int64{&e.ArtisanLabour, &e.ArtisanMaterials, &e.CommunityFund, &e.PaidToArtisans,
		&e.LocalMarketPrice, &e.Surplus} {
		*f = -*f
	}
	return e, nil
}

// settle moves the order after a refund: refunded once no piece is left
// (or all money went back), partially_refunded otherwise, with a history
// record; an order refunded already stays so. Flags tell staff what only
// they can say.
func (st *refundState) settle(tx *gorm.DB, r *Payment, whole, named bool, actor string) error {
	o := st.o
	to := StatusPartiallyRefunded
	if whole || st.allRefunded() {
		to = StatusRefunded
	}
	if o.Status != StatusRefunded {
		note := fmt.Sprintf("refund of %s %s (%s)", r.Money().Decimal(), r.Currency, r.Reference)
		if r.Note != "" {
			note += ": " + r.Note
		}
		if err := transition(tx, o, to, actor, note); err != nil {
			return err
		}
	}
	switch {
	case !whole && !named && to == StatusPartiallyRefunded:
		return flagOrder(tx, o, fmt.Sprintf("refund %s of %s %s names no lines: say which pieces it covered",
			r.Reference, r.Money().Decimal(), r.Currency))
	case whole && !named && st.shipped:
		return flagOrder(tx, o, fmt.Sprintf("refunded in full after shipping (%s): record the pieces that come back to stock",
			r.Reference))
	}
	return nil
}

// refundable sums an order's applied payments minus its refunds in cur.
func refundable(ps []Payment, cur Currency) int64 {
	var balance int64
	for _, x := range ps {
		if x.Currency != cur || x.Outcome != PaymentApplied {
			continue
		}
		if x.Kind == KindPayment {
			balance += x.Amount
		} else {
			balance -= x.Amount
		}
	}
	return balance
}

// RefundOrderInput asks to cancel a paid order: a whole refund of what is
// left to refund, by the order's payment method.
type RefundOrderInput struct {
	OrderID   int64
	Reference string // the bank's or Stripe's reference of the money sent back
	Actor     string
	Note      string
}

// RefundOrder cancels a paid order, which is a whole refund (RecordRefund
// with All): every piece not refunded yet is refunded, its sale reversed
// in the ledger, the pieces of an order that never shipped are back in
// stock, and the order becomes refunded. The same reference again changes
// nothing (recorded is false).
func (s *Store) RefundOrder(ctx context.Context, in RefundOrderInput) (o *Order, recorded bool, err error) {
	var cur struct {
		Currency      Currency
		PaymentMethod PaymentMethod
	}
	err = s.db.WithContext(ctx).Model(&Order{}).Select("currency, payment_method").Where("id = ?", in.OrderID).
		Take(&cur).Error
	if err != nil {
		return nil, false, dbError(err, fmt.Sprintf("order %d", in.OrderID))
	}
	return s.RecordRefund(ctx, RefundInput{OrderID: in.OrderID, Method: cur.PaymentMethod,
		Amount: Money{Currency: cur.Currency}, All: true, Reference: in.Reference, Actor: in.Actor,
		Note: in.Note})
}

// AssignRefundLinesInput says which pieces a refund recorded by amount
// alone (a partial Stripe refund) covered.
type AssignRefundLinesInput struct {
	RefundID int64 // the payments row of kind refund
	Lines    []RefundLine
	Actor    string
	Note     string
}

// AssignRefundLines records, once per refund, which pieces a refund
// recorded without lines covered, in one audited transaction: refunded
// lines, stock back, reversing ledger entries for fulfilled lines, and the
// order refunded once no piece is left. A refund whose lines are said
// already changes nothing (recorded is false). The order's flag stays
// until staff resolve it.
func (s *Store) AssignRefundLines(ctx context.Context, in AssignRefundLinesInput) (o *Order, recorded bool, err error) {
	in.Actor, in.Note = strings.TrimSpace(in.Actor), strings.TrimSpace(in.Note)
	if in.Actor == "" {
		return nil, false, errors.New("refund lines without an actor")
	}
	if len(in.Lines) == 0 {
		return nil, false, Invalid("lines", CodeRequired)
	}
	if err := validateRefundLines(in.Lines); err != nil {
		return nil, false, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r Payment
		if err := tx.Where("kind = ? AND outcome = ?", KindRefund, PaymentApplied).Take(&r, in.RefundID).Error; err != nil {
			return dbError(err, fmt.Sprintf("refund %d", in.RefundID))
		}
		if o, err = lockOrder(tx, r.OrderID); err != nil {
			return err
		}
		var said int64
		if err := tx.Model(&RefundedLine{}).Where("payment_id = ?", r.ID).Count(&said).Error; err != nil {
			return fmt.Errorf("lines of refund %d: %w", r.ID, err)
		}
		if said > 0 {
			return nil
		}
		st, err := loadRefundState(tx, o)
		if err != nil {
			return err
		}
		takes, err := st.take(in.Lines, false)
		if err != nil {
			return err
		}
		if err := st.apply(tx, &r, takes, in.Actor); err != nil {
			return err
		}
		if st.allRefunded() && o.Status != StatusRefunded {
			if err := transition(tx, o, StatusRefunded, in.Actor, "every piece refunded: "+r.Reference); err != nil {
				return err
			}
		}
		recorded = true
		return writeAudit(tx, in.Actor, ActionUpdate, EntityOrder, o.ID,
			fmt.Sprintf("said which pieces refund %s of order %s covered%s", r.Reference, o.Number, optionalNote(in.Note)),
			nil, map[string]any{"refund_id": r.ID, "lines": in.Lines})
	})
	if err != nil {
		return nil, false, err
	}
	s.afterStockMoved(o.stockMoves)
	return o, recorded, nil
}

// ReturnLine is pieces of a refunded line that came back to stock.
type ReturnLine struct {
	OrderLineID int64
	Quantity    int
}

// ReturnRefundedPieces puts back in stock refunded pieces that came back
// after the refund was recorded (a shipped order refunded in full by
// Stripe, say): one "returned" stock movement per line, naming the order,
// in one transaction. A line cannot get back more pieces than were
// refunded minus those back already, so a form sent twice is refused the
// second time rather than counted twice.
func (s *Store) ReturnRefundedPieces(ctx context.Context, orderID int64, lines []ReturnLine, actor, note string) (*Order, error) {
	actor, note = strings.TrimSpace(actor), strings.TrimSpace(note)
	if actor == "" {
		return nil, errors.New("return pieces without an actor")
	}
	if len(lines) == 0 || len(lines) > maxRefundLines {
		return nil, Invalid("lines", CodeRequired)
	}
	var o *Order
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if o, err = lockOrder(tx, orderID); err != nil {
			return err
		}
		st, err := loadRefundState(tx, o)
		if err != nil {
			return err
		}
		var back []struct {
			ProductID int64
			N         int
		}
		err = tx.Model(&StockMovement{}).Select("product_id, SUM(delta) AS n").
			Where("order_id = ? AND reason = ?", o.ID, StockReturned).Group("product_id").Scan(&back).Error
		if err != nil {
			return fmt.Errorf("pieces of order %s back in stock: %w", o.Number, err)
		}
		returned := map[int64]int{}
		for _, b := range back {
			returned[b.ProductID] = b.N
		}
		seen := map[int64]bool{}
		for _, rl := range lines {
			var l *OrderLine
			for i := range st.lines {
				if st.lines[i].ID == rl.OrderLineID {
					l = &st.lines[i]
				}
			}
			if l == nil || seen[l.ID] {
				return fmt.Errorf("order %s has no line %d: %w", o.Number, rl.OrderLineID, ErrNotFound)
			}
			seen[l.ID] = true
			most := st.refunded[l.ID] - returned[l.ProductID]
			if rl.Quantity < 1 || rl.Quantity > most {
				return Invalid("quantity", CodeQuantity, "Max", most)
			}
			text := "refunded pieces of order " + o.Number + " back"
			if note != "" {
				text += ": " + note
			}
			m, err := adjustStock(tx, actor, StockAdjustment{ProductID: l.ProductID, Delta: rl.Quantity,
				Reason: StockReturned, Note: clip(text, 500), OrderID: &o.ID})
			if err != nil {
				return fmt.Errorf("return stock of order %s: %w", o.Number, err)
			}
			o.stockMoves = append(o.stockMoves, stockMovesOf(m)...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.afterStockMoved(o.stockMoves)
	return o, nil
}

// RefundedLinesOfOrder lists which pieces each of an order's refunds
// covered, oldest first.
func (s *Store) RefundedLinesOfOrder(ctx context.Context, orderID int64) ([]RefundedLine, error) {
	var rs []RefundedLine
	if err := s.db.WithContext(ctx).Where("order_id = ?", orderID).Order("id").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("refunded lines of order %d: %w", orderID, err)
	}
	return rs, nil
}

// fulfillable reports whether FulfillOrder hands o to fulfillment: a paid
// order, or one partially refunded before it was ever fulfilled (no work
// orders yet; the pieces left are fulfilled). An order refunded in full,
// or any other, is left alone.
func fulfillable(tx *gorm.DB, o *Order) (bool, error) {
	switch o.Status {
	case StatusPaid:
		return true, nil
	case StatusPartiallyRefunded:
		var n int64
		if err := tx.Model(&WorkOrder{}).Where("order_id = ?", o.ID).Count(&n).Error; err != nil {
			return false, fmt.Errorf("work orders of order %s: %w", o.Number, err)
		}
		return n == 0, nil
	}
	return false, nil
}

// netOfRefunds takes the pieces refunded before fulfillment off o's
// loaded lines, dropping lines refunded whole, so work orders and sale
// entries cover what is left to send.
func netOfRefunds(tx *gorm.DB, o *Order) error {
	if o.Status != StatusPartiallyRefunded {
		return nil
	}
	st, err := loadRefundState(tx, o)
	if err != nil {
		return err
	}
	lines := o.Lines[:0]
	for _, l := range o.Lines {
		if l.Quantity -= st.refunded[l.ID]; l.Quantity > 0 {
			lines = append(lines, l)
		}
	}
	o.Lines = lines
	return nil
}

// refusedPayment is the order's payment with this method and reference if
// the order refused it (a second payment, one after expiry or of the wrong
// amount), nil otherwise.
func refusedPayment(ps []Payment, method PaymentMethod, reference string) *Payment {
	reference = strings.TrimSpace(reference)
	if reference == "" {
		return nil
	}
	for i := range ps {
		x := &ps[i]
		if x.Kind == KindPayment && x.Method == method && x.Reference == reference {
			if x.Outcome == PaymentRefused {
				return x
			}
			return nil
		}
	}
	return nil
}

// refundRefused records the refund of a payment a paid order refused: money
// the order never took goes back, so no piece, ledger entry, stock or
// status changes. It is kept refused with the payment's reason, which
// keeps it out of what the order's own payments can still refund. The
// order's refused payments minus their refunds bound it.
func refundRefused(tx *gorm.DB, o *Order, ps []Payment, paid *Payment, p *PaymentInput, amount Money) error {
	var left int64
	for _, x := range ps {
		if x.Outcome != PaymentRefused || x.Currency != amount.Currency {
			continue
		}
		if x.Kind == KindPayment {
			left += x.Amount
		} else {
			left -= x.Amount
		}
	}
	if amount.Amount > left {
		return fmt.Errorf("order %s: refund of %s %s of refused payment %s, %s refundable: %w", o.Number,
			amount.Decimal(), amount.Currency, paid.Reference, Money{Amount: left, Currency: amount.Currency}.Decimal(),
			ErrRefundTooLarge)
	}
	r := Payment{OrderID: o.ID, Kind: KindRefund, Method: p.Method, Currency: amount.Currency, Amount: amount.Amount,
		Reference: p.Reference, DedupeKey: p.dedupeKey(), Outcome: PaymentRefused, Refusal: paid.Refusal,
		ReceivedAt: p.ReceivedAt.UTC(), Actor: p.Actor,
		Note: clip(strings.TrimSpace("refund of refused payment "+paid.Reference+". "+p.Note), 1000)}
	if p.ProviderEventID != "" {
		r.ProviderEventID = &p.ProviderEventID
	}
	if err := tx.Create(&r).Error; err != nil {
		return dbError(err, "record refund of a refused payment of order "+o.Number)
	}
	o.Payments = append(ps, r)
	return nil
}
