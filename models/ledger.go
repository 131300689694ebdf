package models

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The surplus ledger records, for every order line fulfilled, what the
// sale paid the producing group, from the breakdown snapshotted on the
// line. It is append-only (the database refuses UPDATE, DELETE and
// TRUNCATE) and hash-chained: each entry stores the hash of the one
// before it and its own hash over its canonical form, so a reviewer who
// recomputes the chain (VerifyLedger, or LedgerVerifier over an export)
// finds any entry changed, removed or inserted since. Writers take turns
// on the one-row chain head (appendLedger), so the chain never forks,
// also with several instances writing.

// LedgerGenesis is the prev_hash of the first entry.
const LedgerGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// LedgerFormat opens every entry's canonical form. A change to the form
// would get a new version, so entries hashed under this one stay
// verifiable.
const LedgerFormat = "qhatu-ledger-v1"

// LedgerKind says why an entry was written.
type LedgerKind string

// Ledger entry kinds: a sale (order line fulfilled) and a refund, which
// reverses part or all of a sale entry with negative figures.
const (
	LedgerSale   LedgerKind = "sale"
	LedgerRefund LedgerKind = "refund"
)

// LedgerEntry is one line of the ledger. Its amounts are the order line's
// totals (the snapshot's per-piece figures × quantity) in minor units of
// Currency; a refund's are negative, so sums are net of refunds.
type LedgerEntry struct {
	// Seq is the entry's place in the chain: 1, 2, 3, … without gaps.
	Seq              int64      `gorm:"primaryKey;autoIncrement:false"`
	Kind             LedgerKind `gorm:"size:10;not null"`
	OrderID          int64      `gorm:"not null"`
	OrderLineID      int64      `gorm:"not null"`
	GroupID          int64      `gorm:"not null"`
	ProductID        int64      `gorm:"not null"`
	BreakdownID      int64      `gorm:"not null"`
	BreakdownVersion int        `gorm:"not null"`
	Quantity         int        `gorm:"not null"`
	Currency         Currency   `gorm:"size:3;not null"`
	ArtisanLabour    int64      `gorm:"not null"`
	ArtisanMaterials int64      `gorm:"not null"`
	CommunityFund    int64      `gorm:"not null"`
	// PaidToArtisans = labour + materials + community fund.
	PaidToArtisans   int64 `gorm:"not null"`
	LocalMarketPrice int64 `gorm:"not null"`
	// Surplus = paid to artisans − local market price (DESIGN.md).
	Surplus int64 `gorm:"not null"`
	// ReversesSeq names the sale entry a refund reverses.
	ReversesSeq *int64
	// CreatedAt is stored to the second, as the canonical form has it.
	CreatedAt time.Time `gorm:"not null"`
	PrevHash  string    `gorm:"size:64;not null"`
	Hash      string    `gorm:"size:64;not null"`
}

// TableName is part of the migration history.
func (LedgerEntry) TableName() string { return "ledger_entries" }

// AppendCanonical appends the entry's canonical form to b: one line, no
// newline, fields separated by "|" in this order —
//
//	qhatu-ledger-v1|seq|kind|order_id|order_line_id|group_id|product_id|
//	breakdown_id|breakdown_version|quantity|currency|artisan_labour|
//	artisan_materials|community_fund|paid_to_artisans|local_market_price|
//	surplus|reverses_seq|created_at|prev_hash
//
// Numbers are base-10 integers ("-" for negatives, no leading zeros);
// amounts are minor units; reverses_seq is empty when there is none;
// created_at is RFC 3339 in UTC to the second (2026-03-01T14:05:09Z);
// prev_hash is lowercase hex. No field can hold "|": all are numbers or
// fixed codes. (README.md, "The surplus ledger", says the same.)
func (e *LedgerEntry) AppendCanonical(b []byte) []byte {
	b = append(b, LedgerFormat...)
	num := func(n int64) { b = strconv.AppendInt(append(b, '|'), n, 10) }
	num(e.Seq)
	b = append(append(b, '|'), e.Kind...)
	num(e.OrderID)
	num(e.OrderLineID)
	num(e.GroupID)
	num(e.ProductID)
	num(e.BreakdownID)
	num(int64(e.BreakdownVersion))
	num(int64(e.Quantity))
	b = append(append(b, '|'), e.Currency...)
	num(e.ArtisanLabour)
	num(e.ArtisanMaterials)
	num(e.CommunityFund)
	num(e.PaidToArtisans)
	num(e.LocalMarketPrice)
	num(e.Surplus)
	b = append(b, '|')
	if e.ReversesSeq != nil {
		b = strconv.AppendInt(b, *e.ReversesSeq, 10)
	}
	b = e.CreatedAt.UTC().AppendFormat(append(b, '|'), time.RFC3339)
	return append(append(b, '|'), e.PrevHash...)
}

// Canonical is the entry's canonical form (AppendCanonical).
func (e *LedgerEntry) Canonical() string { return string(e.AppendCanonical(nil)) }

// ComputeHash is the lowercase hex SHA-256 of the canonical form.
func (e *LedgerEntry) ComputeHash() string {
	sum := sha256.Sum256(e.AppendCanonical(make([]byte, 0, 256)))
	return hex.EncodeToString(sum[:])
}

// Money is an amount of the entry's currency.
func (e *LedgerEntry) Money(amount int64) Money { return Money{Amount: amount, Currency: e.Currency} }

// ledgerCurrencyRE is an ISO 4217 code, which also keeps "|" out of the
// canonical form.
var ledgerCurrencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// check refuses an entry whose figures do not hold together before it is
// hashed (the schema's CHECKs say the same).
func (e *LedgerEntry) check() error {
	switch {
	case e.Kind != LedgerSale && e.Kind != LedgerRefund:
		return fmt.Errorf("ledger entry of kind %q", e.Kind)
	case !ledgerCurrencyRE.MatchString(string(e.Currency)):
		return fmt.Errorf("ledger entry in currency %q", e.Currency)
	case e.PaidToArtisans != e.ArtisanLabour+e.ArtisanMaterials+e.CommunityFund:
		return errors.New("ledger entry: paid to artisans is not labour + materials + community fund")
	case e.Surplus != e.PaidToArtisans-e.LocalMarketPrice:
		return errors.New("ledger entry: surplus is not paid to artisans − local market price")
	case e.Kind == LedgerSale && (e.Quantity <= 0 || e.ReversesSeq != nil):
		return errors.New("ledger sale entry without a positive quantity, or reversing another")
	case e.Kind == LedgerRefund && (e.Quantity >= 0 || e.ReversesSeq == nil):
		return errors.New("ledger refund entry without a negative quantity and the entry it reverses")
	}
	return nil
}

// ledgerHead is the chain's last entry as the one-row ledger_head
// table records it: Seq 0 and LedgerGenesis while the ledger is empty.
type ledgerHead struct {
	Seq  int64
	Hash string
}

// appendLedger chains entries after the head and writes them, inside tx.
// The head's row lock (PostgreSQL; SQLite's single writer holds the
// database already) makes writers take turns until their commit: each
// entry links to the head its writer saw, and no two share a seq. Take it
// last in a transaction, so it is held as briefly as possible.
func appendLedger(tx *gorm.DB, entries []LedgerEntry) error {
	if len(entries) == 0 {
		return nil
	}
	q := "SELECT seq, hash FROM ledger_head WHERE id = 1"
	if tx.Dialector.Name() == "postgres" {
		q += " FOR UPDATE"
	}
	var heads []ledgerHead
	if err := rawScan(tx, &heads, q); err != nil {
		return fmt.Errorf("lock the ledger head: %w", err)
	}
	if len(heads) != 1 {
		return errors.New("lock the ledger head: no head row")
	}
	head := heads[0]
	created := time.Now().UTC().Truncate(time.Second)
	for i := range entries {
		e := &entries[i]
		if err := e.check(); err != nil {
			return err
		}
		e.Seq, e.PrevHash, e.CreatedAt = head.Seq+1, head.Hash, created
		e.Hash = e.ComputeHash()
		head = ledgerHead{Seq: e.Seq, Hash: e.Hash}
	}
	const moveHead = "UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ?"
	var res *gorm.DB
	if tx.Dialector.Name() == "postgres" {
		// One round trip less while the head is locked: the entries are
		// written by a data-modifying WITH, which PostgreSQL runs in full
		// whether or not the UPDATE reads it, and RowsAffected is the
		// UPDATE's.
		q, args := insertLedgerSQL(entries)
		res = tx.Exec("WITH ins AS ("+q+") "+moveHead, append(args, head.Seq, head.Hash, entries[0].Seq-1)...)
		if res.Error != nil {
			return dbError(res.Error, fmt.Sprintf("write %d ledger entries and move the head", len(entries)))
		}
	} else {
		if err := tx.Create(&entries).Error; err != nil {
			return dbError(err, fmt.Sprintf("write %d ledger entries", len(entries)))
		}
		res = tx.Exec(moveHead, head.Seq, head.Hash, entries[0].Seq-1)
		if res.Error != nil {
			return fmt.Errorf("move the ledger head: %w", res.Error)
		}
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("the ledger head moved while entries were written: %w", ErrConflict)
	}
	return nil
}

// insertLedgerSQL is one INSERT of entries, every value a bind parameter.
func insertLedgerSQL(entries []LedgerEntry) (string, []any) {
	var b strings.Builder
	b.WriteString(`INSERT INTO ledger_entries (seq, kind, order_id, order_line_id, group_id, product_id,
	breakdown_id, breakdown_version, quantity, currency, artisan_labour, artisan_materials, community_fund,
	paid_to_artisans, local_market_price, surplus, reverses_seq, created_at, prev_hash, hash) VALUES `)
	args := make([]any, 0, 20*len(entries))
	for i := range entries {
		e := &entries[i]
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, e.Seq, string(e.Kind), e.OrderID, e.OrderLineID, e.GroupID, e.ProductID,
			e.BreakdownID, e.BreakdownVersion, e.Quantity, string(e.Currency), e.ArtisanLabour,
			e.ArtisanMaterials, e.CommunityFund, e.PaidToArtisans, e.LocalMarketPrice, e.Surplus,
			e.ReversesSeq, e.CreatedAt, e.PrevHash, e.Hash)
	}
	return b.String(), args
}

// ErrLedgerBroken matches a LedgerBrokenError.
var ErrLedgerBroken = errors.New("ledger chain broken")

// LedgerBrokenError names the first entry where the chain fails to verify
// and, when the chain was read from an export, the line it is (or should
// have been) on.
type LedgerBrokenError struct {
	Seq int64
	// Line is the export's line number, from 1; 0 for the database.
	Line    int
	Problem string
}

func (e *LedgerBrokenError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("ledger export line %d, entry %d: %s", e.Line, e.Seq, e.Problem)
	}
	return fmt.Sprintf("ledger entry %d: %s", e.Seq, e.Problem)
}

// Is lets errors.Is(err, ErrLedgerBroken) match.
func (e *LedgerBrokenError) Is(target error) bool { return target == ErrLedgerBroken }

// LedgerVerifier checks a chain entry by entry, in seq order, from the
// first: it needs no database, so an export can be verified offline. The
// zero value is ready to check entry 1.
type LedgerVerifier struct {
	seq  int64
	hash string
	buf  []byte
}

// Check verifies the next entry: it follows the last one checked, links
// to its hash, and its own hash matches its content. After an error the
// verifier stays at the last good entry.
func (v *LedgerVerifier) Check(e *LedgerEntry) error {
	prev := v.Head()
	if e.Seq != v.seq+1 {
		return &LedgerBrokenError{Seq: v.seq + 1, Problem: fmt.Sprintf("missing (the next entry is %d)", e.Seq)}
	}
	if e.PrevHash != prev {
		return &LedgerBrokenError{Seq: e.Seq, Problem: "its prev_hash is not the hash of the entry before it"}
	}
	v.buf = e.AppendCanonical(v.buf[:0])
	sum := sha256.Sum256(v.buf)
	var h [sha256.Size * 2]byte
	hex.Encode(h[:], sum[:])
	if string(h[:]) != e.Hash {
		return &LedgerBrokenError{Seq: e.Seq, Problem: "its hash does not match its content"}
	}
	v.seq, v.hash = e.Seq, e.Hash
	return nil
}

// Entries is how many entries verified.
func (v *LedgerVerifier) Entries() int64 { return v.seq }

// Head is the hash of the last entry verified (LedgerGenesis before any).
func (v *LedgerVerifier) Head() string {
	if v.seq == 0 {
		return LedgerGenesis
	}
	return v.hash
}

// LedgerCheck is what a verification found: how many entries, and the
// chain head (the last entry's seq and hash).
type LedgerCheck struct {
	Entries int64
	HeadSeq int64
	Head    string
}

// VerifyLedgerEntries verifies a whole chain from a stream of entries in
// seq order (an export read back, say), stopping at the first error.
func VerifyLedgerEntries(entries iter.Seq2[*LedgerEntry, error]) (LedgerCheck, error) {
	var v LedgerVerifier
	for e, err := range entries {
		if err != nil {
			return verified(&v), err
		}
		if err := v.Check(e); err != nil {
			return verified(&v), err
		}
	}
	return verified(&v), nil
}

func verified(v *LedgerVerifier) LedgerCheck {
	return LedgerCheck{Entries: v.Entries(), HeadSeq: v.seq, Head: v.Head()}
}

// VerifyLedger recomputes the whole chain in the database and checks that
// it ends at the recorded head. It reads one snapshot (on PostgreSQL a
// repeatable-read transaction, so writers go on meanwhile). A broken chain
// returns a LedgerBrokenError naming the first bad entry, beside what
// verified before it.
func (s *Store) VerifyLedger(ctx context.Context) (LedgerCheck, error) {
	var (
		check LedgerCheck
		opts  []*sql.TxOptions
	)
	if s.Dialect() == "postgres" {
		opts = append(opts, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var heads []ledgerHead
		if err := rawScan(tx, &heads, "SELECT seq, hash FROM ledger_head WHERE id = 1"); err != nil {
			return fmt.Errorf("read the ledger head: %w", err)
		}
		if len(heads) != 1 {
			return &LedgerBrokenError{Seq: 0, Problem: "the ledger head row is missing"}
		}
		var err error
		if check, err = VerifyLedgerEntries(ledgerRows(tx)); err != nil {
			return err
		}
		return checkHead(check, heads[0])
	}, opts...)
	return check, err
}

// checkHead compares the end of a verified chain with the recorded head:
// an entry removed from the end, or added past it, shows here.
func checkHead(c LedgerCheck, head ledgerHead) error {
	switch {
	case c.HeadSeq < head.Seq:
		return &LedgerBrokenError{Seq: c.HeadSeq + 1,
			Problem: fmt.Sprintf("missing (the chain head records %d entries)", head.Seq)}
	case c.HeadSeq > head.Seq:
		return &LedgerBrokenError{Seq: head.Seq + 1, Problem: "written past the recorded chain head"}
	case c.Head != head.Hash:
		return &LedgerBrokenError{Seq: c.HeadSeq, Problem: "its hash is not the one the chain head records"}
	}
	return nil
}

const ledgerColumns = `seq, kind, order_id, order_line_id, group_id, product_id, breakdown_id, breakdown_version,
	quantity, currency, artisan_labour, artisan_materials, community_fund, paid_to_artisans, local_market_price,
	surplus, reverses_seq, created_at, prev_hash, hash`

// ledgerRows streams every entry in seq order, reusing one entry value:
// a consumer keeps a copy if it needs one past the next step.
func ledgerRows(tx *gorm.DB) iter.Seq2[*LedgerEntry, error] {
	return func(yield func(*LedgerEntry, error) bool) {
		rows, err := tx.Raw("SELECT " + ledgerColumns + " FROM ledger_entries ORDER BY seq").Rows()
		if err != nil {
			yield(nil, fmt.Errorf("read the ledger: %w", err))
			return
		}
		defer rows.Close()
		var (
			e        LedgerEntry
			kind     string
			currency string
			reverses sql.NullInt64
		)
		for rows.Next() {
			err := rows.Scan(&e.Seq, &kind, &e.OrderID, &e.OrderLineID, &e.GroupID, &e.ProductID, &e.BreakdownID,
				&e.BreakdownVersion, &e.Quantity, &currency, &e.ArtisanLabour, &e.ArtisanMaterials, &e.CommunityFund,
				&e.PaidToArtisans, &e.LocalMarketPrice, &e.Surplus, &reverses, &e.CreatedAt, &e.PrevHash, &e.Hash)
			if err != nil {
				yield(nil, fmt.Errorf("read ledger entry after %d: %w", e.Seq, err))
				return
			}
			e.Kind, e.Currency, e.ReversesSeq = LedgerKind(kind), Currency(currency), nil
			if reverses.Valid {
				e.ReversesSeq = &reverses.Int64
			}
			if !yield(&e, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, fmt.Errorf("read the ledger: %w", err))
		}
	}
}

// LedgerEntriesOfOrder lists an order's ledger entries in chain order.
func (s *Store) LedgerEntriesOfOrder(ctx context.Context, orderID int64) ([]LedgerEntry, error) {
	var es []LedgerEntry
	if err := s.db.WithContext(ctx).Where("order_id = ?", orderID).Order("seq").Find(&es).Error; err != nil {
		return nil, fmt.Errorf("ledger entries of order %d: %w", orderID, err)
	}
	for i := range es {
		es[i].CreatedAt = es[i].CreatedAt.UTC()
	}
	return es, nil
}
