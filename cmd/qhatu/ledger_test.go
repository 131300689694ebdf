package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/ciap/qhatu/models/demo"
	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

var demoSeed = dbtest.WithSeed(dbtest.NewSeed("demo", func(ctx context.Context, db *gorm.DB) error {
	return models.NewStore(db).Tx(ctx, func(tx *models.Store) error { return demo.Load(ctx, tx) })
}))

// fulfilOrders places, pays and fulfils n two-line orders of demo products
// in stock: 2n ledger entries.
func fulfilOrders(t *testing.T, db *gorm.DB, n int) {
	t.Helper()
	ctx := context.Background()
	store := models.NewStore(db)
	// Not started: paying enqueues mail and fulfillment jobs, which the
	// test does itself.
	jobs, err := models.NewJobs(db, river.NewWorkers(), models.JobsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	store.UseJobs(jobs)
	var ids []int64
	if err := db.Raw("SELECT id FROM products WHERE published AND stock >= ? ORDER BY id LIMIT 2", n).
		Scan(&ids).Error; err != nil || len(ids) < 2 {
		t.Fatalf("products in stock: %v %v", ids, err)
	}
	for i := range n {
		o, err := store.CreateOrder(ctx, models.OrderInput{
			Customer: models.Customer{Email: "ana@example.com", Name: "Ana Quispe", Phone: "+51 987 654 321",
				Address: models.Address{Country: "PE", Region: "lima-metropolitana", City: "Lima",
					Line: "Jr. Junín 123", PostalCode: "15001"}},
			Method: models.PaymentCard, ExpiresAt: time.Now().Add(time.Hour),
			Lines: []models.OrderLineInput{{ProductID: ids[0], Quantity: 1}, {ProductID: ids[1], Quantity: 1}},
		})
		if err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
		sess := fmt.Sprintf("cs_ledger_%d", o.ID)
		if _, _, err := store.PayOrder(ctx, models.PaymentInput{Number: o.Number, Method: models.PaymentCard,
			Amount: o.Total(), ProviderSessionID: sess, ProviderEventID: "evt_" + sess, Actor: models.SystemActor}); err != nil {
			t.Fatalf("pay %s: %v", o.Number, err)
		}
		if changed, err := store.FulfillOrder(ctx, o.ID); err != nil || !changed {
			t.Fatalf("fulfil %s: %v %v", o.Number, changed, err)
		}
	}
}

// dropLedgerTriggers does what an attacker with database access would
// before changing an entry.
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

func TestLedgerVerify_DatabaseGoodAndTampered(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		store := models.NewStore(db)
		fulfilOrders(t, db, 3)
		var head struct {
			Seq  int64
			Hash string
		}
		if err := db.Raw("SELECT seq, hash FROM ledger_head WHERE id = 1").Scan(&head).Error; err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := verifyLedgerDB(ctx, store, &out); err != nil {
			t.Fatalf("good chain: %v\n%s", err, out.String())
		}
		if want := fmt.Sprintf("6 entries, head 6 %s", head.Hash); head.Seq != 6 || !strings.Contains(out.String(), want) {
			t.Fatalf("good chain printed %q, want %q", out.String(), want)
		}

		dropLedgerTriggers(t, db)
		if err := db.Exec("UPDATE ledger_entries SET artisan_labour = artisan_labour + 100, " +
			"paid_to_artisans = paid_to_artisans + 100, surplus = surplus + 100 WHERE seq = 4").Error; err != nil {
			t.Fatal(err)
		}
		out.Reset()
		err := verifyLedgerDB(ctx, store, &out)
		if !errors.Is(err, models.ErrLedgerBroken) || !strings.Contains(err.Error(), "ledger entry 4:") {
			t.Fatalf("tampered chain: %v, want entry 4 named", err)
		}
		if !strings.Contains(out.String(), "after 3 good entries") {
			t.Errorf("tampered chain printed %q", out.String())
		}
	}, demoSeed)
}

func TestLedgerExport_RoundTripAndEditedLines(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		store := models.NewStore(db)
		fulfilOrders(t, db, 2)
		var export, msg bytes.Buffer
		if err := exportLedger(ctx, store, &export, &msg); err != nil {
			t.Fatal(err)
		}
		want, err := store.VerifyLedger(ctx)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(export.String(), "\n"), "\n")
		if len(lines) != 4 || !strings.Contains(msg.String(), "exported 4 ledger entries") {
			t.Fatalf("export has %d lines, said %q", len(lines), msg.String())
		}
		for _, f := range []string{`"seq":1,`, `"kind":"sale"`, `"artisan_labour":`, `"reverses_seq":null`,
			`"created_at":"`, `"prev_hash":"` + models.LedgerGenesis + `"`, `"hash":"`} {
			if !strings.Contains(lines[0], f) {
				t.Errorf("first line lacks %s: %s", f, lines[0])
			}
		}
		dir := t.TempDir()
		write := func(name string, ls []string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(strings.Join(ls, "\n")+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		var out bytes.Buffer
		if err := verifyLedgerFile(write("good.jsonl", lines), &out); err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if w := fmt.Sprintf("4 entries, head 4 %s", want.Head); !strings.Contains(out.String(), w) {
			t.Fatalf("round trip printed %q, want %q", out.String(), w)
		}

		edited := func(i int, edit func(string) string) []string {
			ls := append([]string(nil), lines...)
			ls[i] = edit(ls[i])
			return ls
		}
		raise := func(field string) func(string) string {
			return func(l string) string {
				return strings.Replace(l, `"`+field+`":`, `"`+field+`":1`, 1)
			}
		}
		// Each case names the line and the entry, and says what happened.
		headOf := func(seq int) models.LedgerHead {
			var l struct {
				Seq  int64  `json:"seq"`
				Hash string `json:"hash"`
			}
			if err := json.Unmarshal([]byte(lines[seq-1]), &l); err != nil {
				t.Fatal(err)
			}
			return models.LedgerHead{Seq: l.Seq, Hash: l.Hash}
		}
		cases := []struct {
			name  string
			lines []string
			kept  []models.LedgerHead
			named string
		}{
			{"amount changed", edited(2, raise("community_fund")), nil, "ledger export line 3, entry 3: its hash does not match"},
			{"quantity changed", edited(1, raise("quantity")), nil, "ledger export line 2, entry 2: its hash does not match"},
			{"line removed", append(append([]string(nil), lines[:1]...), lines[2:]...), nil,
				"ledger export line 2, entry 2: missing: the line holds entry 3"},
			{"lines swapped", []string{lines[0], lines[2], lines[1], lines[3]}, nil,
				"ledger export line 2, entry 2: out of order: it is on line 3"},
			{"line moved to the end", []string{lines[0], lines[2], lines[3], lines[1]}, nil,
				"ledger export line 2, entry 2: out of order: it is on line 4"},
			{"line repeated", []string{lines[0], lines[1], lines[1], lines[2], lines[3]}, nil,
				"ledger export line 3, entry 3: missing: the line holds entry 2 again"},
			{"last line removed", lines[:3], nil, ""},
			{"last line removed, head kept", lines[:3], []models.LedgerHead{headOf(4)},
				"entry 4: missing: the export ends at entry 3, before the kept head 4"},
			{"kept head of another chain", lines, []models.LedgerHead{{Seq: 2, Hash: headOf(3).Hash}},
				"ledger export line 2, entry 2: its hash is not the kept head"},
			{"field added", edited(3, func(l string) string { return strings.Replace(l, "{", `{"note":"x",`, 1) }), nil, "line 4"},
		}
		for _, c := range cases {
			out.Reset()
			err := verifyLedgerFile(write(strings.ReplaceAll(c.name, " ", "-")+".jsonl", c.lines), &out, c.kept...)
			if c.named == "" {
				// Without a kept head, a cut tail still verifies, to a
				// different head than the one published.
				if err != nil || strings.Contains(out.String(), want.Head) {
					t.Errorf("%s: %v, printed %q", c.name, err, out.String())
				}
				continue
			}
			if err == nil || !strings.Contains(err.Error(), c.named) {
				t.Errorf("%s: %v, want %q named", c.name, err, c.named)
			}
		}
		// The whole export against heads kept along the way verifies.
		out.Reset()
		if err := verifyLedgerFile(write("kept.jsonl", lines), &out, headOf(2), headOf(4)); err != nil ||
			!strings.Contains(out.String(), "holds the 2 kept chain head(s)") {
			t.Errorf("export with its own heads kept: %v %q", err, out.String())
		}
	}, demoSeed)
}

// The command as run from a shell: export to a file, verify it offline
// and against the database, and fail naming the broken entry.
func TestLedgerCommand_ExportVerifyAndFail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	dbtest.SQLiteFile(t, dir, demoSeed)
	db, err := models.Open(ctx, models.DBConfig{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeTestDB(db) })
	fulfilOrders(t, db, 2)
	flags := []string{"-data-dir", dir, "-database-url", "", "-log-level", "error"}
	file := filepath.Join(dir, "ledger.jsonl")
	var out, errOut bytes.Buffer
	if err := ledgerCommand(ctx, append([]string{"export", "-file", file}, flags...), &out, &errOut); err != nil {
		t.Fatalf("export: %v %s", err, errOut.String())
	}
	for _, args := range [][]string{append([]string{"verify"}, flags...), {"verify", "-file", file}} {
		out.Reset()
		if err := ledgerCommand(ctx, args, &out, &errOut); err != nil || !strings.Contains(out.String(), "ledger verified: 4 entries, head 4 ") {
			t.Fatalf("%v: %v, printed %q", args, err, out.String())
		}
	}
	head, err := models.NewStore(db).LedgerHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kept := fmt.Sprintf("%d:%s", head.Seq, head.Hash)
	if err := ledgerCommand(ctx, []string{"verify", "-file", file, "-head", kept}, &out, &errOut); err != nil {
		t.Fatalf("verify with the kept head %s: %v", kept, err)
	}
	for _, bad := range []string{"4", "x:" + head.Hash, "4:ABC", "0:" + head.Hash} {
		if err := ledgerCommand(ctx, []string{"verify", "-file", file, "-head", bad}, &out, &errOut); err == nil {
			t.Errorf("--head %q accepted", bad)
		}
	}
	if err := ledgerCommand(ctx, append([]string{"verify", "-head", kept}, flags...), &out, &errOut); err == nil {
		t.Error("--head without --file accepted")
	}
	dropLedgerTriggers(t, db)
	if err := db.Exec("UPDATE ledger_entries SET quantity = 2 WHERE seq = 1").Error; err != nil {
		t.Fatal(err)
	}
	err = ledgerCommand(ctx, append([]string{"verify"}, flags...), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "ledger entry 1:") {
		t.Fatalf("tampered database: %v", err)
	}
	if err := ledgerCommand(ctx, []string{"check"}, &out, &errOut); err == nil {
		t.Error("unknown subcommand accepted")
	}
}

func closeTestDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}
