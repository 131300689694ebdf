package models

import (
	"context"
	"fmt"
)

// BackOfficeCounts are the dashboard's figures.
type BackOfficeCounts struct {
	Associations, Groups, Products, Published, OutOfStock, Drafts int64
}

// BackOfficeCounts counts the catalog for the dashboard.
func (s *Store) BackOfficeCounts(ctx context.Context) (BackOfficeCounts, error) {
	var c BackOfficeCounts
	db := s.db.WithContext(ctx)
	for _, q := range []struct {
		dst   *int64
		model any
		where string
		args  []any
	}{
		{&c.Associations, &Association{}, "active = ?", []any{true}},
		{&c.Groups, &Group{}, "active = ?", []any{true}},
		{&c.Products, &Product{}, "1 = 1", nil},
		{&c.Published, &Product{}, "published = ?", []any{true}},
		{&c.OutOfStock, &Product{}, "published = ? AND stock = 0", []any{true}},
		{&c.Drafts, &Product{}, "published = ?", []any{false}},
	} {
		if err := db.Model(q.model).Where(q.where, q.args...).Count(q.dst).Error; err != nil {
			return c, fmt.Errorf("count for dashboard: %w", err)
		}
	}
	return c, nil
}
