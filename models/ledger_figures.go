package models

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// LedgerHead is the chain's last entry: its seq and hash (0 and
// LedgerGenesis while the ledger is empty). Publishing it lets anyone who
// kept it see a later rewrite.
type LedgerHead struct {
	Seq  int64
	Hash string
}

// LedgerHead reads the recorded chain head.
func (s *Store) LedgerHead(ctx context.Context) (LedgerHead, error) {
	var heads []LedgerHead
	if err := rawScan(s.db.WithContext(ctx), &heads, "SELECT seq, hash FROM ledger_head WHERE id = 1"); err != nil {
		return LedgerHead{}, fmt.Errorf("read the ledger head: %w", err)
	}
	if len(heads) != 1 {
		return LedgerHead{}, errors.New("read the ledger head: no head row")
	}
	return heads[0], nil
}

// LedgerTotals is what real sales paid, net of refunds (refund entries
// are negative): in soles, the shop's one currency.
type LedgerTotals struct {
	Entries        int64
	PaidToArtisans Money
	Surplus        Money
}

// LedgerTotals sums the ledger of one group, or of the whole shop when
// groupID is 0.
func (s *Store) LedgerTotals(ctx context.Context, groupID int64) (LedgerTotals, error) {
	var row struct {
		Entries        int64
		PaidToArtisans int64
		Surplus        int64
	}
	q := s.db.WithContext(ctx).Table("ledger_entries").
		Select("COUNT(*) AS entries, COALESCE(SUM(paid_to_artisans), 0) AS paid_to_artisans, COALESCE(SUM(surplus), 0) AS surplus").
		Where("currency = ?", PEN)
	if groupID != 0 {
		q = q.Where("group_id = ?", groupID)
	}
	if err := q.Scan(&row).Error; err != nil {
		return LedgerTotals{}, fmt.Errorf("ledger totals of group %d: %w", groupID, err)
	}
	return LedgerTotals{Entries: row.Entries, PaidToArtisans: Soles(row.PaidToArtisans), Surplus: Soles(row.Surplus)}, nil
}

// LedgerMonth is one calendar month (in Peru's time) of a group's ledger.
type LedgerMonth struct {
	Month          time.Time // the first day, 00:00 in Lima
	PaidToArtisans Money
	Surplus        Money
}

// limaZone is Peru's time, UTC−5 all year (no daylight saving since 1994).
var limaZone = time.FixedZone("PET", -5*3600)

// limaDateSQL is the SQL of a UTC timestamp column's month in Lima
// (YYYY-MM), or its day (YYYY-MM-DD) when day.
func (s *Store) limaDateSQL(col string, day bool) string {
	pg, lite := "YYYY-MM", "%Y-%m"
	if day {
		pg, lite = "YYYY-MM-DD", "%Y-%m-%d"
	}
	if s.Dialect() == "sqlite" {
		return "strftime('" + lite + "', " + col + ", '-5 hours')"
	}
	return "to_char(" + col + " AT TIME ZONE 'UTC' - INTERVAL '5 hours', '" + pg + "')"
}

// LedgerMonths sums a group's ledger by month, oldest first, net of refunds.
func (s *Store) LedgerMonths(ctx context.Context, groupID int64) ([]LedgerMonth, error) {
	month := s.limaDateSQL("created_at", false)
	var rows []struct {
		Month          string
		PaidToArtisans int64
		Surplus        int64
	}
	err := s.db.WithContext(ctx).Table("ledger_entries").
		Select(month+" AS month, SUM(paid_to_artisans) AS paid_to_artisans, SUM(surplus) AS surplus").
		Where("group_id = ? AND currency = ?", groupID, PEN).Group("month").Order("month").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("ledger of group %d by month: %w", groupID, err)
	}
	out := make([]LedgerMonth, len(rows))
	for i, r := range rows {
		m, err := time.ParseInLocation("2006-01", r.Month, limaZone)
		if err != nil {
			return nil, fmt.Errorf("ledger month %q: %w", r.Month, err)
		}
		out[i] = LedgerMonth{Month: m, PaidToArtisans: Soles(r.PaidToArtisans), Surplus: Soles(r.Surplus)}
	}
	return out, nil
}
