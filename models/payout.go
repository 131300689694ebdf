package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Money CIAP sends producing groups (WFTO Principle 3): payouts for what
// their sales earned, and advances (prefinance) paid before goods are
// sold. Both are append-only; a mistake is corrected by a reversing
// record carrying the negative amount, so a group's sums are what was
// really sent. A group's balance (GroupBalance) nets both against what
// its ledger entries owe it.

// Audit actions of money sent to groups.
const (
	ActionPayout  = "payout"
	ActionAdvance = "advance"
)

// Payout is money CIAP transferred to a group for its sales.
type Payout struct {
	ID            int64     `gorm:"primaryKey"`
	GroupID       int64     `gorm:"not null"`
	PaidOn        time.Time `gorm:"type:date;not null"` // the transfer's day (midnight UTC)
	Currency      Currency  `gorm:"size:3;not null"`
	Amount        int64     `gorm:"not null"` // negative on a reversal
	BankReference string    `gorm:"size:255;not null"`
	Covers        string    `gorm:"size:1000;not null"` // what it pays for, in words
	Note          string    `gorm:"size:1000;not null"`
	Actor         string    `gorm:"size:254;not null"`
	CreatedAt     time.Time `gorm:"not null"`
	ReversesID    *int64    // the payout this record corrects
	// OrderIDs are the orders it covers (table payout_orders), when said.
	OrderIDs []int64 `gorm:"-"`
}

// TableName is part of the migration history.
func (Payout) TableName() string { return "payouts" }

// Money is the payout's amount.
func (p *Payout) Money() Money { return Money{Amount: p.Amount, Currency: p.Currency} }

// Advance is money paid to a group before its goods are sold.
type Advance struct {
	ID         int64     `gorm:"primaryKey"`
	GroupID    int64     `gorm:"not null"`
	PaidOn     time.Time `gorm:"type:date;not null"`
	Currency   Currency  `gorm:"size:3;not null"`
	Amount     int64     `gorm:"not null"` // negative on a reversal
	Reference  string    `gorm:"size:255;not null"`
	Note       string    `gorm:"size:1000;not null"`
	Actor      string    `gorm:"size:254;not null"`
	CreatedAt  time.Time `gorm:"not null"`
	ReversesID *int64    // the advance this record corrects
	// ProductionOrderID is the made-to-order batch it prefinances, if any.
	ProductionOrderID *int64
}

// TableName is part of the migration history.
func (Advance) TableName() string { return "advances" }

// Money is the advance's amount.
func (a *Advance) Money() Money { return Money{Amount: a.Amount, Currency: a.Currency} }

// PayoutInput is a transfer staff record, as the bank statement shows it.
type PayoutInput struct {
	GroupID       int64
	PaidOn        time.Time
	Amount        Money
	BankReference string
	Covers        string
	OrderIDs      []int64 // orders it pays for; optional
	Note          string
}

// AdvanceInput is an advance staff record.
type AdvanceInput struct {
	GroupID   int64
	PaidOn    time.Time
	Amount    Money
	Reference string
	Note      string
	// ProductionOrderID (optional) names the group's production order
	// the advance prefinances.
	ProductionOrderID int64
}

// maxPayoutOrders bounds the orders one payout names.
const maxPayoutOrders = 1000

// validateTransfer checks what payouts and advances share: a positive
// amount in a known currency, a day not in the future, a reference.
func validateTransfer(v *ValidationError, paidOn time.Time, amount Money, reference, note string) {
	if amount.Amount <= 0 {
		v.add("amount", CodePositive)
	}
	if !ledgerCurrencyRE.MatchString(string(amount.Currency)) {
		v.add("currency", CodeCurrency)
	}
	switch {
	case paidOn.IsZero():
		v.add("paid_on", CodeRequired)
	case paidOn.After(time.Now().Add(24 * time.Hour)):
		v.add("paid_on", CodeFuture)
	}
	switch {
	case reference == "":
		v.add("reference", CodeBankReference)
	case len(reference) > 255:
		v.add("reference", CodeTooLong, "Max", 255)
	}
	if len([]rune(note)) > 1000 {
		v.add("note", CodeTooLong, "Max", 1000)
	}
}

// day is t's calendar day, as midnight UTC (the date the bank shows).
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// lockGroup locks a producing group's row, so one group's payouts and
// advances are recorded one after the other (a reference checked free
// stays free until the commit).
func lockGroup(tx *gorm.DB, id int64) (*Group, error) {
	var g Group
	if err := forUpdate(tx).Take(&g, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, Invalid("group", CodeGroup)
		}
		return nil, fmt.Errorf("group %d: %w", id, err)
	}
	return &g, nil
}

// moneyTx runs fn in one transaction after checking the actor. Money sent
// to groups is not catalog: no catalog version bump.
func (e *Editor) moneyTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if err := e.check(); err != nil {
		return err
	}
	return e.s.db.WithContext(ctx).Transaction(fn)
}

// RecordPayout records a transfer to a group, with the orders it covers,
// and its audit entry, in one transaction. The same bank reference twice
// for one group (a form sent twice) is refused with ErrConflict unless
// the first was reversed.
func (e *Editor) RecordPayout(ctx context.Context, in PayoutInput) (*Payout, error) {
	in.BankReference, in.Covers, in.Note = strings.TrimSpace(in.BankReference), strings.TrimSpace(in.Covers), strings.TrimSpace(in.Note)
	var v ValidationError
	validateTransfer(&v, in.PaidOn, in.Amount, in.BankReference, in.Note)
	if len([]rune(in.Covers)) > 1000 {
		v.add("covers", CodeTooLong, "Max", 1000)
	}
	if in.Covers == "" && len(in.OrderIDs) == 0 {
		v.add("covers", CodeRequired)
	}
	if len(in.OrderIDs) > maxPayoutOrders {
		v.add("orders", CodeAtMost, "Max", maxPayoutOrders)
	}
	if err := v.orNil(); err != nil {
		return nil, err
	}
	ids := uniqueIDs(in.OrderIDs)
	p := &Payout{GroupID: in.GroupID, PaidOn: day(in.PaidOn), Currency: in.Amount.Currency, Amount: in.Amount.Amount,
		BankReference: in.BankReference, Covers: in.Covers, Note: in.Note, Actor: e.actor, OrderIDs: ids}
	err := e.moneyTx(ctx, func(tx *gorm.DB) error {
		g, err := lockGroup(tx, in.GroupID)
		if err != nil {
			return err
		}
		var taken int64
		err = tx.Model(&Payout{}).Where(`group_id = ? AND bank_reference = ? AND reverses_id IS NULL
			AND id NOT IN (SELECT reverses_id FROM payouts WHERE reverses_id IS NOT NULL)`, g.ID, p.BankReference).
			Count(&taken).Error
		if err != nil {
			return fmt.Errorf("payouts of group %s: %w", g.Name, err)
		}
		if taken > 0 {
			return fmt.Errorf("group %s has a payout with bank reference %q already: %w", g.Name, p.BankReference, ErrConflict)
		}
		if len(ids) > 0 {
			var n int64
			if err := tx.Model(&Order{}).Where("id IN ?", ids).Count(&n).Error; err != nil {
				return fmt.Errorf("orders of a payout: %w", err)
			}
			if n != int64(len(ids)) {
				return Invalid("orders", CodeRequired)
			}
		}
		p.CreatedAt = time.Now().UTC()
		if err := tx.Create(p).Error; err != nil {
			return dbError(err, "record payout to group "+g.Name)
		}
		if err := writePayoutOrders(tx, p.ID, ids); err != nil {
			return err
		}
		return writeAudit(tx, e.actor, ActionPayout, EntityGroup, g.ID,
			fmt.Sprintf("payout of %s %s to %s (%s): %s", p.Money().Decimal(), p.Currency, g.Name, p.BankReference,
				p.Covers), nil, payoutAudit(p))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func writePayoutOrders(tx *gorm.DB, payoutID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	rows := make([]map[string]any, len(ids))
	for i, id := range ids {
		rows[i] = map[string]any{"payout_id": payoutID, "order_id": id}
	}
	if err := tx.Table("payout_orders").Create(rows).Error; err != nil {
		return fmt.Errorf("orders of payout %d: %w", payoutID, err)
	}
	return nil
}

func payoutAudit(p *Payout) map[string]any {
	m := map[string]any{"id": p.ID, "paid_on": p.PaidOn.Format(time.DateOnly), "amount": p.Amount,
		"currency": p.Currency, "bank_reference": p.BankReference, "covers": p.Covers, "note": p.Note}
	if len(p.OrderIDs) > 0 {
		m["order_ids"] = p.OrderIDs
	}
	if p.ReversesID != nil {
		m["reverses_id"] = *p.ReversesID
	}
	return m
}

func advanceAudit(a *Advance) map[string]any {
	m := map[string]any{"id": a.ID, "paid_on": a.PaidOn.Format(time.DateOnly), "amount": a.Amount,
		"currency": a.Currency, "reference": a.Reference, "note": a.Note}
	if a.ReversesID != nil {
		m["reverses_id"] = *a.ReversesID
	}
	return m
}

// RecordAdvance records an advance paid to a group, and its audit entry,
// in one transaction. The same reference twice for one group is refused
// with ErrConflict unless the first was reversed.
func (e *Editor) RecordAdvance(ctx context.Context, in AdvanceInput) (*Advance, error) {
	in.Reference, in.Note = strings.TrimSpace(in.Reference), strings.TrimSpace(in.Note)
	var v ValidationError
	validateTransfer(&v, in.PaidOn, in.Amount, in.Reference, in.Note)
	if err := v.orNil(); err != nil {
		return nil, err
	}
	a := &Advance{GroupID: in.GroupID, PaidOn: day(in.PaidOn), Currency: in.Amount.Currency, Amount: in.Amount.Amount,
		Reference: in.Reference, Note: in.Note, Actor: e.actor}
	err := e.moneyTx(ctx, func(tx *gorm.DB) error {
		g, err := lockGroup(tx, in.GroupID)
		if err != nil {
			return err
		}
		var taken int64
		err = tx.Model(&Advance{}).Where(`group_id = ? AND reference = ? AND reverses_id IS NULL
			AND id NOT IN (SELECT reverses_id FROM advances WHERE reverses_id IS NOT NULL)`, g.ID, a.Reference).
			Count(&taken).Error
		if err != nil {
			return fmt.Errorf("advances of group %s: %w", g.Name, err)
		}
		if taken > 0 {
			return fmt.Errorf("group %s has an advance with reference %q already: %w", g.Name, a.Reference, ErrConflict)
		}
		if in.ProductionOrderID != 0 {
			var n int64
			err := tx.Model(&ProductionOrder{}).Where("id = ? AND group_id = ?", in.ProductionOrderID, g.ID).Count(&n).Error
			if err != nil {
				return fmt.Errorf("production order %d: %w", in.ProductionOrderID, err)
			}
			if n == 0 {
				return Invalid("production_order", CodeProductionOrder)
			}
			a.ProductionOrderID = &in.ProductionOrderID
		}
		a.CreatedAt = time.Now().UTC()
		if err := tx.Create(a).Error; err != nil {
			return dbError(err, "record advance to group "+g.Name)
		}
		return writeAudit(tx, e.actor, ActionAdvance, EntityGroup, g.ID,
			fmt.Sprintf("advance of %s %s to %s (%s)%s", a.Money().Decimal(), a.Currency, g.Name, a.Reference,
				optionalNote(a.Note)), nil, advanceAudit(a))
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// ReversePayout corrects a payout recorded by mistake with a reversing
// record (the negative amount, today's date, the reason as its note), and
// its audit entry, in one transaction. A payout is reversed at most once,
// and a reversal is not reversed (record the payout again instead): both
// are refused with ErrConflict.
func (e *Editor) ReversePayout(ctx context.Context, id int64, reason string) (*Payout, error) {
	reason, err := reversalReason(reason)
	if err != nil {
		return nil, err
	}
	var r *Payout
	err = e.moneyTx(ctx, func(tx *gorm.DB) error {
		var p Payout
		if err := tx.Take(&p, id).Error; err != nil {
			return dbError(err, fmt.Sprintf("payout %d", id))
		}
		g, err := lockGroup(tx, p.GroupID)
		if err != nil {
			return err
		}
		if err := reversible(tx, "payouts", p.ID, p.ReversesID); err != nil {
			return err
		}
		r = &Payout{GroupID: p.GroupID, PaidOn: day(time.Now().UTC()), Currency: p.Currency, Amount: -p.Amount,
			BankReference: p.BankReference, Covers: p.Covers, Note: reason, Actor: e.actor, CreatedAt: time.Now().UTC(),
			ReversesID: &p.ID}
		if err := tx.Create(r).Error; err != nil {
			return dbError(err, fmt.Sprintf("reverse payout %d", p.ID))
		}
		return writeAudit(tx, e.actor, ActionPayout, EntityGroup, g.ID,
			fmt.Sprintf("reversed payout %d of %s %s to %s: %s", p.ID, p.Money().Decimal(), p.Currency, g.Name, reason),
			payoutAudit(&p), payoutAudit(r))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ReverseAdvance corrects an advance as ReversePayout corrects a payout.
func (e *Editor) ReverseAdvance(ctx context.Context, id int64, reason string) (*Advance, error) {
	reason, err := reversalReason(reason)
	if err != nil {
		return nil, err
	}
	var r *Advance
	err = e.moneyTx(ctx, func(tx *gorm.DB) error {
		var a Advance
		if err := tx.Take(&a, id).Error; err != nil {
			return dbError(err, fmt.Sprintf("advance %d", id))
		}
		g, err := lockGroup(tx, a.GroupID)
		if err != nil {
			return err
		}
		if err := reversible(tx, "advances", a.ID, a.ReversesID); err != nil {
			return err
		}
		r = &Advance{GroupID: a.GroupID, PaidOn: day(time.Now().UTC()), Currency: a.Currency, Amount: -a.Amount,
			Reference: a.Reference, Note: reason, Actor: e.actor, CreatedAt: time.Now().UTC(), ReversesID: &a.ID}
		if err := tx.Create(r).Error; err != nil {
			return dbError(err, fmt.Sprintf("reverse advance %d", a.ID))
		}
		return writeAudit(tx, e.actor, ActionAdvance, EntityGroup, g.ID,
			fmt.Sprintf("reversed advance %d of %s %s to %s: %s", a.ID, a.Money().Decimal(), a.Currency, g.Name, reason),
			advanceAudit(&a), advanceAudit(r))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// reversalReason is the reason a payout or an advance is corrected:
// required, and short enough for its note.
func reversalReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", Invalid("note", CodeTransitionNote)
	}
	if len([]rune(reason)) > 1000 {
		return "", Invalid("note", CodeTooLong, "Max", 1000)
	}
	return reason, nil
}

// reversible refuses to reverse a reversal, or a record reversed already
// (the unique reverses_id is the database's own guard).
func reversible(tx *gorm.DB, table string, id int64, reverses *int64) error {
	if reverses != nil {
		return fmt.Errorf("%s %d is a correction itself: %w", table, id, ErrConflict)
	}
	var n int64
	if err := tx.Table(table).Where("reverses_id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("corrections of %s %d: %w", table, id, err)
	}
	if n > 0 {
		return fmt.Errorf("%s %d is reversed already: %w", table, id, ErrConflict)
	}
	return nil
}

// PayoutsOfGroup lists a group's payouts and their corrections, newest
// first, with the orders each covers.
func (s *Store) PayoutsOfGroup(ctx context.Context, groupID int64) ([]Payout, error) {
	var ps []Payout
	if err := s.db.WithContext(ctx).Where("group_id = ?", groupID).Order("paid_on DESC, id DESC").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("payouts of group %d: %w", groupID, err)
	}
	if len(ps) == 0 {
		return ps, nil
	}
	ids := make([]int64, len(ps))
	at := make(map[int64]int, len(ps))
	for i := range ps {
		ids[i], at[ps[i].ID] = ps[i].ID, i
		ps[i].PaidOn = day(ps[i].PaidOn)
	}
	var rows []struct{ PayoutID, OrderID int64 }
	err := s.db.WithContext(ctx).Table("payout_orders").Where("payout_id IN ?", ids).
		Order("payout_id, order_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("orders of payouts of group %d: %w", groupID, err)
	}
	for _, r := range rows {
		p := &ps[at[r.PayoutID]]
		p.OrderIDs = append(p.OrderIDs, r.OrderID)
	}
	return ps, nil
}

// AdvancesOfGroup lists a group's advances and their corrections, newest
// first.
func (s *Store) AdvancesOfGroup(ctx context.Context, groupID int64) ([]Advance, error) {
	var as []Advance
	if err := s.db.WithContext(ctx).Where("group_id = ?", groupID).Order("paid_on DESC, id DESC").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("advances of group %d: %w", groupID, err)
	}
	for i := range as {
		as[i].PaidOn = day(as[i].PaidOn)
	}
	return as, nil
}

// GroupBalance is where CIAP and one producing group stand, in one
// currency. Amounts are net of corrections and refunds:
//
//	Balance = Owed − Payouts − Advances
//
// Owed is what the group's ledger entries paid it (paid to artisans of
// sale entries minus refund entries). Advances are netted against what
// sales later owe: an advance is covered by owed money not yet paid out.
// AdvancesUncovered is the part no sale has covered yet, min(Advances,
// max(0, −Balance)); a negative Balance beyond it means payouts exceeded
// what was owed.
type GroupBalance struct {
	Currency          Currency
	Owed              int64
	Payouts           int64
	Advances          int64
	Balance           int64 // positive: CIAP owes the group
	AdvancesUncovered int64
}

// Money is amount in the balance's currency.
func (b *GroupBalance) Money(amount int64) Money { return Money{Amount: amount, Currency: b.Currency} }

// GroupBalances computes a group's balance in each currency it has
// entries, payouts or advances in, by currency code; a group with none
// has one zero balance in soles.
func (s *Store) GroupBalances(ctx context.Context, groupID int64) ([]GroupBalance, error) {
	by, err := s.balances(ctx, &groupID)
	if err != nil {
		return nil, err
	}
	return by[groupID], nil
}

// AllGroupBalances is GroupBalances for every group at once, in three
// statements whatever the number of groups, by group ID; a group with
// nothing recorded is absent (its balance is zero: see ZeroBalance).
func (s *Store) AllGroupBalances(ctx context.Context) (map[int64][]GroupBalance, error) {
	return s.balances(ctx, nil)
}

// ZeroBalance is the balance of a group with nothing recorded.
func ZeroBalance() []GroupBalance { return []GroupBalance{{Currency: PEN}} }

// balances sums the ledger, payouts and advances by group and currency,
// for one group or (nil) all.
func (s *Store) balances(ctx context.Context, groupID *int64) (map[int64][]GroupBalance, error) {
	by := map[int64]map[Currency]*GroupBalance{}
	get := func(g int64, c Currency) *GroupBalance {
		if by[g] == nil {
			by[g] = map[Currency]*GroupBalance{}
		}
		if by[g][c] == nil {
			by[g][c] = &GroupBalance{Currency: c}
		}
		return by[g][c]
	}
	type sum struct {
		GroupID  int64
		Currency Currency
		Total    int64
	}
	for _, q := range []struct {
		table, column string
		add           func(b *GroupBalance, n int64)
	}{
		{"ledger_entries", "paid_to_artisans", func(b *GroupBalance, n int64) { b.Owed += n }},
		{"payouts", "amount", func(b *GroupBalance, n int64) { b.Payouts += n }},
		{"advances", "amount", func(b *GroupBalance, n int64) { b.Advances += n }},
	} {
		var sums []sum
		tx := s.db.WithContext(ctx).Table(q.table).Select("group_id, currency, SUM(" + q.column + ") AS total")
		if groupID != nil {
			tx = tx.Where("group_id = ?", *groupID)
		}
		if err := tx.Group("group_id, currency").Scan(&sums).Error; err != nil {
			return nil, fmt.Errorf("balances: %s: %w", q.table, err)
		}
		for _, x := range sums {
			q.add(get(x.GroupID, x.Currency), x.Total)
		}
	}
	if groupID != nil && len(by) == 0 {
		get(*groupID, PEN)
	}
	out := make(map[int64][]GroupBalance, len(by))
	for g, cs := range by {
		list := make([]GroupBalance, 0, len(cs))
		for _, b := range cs {
			b.Balance = b.Owed - b.Payouts - b.Advances
			if b.Balance < 0 {
				b.AdvancesUncovered = min(b.Advances, -b.Balance)
			}
			list = append(list, *b)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Currency < list[j].Currency })
		out[g] = list
	}
	return out, nil
}

// GroupBalance is the group's balance in the shop's currency (soles),
// where all its sales are: GroupBalances has the others, if any.
func (s *Store) GroupBalance(ctx context.Context, groupID int64) (GroupBalance, error) {
	bs, err := s.GroupBalances(ctx, groupID)
	if err != nil {
		return GroupBalance{}, err
	}
	for _, b := range bs {
		if b.Currency == PEN {
			return b, nil
		}
	}
	return GroupBalance{Currency: PEN}, nil
}
