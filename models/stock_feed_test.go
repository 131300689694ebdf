package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// Placing, cancelling and expiring orders and counting stock tell this
// instance which products moved (after commit, not before, not on a
// rollback), without bumping the catalog version; another instance's feed
// reads the same products from the database.
func TestStockMoves_ReachThisInstanceAndOthers(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		other := c.addProduct(t, "jarra", 3)
		quiet := c.addProduct(t, "plato", 3) // never sold: never reported
		var told [][]int64
		c.store.OnStockMoved(func(ms []models.StockMove) {
			var ids []int64
			for _, m := range ms {
				ids = append(ids, m.ProductID)
			}
			slices.Sort(ids)
			told = append(told, ids)
		})
		// Another instance: its own store on the same database.
		remote, err := models.NewStore(db).StockFeed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		version, _ := c.store.CatalogVersion(ctx)
		poll := func() []int64 {
			t.Helper()
			ids, err := remote.Poll(ctx, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			return ids
		}
		both := []int64{c.prod.ID, other.ID}

		o := c.order(t, line(c.prod.ID, 2), line(other.ID, 1))
		if len(told) != 1 || !slices.Equal(told[0], both) {
			t.Fatalf("after placing: told %v, want [%v]", told, both)
		}
		if got := poll(); !slices.Equal(got, both) {
			t.Fatalf("other instance polled %v, want %v", got, both)
		}
		if got := poll(); len(got) != 0 {
			t.Fatalf("a second poll repeats %v", got)
		}

		// A short line rolls the whole order back: nobody is told.
		if _, err := c.store.CreateOrder(ctx, buyer(line(c.prod.ID, 1), line(other.ID, 50))); !errors.Is(err, models.ErrSoldOut) {
			t.Fatalf("short order: %v", err)
		}
		if len(told) != 1 {
			t.Fatalf("a rolled-back order told %v", told[1:])
		}

		if _, err := c.store.CancelOrder(ctx, o.ID, staffEmail, "buyer changed their mind"); err != nil {
			t.Fatal(err)
		}
		if len(told) != 2 || !slices.Equal(told[1], both) {
			t.Fatalf("after cancelling: told %v", told)
		}

		late := c.order(t, line(other.ID, 1))
		if _, err := c.store.ExpireOrder(ctx, late.ID, late.ExpiresAt.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ed.AdjustStock(ctx, models.StockAdjustment{ProductID: c.prod.ID, Delta: -1,
			Reason: models.StockDamaged}); err != nil {
			t.Fatal(err)
		}
		want := [][]int64{{other.ID}, {other.ID}, {c.prod.ID}} // placed, expired, damaged
		if len(told) != 5 || !slices.EqualFunc(told[2:], want, slices.Equal) {
			t.Fatalf("placed, expired, counted: told %v, want %v", told[2:], want)
		}
		if got := poll(); !slices.Equal(got, both) || slices.Contains(got, quiet.ID) {
			t.Fatalf("other instance polled %v, want %v", got, both)
		}
		if after, _ := c.store.CatalogVersion(ctx); after != version {
			t.Fatalf("stock moves bumped the catalog version %d → %d", version, after)
		}
	})
}

// The instance that moved stock acts on it at once; its own feed then
// skips those movements, so its pages are not dropped twice.
func TestStockFeed_SkipsWhatThisInstanceApplied(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		feed, err := c.store.StockFeed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c.store.OnStockMoved(feed.Applied)
		c.order(t, line(c.prod.ID, 1))
		ids, err := feed.Poll(ctx, time.Now())
		if err != nil || len(ids) != 0 {
			t.Fatalf("own feed reported %v (%v) after acting on it", ids, err)
		}
		// A move by another instance is still reported.
		if _, err := models.NewStore(db).Editor(staffEmail).AdjustStock(ctx, models.StockAdjustment{
			ProductID: c.prod.ID, Delta: 2, Reason: models.StockReceived}); err != nil {
			t.Fatal(err)
		}
		if ids, err := feed.Poll(ctx, time.Now()); err != nil || !slices.Equal(ids, []int64{c.prod.ID}) {
			t.Fatalf("another instance's move: %v (%v)", ids, err)
		}
	})
}

// On PostgreSQL a movement may commit after a later one is visible, and a
// rolled-back one leaves a gap: the feed reads the late one when it
// commits and stops waiting for the gap after a grace period. (SQLite has
// one writer: its IDs commit in order, without gaps.)
func TestStockFeed_ReadsLateCommitsAndForgetsGaps(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		if db.Dialector.Name() != "postgres" {
			t.Skip("SQLite commits movement IDs in order")
		}
		ctx := context.Background()
		c := newShop(t, db, 5)
		other := c.addProduct(t, "jarra", 3)
		feed, err := c.store.StockFeed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		poll := func(at time.Time) []int64 {
			t.Helper()
			ids, err := feed.Poll(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			return ids
		}
		adjust := func(s *models.Store, id int64) error {
			_, err := s.Editor(staffEmail).AdjustStock(ctx, models.StockAdjustment{ProductID: id, Delta: 1,
				Reason: models.StockReceived})
			return err
		}
		// A rolled-back movement: a gap.
		boom := errors.New("roll back")
		if err := c.store.Tx(ctx, func(tx *models.Store) error {
			if err := adjust(tx, c.prod.ID); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		// A movement that commits after a later one.
		held, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
		go func() {
			done <- c.store.Tx(ctx, func(tx *models.Store) error {
				if err := adjust(tx, c.prod.ID); err != nil {
					return err
				}
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		if err := adjust(c.store, other.ID); err != nil {
			t.Fatal(err)
		}
		if got := poll(now); !slices.Equal(got, []int64{other.ID}) {
			t.Fatalf("first poll: %v", got)
		}
		if n := feed.HolesForTest(); n != 2 {
			t.Fatalf("waiting for %d IDs, want 2 (the gap and the open transaction)", n)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := poll(now.Add(time.Second)); !slices.Equal(got, []int64{c.prod.ID}) {
			t.Fatalf("the late commit was missed: %v", got)
		}
		if n := feed.HolesForTest(); n != 1 {
			t.Fatalf("waiting for %d IDs, want the gap", n)
		}
		if got := poll(now.Add(10 * time.Minute)); len(got) != 0 || feed.HolesForTest() != 0 {
			t.Fatalf("after the grace: %v, still waiting for %d", got, feed.HolesForTest())
		}
	})
}
