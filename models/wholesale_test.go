package models_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// wholesaleShop is a fulfilShop with a reseller and a customer.
type wholesaleShop struct {
	*fulfilShop
	reseller, customer *models.User
}

func newWholesaleShop(t *testing.T, db *gorm.DB, stock int) *wholesaleShop {
	t.Helper()
	c := &wholesaleShop{fulfilShop: newFulfilShop(t, db, stock)}
	h := models.NewHasher(cheap, 1)
	c.reseller = mustUser(t, c.store, h, "mercado@example.com", models.RoleReseller)
	c.customer = mustUser(t, c.store, h, "ana@example.com", models.RoleCustomer)
	return c
}

func (c *wholesaleShop) resellerKey() models.CartKey {
	return models.CartKey{UserID: c.reseller.ID, Channel: models.ChannelFor(c.reseller.Role)}
}

// terms sets a product's pack step and tiers through the back office.
func (c *wholesaleShop) terms(t *testing.T, id int64, step int, tiers ...models.VolumeTier) *models.Product {
	t.Helper()
	p, err := c.store.ProductByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	p.WholesalePackStep, p.Tiers = step, append([]models.VolumeTier{}, tiers...)
	if err := c.ed.UpdateProduct(context.Background(), p); err != nil {
		t.Fatalf("set wholesale terms of %s: %v", p.Slug, err)
	}
	return p
}

func (c *wholesaleShop) wholesaleOrder(lines ...models.OrderLineInput) models.OrderInput {
	in := buyer(lines...)
	in.Channel, in.UserID, in.Method = models.ChannelWholesale, &c.reseller.ID, models.PaymentBankTransfer
	return in
}

func codes(c models.WholesaleLineCheck) []models.Code {
	var out []models.Code
	for _, p := range c.Problems {
		out = append(out, p.Code)
	}
	return out
}

func TestChannelFor_OnlyResellersShopAtWholesale(t *testing.T) {
	for _, r := range models.Roles {
		want := models.ChannelRetail
		if r == models.RoleReseller {
			want = models.ChannelWholesale
		}
		if got := models.ChannelFor(r); got != want {
			t.Errorf("%s shops at %s, want %s", r, got, want)
		}
	}
}

func TestCheckWholesaleLines_MinimumPackStepStockAndMergedRows(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newWholesaleShop(t, db, 10)
		p := c.terms(t, c.prod.ID, 2) // minimum 6, by 2, 10 in stock
		if p.SKU != models.DefaultSKU(p.ID) {
			t.Errorf("a product made without a SKU has %q, want %q", p.SKU, models.DefaultSKU(p.ID))
		}
		cases := []struct {
			name string
			in   models.WholesaleLineInput
			want []models.Code
		}{
			{"fine by slug", models.WholesaleLineInput{Ref: p.Slug, Quantity: 6}, nil},
			{"fine by SKU in lower case", models.WholesaleLineInput{Ref: " " + strings.ToLower(p.SKU) + " ", Quantity: 6}, nil},
			{"unknown", models.WholesaleLineInput{Ref: "no-such-piece", Quantity: 6}, []models.Code{models.CodeUnknownProduct}},
			{"below the minimum and odd", models.WholesaleLineInput{ProductID: p.ID, Quantity: 3}, []models.Code{models.CodeBelowMinimum, models.CodeNotPackMultiple}},
			{"not a pack multiple", models.WholesaleLineInput{ProductID: p.ID, Quantity: 7}, []models.Code{models.CodeNotPackMultiple}},
			{"above stock", models.WholesaleLineInput{ProductID: p.ID, Quantity: 12}, []models.Code{models.CodeAboveStock}},
			{"above stock, made to order", models.WholesaleLineInput{ProductID: p.ID, Quantity: 12, MadeToOrder: true}, nil},
			{"zero", models.WholesaleLineInput{ProductID: p.ID, Quantity: 0}, []models.Code{models.CodeQuantity}},
			{"negative", models.WholesaleLineInput{ProductID: p.ID, Quantity: -6}, []models.Code{models.CodeQuantity}},
		}
		for _, tc := range cases {
			got, err := c.store.CheckWholesaleLines(ctx, []models.WholesaleLineInput{tc.in})
			if err != nil || len(got) != 1 {
				t.Fatalf("%s: %v %d checks", tc.name, err, len(got))
			}
			if !slices.Equal(codes(got[0]), tc.want) {
				t.Errorf("%s: problems %v, want %v", tc.name, codes(got[0]), tc.want)
			}
			if len(tc.want) == 0 && (got[0].UnitPrice.Amount != boWholesale().Price || got[0].Product.ID != p.ID ||
				got[0].Total.Amount != boWholesale().Price*int64(tc.in.Quantity)) {
				t.Errorf("%s: unit %v total %v", tc.name, got[0].UnitPrice, got[0].Total)
			}
		}
		// Rows of one product merge: 4 + 4 is a fine 8, rows remembered.
		got, err := c.store.CheckWholesaleLines(ctx, []models.WholesaleLineInput{
			{Row: 2, Ref: p.Slug, Quantity: 4}, {Row: 3, Ref: "nada", Quantity: 1}, {Row: 5, Ref: p.SKU, Quantity: 4, MadeToOrder: true}})
		if err != nil || len(got) != 2 {
			t.Fatalf("merged: %v %+v", err, got)
		}
		m := got[0]
		if m.Input.Quantity != 8 || m.Input.Row != 2 || len(m.Rows) != 2 || m.Rows[1] != 5 || !m.OK() || !m.Input.MadeToOrder {
			t.Errorf("merged line %+v rows %v problems %v", m.Input, m.Rows, m.Problems)
		}
		if m.InStock != 10 || m.LeadTimeDays != models.DefaultLeadTimeDays || m.ToMake() != 0 {
			t.Errorf("stock %d lead %d to make %d", m.InStock, m.LeadTimeDays, m.ToMake())
		}
		// A product without a wholesale price or unpublished is not for sale.
		if err := c.ed.SetProductPublished(ctx, c.prod2.ID, c.prod2.LockVersion, false); err != nil {
			t.Fatal(err)
		}
		got, _ = c.store.CheckWholesaleLines(ctx, []models.WholesaleLineInput{{ProductID: c.prod2.ID, Quantity: 6}})
		if !slices.Equal(codes(got[0]), []models.Code{models.CodeNotForSale}) {
			t.Errorf("draft: %v", codes(got[0]))
		}
	})
}

func TestAddWholesaleLines_AllOrNothingAndOnlyForResellers(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newWholesaleShop(t, db, 10)
		k := c.resellerKey()
		good := models.WholesaleLineInput{ProductID: c.prod.ID, Quantity: 6}
		bad := models.WholesaleLineInput{Row: 7, Ref: c.prod2.Slug, Quantity: 2}
		err := c.store.AddWholesaleLines(ctx, k, []models.WholesaleLineInput{good, bad})
		var we *models.WholesaleLinesError
		if !errors.As(err, &we) || !errors.Is(err, models.ErrInvalid) || len(we.Checks) != 2 || len(we.Bad()) != 1 || we.Bad()[0].Input.Row != 7 {
			t.Fatalf("one bad line: %v", err)
		}
		if n := c.count(t, "cart_lines", "1 = 1"); n != 0 {
			t.Fatalf("a refused submit wrote %d cart lines", n)
		}
		// A customer's, a guest's or a retail-keyed cart never takes them.
		for _, key := range []models.CartKey{{UserID: c.customer.ID, Channel: models.ChannelFor(c.customer.Role)},
			{Token: "guest-token", Channel: models.ChannelWholesale}, {UserID: c.reseller.ID}} {
			if err := c.store.AddWholesaleLines(ctx, key, []models.WholesaleLineInput{good}); !errors.Is(err, models.ErrWholesaleOnly) {
				t.Errorf("key %+v: %v", key, err)
			}
		}
		if err := c.store.AddWholesaleLines(ctx, k, nil); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("no lines: %v", err)
		}
		made := models.WholesaleLineInput{ProductID: c.prod2.ID, Quantity: 14, MadeToOrder: true}
		if err := c.store.AddWholesaleLines(ctx, k, []models.WholesaleLineInput{good, made}); err != nil {
			t.Fatal(err)
		}
		// A second submit sets the quantities it names, keeping the rest.
		if err := c.store.AddWholesaleLines(ctx, k, []models.WholesaleLineInput{{ProductID: c.prod.ID, Quantity: 8}}); err != nil {
			t.Fatal(err)
		}
		v, err := c.store.Cart(ctx, k)
		if err != nil || len(v.Items) != 2 || !v.Wholesale() {
			t.Fatalf("cart %+v %v", v, err)
		}
		a, b := v.Items[0], v.Items[1]
		if a.Quantity != 8 || b.Quantity != 14 || !b.MadeToOrder || b.ToMake() != 4 || !v.Buyable() {
			t.Errorf("lines %d, %d (made to order %v, to make %d)", a.Quantity, b.Quantity, b.MadeToOrder, b.ToMake())
		}
		if want := boWholesale().Price * 22; v.ItemsTotal().Amount != want || v.PaidToArtisans().Amount != 22*4500 {
			t.Errorf("wholesale total %v, want %d; to artisans %v", v.ItemsTotal(), want, v.PaidToArtisans())
		}
		// The reseller's cart holds the wholesale rules on the plain cart
		// forms too: 8 + 3 is more than the 10 in stock.
		if err := c.store.AddToCart(ctx, k, c.prod.ID, 3); !errors.As(err, &we) || !we.Checks[0].Has(models.CodeAboveStock) {
			t.Errorf("add 1 at wholesale: %v", err)
		}
		// The same cart read at retail (the role changed) is priced retail.
		rv, err := c.store.Cart(ctx, models.CartKey{UserID: c.reseller.ID})
		if err != nil || rv.Wholesale() || rv.ItemsTotal().Amount != boRetail().Price*22 {
			t.Errorf("retail view %v %v", rv.ItemsTotal(), err)
		}
	})
}

func TestTierBreakdown_ComesOutOfCIAPsSideOnly(t *testing.T) {
	w := boWholesale()
	w.Channel, w.Currency = models.ChannelWholesale, models.PEN
	b, ok := models.TierBreakdown(w, 8000)
	if !ok {
		t.Fatal("a tier CIAP's side can pay for was refused")
	}
	if b.Sum() != 8000 || b.Price != 8000 || !models.SameArtisanPay(w, b) || b.LocalMarketPrice != w.LocalMarketPrice {
		t.Errorf("tier breakdown %+v", b)
	}
	if want := w.Taxes * 8000 / w.Price; b.Taxes != want {
		t.Errorf("IGV %d, want %d (the wholesale share kept)", b.Taxes, want)
	}
	if b.Margin != 0 || b.CIAPOperations != w.CIAPOperations-(1000-(w.Taxes-b.Taxes)-w.Margin) || b.Logistics != w.Logistics || b.PaymentFees != w.PaymentFees {
		t.Errorf("the reduction is not taken from the margin first, then operations: %+v", b)
	}
	for _, price := range []int64{4600, 9000, 9500, 0} {
		if _, ok := models.TierBreakdown(w, price); ok {
			t.Errorf("tier at %d accepted", price)
		}
	}
	cases := []struct {
		name  string
		tiers []models.VolumeTier
		field string
		code  models.Code
	}{
		{"pays artisans less", []models.VolumeTier{{MinQty: 24, Price: 4600}}, "tiers.0", models.CodeTierArtisans},
		{"not below wholesale", []models.VolumeTier{{MinQty: 24, Price: 9000}}, "tiers.0", models.CodeTierPrice},
		{"price must fall", []models.VolumeTier{{MinQty: 12, Price: 8500}, {MinQty: 24, Price: 8600}}, "tiers.1", models.CodeTierPrice},
		{"quantity twice", []models.VolumeTier{{MinQty: 12, Price: 8500}, {MinQty: 12, Price: 8000}}, "tiers.1", models.CodeTierMinQty},
		{"quantity one", []models.VolumeTier{{MinQty: 1, Price: 8500}}, "tiers.0", models.CodeTierMinQty},
	}
	for _, tc := range cases {
		if got := fieldOf(t, models.ValidateTiers(w, tc.tiers), tc.field); got != tc.code {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.code)
		}
	}
	if err := models.ValidateTiers(w, []models.VolumeTier{{MinQty: 24, Price: 8000}, {MinQty: 12, Price: 8500}}); err != nil {
		t.Errorf("good tiers in any order: %v", err)
	}
}

func TestPlaceOrder_WholesaleSnapshotsTierTakesStockAndMakesTheRest(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newWholesaleShop(t, db, 10)
		c.terms(t, c.prod.ID, 6, models.VolumeTier{MinQty: 12, Price: 8000})
		k := c.resellerKey()
		if err := c.store.AddWholesaleLines(ctx, k, []models.WholesaleLineInput{
			{ProductID: c.prod.ID, Quantity: 18, MadeToOrder: true}, {ProductID: c.prod2.ID, Quantity: 6}}); err != nil {
			t.Fatal(err)
		}
		v, err := c.store.Cart(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		in := c.wholesaleOrder(v.OrderLines()...)
		// Below the minimum order value: refused, nothing written.
		in.MinItemsAmount = v.ItemsTotal().Amount + 1
		if _, err := c.store.PlaceOrder(ctx, in, &k); fieldOf(t, err, "lines") != models.CodeBelowMinOrder {
			t.Fatalf("below the minimum order: %v", err)
		}
		if c.count(t, "orders", "1 = 1") != 0 || c.count(t, "cart_lines", "1 = 1") != 2 || c.stock(t, c.prod.ID) != 10 {
			t.Fatal("a refused order wrote something")
		}
		in.MinItemsAmount = v.ItemsTotal().Amount
		o, err := c.store.PlaceOrder(ctx, in, &k)
		if err != nil {
			t.Fatal(err)
		}
		if o.Channel != models.ChannelWholesale || o.ItemsAmount != 18*8000+6*boWholesale().Price || o.ItemsAmount != v.ItemsTotal().Amount {
			t.Errorf("order %s items %d", o.Channel, o.ItemsAmount)
		}
		got := c.orderByID(t, o.ID)
		for _, l := range got.Lines {
			b := l.Breakdown()
			if !models.SameArtisanPay(b, boRetail()) || b.Sum() != l.UnitPrice {
				t.Errorf("line %s pays artisans %v", l.ProductSlug, b.PaidToArtisans())
			}
			want := c.prod.WholesaleBreakdownID
			if l.ProductID == c.prod2.ID {
				want = c.prod2.WholesaleBreakdownID
			}
			if l.BreakdownID != *want {
				t.Errorf("line %s snapshots breakdown %d, want the wholesale %d", l.ProductSlug, l.BreakdownID, *want)
			}
		}
		// 10 taken from stock, 8 made by the group, due its lead time on.
		if c.stock(t, c.prod.ID) != 0 || c.stock(t, c.prod2.ID) != 4 {
			t.Errorf("stock %d and %d", c.stock(t, c.prod.ID), c.stock(t, c.prod2.ID))
		}
		pos, err := c.store.ProductionOrdersOf(ctx, o.ID)
		if err != nil || len(pos) != 1 {
			t.Fatalf("production orders %+v %v", pos, err)
		}
		po := pos[0]
		due := time.Now().In(time.FixedZone("PET", -5*3600)).AddDate(0, 0, models.DefaultLeadTimeDays)
		if po.GroupID != c.group.ID || po.Status != models.ProductionOpen || po.Pieces() != 8 ||
			po.DueOn.Format("2006-01-02") != due.Format("2006-01-02") || po.Lines[0].OrderLine == nil {
			t.Errorf("production order %+v due %s", po, po.DueOn)
		}
		list, err := c.store.ProductionOrders(ctx, models.ProductionFilter{Status: models.ProductionOpen})
		if err != nil || list.Total != 1 || list.Items[0].Order == nil || list.Items[0].Group == nil {
			t.Errorf("back-office list %+v %v", list, err)
		}
		// Cancelling gives back exactly what was taken and cancels the
		// production order, once.
		if _, err := c.store.CancelOrder(ctx, o.ID, staffEmail, "changed their mind"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.store.CancelOrder(ctx, o.ID, staffEmail, "again"); err == nil {
			t.Error("a second cancellation passed")
		}
		if c.stock(t, c.prod.ID) != 10 || c.stock(t, c.prod2.ID) != 10 {
			t.Errorf("after cancel: stock %d and %d", c.stock(t, c.prod.ID), c.stock(t, c.prod2.ID))
		}
		if n := c.count(t, "production_orders", "status = ? AND cancelled_at IS NOT NULL", models.ProductionCancelled); n != 1 {
			t.Errorf("%d cancelled production orders", n)
		}
		if n := c.count(t, "stock_movements", "order_id = ? AND reason = ?", o.ID, models.StockReleased); n != 2 {
			t.Errorf("%d release movements", n)
		}
	})
}

func TestPlaceOrder_WholesaleRulesHoldAtCheckout(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newWholesaleShop(t, db, 10)
		c.terms(t, c.prod.ID, 3)
		cases := []struct {
			name string
			line models.OrderLineInput
			code models.Code
		}{
			{"below minimum", models.OrderLineInput{ProductID: c.prod.ID, Quantity: 3}, models.CodeBelowMinimum},
			{"pack step", models.OrderLineInput{ProductID: c.prod.ID, Quantity: 7}, models.CodeNotPackMultiple},
			{"stock", models.OrderLineInput{ProductID: c.prod.ID, Quantity: 12}, models.CodeAboveStock},
		}
		for _, tc := range cases {
			_, err := c.store.PlaceOrder(ctx, c.wholesaleOrder(tc.line), nil)
			var we *models.WholesaleLinesError
			if !errors.As(err, &we) || !we.Checks[0].Has(tc.code) {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		// Made to order is wholesale only: a retail order above stock is sold out.
		in := buyer(models.OrderLineInput{ProductID: c.prod.ID, Quantity: 12, MadeToOrder: true})
		if _, err := c.store.PlaceOrder(ctx, in, nil); !errors.Is(err, models.ErrSoldOut) {
			t.Errorf("retail made to order: %v", err)
		}
		// A wholesale order needs an account.
		in = c.wholesaleOrder(line(c.prod.ID, 6))
		in.UserID = nil
		if _, err := c.store.PlaceOrder(ctx, in, nil); fieldOf(t, err, "channel") != models.CodeRetailOnly {
			t.Errorf("wholesale without an account: %v", err)
		}
		if c.count(t, "orders", "1 = 1") != 0 || c.stock(t, c.prod.ID) != 10 {
			t.Error("a refused order wrote something")
		}
	})
}

// A wholesale order's ledger entries pay the artisans what the same
// pieces sold retail pay them.
func TestFulfillOrder_WholesaleLedgerPaysArtisansAsRetail(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newWholesaleShop(t, db, 30)
		c.terms(t, c.prod.ID, 6, models.VolumeTier{MinQty: 12, Price: 8000})
		retail := c.paidOrder(t, line(c.prod.ID, 12), line(c.prod2.ID, 6))
		w, err := c.store.PlaceOrder(ctx, c.wholesaleOrder(line(c.prod.ID, 12), line(c.prod2.ID, 6)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if w.ItemsAmount >= retail.ItemsAmount {
			t.Fatalf("wholesale %d not below retail %d", w.ItemsAmount, retail.ItemsAmount)
		}
		if _, changed, err := c.store.PayOrder(ctx, cardPayment(w, "cs_"+w.Token[:12])); err != nil || !changed {
			t.Fatal(err)
		}
		for _, o := range []*models.Order{retail, w} {
			if _, err := c.store.FulfillOrder(ctx, o.ID); err != nil {
				t.Fatal(err)
			}
		}
		re, we := c.entries(t, retail.ID), c.entries(t, w.ID)
		if len(re) != 2 || len(we) != 2 {
			t.Fatalf("%d retail and %d wholesale entries", len(re), len(we))
		}
		byProduct := map[int64]models.LedgerEntry{}
		for _, e := range re {
			byProduct[e.ProductID] = e
		}
		for _, e := range we {
			r := byProduct[e.ProductID]
			if e.PaidToArtisans != r.PaidToArtisans || e.ArtisanLabour != r.ArtisanLabour || e.ArtisanMaterials != r.ArtisanMaterials ||
				e.CommunityFund != r.CommunityFund || e.Surplus != r.Surplus || e.Quantity != r.Quantity || e.PaidToArtisans == 0 {
				t.Errorf("product %d: wholesale entry %+v, retail %+v", e.ProductID, e, r)
			}
		}
		c.verify(t, 4)
	})
}

// A made-to-order wholesale order gives back, once, only the pieces it
// took from stock, whether it expires unpaid or is refunded after
// payment, and its production orders are cancelled with it.
func TestWholesaleMadeToOrder_ExpiryAndRefundGiveBackOnlyWhatWasTaken(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newWholesaleShop(t, db, 4)
		place := func() *models.Order {
			in := c.wholesaleOrder(models.OrderLineInput{ProductID: c.prod.ID, Quantity: 10, MadeToOrder: true})
			o, err := c.store.PlaceOrder(ctx, in, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.stock(t, c.prod.ID) != 0 || c.count(t, "production_orders", "order_id = ? AND status = ?", o.ID, models.ProductionOpen) != 1 {
				t.Fatalf("placed: stock %d", c.stock(t, c.prod.ID))
			}
			return o
		}
		o := place()
		for i, want := range []bool{true, false} {
			changed, err := c.store.ExpireOrder(ctx, o.ID, o.ExpiresAt.Add(time.Minute))
			if err != nil || changed != want {
				t.Fatalf("expire %d: %v %v", i, changed, err)
			}
		}
		if c.stock(t, c.prod.ID) != 4 || c.count(t, "production_orders", "order_id = ? AND status = ?", o.ID, models.ProductionCancelled) != 1 {
			t.Errorf("after expiry: stock %d", c.stock(t, c.prod.ID))
		}
		o = place()
		if _, changed, err := c.store.PayOrder(ctx, cardPayment(o, "cs_"+o.Token[:12])); err != nil || !changed {
			t.Fatal(err)
		}
		for _, ref := range []string{"op-1", "op-1"} {
			if _, _, err := c.store.RefundOrder(ctx, models.RefundOrderInput{OrderID: o.ID, Reference: ref, Actor: staffEmail}); err != nil {
				t.Fatal(err)
			}
		}
		if c.stock(t, c.prod.ID) != 4 || c.count(t, "production_orders", "order_id = ? AND status = ?", o.ID, models.ProductionCancelled) != 1 {
			t.Errorf("after refund: stock %d (4 were taken, 6 were to be made)", c.stock(t, c.prod.ID))
		}
	})
}

// The tiers a price list shows are the ones an order is charged: a tier
// a later price change made impossible (here written past the form's
// check) is left out, and pricing skips it the same way.
func TestApplicableVolumeTiers_LeaveOutWhatPricingSkips(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newWholesaleShop(t, db, 100)
		c.terms(t, c.prod.ID, 6, models.VolumeTier{MinQty: 12, Price: 8000})
		bad := models.VolumeTier{ProductID: c.prod.ID, MinQty: 48, Price: 4600, Currency: models.PEN, CreatedAt: time.Now()}
		if err := db.Create(&bad).Error; err != nil {
			t.Fatal(err)
		}
		got, err := c.store.ApplicableVolumeTiers(ctx, c.prod.ID, c.prod2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ts := got[c.prod.ID]; len(ts) != 1 || ts[0].MinQty != 12 || ts[0].Price != 8000 {
			t.Errorf("applicable tiers %+v, want only 12 at 80.00", ts)
		}
		if _, ok := got[c.prod2.ID]; ok {
			t.Errorf("a product without tiers has %+v", got[c.prod2.ID])
		}
		checks, err := c.store.CheckWholesaleLines(ctx, []models.WholesaleLineInput{{ProductID: c.prod.ID, Quantity: 48}})
		if err != nil || len(checks) != 1 || checks[0].UnitPrice.Amount != 8000 {
			t.Errorf("48 pieces priced %+v %v, want the 12-piece tier", checks, err)
		}
		if ts := models.ApplicableTiers(nil, []models.VolumeTier{{MinQty: 12, Price: 8000}}); ts != nil {
			t.Errorf("tiers without a wholesale price: %+v", ts)
		}
	})
}
