package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

func TestCart_QuantitiesFromOneToTheStock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 3)
		guest := models.CartKey{Token: "visitor-token-1"}
		if v, err := c.store.Cart(ctx, guest); err != nil || len(v.Items) != 0 || c.count(t, "carts", "1 = 1") != 0 {
			t.Fatalf("reading an absent cart: %v %+v", err, v)
		}
		for _, q := range []int{0, -1, 4} {
			err := c.store.AddToCart(ctx, guest, c.prod.ID, q)
			var qe *models.QuantityError
			if !errors.As(err, &qe) || !errors.Is(err, models.ErrInvalid) || qe.Available != 3 || qe.Slug != c.prod.Slug {
				t.Errorf("add %d: %v", q, err)
			}
		}
		if err := c.store.AddToCart(ctx, guest, c.prod.ID, 2); err != nil {
			t.Fatal(err)
		}
		// 2 + 2 is more than the 3 in stock.
		if err := c.store.AddToCart(ctx, guest, c.prod.ID, 2); !errors.Is(err, models.ErrQuantity) {
			t.Errorf("add past the stock: %v", err)
		}
		if err := c.store.AddToCart(ctx, guest, c.prod.ID, 1); err != nil {
			t.Fatal(err)
		}
		if err := c.store.SetCartQuantity(ctx, guest, c.prod.ID, 0); !errors.Is(err, models.ErrQuantity) {
			t.Errorf("set 0: %v", err)
		}
		v, err := c.store.Cart(ctx, guest)
		if err != nil || len(v.Items) != 1 || v.Count() != 3 || !v.Items[0].Buyable() {
			t.Fatalf("cart %+v %v", v, err)
		}
		if v.ItemsTotal().Amount != 3*boRetail().Price || v.PaidToArtisans().Amount != 3*4500 {
			t.Errorf("totals %v, to artisans %v", v.ItemsTotal(), v.PaidToArtisans())
		}
		// A draft product cannot be added.
		draft := c.addProduct(t, "borrador", 3)
		if err := c.ed.SetProductPublished(ctx, draft.ID, draft.LockVersion, false); err != nil {
			t.Fatal(err)
		}
		if err := c.store.AddToCart(ctx, guest, draft.ID, 1); !errors.Is(err, models.ErrUnavailable) {
			t.Errorf("add a draft: %v", err)
		}
		if err := c.store.AddToCart(ctx, guest, 999999, 1); !errors.Is(err, models.ErrUnavailable) {
			t.Errorf("add an unknown product: %v", err)
		}
		if err := c.store.AddToCart(ctx, models.CartKey{}, c.prod.ID, 1); err == nil {
			t.Error("a cart without a key")
		}
		if err := c.store.RemoveFromCart(ctx, guest, c.prod.ID); err != nil {
			t.Fatal(err)
		}
		if v, _ := c.store.Cart(ctx, guest); v.Count() != 0 {
			t.Errorf("after remove: %d pieces", v.Count())
		}
	})
}

// Prices are never stored in the cart: a price change shows at once.
func TestCart_PricesComeFromTheCatalog(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 3)
		k := models.CartKey{Token: "visitor"}
		if err := c.store.AddToCart(ctx, k, c.prod.ID, 2); err != nil {
			t.Fatal(err)
		}
		r, w := boRetail(), boWholesale()
		r.Price, r.Margin, w.Price, w.Margin = r.Price+500, r.Margin+500, w.Price+500, w.Margin+500
		if _, err := c.ed.SaveBreakdowns(ctx, c.prod.ID, c.prod.LockVersion, r, w, "new margin"); err != nil {
			t.Fatal(err)
		}
		v, err := c.store.Cart(ctx, k)
		if err != nil || v.ItemsTotal().Amount != 2*r.Price {
			t.Errorf("cart total %v after a price change (%v)", v.ItemsTotal(), err)
		}
		// Stock sold meanwhile: the line stays, not buyable.
		if _, err := c.ed.AdjustStock(ctx, models.StockAdjustment{ProductID: c.prod.ID, Delta: -2, Reason: models.StockDamaged}); err != nil {
			t.Fatal(err)
		}
		if v, _ := c.store.Cart(ctx, k); v.Items[0].Buyable() {
			t.Error("a line with more pieces than the stock is buyable")
		}
	})
}

func TestMergeCarts_GuestCartJoinsTheAccountsAtSignIn(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 3)
		b := c.addProduct(t, "manta", 5)
		u, err := c.store.CreateUser(ctx, models.NewHasher(cheap, 1),
			models.NewUser{Email: "ana@example.com", Name: "Ana", Password: "una clave larga de prueba", Role: models.RoleCustomer})
		if err != nil {
			t.Fatal(err)
		}
		guest, account := models.CartKey{Token: "guest"}, models.CartKey{UserID: u.ID}
		// No account cart yet: the guest cart becomes the account's.
		if err := c.store.AddToCart(ctx, guest, c.prod.ID, 2); err != nil {
			t.Fatal(err)
		}
		if err := c.store.MergeCarts(ctx, "guest", u.ID); err != nil {
			t.Fatal(err)
		}
		if v, _ := c.store.Cart(ctx, account); v.Count() != 2 {
			t.Fatalf("account cart after first merge: %d pieces", v.Count())
		}
		// Another visit as a guest, then sign in again: lines add up,
		// capped at the stock, and the guest cart is gone.
		if err := c.store.AddToCart(ctx, models.CartKey{Token: "guest2"}, c.prod.ID, 3); err != nil {
			t.Fatal(err)
		}
		if err := c.store.AddToCart(ctx, models.CartKey{Token: "guest2"}, b.ID, 1); err != nil {
			t.Fatal(err)
		}
		if err := c.store.MergeCarts(ctx, "guest2", u.ID); err != nil {
			t.Fatal(err)
		}
		v, err := c.store.Cart(ctx, account)
		if err != nil || len(v.Items) != 2 || v.Items[0].Quantity != 3 || v.Items[1].Quantity != 1 {
			t.Fatalf("merged cart %+v %v", v, err)
		}
		if n := c.count(t, "carts", "1 = 1"); n != 1 {
			t.Errorf("%d carts left, want the account's only", n)
		}
		// The cart becomes an order, and is emptied in the same transaction.
		err = c.store.Tx(ctx, func(tx *models.Store) error {
			v, err := tx.Cart(ctx, account)
			if err != nil {
				return err
			}
			in := buyer(v.OrderLines()...)
			in.UserID = &u.ID
			if _, err := tx.CreateOrder(ctx, in); err != nil {
				return err
			}
			return tx.ClearCart(ctx, account)
		})
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := c.store.Cart(ctx, account); v.Count() != 0 || c.stock(t, c.prod.ID) != 0 || c.stock(t, b.ID) != 4 {
			t.Errorf("after checkout: cart %d, stock %d and %d", v.Count(), c.stock(t, c.prod.ID), c.stock(t, b.ID))
		}
		if n, err := c.store.PurgeGuestCarts(ctx, time.Now().Add(time.Hour)); err != nil || n != 0 {
			t.Errorf("purge removed %d account carts (%v)", n, err)
		}
	})
}

func TestCartCount_IsTheCartsCount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		guest, other := models.CartKey{Token: "visitor-token-1"}, models.CartKey{Token: "visitor-token-2"}
		check := func(step string, k models.CartKey, want int) {
			t.Helper()
			n, err := c.store.CartCount(ctx, k)
			v, verr := c.store.Cart(ctx, k)
			if err != nil || verr != nil || n != want || v.Count() != want {
				t.Fatalf("%s: CartCount %d (%v), Cart().Count() %d (%v), want %d", step, n, err, v.Count(), verr, want)
			}
		}
		check("no cart", guest, 0)
		if err := c.store.AddToCart(ctx, guest, c.prod.ID, 2); err != nil {
			t.Fatal(err)
		}
		if err := c.store.AddToCart(ctx, other, c.prod.ID, 1); err != nil {
			t.Fatal(err)
		}
		check("a line of two", guest, 2)
		check("another visitor's", other, 1)
		if _, err := c.store.CartCount(ctx, models.CartKey{}); err == nil {
			t.Fatal("a count without a key")
		}
	})
}
