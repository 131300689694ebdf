package models

import (
	"context"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
)

// A sale changes one product's stock, not the catalog: page caches drop
// that product's pages alone. Every stock change is a row of the
// append-only stock_movements table (adjustStock), so that table is the
// change log every instance reads: StockFeed follows it by ID. The
// instance that made the change is told at once, after commit, through
// OnStockMoved; the others notice at their next poll.

// StockMove names one stock movement and the product it moved.
type StockMove struct {
	ID        int64 // the movement's ID
	ProductID int64
}

// OnStockMoved registers the function called after each commit that moved
// stock, with the movements it wrote.
func (s *Store) OnStockMoved(f func([]StockMove)) { s.hooks.stockMoved = f }

// afterStockMoved tells this instance, once the transaction commits,
// which products' stock moved.
func (s *Store) afterStockMoved(moves []StockMove) {
	if len(moves) == 0 {
		return
	}
	s.AfterCommit(func() {
		if f := s.hooks.stockMoved; f != nil {
			f(moves)
		}
	})
}

// StockFeed reads the stock movements made since it last looked, by any
// instance. IDs come from a sequence: on PostgreSQL a transaction may
// commit a lower ID after a higher one is already visible, and a rolled
// back one leaves a gap. So an ID skipped over is remembered as a hole and
// asked for again on later polls until it shows up or stockHoleGrace has
// passed (no transaction that moves stock lives that long: requests are
// bounded by seconds).
type StockFeed struct {
	store *Store
	mu    sync.Mutex
	last  int64               // highest movement ID read
	holes map[int64]time.Time // IDs below last not read yet, and since when
	// applied are IDs above last that this instance already acted on
	// (OnStockMoved): the poll that reads them skips them.
	applied map[int64]bool
}

const (
	// stockHoleGrace is how long a skipped ID is waited for.
	stockHoleGrace = 2 * time.Minute
	// maxStockHoles bounds the IDs waited for; the oldest go first.
	maxStockHoles = 4096
	// stockFeedBatch bounds one poll's read; the next poll goes on.
	stockFeedBatch = 5000
)

// StockFeed starts a feed at the newest movement: what happened before
// is already in whatever the caller is about to read.
func (s *Store) StockFeed(ctx context.Context) (*StockFeed, error) {
	var last int64
	err := rawScan(s.db.WithContext(ctx), &last, "SELECT COALESCE(MAX(id), 0) FROM stock_movements")
	if err != nil {
		return nil, fmt.Errorf("start stock feed: %w", err)
	}
	return &StockFeed{store: s, last: last, holes: map[int64]time.Time{}, applied: map[int64]bool{}}, nil
}

// Applied records movements this instance already acted on, so Poll does
// not report them a second time.
func (f *StockFeed) Applied(moves []StockMove) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.applied) > stockFeedBatch {
		// Nobody polls (or polls fall far behind): forget, at worst a
		// product's pages are dropped twice.
		clear(f.applied)
	}
	for _, m := range moves {
		if _, ok := f.holes[m.ID]; ok {
			delete(f.holes, m.ID)
		} else if m.ID > f.last {
			f.applied[m.ID] = true
		}
	}
}

// Poll returns the products whose stock moved since the last poll (each
// once, in no particular order), as of now.
func (f *StockFeed) Poll(ctx context.Context, now time.Time) ([]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, since := range f.holes {
		if now.Sub(since) > stockHoleGrace {
			delete(f.holes, id)
		}
	}
	holes := make([]int64, 0, len(f.holes))
	for id := range f.holes {
		holes = append(holes, id)
	}
	var rows []StockMove
	q := f.store.db.WithContext(ctx).Model(&StockMovement{}).Select("id", "product_id")
	if len(holes) > 0 {
		q = q.Where("id > ? OR id IN ?", f.last, holes)
	} else {
		q = q.Where("id > ?", f.last)
	}
	if err := q.Order("id").Limit(stockFeedBatch + len(holes)).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("poll stock movements: %w", err)
	}
	seen := map[int64]bool{}
	var products []int64
	for _, r := range rows {
		if _, ok := f.holes[r.ID]; ok {
			delete(f.holes, r.ID)
		} else {
			for id := max(f.last+1, r.ID-maxStockHoles); id < r.ID; id++ {
				f.addHole(id, now)
			}
			f.last = r.ID
			if f.applied[r.ID] {
				delete(f.applied, r.ID)
				continue
			}
		}
		if !seen[r.ProductID] {
			seen[r.ProductID] = true
			products = append(products, r.ProductID)
		}
	}
	return products, nil
}

// addHole waits for id, dropping the lowest one waited for when there are
// too many (a burst of rolled-back transactions).
func (f *StockFeed) addHole(id int64, now time.Time) {
	if len(f.holes) >= maxStockHoles {
		lowest := id
		for h := range f.holes {
			lowest = min(lowest, h)
		}
		delete(f.holes, lowest)
	}
	f.holes[id] = now
}

// stockMovesOf lists the movements of ms, for afterStockMoved.
func stockMovesOf(ms ...*StockMovement) []StockMove {
	out := make([]StockMove, 0, len(ms))
	for _, m := range ms {
		if m != nil {
			out = append(out, StockMove{ID: m.ID, ProductID: m.ProductID})
		}
	}
	return out
}

// stockTx runs fn in a transaction that moves stock but changes nothing
// else in the catalog: it does not bump the catalog version, and this
// instance hears of the moves fn reports once it commits.
func (s *Store) stockTx(ctx context.Context, fn func(tx *gorm.DB) ([]StockMove, error)) error {
	var moves []StockMove
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		moves, err = fn(tx)
		return err
	})
	if err != nil {
		return err
	}
	s.afterStockMoved(moves)
	return nil
}
