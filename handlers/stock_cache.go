package handlers

import (
	"context"
	"time"

	"github.com/ciap/qhatu/models"
)

// A sale makes stale only the cached pages that show the stock of what
// it sold (pagecache.go's product clock): on this instance at once, after
// the sale commits (Store.OnStockMoved), and on the others at their next
// poll of the stock movements (models.StockFeed).

// watchStock wires the page cache to stock moves.
func (s *Server) watchStock(ctx context.Context) error {
	if s.cache == nil && s.data == nil {
		return nil
	}
	feed, err := s.store.StockFeed(ctx)
	if err != nil {
		return err
	}
	s.stockFeed = feed
	s.store.OnStockMoved(func(ms []models.StockMove) {
		ids := make([]int64, len(ms))
		for i, m := range ms {
			ids[i] = m.ProductID
		}
		s.stock.move(ids)
		feed.Applied(ms)
	})
	return nil
}

// pollCatalog reads what other instances changed: the catalog version,
// and the products whose stock moved.
func (s *Server) pollCatalog(ctx context.Context) {
	if v, err := s.store.CatalogVersion(ctx); err == nil {
		s.version.set(v)
	} else if ctx.Err() == nil {
		s.log.Warn("poll catalog version", "err", err)
	}
	if s.stockFeed == nil {
		return
	}
	if ids, err := s.stockFeed.Poll(ctx, time.Now()); err == nil {
		s.stock.move(ids)
	} else if ctx.Err() == nil {
		s.log.Warn("poll stock movements", "err", err)
	}
}
