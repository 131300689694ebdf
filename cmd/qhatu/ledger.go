package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
)

const ledgerUsage = `usage: qhatu ledger verify [--file FILE [--head SEQ:HASH]...]
       qhatu ledger export [--file FILE]

verify recomputes the whole hash chain of the surplus ledger, from the
database or, with --file, from an export (no database needed), prints how
many entries it checked and the chain head, and fails naming the first
broken entry (and, for a file, its line: a changed, removed, repeated or
moved line). --head, repeatable, is a chain head kept earlier (a daily
head from /transparency or /api/v1/ledger/heads): the export must hold
that entry with that hash, so one cut short or rewritten fails too.
export writes the chain as JSON Lines to FILE (or to standard output),
every field of the canonical form and each hash.`

// ledgerCommand runs "qhatu ledger <sub>": results on stdout, messages on
// stderr; a broken chain is the returned error (exit status 1).
func ledgerCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "export") {
		return errors.New(ledgerUsage)
	}
	sub := args[0]
	var (
		file  string
		heads []models.LedgerHead
	)
	cfg, _, err := parseConfig("ledger "+sub, args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "file", "", "JSON Lines export to verify, or to write (default: standard output)")
		fs.Func("head", "a chain head kept earlier, SEQ:HASH (verify --file; repeatable)", func(v string) error {
			h, err := parseKeptHead(v)
			heads = append(heads, h)
			return err
		})
	})
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stderr, ledgerUsage)
		return nil
	}
	if err != nil {
		return err
	}
	if len(heads) > 0 && (sub != "verify" || file == "") {
		return errors.New("ledger: --head goes with verify --file")
	}
	if sub == "verify" && file != "" {
		return verifyLedgerFile(file, stdout, heads...)
	}
	store, _, closeStore, err := openStore(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer closeStore()
	if sub == "verify" {
		return verifyLedgerDB(ctx, store, stdout)
	}
	if file == "" {
		return exportLedger(ctx, store, stdout, stderr)
	}
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("export ledger: %w", err)
	}
	if err := exportLedger(ctx, store, f, stderr); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export ledger: %w", err)
	}
	return nil
}

// verifyLedgerDB checks the chain in the database (streamed from one
// snapshot, never all in memory).
func verifyLedgerDB(ctx context.Context, store *models.Store, stdout io.Writer) error {
	start := time.Now()
	c, err := store.VerifyLedger(ctx)
	return reportLedgerCheck(stdout, c, err, time.Since(start))
}

// parseKeptHead reads SEQ:HASH, as /api/v1/ledger/heads publishes them.
func parseKeptHead(v string) (models.LedgerHead, error) {
	seq, hash, ok := strings.Cut(strings.TrimSpace(v), ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n <= 0 || len(hash) != len(models.LedgerGenesis) || strings.Trim(hash, "0123456789abcdef") != "" {
		return models.LedgerHead{}, fmt.Errorf("--head %q: want SEQ:HASH (a positive entry number, a colon, 64 lowercase hex digits)", v)
	}
	return models.LedgerHead{Seq: n, Hash: hash}, nil
}

// verifyLedgerFile checks an export with no database, against the kept
// heads if any.
func verifyLedgerFile(name string, stdout io.Writer, kept ...models.LedgerHead) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("verify ledger export: %w", err)
	}
	defer f.Close()
	start := time.Now()
	c, err := models.VerifyLedgerExport(f, kept...)
	if err := reportLedgerCheck(stdout, c, err, time.Since(start)); err != nil {
		return err
	}
	if len(kept) > 0 {
		fmt.Fprintf(stdout, "the export holds the %d kept chain head(s) given\n", len(kept))
	}
	return nil
}

// reportLedgerCheck prints what verified; a broken chain also says how
// far it held, and is returned so the command fails naming the entry.
func reportLedgerCheck(w io.Writer, c models.LedgerCheck, err error, took time.Duration) error {
	if err != nil {
		if errors.Is(err, models.ErrLedgerBroken) {
			fmt.Fprintf(w, "ledger BROKEN after %d good entries (last good head %d %s)\n", c.Entries, c.HeadSeq, c.Head)
		}
		return fmt.Errorf("ledger verify: %w", err)
	}
	fmt.Fprintf(w, "ledger verified: %d entries, head %d %s (%s)\n", c.Entries, c.HeadSeq, c.Head,
		took.Round(time.Millisecond))
	return nil
}

func exportLedger(ctx context.Context, store *models.Store, w, stderr io.Writer) error {
	c, err := store.ExportLedger(ctx, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %d ledger entries, head %d %s\n", c.Entries, c.HeadSeq, c.Head)
	return nil
}
