package models_test

import (
	"context"
	"errors"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// The canonical form and hash README.md documents, recomputed outside Go
// (printf '%s' '<form>' | sha256sum): anyone can check an entry so.
func TestLedgerEntry_CanonicalFormAndHashAsDocumented(t *testing.T) {
	t.Parallel()
	e := models.LedgerEntry{Seq: 7, Kind: models.LedgerSale, OrderID: 42, OrderLineID: 101, GroupID: 3, ProductID: 9,
		BreakdownID: 55, BreakdownVersion: 2, Quantity: 3, Currency: models.PEN,
		ArtisanLabour: 10500, ArtisanMaterials: 2400, CommunityFund: 600, PaidToArtisans: 13500,
		LocalMarketPrice: 7500, Surplus: 6000,
		CreatedAt: time.Date(2026, 3, 1, 9, 5, 9, 0, time.FixedZone("PET", -5*3600)), PrevHash: models.LedgerGenesis}
	const form = "qhatu-ledger-v1|7|sale|42|101|3|9|55|2|3|PEN|10500|2400|600|13500|7500|6000||2026-03-01T14:05:09Z|" +
		"0000000000000000000000000000000000000000000000000000000000000000"
	if got := e.Canonical(); got != form {
		t.Fatalf("canonical form\n got %s\nwant %s", got, form)
	}
	if got := e.ComputeHash(); got != "2e982988cc0dbbed9c54cd58be9af05bd0730410e7b5e5f4a9017e77ef630cea" {
		t.Errorf("hash %s", got)
	}
	// A refund names the entry it reverses, and its figures are negative.
	r := e
	seq := int64(7)
	r.Seq, r.Kind, r.Quantity, r.ReversesSeq, r.Surplus = 8, models.LedgerRefund, -1, &seq, -2000
	const refund = "qhatu-ledger-v1|8|refund|42|101|3|9|55|2|-1|PEN|10500|2400|600|13500|7500|-2000|7|"
	if got := r.Canonical(); got[:len(refund)] != refund {
		t.Errorf("refund form %s", got)
	}
}

// chain builds n valid entries in memory.
func chain(n int) []*models.LedgerEntry {
	es := make([]*models.LedgerEntry, n)
	prev := models.LedgerGenesis
	for i := range es {
		e := &models.LedgerEntry{Seq: int64(i + 1), Kind: models.LedgerSale, OrderID: 1, OrderLineID: int64(i + 1),
			GroupID: 1, ProductID: 1, BreakdownID: 1, BreakdownVersion: 1, Quantity: 1, Currency: models.PEN,
			ArtisanLabour: 100, PaidToArtisans: 100, Surplus: 100,
			CreatedAt: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		es[i] = e
	}
	return es
}

func stream(es []*models.LedgerEntry) iter.Seq2[*models.LedgerEntry, error] {
	return func(yield func(*models.LedgerEntry, error) bool) {
		for _, e := range es {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// The verifier needs no database and names the first entry that fails.
func TestVerifyLedgerEntries_NamesTheFirstBrokenEntry(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		tamper func(es []*models.LedgerEntry) []*models.LedgerEntry
		broken int64 // 0: the chain verifies
	}{
		{"intact", func(es []*models.LedgerEntry) []*models.LedgerEntry { return es }, 0},
		{"amount changed", func(es []*models.LedgerEntry) []*models.LedgerEntry { es[2].ArtisanLabour++; return es }, 3},
		{"amount changed and its hash recomputed", func(es []*models.LedgerEntry) []*models.LedgerEntry {
			es[2].Surplus--
			es[2].Hash = es[2].ComputeHash()
			return es
		}, 4},
		{"entry removed", func(es []*models.LedgerEntry) []*models.LedgerEntry { return append(es[:1], es[2:]...) }, 2},
		{"two entries swapped", func(es []*models.LedgerEntry) []*models.LedgerEntry {
			es[1], es[2] = es[2], es[1]
			return es
		}, 2},
		{"time moved", func(es []*models.LedgerEntry) []*models.LedgerEntry {
			es[4].CreatedAt = es[4].CreatedAt.Add(time.Hour)
			return es
		}, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es := c.tamper(chain(5))
			check, err := models.VerifyLedgerEntries(stream(es))
			var broken *models.LedgerBrokenError
			switch {
			case c.broken == 0 && (err != nil || check.Entries != 5 || check.Head != es[4].Hash):
				t.Fatalf("intact chain: %+v, %v", check, err)
			case c.broken != 0 && (!errors.As(err, &broken) || broken.Seq != c.broken || !errors.Is(err, models.ErrLedgerBroken)):
				t.Fatalf("got %v, want entry %d named", err, c.broken)
			case c.broken != 0 && check.Entries != c.broken-1:
				t.Errorf("%d entries verified before the break, want %d", check.Entries, c.broken-1)
			}
		})
	}
	if check, err := models.VerifyLedgerEntries(stream(nil)); err != nil || check.Head != models.LedgerGenesis {
		t.Errorf("empty ledger: %+v, %v", check, err)
	}
}

// dropLedgerTriggers is what an attacker with the database's owner
// rights does before changing the ledger.
func dropLedgerTriggers(t *testing.T, db *gorm.DB) {
	t.Helper()
	stmts := []string{"DROP TRIGGER ledger_entries_append_only ON ledger_entries"}
	if db.Dialector.Name() == "sqlite" {
		stmts = []string{"DROP TRIGGER ledger_entries_no_update", "DROP TRIGGER ledger_entries_no_delete"}
	}
	for _, s := range stmts {
		if err := db.Exec(s).Error; err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// The database refuses to change the ledger; one who drops its triggers
// first is caught by VerifyLedger, which names the entry.
func TestVerifyLedger_CatchesTamperingInTheDatabase(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		tamper func(t *testing.T, db *gorm.DB, es []models.LedgerEntry)
		broken int // index of the entry named
	}{
		{"amount raised", func(t *testing.T, db *gorm.DB, es []models.LedgerEntry) {
			exec(t, db, `UPDATE ledger_entries SET artisan_labour = artisan_labour + 500,
				paid_to_artisans = paid_to_artisans + 500, surplus = surplus + 500 WHERE seq = ?`, es[1].Seq)
		}, 1},
		{"amount raised and its hash recomputed", func(t *testing.T, db *gorm.DB, es []models.LedgerEntry) {
			e := es[1]
			e.CommunityFund, e.PaidToArtisans, e.Surplus = e.CommunityFund+1, e.PaidToArtisans+1, e.Surplus+1
			exec(t, db, `UPDATE ledger_entries SET community_fund = ?, paid_to_artisans = ?, surplus = ?, hash = ?
				WHERE seq = ?`, e.CommunityFund, e.PaidToArtisans, e.Surplus, e.ComputeHash(), e.Seq)
		}, 2},
		{"entry deleted", func(t *testing.T, db *gorm.DB, es []models.LedgerEntry) {
			exec(t, db, "DELETE FROM ledger_entries WHERE seq = ?", es[1].Seq)
		}, 1},
		{"last entry deleted", func(t *testing.T, db *gorm.DB, es []models.LedgerEntry) {
			exec(t, db, "DELETE FROM ledger_entries WHERE seq = ?", es[3].Seq)
		}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
				ctx := context.Background()
				f := newFulfilShop(t, db, 10)
				var es []models.LedgerEntry
				for range 2 {
					o := f.paidOrder(t, line(f.prod.ID, 1), line(f.prod2.ID, 2))
					if _, err := f.store.FulfillOrder(ctx, o.ID); err != nil {
						t.Fatal(err)
					}
					es = append(es, f.entries(t, o.ID)...)
				}
				f.verify(t, 4)
				// Plain changes are refused by the database itself.
				refused := []string{"UPDATE ledger_entries SET surplus = surplus + 1, paid_to_artisans = paid_to_artisans + 1, artisan_labour = artisan_labour + 1",
					"DELETE FROM ledger_entries WHERE seq = 4", "DELETE FROM ledger_entries"}
				if db.Dialector.Name() == "postgres" {
					refused = append(refused, "TRUNCATE ledger_entries", "TRUNCATE orders CASCADE")
				}
				for _, s := range refused {
					if err := db.Exec(s).Error; err == nil {
						t.Errorf("%s succeeded", s)
					}
				}
				f.verify(t, 4)

				dropLedgerTriggers(t, db)
				c.tamper(t, db, es)
				_, err := f.store.VerifyLedger(ctx)
				var broken *models.LedgerBrokenError
				if !errors.As(err, &broken) || broken.Seq != es[c.broken].Seq {
					t.Fatalf("verify: %v, want entry %d named", err, es[c.broken].Seq)
				}
			})
		})
	}
}

func exec(t *testing.T, db *gorm.DB, sql string, args ...any) {
	t.Helper()
	if err := db.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// The database refuses a ledger entry or a work order line that does not
// agree with the order line it names (PostgreSQL: one key to the line's
// order, group, product and breakdown) or that names what does not exist
// (both databases).
func TestLedgerEntries_MustAgreeWithTheirOrderLine(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := newFulfilShop(t, db, 10)
		o := f.paidOrder(t, line(f.prod.ID, 1), line(f.prod2.ID, 2))
		if _, err := f.store.FulfillOrder(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		e := f.entries(t, o.ID)[0]
		insert := func(product, group int64) error {
			return db.Exec(`INSERT INTO ledger_entries (seq, kind, order_id, order_line_id, group_id, product_id,
				breakdown_id, breakdown_version, quantity, currency, artisan_labour, artisan_materials, community_fund,
				paid_to_artisans, local_market_price, surplus, reverses_seq, created_at, prev_hash, hash)
				VALUES (100, 'refund', ?, ?, ?, ?, ?, ?, -1, ?, 0, 0, 0, 0, 0, 0, ?, ?, ?, ?)`,
				e.OrderID, e.OrderLineID, group, product, e.BreakdownID, e.BreakdownVersion, e.Currency, e.Seq,
				e.CreatedAt, e.Hash, strings.Repeat("a", 64)).Error
		}
		if err := insert(999999, e.GroupID); err == nil {
			t.Error("an entry naming an unknown product was written")
		}
		wol := func(product int64) error {
			return db.Exec(`INSERT INTO work_order_lines (work_order_id, order_line_id, product_id, quantity)
				SELECT work_order_id, order_line_id, ?, 1 FROM work_order_lines WHERE order_line_id = ?`,
				product, e.OrderLineID).Error
		}
		if db.Dialector.Name() == "postgres" {
			other := f.prod2.ID
			if e.ProductID == other {
				other = f.prod.ID
			}
			if err := insert(other, e.GroupID); err == nil {
				t.Error("an entry naming another product than its line was written")
			}
			if err := insert(e.ProductID, f.group2.ID+e.GroupID); err == nil {
				t.Error("an entry naming another group than its line was written")
			}
			// The line is taken already: a copy with another product must
			// fail on the key, not only on the line's unique index.
			exec(t, db, "ALTER TABLE work_order_lines DROP CONSTRAINT work_order_lines_order_line_id_key")
			if err := wol(other); err == nil {
				t.Error("a work order line naming another product than its order line was written")
			}
		}
		// What agrees with its line is written (then refused by the
		// chain's own rules only when verified, not by the keys).
		if err := insert(e.ProductID, e.GroupID); err != nil {
			t.Errorf("an entry agreeing with its line was refused: %v", err)
		}
	})
}
