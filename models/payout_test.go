package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// A group's balance is what its ledger entries owe it, net of refunds,
// minus payouts and advances; a correction reverses a record once; every
// step is audited.
func TestGroupBalance_LedgerMinusPayoutsAndAdvances(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 10)
		g := c.group.ID
		r := boRetail()
		perPiece := r.ArtisanLabour + r.ArtisanMaterials + r.CommunityFund
		day := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
		cdb, counter := dbtest.Counted(t, db)
		counted := models.NewStore(cdb)

		check := func(step string, want models.GroupBalance) {
			t.Helper()
			want.Currency = models.PEN
			got, err := c.store.GroupBalance(ctx, g)
			if err != nil || got != want {
				t.Fatalf("%s: balance %+v, %v; want %+v", step, got, err, want)
			}
			// The back office's list reads every group at once, in three
			// statements however many groups there are.
			counter.Reset()
			all, err := counted.AllGroupBalances(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if k := len(counter.Statements()); k != 3 {
				t.Errorf("%s: all balances in %d statements, want 3", step, k)
			}
			bs, ok := all[g]
			if !ok {
				bs = models.ZeroBalance()
			}
			if len(bs) != 1 || bs[0] != want {
				t.Errorf("%s: all balances give %+v, want %+v", step, bs, want)
			}
		}
		check("nothing yet", models.GroupBalance{})

		// Prefinance before anything is sold: all of it uncovered.
		adv, err := c.ed.RecordAdvance(ctx, models.AdvanceInput{GroupID: g, PaidOn: day, Amount: models.Soles(20000),
			Reference: "BCP-001", Note: "50% of the wool for the winter order"})
		if err != nil {
			t.Fatal(err)
		}
		check("advance", models.GroupBalance{Advances: 20000, Balance: -20000, AdvancesUncovered: 20000})

		// Sales cover part of it; a refund takes one piece back.
		o := c.fulfilledOrder(t, line(c.prod.ID, 3), line(c.prod2.ID, 1))
		check("three pieces sold", models.GroupBalance{Owed: 3 * perPiece, Advances: 20000,
			Balance: 3*perPiece - 20000, AdvancesUncovered: 20000 - 3*perPiece})
		l := lineOf(t, o, c.prod.ID)
		if _, _, err := c.store.RecordRefund(ctx, staffRefund(o, "op-1", l.UnitPrice,
			models.RefundLine{OrderLineID: l.ID, Quantity: 1})); err != nil {
			t.Fatal(err)
		}
		owed := 2 * perPiece
		check("one refunded", models.GroupBalance{Owed: owed, Advances: 20000, Balance: owed - 20000,
			AdvancesUncovered: 20000 - owed})

		// A payout by mistake, then its correction.
		p, err := c.ed.RecordPayout(ctx, models.PayoutInput{GroupID: g, PaidOn: day, Amount: models.Soles(5000),
			BankReference: "BCP-002", Covers: "March sales", OrderIDs: []int64{o.ID, o.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ed.RecordPayout(ctx, models.PayoutInput{GroupID: g, PaidOn: day, Amount: models.Soles(5000),
			BankReference: "BCP-002", Covers: "March sales"}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("the same transfer twice: %v", err)
		}
		check("payout", models.GroupBalance{Owed: owed, Payouts: 5000, Advances: 20000, Balance: owed - 25000,
			AdvancesUncovered: 25000 - owed})
		rev, err := c.ed.ReversePayout(ctx, p.ID, "sent to the wrong group")
		if err != nil || rev.Amount != -5000 || *rev.ReversesID != p.ID {
			t.Fatalf("reverse: %+v, %v", rev, err)
		}
		for _, id := range []int64{p.ID, rev.ID} {
			if _, err := c.ed.ReversePayout(ctx, id, "again"); !errors.Is(err, models.ErrConflict) {
				t.Errorf("reverse payout %d again: %v", id, err)
			}
		}
		check("payout reversed", models.GroupBalance{Owed: owed, Advances: 20000, Balance: owed - 20000,
			AdvancesUncovered: 20000 - owed})
		// Reversed, its bank reference may be recorded again, rightly.
		if _, err := c.ed.RecordPayout(ctx, models.PayoutInput{GroupID: g, PaidOn: day, Amount: models.Soles(3000),
			BankReference: "BCP-002", Covers: "March sales"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ed.ReverseAdvance(ctx, adv.ID, "the group returned it"); err != nil {
			t.Fatal(err)
		}
		check("advance reversed", models.GroupBalance{Owed: owed, Payouts: 3000, Balance: owed - 3000})

		ps, err := c.store.PayoutsOfGroup(ctx, g)
		if err != nil || len(ps) != 3 {
			t.Fatalf("payouts %+v, %v", ps, err)
		}
		first := ps[2]
		if first.ID != p.ID || len(first.OrderIDs) != 1 || first.OrderIDs[0] != o.ID || !first.PaidOn.Equal(day.Truncate(24*time.Hour)) ||
			first.Actor != staffEmail {
			t.Errorf("first payout read back %+v", first)
		}
		as, err := c.store.AdvancesOfGroup(ctx, g)
		if err != nil || len(as) != 2 || as[0].Amount+as[1].Amount != 0 {
			t.Errorf("advances %+v, %v", as, err)
		}
		n := c.count(t, "audit_log", "entity_type = ? AND entity_id = ? AND action IN ?", models.EntityGroup, g,
			[]string{models.ActionPayout, models.ActionAdvance})
		if n != 5 {
			t.Errorf("%d audit entries, want 5 (2 advances, 3 payouts)", n)
		}
		// The other group was paid nothing and owed its one piece.
		b2, err := c.store.GroupBalance(ctx, c.group2.ID)
		if err != nil || b2.Owed != perPiece || b2.Balance != perPiece {
			t.Errorf("second group %+v, %v", b2, err)
		}
	})
}

// Bad input is refused field by field, and nothing is written.
func TestRecordPayout_RefusesBadInput(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 1)
		ok := models.PayoutInput{GroupID: c.group.ID, PaidOn: time.Now(), Amount: models.Soles(100),
			BankReference: "ref", Covers: "sales"}
		cases := []struct {
			name  string
			edit  func(p *models.PayoutInput)
			field string
		}{
			{"zero amount", func(p *models.PayoutInput) { p.Amount = models.Soles(0) }, "amount"},
			{"negative amount", func(p *models.PayoutInput) { p.Amount = models.Soles(-5) }, "amount"},
			{"no currency", func(p *models.PayoutInput) { p.Amount.Currency = "" }, "currency"},
			{"no day", func(p *models.PayoutInput) { p.PaidOn = time.Time{} }, "paid_on"},
			{"a day to come", func(p *models.PayoutInput) { p.PaidOn = time.Now().AddDate(0, 0, 3) }, "paid_on"},
			{"no reference", func(p *models.PayoutInput) { p.BankReference = " " }, "reference"},
			{"covers nothing", func(p *models.PayoutInput) { p.Covers = "" }, "covers"},
			{"unknown group", func(p *models.PayoutInput) { p.GroupID = 999999 }, "group"},
			{"unknown order", func(p *models.PayoutInput) { p.OrderIDs = []int64{999999} }, "orders"},
		}
		for _, tc := range cases {
			in := ok
			tc.edit(&in)
			_, err := c.ed.RecordPayout(ctx, in)
			var ve *models.ValidationError
			if !errors.As(err, &ve) || !ve.Has(tc.field) {
				t.Errorf("%s: %v, want a problem on %s", tc.name, err, tc.field)
			}
		}
		if n := c.count(t, "payouts", "1 = 1"); n != 0 {
			t.Errorf("%d payouts written", n)
		}
		if _, err := c.store.Editor("").RecordPayout(ctx, ok); err == nil {
			t.Error("a payout without an actor")
		}
	})
}

// The database itself refuses to change or remove money sent to groups.
func TestPayoutsAndAdvances_AreAppendOnlyInTheDatabase(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 2)
		o := c.fulfilledOrder(t, line(c.prod.ID, 1))
		p, err := c.ed.RecordPayout(ctx, models.PayoutInput{GroupID: c.group.ID, PaidOn: time.Now(),
			Amount: models.Soles(100), BankReference: "r1", OrderIDs: []int64{o.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ed.RecordAdvance(ctx, models.AdvanceInput{GroupID: c.group.ID, PaidOn: time.Now(),
			Amount: models.Soles(100), Reference: "a1"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.store.RecordRefund(ctx, staffRefund(o, "op-1", 100,
			models.RefundLine{OrderLineID: o.Lines[0].ID, Quantity: 1})); err != nil {
			t.Fatal(err)
		}
		refused := []string{
			"UPDATE payouts SET amount = 1", "DELETE FROM payouts", "UPDATE payout_orders SET order_id = order_id",
			"DELETE FROM payout_orders", "UPDATE advances SET amount = 1", "DELETE FROM advances",
			"UPDATE refund_lines SET quantity = 2", "DELETE FROM refund_lines",
		}
		if db.Dialector.Name() == "postgres" {
			refused = append(refused, "TRUNCATE payouts CASCADE", "TRUNCATE payout_orders", "TRUNCATE advances",
				"TRUNCATE refund_lines")
		}
		for _, s := range refused {
			if err := db.Exec(s).Error; err == nil {
				t.Errorf("%s succeeded", s)
			}
		}
		// A reversal is a row of its own, at most one per record.
		err = db.Exec(`INSERT INTO payouts (group_id, paid_on, currency, amount, bank_reference, covers, note, actor,
			created_at, reverses_id) VALUES (?, ?, 'PEN', -100, 'r1', '', '', 'x', ?, ?)`,
			c.group.ID, time.Now().UTC(), time.Now().UTC(), p.ID).Error
		if err != nil {
			t.Fatalf("a reversing row: %v", err)
		}
		err = db.Exec(`INSERT INTO payouts (group_id, paid_on, currency, amount, bank_reference, covers, note, actor,
			created_at, reverses_id) VALUES (?, ?, 'PEN', -100, 'r1', '', '', 'x', ?, ?)`,
			c.group.ID, time.Now().UTC(), time.Now().UTC(), p.ID).Error
		if err == nil {
			t.Error("a second reversal of one payout was stored")
		}
		for table, n := range map[string]int64{"payouts": 2, "payout_orders": 1, "advances": 1, "refund_lines": 1} {
			if got := c.count(t, table, "1 = 1"); got != n {
				t.Errorf("%s has %d rows, want %d", table, got, n)
			}
		}
	})
}
