package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

func TestPlaceOrder_TakesACartOnceAndOnlyAsItWasRead(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := newShop(t, db, 5)
		ctx := context.Background()
		k := models.CartKey{Token: "cart-of-a-double-click-000000000"}
		if err := c.store.AddToCart(ctx, k, c.prod.ID, 2); err != nil {
			t.Fatal(err)
		}
		// The same checkout twice at once (a double click): one order.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = c.store.PlaceOrder(ctx, buyer(line(c.prod.ID, 2)), &k)
			}()
		}
		wg.Wait()
		placed, taken := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				placed++
			case errors.Is(err, models.ErrCartChanged):
				taken++
			default:
				t.Errorf("place order: %v", err)
			}
		}
		if placed != 1 || taken != 1 || c.stock(t, c.prod.ID) != 3 || c.count(t, "orders", "1 = 1") != 1 {
			t.Errorf("%d placed, %d refused, stock %d, %d orders", placed, taken, c.stock(t, c.prod.ID), c.count(t, "orders", "1 = 1"))
		}
		// The cart changed since the checkout read it: refused, nothing written.
		if err := c.store.AddToCart(ctx, k, c.prod.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := c.store.PlaceOrder(ctx, buyer(line(c.prod.ID, 2)), &k); !errors.Is(err, models.ErrCartChanged) {
			t.Errorf("order from a changed cart: %v", err)
		}
		v, err := c.store.Cart(ctx, k)
		if err != nil || v.Count() != 1 || c.stock(t, c.prod.ID) != 3 || c.count(t, "orders", "1 = 1") != 1 {
			t.Errorf("after the refusal: cart %d pieces (%v), stock %d", v.Count(), err, c.stock(t, c.prod.ID))
		}
	})
}
