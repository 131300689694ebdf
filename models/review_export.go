package models

import (
	"context"
	"fmt"
	"iter"
	"time"

	"gorm.io/gorm"
)

// Streams for the reviewers' exports: every price breakdown version and
// every audit entry, read row by row so an export of any size is written
// without holding it in memory.

// streamRows yields the rows of q one by one into one reused value: a
// consumer keeps a copy if it needs one past the next step.
func streamRows[T any](q *gorm.DB, what string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		rows, err := q.Rows()
		if err != nil {
			yield(nil, fmt.Errorf("read %s: %w", what, err))
			return
		}
		defer rows.Close()
		var v T
		for rows.Next() {
			var zero T
			v = zero
			if err := q.ScanRows(rows, &v); err != nil {
				yield(nil, fmt.Errorf("read %s: %w", what, err))
				return
			}
			if !yield(&v, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, fmt.Errorf("read %s: %w", what, err))
		}
	}
}

// BreakdownVersion is one recorded version of a product's breakdown, with
// the product it prices.
type BreakdownVersion struct {
	Breakdown
	ProductSlug   string
	ProductNameES string `gorm:"column:product_name_es"`
	ProductNameEN string `gorm:"column:product_name_en"`
	GroupName     string
}

// ProductName picks the product's name for a language.
func (v *BreakdownVersion) ProductName(lang string) string {
	return pick(lang, v.ProductNameES, v.ProductNameEN)
}

// BreakdownVersions streams every version of every product's breakdowns
// (of one product when productID is not 0), by product slug, channel and
// version: each product's full price history.
func (s *Store) BreakdownVersions(ctx context.Context, productID int64) iter.Seq2[*BreakdownVersion, error] {
	q := s.db.WithContext(ctx).Table("price_breakdowns b").
		Select("b.*, p.slug AS product_slug, p.name_es AS product_name_es, p.name_en AS product_name_en, g.name AS group_name").
		Joins("JOIN products p ON p.id = b.product_id").Joins("JOIN producer_groups g ON g.id = p.group_id").
		Order("p.slug, b.channel, b.version")
	if productID != 0 {
		q = q.Where("b.product_id = ?", productID)
	}
	return streamRows[BreakdownVersion](q, "price history")
}

// AuditEntries streams the audit log's entries made in a period, oldest first.
func (s *Store) AuditEntries(ctx context.Context, from, to time.Time) iter.Seq2[*AuditEntry, error] {
	q := s.db.WithContext(ctx).Model(&AuditEntry{}).Where("created_at >= ? AND created_at < ?", from.UTC(), to.UTC()).
		Order("id")
	return streamRows[AuditEntry](q, "audit log")
}
