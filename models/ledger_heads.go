package models

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Daily chain heads: the chain head at the end of each day, in Lima's
// time (America/Lima, UTC−5 all year, no daylight saving). They are
// computed from the ledger itself, never stored: the head at the end of a
// day is the last entry written that day or before, which an append-only
// chain keeps the same forever. Published (/transparency,
// /api/v1/ledger/heads), they let anyone who kept one see a later
// rewrite: an export must still hold that entry with that hash
// (`qhatu ledger verify --file FILE --head SEQ:HASH`).

// LedgerDayHead is the chain head at the end of one day in Lima. Only days
// on which entries were written are listed: a day without entries ends
// with the head of the day before. The latest day's head is final once
// that day is over (midnight in Lima).
type LedgerDayHead struct {
	Day     time.Time // 00:00 in Lima
	Seq     int64
	Hash    string
	Entries int64 // written that day
}

// LedgerDailyHeads lists the chain head at the end of each day on which
// entries were written, newest first; limit > 0 keeps the latest limit
// days. Two plain reads, no transaction (a public page reads it, also
// from a read-only database): the second reads only the hashes of
// entries the first saw, which never change.
func (s *Store) LedgerDailyHeads(ctx context.Context, limit int) ([]LedgerDayHead, error) {
	db := s.db.WithContext(ctx)
	var days []struct {
		Day     string
		Seq     int64
		Entries int64
	}
	err := db.Table("ledger_entries").
		Select(s.limaDateSQL("created_at", true) + " AS day, MAX(seq) AS seq, COUNT(*) AS entries").
		Group("day").Order("day").Scan(&days).Error
	if err != nil {
		return nil, fmt.Errorf("ledger heads by day: %w", err)
	}
	// Entries get their time under the head's lock, so seq and time rise
	// together; the running maximum keeps a day's head the last entry of
	// that day or before even if two instances' clocks disagreed by a
	// second at midnight.
	var top int64
	out := make([]LedgerDayHead, 0, len(days))
	for _, d := range days {
		day, err := time.ParseInLocation(time.DateOnly, d.Day, limaZone)
		if err != nil {
			return nil, fmt.Errorf("ledger day %q: %w", d.Day, err)
		}
		top = max(top, d.Seq)
		out = append(out, LedgerDayHead{Day: day, Seq: top, Entries: d.Entries})
	}
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	if len(out) == 0 {
		return out, nil
	}
	seqs := make([]int64, len(out))
	for i := range out {
		seqs[i] = out[i].Seq
	}
	var hashes []LedgerHead
	if err := db.Table("ledger_entries").Select("seq, hash").Where("seq IN ?", seqs).Scan(&hashes).Error; err != nil {
		return nil, fmt.Errorf("ledger heads by day: hashes: %w", err)
	}
	bySeq := make(map[int64]string, len(hashes))
	for _, h := range hashes {
		bySeq[h.Seq] = h.Hash
	}
	for i := range out {
		out[i].Hash = bySeq[out[i].Seq]
	}
	slices.Reverse(out)
	return out, nil
}
