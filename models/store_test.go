package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// Store.Tx composes several store changes into one commit: all of them or
// none, and after-commit work (cache invalidation) only once committed.
func TestStoreTx_ComposesChangesIntoOneCommit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newBOCatalog(t, db, 5)
		var notified int
		c.store.OnStockMoved(func(ms []models.StockMove) { notified += len(ms) })
		boom := errors.New("later step failed")

		take := func(tx *models.Store, n int) error {
			_, err := tx.Editor(models.SystemActor).AdjustStock(ctx, models.StockAdjustment{
				ProductID: c.prod.ID, Delta: -n, Reason: models.StockCorrection, Note: "composed"})
			return err
		}
		for _, tc := range []struct {
			name      string
			fail      bool
			wantStock int
			wantNotes int
		}{
			{"a failure after two changes rolls both back", true, 5, 0},
			{"success commits both, then notifies", false, 2, 2},
		} {
			notified = 0
			err := c.store.Tx(ctx, func(tx *models.Store) error {
				if !tx.InTx() {
					t.Fatal("store given to Tx is not transaction-scoped")
				}
				if err := take(tx, 1); err != nil {
					return err
				}
				// A nested Tx joins the same transaction.
				if err := tx.Tx(ctx, func(inner *models.Store) error { return take(inner, 2) }); err != nil {
					return err
				}
				if notified != 0 {
					t.Errorf("%s: caches told before commit", tc.name)
				}
				if tc.fail {
					return boom
				}
				return nil
			})
			if tc.fail != errors.Is(err, boom) || (!tc.fail && err != nil) {
				t.Fatalf("%s: err %v", tc.name, err)
			}
			c.reload(t)
			if c.prod.Stock != tc.wantStock || notified != tc.wantNotes {
				t.Errorf("%s: stock %d notified %d, want %d and %d", tc.name, c.prod.Stock, notified, tc.wantStock, tc.wantNotes)
			}
		}
	})
}
