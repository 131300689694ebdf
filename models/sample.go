package models

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"
)

// A random sample of orders for an audit, reproducible from its seed: the
// same seed, size and period give the same orders on every run, every
// instance and both databases, and an auditor can recompute it with no
// access to the shop's code (README.md, "Random sample of orders"):
//
//  1. take the orders paid in the period (paid_at from the first day 00:00
//     to the day after the last, in Lima's time) whose status is paid or
//     later (SampleStatuses: a refunded order was paid too);
//  2. rank each by SampleRank: the lowercase hex HMAC-SHA256 of its number
//     (e.g. "Q-2026-000123") with the seed (its UTF-8 bytes) as the key —
//     `printf %s Q-2026-000123 | openssl dgst -sha256 -hmac SEED`;
//  3. sort by rank, as strings, lowest first, and keep the first N.
//
// Nothing depends on row order, ids or the database's collation: numbers
// are unique, so ranks never tie.

// SampleStatuses are the statuses of orders that were paid.
var SampleStatuses = []OrderStatus{StatusPaid, StatusInFulfillment, StatusShipped, StatusDelivered,
	StatusRefunded, StatusPartiallyRefunded}

// SampleRank is an order's place in the sample drawn with seed.
func SampleRank(seed, number string) string {
	m := hmac.New(sha256.New, []byte(seed))
	m.Write([]byte(number))
	return hex.EncodeToString(m.Sum(nil))
}

// SampledOrder is one order drawn, with its rank.
type SampledOrder struct {
	Rank        string
	ID          int64
	Number      string
	Status      OrderStatus
	PaidAt      time.Time
	Currency    Currency
	TotalAmount int64
}

// Total is what the buyer paid.
func (o *SampledOrder) Total() Money { return Money{Amount: o.TotalAmount, Currency: o.Currency} }

// OrderSample is a drawn sample: Orders in rank order, out of Population
// orders paid in the period.
type OrderSample struct {
	Seed       string
	N          int
	From, To   time.Time // first and last day, 00:00 in Lima
	Population int
	Orders     []SampledOrder
}

// SampleOrders draws n orders paid from the day from to the day to (both
// included, Lima's days) with seed.
func (s *Store) SampleOrders(ctx context.Context, seed string, n int, from, to time.Time) (*OrderSample, error) {
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, limaZone)
	to = time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, limaZone)
	if seed == "" || n <= 0 || to.Before(from) {
		return nil, fmt.Errorf("sample of %d orders from %s to %s: %w", n, from.Format(time.DateOnly),
			to.Format(time.DateOnly), ErrInvalid)
	}
	var all []SampledOrder
	err := s.db.WithContext(ctx).Table("orders").
		Select("id, number, status, paid_at, currency, total_amount").
		Where("paid_at >= ? AND paid_at < ? AND status IN ?", from.UTC(), to.AddDate(0, 0, 1).UTC(), SampleStatuses).
		Scan(&all).Error
	if err != nil {
		return nil, fmt.Errorf("sample orders paid from %s to %s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	for i := range all {
		all[i].Rank = SampleRank(seed, all[i].Number)
		all[i].PaidAt = all[i].PaidAt.UTC()
	}
	slices.SortFunc(all, func(a, b SampledOrder) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.Number, b.Number))
	})
	return &OrderSample{Seed: seed, N: n, From: from, To: to, Population: len(all), Orders: all[:min(n, len(all))]}, nil
}
