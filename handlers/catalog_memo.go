package handlers

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/ciap/qhatu/models"
)

// catalogVersion is the catalog version an instance last saw: bumped at
// once by this instance's own changes (Store.OnCatalogChange) and by
// WatchCatalog's polling for changes made by other instances.
type catalogVersion struct{ v atomic.Int64 }

func (c *catalogVersion) get() int64 { return c.v.Load() }

// set moves the version forward only, so a slow poll never rolls back a
// newer version this instance has already seen.
func (c *catalogVersion) set(v int64) {
	for {
		cur := c.v.Load()
		if v <= cur || c.v.CompareAndSwap(cur, v) {
			return
		}
	}
}

// memo keeps one value derived from the whole catalog (the groups, the
// catalog-wide figures) until the catalog version changes, so a page that
// misses the page cache does not reload thousands of products to compute
// a median.
type memo[T any] struct {
	mu      sync.Mutex
	version int64
	ok      bool
	val     T
}

// get returns the value for version, loading it at most once per version:
// concurrent callers wait for the one load instead of repeating it.
func (m *memo[T]) get(version int64, load func() (T, error)) (T, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ok && m.version == version {
		return m.val, nil
	}
	v, err := load()
	if err != nil {
		var zero T
		return zero, err
	}
	m.val, m.version, m.ok = v, version, true
	return v, nil
}

// keptMap keeps values built on demand by key, shared by concurrent
// requests (the rendered cards and parts of the catalog data memo). A
// missing value is built outside the lock: two requests may both build
// it, and both builds are the same.
type keptMap[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

// get returns the value kept for key, else builds and keeps it; a failed
// build keeps nothing.
func (k *keptMap[K, V]) get(key K, build func() (V, error)) (V, error) {
	k.mu.Lock()
	v, ok := k.m[key]
	k.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := build()
	if err != nil {
		return v, err
	}
	k.mu.Lock()
	if k.m == nil {
		k.m = map[K]V{}
	}
	k.m[key] = v
	k.mu.Unlock()
	return v, nil
}

// catalogGroups lists the active groups with their product counts.
func (s *Server) catalogGroups(ctx context.Context) ([]models.GroupSummary, error) {
	return s.groups.get(s.version.get(), func() ([]models.GroupSummary, error) {
		return s.store.ListGroups(ctx)
	})
}

// catalogFiguresNow computes the catalog-wide figures of the current
// catalog (median share paid to artisans, total surplus, …).
func (s *Server) catalogFiguresNow(ctx context.Context) (models.CatalogFigures, error) {
	return s.figures.get(s.version.get(), func() (models.CatalogFigures, error) {
		ps, err := s.store.ProductsWithBreakdowns(ctx)
		if err != nil {
			return models.CatalogFigures{}, err
		}
		return models.ComputeCatalogFigures(ps, s.cfg.MinimumWage.Hourly()), nil
	})
}
