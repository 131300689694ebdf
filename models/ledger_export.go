package models

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"gorm.io/gorm"
)

// A ledger export is JSON Lines: one entry per line in seq order, with
// every field of the canonical form and the entry's hash, so anyone can
// verify it with no database (VerifyLedgerExport, `qhatu ledger verify
// --file`). README.md, "The surplus ledger", shows a line.
type ledgerLine struct {
	Seq              int64      `json:"seq"`
	Kind             LedgerKind `json:"kind"`
	OrderID          int64      `json:"order_id"`
	OrderLineID      int64      `json:"order_line_id"`
	GroupID          int64      `json:"group_id"`
	ProductID        int64      `json:"product_id"`
	BreakdownID      int64      `json:"breakdown_id"`
	BreakdownVersion int        `json:"breakdown_version"`
	Quantity         int        `json:"quantity"`
	Currency         Currency   `json:"currency"`
	ArtisanLabour    int64      `json:"artisan_labour"`
	ArtisanMaterials int64      `json:"artisan_materials"`
	CommunityFund    int64      `json:"community_fund"`
	PaidToArtisans   int64      `json:"paid_to_artisans"`
	LocalMarketPrice int64      `json:"local_market_price"`
	Surplus          int64      `json:"surplus"`
	ReversesSeq      *int64     `json:"reverses_seq"`
	CreatedAt        time.Time  `json:"created_at"`
	PrevHash         string     `json:"prev_hash"`
	Hash             string     `json:"hash"`
}

func (l *ledgerLine) from(e *LedgerEntry) {
	*l = ledgerLine{e.Seq, e.Kind, e.OrderID, e.OrderLineID, e.GroupID, e.ProductID, e.BreakdownID,
		e.BreakdownVersion, e.Quantity, e.Currency, e.ArtisanLabour, e.ArtisanMaterials, e.CommunityFund,
		e.PaidToArtisans, e.LocalMarketPrice, e.Surplus, e.ReversesSeq, e.CreatedAt.UTC(), e.PrevHash, e.Hash}
}

func (l *ledgerLine) to(e *LedgerEntry) {
	*e = LedgerEntry{l.Seq, l.Kind, l.OrderID, l.OrderLineID, l.GroupID, l.ProductID, l.BreakdownID,
		l.BreakdownVersion, l.Quantity, l.Currency, l.ArtisanLabour, l.ArtisanMaterials, l.CommunityFund,
		l.PaidToArtisans, l.LocalMarketPrice, l.Surplus, l.ReversesSeq, l.CreatedAt, l.PrevHash, l.Hash}
}

// ledgerSnapshot runs fn over one consistent view of the ledger: on
// PostgreSQL a read-only repeatable-read transaction, so writers go on
// meanwhile and a long read sees no entry appear half-way.
func (s *Store) ledgerSnapshot(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var opts []*sql.TxOptions
	if s.Dialect() == "postgres" {
		opts = append(opts, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}
	return s.db.WithContext(ctx).Transaction(fn, opts...)
}

// ExportLedger writes the whole chain to w as JSON Lines, streamed from
// one snapshot, and returns how many entries it wrote and the last one's
// seq and hash. It writes what the database holds, broken or not: the
// export is the evidence; verifying it is VerifyLedgerExport's job.
func (s *Store) ExportLedger(ctx context.Context, w io.Writer) (LedgerCheck, error) {
	var c LedgerCheck
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err := s.ledgerSnapshot(ctx, func(tx *gorm.DB) error {
		var l ledgerLine
		for e, err := range ledgerRows(tx) {
			if err != nil {
				return err
			}
			l.from(e)
			if err := enc.Encode(&l); err != nil {
				return fmt.Errorf("export ledger entry %d: %w", e.Seq, err)
			}
			c = LedgerCheck{Entries: c.Entries + 1, HeadSeq: e.Seq, Head: e.Hash}
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	if c.Entries == 0 {
		c.Head = LedgerGenesis
	}
	if err := bw.Flush(); err != nil {
		return c, fmt.Errorf("export ledger: %w", err)
	}
	return c, nil
}

// exportedEntry is an entry read back from an export, with its line.
type exportedEntry struct {
	Line  int
	Entry *LedgerEntry
}

// readLedgerExport reads an export back, entry by entry, with each one's
// line number (blank lines are counted, not read). A line that is not an
// entry stops the reading with an error naming the line. The entry value
// is reused from one step to the next.
func readLedgerExport(r io.Reader) iter.Seq2[exportedEntry, error] {
	return func(yield func(exportedEntry, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		var (
			e  LedgerEntry
			l  ledgerLine
			no int
		)
		for sc.Scan() {
			no++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			l = ledgerLine{}
			dec := json.NewDecoder(bytes.NewReader(b))
			// A field the format does not have is an edit, not noise.
			dec.DisallowUnknownFields()
			if err := dec.Decode(&l); err != nil {
				yield(exportedEntry{Line: no}, fmt.Errorf("ledger export line %d: not a ledger entry: %w", no, err))
				return
			}
			l.to(&e)
			if !yield(exportedEntry{Line: no, Entry: &e}, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(exportedEntry{Line: no}, fmt.Errorf("read ledger export after line %d: %w", no, err))
		}
	}
}

// LedgerExportEntries reads an export back, entry by entry (see
// readLedgerExport).
func LedgerExportEntries(r io.Reader) iter.Seq2[*LedgerEntry, error] {
	return func(yield func(*LedgerEntry, error) bool) {
		for x, err := range readLedgerExport(r) {
			if !yield(x.Entry, err) || err != nil {
				return
			}
		}
	}
}

// VerifyLedgerExport verifies an export (ExportLedger) with no database:
// the checks of VerifyLedger, naming the first entry changed, removed,
// repeated or moved, and its line. A line that holds another entry than
// the next one (a line removed, or lines reordered) is told apart by
// reading on: if the missing entry turns up further down, it was moved,
// and the error says from which line to which. kept are chain heads
// published earlier (the daily heads): the export must hold each one's
// entry with that hash, so an export cut short or rewritten past a head
// someone kept fails too. An empty export is an empty chain.
func VerifyLedgerExport(r io.Reader, kept ...LedgerHead) (LedgerCheck, error) {
	var (
		v       LedgerVerifier
		missing *LedgerBrokenError // an entry not on its line, while looking for it further down
	)
	want := make(map[int64]string, len(kept))
	for _, h := range kept {
		want[h.Seq] = h.Hash
	}
	for x, err := range readLedgerExport(r) {
		if err != nil {
			if missing != nil {
				return verified(&v), missing
			}
			return verified(&v), err
		}
		e := x.Entry
		if missing != nil {
			if e.Seq == missing.Seq {
				missing.Problem = fmt.Sprintf("out of order: it is on line %d", x.Line)
				return verified(&v), missing
			}
			continue
		}
		if err := v.Check(e); err != nil {
			var broken *LedgerBrokenError
			if !errors.As(err, &broken) {
				return verified(&v), err
			}
			broken.Line = x.Line
			switch {
			case e.Seq == broken.Seq:
				return verified(&v), broken // the line itself was changed
			case e.Seq < broken.Seq:
				broken.Problem = fmt.Sprintf("missing: the line holds entry %d again (a repeated or moved line)", e.Seq)
				return verified(&v), broken
			}
			broken.Problem = fmt.Sprintf("missing: the line holds entry %d (a removed or moved line)", e.Seq)
			missing = broken
			continue
		}
		if h, ok := want[e.Seq]; ok {
			if h != e.Hash {
				return verified(&v), &LedgerBrokenError{Seq: e.Seq, Line: x.Line,
					Problem: fmt.Sprintf("its hash is not the kept head %s: the chain was rewritten up to here", h)}
			}
			delete(want, e.Seq)
		}
	}
	if missing != nil {
		return verified(&v), missing
	}
	var first int64 // the earliest kept head the export never reached
	for seq := range want {
		if seq > 0 && (first == 0 || seq < first) {
			first = seq
		}
	}
	if first > 0 {
		return verified(&v), &LedgerBrokenError{Seq: v.seq + 1,
			Problem: fmt.Sprintf("missing: the export ends at entry %d, before the kept head %d", v.seq, first)}
	}
	return verified(&v), nil
}
