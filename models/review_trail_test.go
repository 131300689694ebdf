package models_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"sort"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// The rank is what README.md tells an auditor to compute with openssl:
// `printf %s Q-2026-000001 | openssl dgst -sha256 -hmac audit-2026-12`.
func TestSampleRank_IsTheHMACAnAuditorRecomputes(t *testing.T) {
	t.Parallel()
	const want = "ea881e37819d4d26c2ec29ab14fb3553fa094172151e7d4104ce57969984f869"
	if got := models.SampleRank("audit-2026-12", "Q-2026-000001"); got != want {
		t.Fatalf("rank %s, want %s", got, want)
	}
}

// The same seed, size and period draw the same orders, in the order an
// auditor computes by hand; unpaid orders and other periods are left out.
func TestSampleOrders_ReproducibleFromTheSeed(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFulfilShop(t, db, 50)
		var paid []string
		for range 7 {
			paid = append(paid, f.paidOrder(t, line(f.prod.ID, 1)).Number)
		}
		unpaid := f.order(t, line(f.prod.ID, 1))
		day := today()

		// By hand: HMAC-SHA256 keyed by the seed over each number, lowest
		// first.
		const seed = "ciap-2026-q4"
		byHand := slices.Clone(paid)
		rankWith := func(seed, n string) string {
			m := hmac.New(sha256.New, []byte(seed))
			m.Write([]byte(n))
			return hex.EncodeToString(m.Sum(nil))
		}
		rank := func(n string) string { return rankWith(seed, n) }
		sort.Slice(byHand, func(i, j int) bool { return rank(byHand[i]) < rank(byHand[j]) })

		numbers := func(s *models.OrderSample) []string {
			var ns []string
			for _, o := range s.Orders {
				ns = append(ns, o.Number)
				if o.Rank != rankWith(s.Seed, o.Number) || o.Status != models.StatusPaid || o.Total().Amount <= 0 {
					t.Errorf("sampled %+v", o)
				}
			}
			return ns
		}
		first, err := f.store.SampleOrders(ctx, seed, 3, day, day)
		if err != nil {
			t.Fatal(err)
		}
		if first.Population != 7 || !slices.Equal(numbers(first), byHand[:3]) {
			t.Fatalf("sample of 3 out of %d: %v, by hand %v", first.Population, numbers(first), byHand[:3])
		}
		if slices.Contains(numbers(first), unpaid.Number) {
			t.Errorf("unpaid order %s sampled", unpaid.Number)
		}
		again, err := f.store.SampleOrders(ctx, seed, 3, day, day)
		if err != nil || !slices.Equal(numbers(again), numbers(first)) {
			t.Fatalf("second run: %v %v, first %v", numbers(again), err, numbers(first))
		}
		// A larger N extends the same ranking; N beyond the population
		// takes every paid order.
		all, err := f.store.SampleOrders(ctx, seed, 50, day.AddDate(0, 0, -3), day)
		if err != nil || !slices.Equal(numbers(all), byHand) {
			t.Fatalf("sample of 50: %v %v, by hand %v", numbers(all), err, byHand)
		}
		// Another seed ranks differently.
		other, err := f.store.SampleOrders(ctx, "another-seed", 7, day, day)
		if err != nil || slices.Equal(numbers(other), byHand) {
			t.Errorf("another seed: %v %v", numbers(other), err)
		}
		// A period without payments is empty.
		past, err := f.store.SampleOrders(ctx, seed, 3, day.AddDate(0, 0, -9), day.AddDate(0, 0, -1))
		if err != nil || past.Population != 0 || len(past.Orders) != 0 {
			t.Errorf("past period: %+v %v", past, err)
		}
		for _, bad := range []struct {
			seed string
			n    int
		}{{"", 3}, {seed, 0}} {
			if _, err := f.store.SampleOrders(ctx, bad.seed, bad.n, day, day); err == nil {
				t.Errorf("sample %q of %d accepted", bad.seed, bad.n)
			}
		}
		if _, err := f.store.SampleOrders(ctx, seed, 3, day, day.AddDate(0, 0, -1)); err == nil {
			t.Error("a period ending before it starts was accepted")
		}
	})
}

// An order's trail: its entries (sales, then a refund's reversing entry),
// and the payouts that name it with their corrections, not the others.
func TestOrderTrail_EntriesRefundsAndCoveringPayouts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 20)
		o := c.fulfilledOrder(t, line(c.prod.ID, 3), line(c.prod2.ID, 1))
		other := c.fulfilledOrder(t, line(c.prod.ID, 1))
		l := lineOf(t, o, c.prod.ID)
		if _, _, err := c.store.RecordRefund(ctx, staffRefund(o, "op-7", l.UnitPrice,
			models.RefundLine{OrderLineID: l.ID, Quantity: 1})); err != nil {
			t.Fatal(err)
		}
		day := today()
		cover, err := c.ed.RecordPayout(ctx, models.PayoutInput{GroupID: c.group.ID, PaidOn: day,
			Amount: models.Soles(4000), BankReference: "BCP-100", Covers: "December", OrderIDs: []int64{o.ID, other.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ed.RecordPayout(ctx, models.PayoutInput{GroupID: c.group.ID, PaidOn: day,
			Amount: models.Soles(1000), BankReference: "BCP-101", Covers: "other", OrderIDs: []int64{other.ID}}); err != nil {
			t.Fatal(err)
		}
		rev, err := c.ed.ReversePayout(ctx, cover.ID, "wrong amount")
		if err != nil {
			t.Fatal(err)
		}

		tr, err := c.store.OrderTrail(ctx, o.Number)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Order.ID != o.ID || len(tr.Order.Lines) != 2 || len(tr.Entries) != 3 {
			t.Fatalf("trail of %s: order %d, %d lines, %d entries", o.Number, tr.Order.ID, len(tr.Order.Lines), len(tr.Entries))
		}
		es := tr.EntriesOfLine(l.ID)
		if len(es) != 2 || es[0].Kind != models.LedgerSale || es[1].Kind != models.LedgerRefund ||
			es[1].ReversesSeq == nil || *es[1].ReversesSeq != es[0].Seq || es[0].Quantity != 3 || es[1].Quantity != -1 ||
			es[0].BreakdownID != l.BreakdownID || es[0].BreakdownVersion != l.BreakdownVersion {
			t.Errorf("entries of the refunded line: %+v", es)
		}
		if len(tr.Payouts) != 2 || tr.Payouts[0].ID != cover.ID || tr.Payouts[1].ID != rev.ID || tr.Payouts[1].Amount != -4000 {
			t.Errorf("payouts: %+v", tr.Payouts)
		}
		// And back: the entry names its order.
		row, err := c.store.LedgerRowBySeq(ctx, es[1].Seq)
		if err != nil || row.OrderNumber != o.Number || row.OrderID != o.ID || row.Hash != es[1].Hash {
			t.Errorf("entry %d: %+v %v", es[1].Seq, row, err)
		}
		if _, err := c.store.LedgerRowBySeq(ctx, 999); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("entry 999: %v", err)
		}
		if _, err := c.store.OrderTrail(ctx, "Q-1999-000001"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown order: %v", err)
		}

		// The day's chain head is the current head: every entry was
		// written today.
		heads, err := c.store.LedgerDailyHeads(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		head, err := c.store.LedgerHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(heads) != 1 || heads[0].Seq != head.Seq || heads[0].Hash != head.Hash || heads[0].Entries != head.Seq ||
			heads[0].Day.Format("2006-01-02") != day.Format("2006-01-02") {
			t.Errorf("daily heads %+v, head %+v", heads, head)
		}
	})
}
