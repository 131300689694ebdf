package models_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// shopCatalog is a back-office catalog whose product is published and for
// sale, with a second product to add when a test needs two lines.
type shopCatalog struct {
	*boCatalog
	db *gorm.DB
}

func newShop(t *testing.T, db *gorm.DB, stock int) *shopCatalog {
	t.Helper()
	c := newBOCatalog(t, db, stock)
	if err := c.ed.SetProductPublished(context.Background(), c.prod.ID, c.prod.LockVersion, true); err != nil {
		t.Fatalf("publish: %v", err)
	}
	c.reload(t)
	return &shopCatalog{boCatalog: c, db: db}
}

// addProduct adds another published product of the same group, priced
// with boRetail, with stock pieces.
func (c *shopCatalog) addProduct(t *testing.T, slug string, stock int) *models.Product {
	t.Helper()
	return c.addProductOf(t, c.group.ID, slug, stock)
}

// addProductOf is addProduct for the group groupID.
func (c *shopCatalog) addProductOf(t *testing.T, groupID int64, slug string, stock int) *models.Product {
	t.Helper()
	ctx := context.Background()
	p := &models.Product{Slug: slug, NameES: "Pieza " + slug, NameEN: "Piece " + slug, DescriptionES: "d",
		DescriptionEN: "d", Craft: models.CraftCeramics, GroupID: groupID, WholesaleMinQty: 6}
	if err := c.ed.CreateProduct(ctx, p); err != nil {
		t.Fatalf("create %s: %v", slug, err)
	}
	ch, err := c.ed.SaveBreakdowns(ctx, p.ID, p.LockVersion, boRetail(), boWholesale(), "first price")
	if err != nil {
		t.Fatalf("price %s: %v", slug, err)
	}
	if stock > 0 {
		if _, err := c.ed.AdjustStock(ctx, models.StockAdjustment{ProductID: p.ID, Delta: stock, Reason: models.StockReceived}); err != nil {
			t.Fatalf("stock %s: %v", slug, err)
		}
	}
	if err := c.ed.SetProductPublished(ctx, p.ID, ch.LockVersion, true); err != nil {
		t.Fatalf("publish %s: %v", slug, err)
	}
	p, err = c.store.ProductByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (c *shopCatalog) stock(t *testing.T, id int64) int {
	t.Helper()
	p, err := c.store.ProductByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Stock
}

// orderByID reads an order back with its lines, payments and history.
func (c *shopCatalog) orderByID(t *testing.T, id int64) *models.Order {
	t.Helper()
	o, err := c.store.OrderByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (c *shopCatalog) count(t *testing.T, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := c.db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func buyer(lines ...models.OrderLineInput) models.OrderInput {
	return models.OrderInput{
		Customer: models.Customer{Email: "Ana@Example.com", Name: "Ana Quispe", Phone: "+51 987 654 321",
			Address: models.Address{Country: "pe", Region: "lima-metropolitana", City: "Lima",
				Line: "Jr. Junín 123", PostalCode: "15001"}},
		Method: models.PaymentCard, ExpiresAt: time.Now().Add(time.Hour), Lines: lines,
	}
}

func line(id int64, q int) models.OrderLineInput {
	return models.OrderLineInput{ProductID: id, Quantity: q}
}

func (c *shopCatalog) order(t *testing.T, lines ...models.OrderLineInput) *models.Order {
	t.Helper()
	o, err := c.store.CreateOrder(context.Background(), buyer(lines...))
	if err != nil {
		t.Fatalf("create order: %v", err)
	}
	return o
}

func TestCreateOrder_PricesFromCatalogAndSnapshotsTheBreakdown(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 2))
		r := boRetail()
		if o.Status != models.StatusPendingPayment || o.Channel != models.ChannelRetail {
			t.Errorf("status %s channel %s", o.Status, o.Channel)
		}
		if o.ItemsAmount != 2*r.Price || o.ShippingAmount != 1200 || o.TotalAmount != 2*r.Price+1200 ||
			o.ShippingZoneCode != models.ZoneLima {
			t.Errorf("totals %d + %d = %d (zone %s)", o.ItemsAmount, o.ShippingAmount, o.TotalAmount, o.ShippingZoneCode)
		}
		if o.Customer.Email != "ana@example.com" || o.Customer.Address.Country != "PE" {
			t.Errorf("customer not normalised: %+v", o.Customer)
		}
		got, err := c.store.OrderByToken(ctx, o.Token)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Lines) != 1 || len(got.History) != 1 || got.History[0].To != models.StatusPendingPayment {
			t.Fatalf("lines %d history %+v", len(got.Lines), got.History)
		}
		l := got.Lines[0]
		if l.BreakdownID != *c.prod.RetailBreakdownID || l.UnitPrice != r.Price || l.Quantity != 2 ||
			l.LineTotal != 2*r.Price || l.ArtisanLabour != r.ArtisanLabour || l.Margin != r.Margin ||
			l.LocalMarketPrice != r.LocalMarketPrice || l.GroupID != c.group.ID || l.ProductSlug != c.prod.Slug {
			t.Errorf("line snapshot %+v", l)
		}
		if got.PaidToArtisans().Amount != 2*(r.ArtisanLabour+r.ArtisanMaterials+r.CommunityFund) {
			t.Errorf("paid to artisans %d", got.PaidToArtisans().Amount)
		}
		if s := c.stock(t, c.prod.ID); s != 3 {
			t.Errorf("stock %d, want 3", s)
		}
		if n := c.count(t, "stock_movements", "order_id = ? AND reason = ? AND delta = ?", o.ID, models.StockSold, -2); n != 1 {
			t.Errorf("%d sold movements referencing the order, want 1", n)
		}
	})
}

// The brief's no-overselling rule: 50 buyers of the last 5 pieces.
func TestCreateOrder_FiftyBuyersOfFivePiecesMakeFiveOrders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			ok      int
			soldOut int
			other   []error
			numbers = map[string]bool{}
		)
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				o, err := c.store.CreateOrder(ctx, buyer(line(c.prod.ID, 1)))
				mu.Lock()
				defer mu.Unlock()
				var se *models.SoldOutError
				switch {
				case err == nil:
					ok++
					numbers[o.Number] = true
				case errors.As(err, &se) && len(se.Shortages) == 1 && se.Shortages[0].Available == 0 &&
					se.Shortages[0].Slug == c.prod.Slug:
					soldOut++
				default:
					other = append(other, err)
				}
			}()
		}
		wg.Wait()
		if ok != 5 || soldOut != 45 || len(other) != 0 || len(numbers) != 5 {
			t.Fatalf("%d orders (%d numbers), %d sold out, other errors %v", ok, len(numbers), soldOut, other)
		}
		if s := c.stock(t, c.prod.ID); s != 0 {
			t.Errorf("stock %d, want 0", s)
		}
		if n := c.count(t, "orders", "1 = 1"); n != 5 {
			t.Errorf("%d orders stored", n)
		}
		if n := c.count(t, "stock_movements", "reason = ?", models.StockSold); n != 5 {
			t.Errorf("%d sold movements", n)
		}
	})
}

func TestCreateOrder_AShortLineWritesNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		b := c.addProduct(t, "toro-de-pucara", 1)
		movements := c.count(t, "stock_movements", "1 = 1")
		audits := c.count(t, "audit_log", "1 = 1")

		_, err := c.store.CreateOrder(ctx, buyer(line(c.prod.ID, 2), line(b.ID, 3)))
		var se *models.SoldOutError
		if !errors.As(err, &se) || !errors.Is(err, models.ErrSoldOut) {
			t.Fatalf("want a SoldOutError, got %v", err)
		}
		if len(se.Shortages) != 1 || se.Shortages[0].ProductID != b.ID || se.Shortages[0].Available != 1 ||
			se.Shortages[0].Requested != 3 {
			t.Errorf("shortages %+v", se.Shortages)
		}
		// Both short: both named.
		_, err = c.store.CreateOrder(ctx, buyer(line(c.prod.ID, 9), line(b.ID, 3)))
		if !errors.As(err, &se) || len(se.Shortages) != 2 {
			t.Errorf("want two shortages, got %v", err)
		}
		if c.stock(t, c.prod.ID) != 5 || c.stock(t, b.ID) != 1 {
			t.Errorf("stock changed: %d, %d", c.stock(t, c.prod.ID), c.stock(t, b.ID))
		}
		for table, before := range map[string]int64{"stock_movements": movements, "audit_log": audits, "orders": 0,
			"order_lines": 0, "order_status_history": 0, "order_counters": 0} {
			if n := c.count(t, table, "1 = 1"); n != before {
				t.Errorf("%s: %d rows, want %d", table, n, before)
			}
		}
		// A line short at the conditional update (the stock read was
		// enough, then someone took it) rolls back the lines before it too.
		err = c.store.Tx(ctx, func(tx *models.Store) error {
			_, err := tx.Editor(staffEmail).AdjustStock(ctx, models.StockAdjustment{ProductID: b.ID, Delta: -1,
				Reason: models.StockDamaged})
			if err != nil {
				return err
			}
			_, err = tx.CreateOrder(ctx, buyer(line(c.prod.ID, 1), line(b.ID, 1)))
			if !errors.Is(err, models.ErrSoldOut) {
				t.Errorf("want sold out inside the caller's transaction, got %v", err)
			}
			return nil // the caller keeps its own change: the order's savepoint alone rolled back
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.stock(t, c.prod.ID) != 5 || c.stock(t, b.ID) != 0 || c.count(t, "orders", "1 = 1") != 0 {
			t.Errorf("after the savepoint: stock %d, %d; orders %d", c.stock(t, c.prod.ID), c.stock(t, b.ID),
				c.count(t, "orders", "1 = 1"))
		}
		// The number counter rolled back with the orders: the first order is number 1.
		o := c.order(t, line(c.prod.ID, 1))
		if want := models.FormatOrderNumber(time.Now().In(time.FixedZone("PET", -5*3600)).Year(), 1); o.Number != want {
			t.Errorf("first number %s, want %s", o.Number, want)
		}
	})
}

func TestCreateOrder_RefusesBadInputWithoutWriting(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		draft := c.addProduct(t, "borrador", 3)
		if err := c.ed.SetProductPublished(ctx, draft.ID, draft.LockVersion, false); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			edit  func(*models.OrderInput)
			field string
		}{
			{"zero quantity", func(in *models.OrderInput) { in.Lines[0].Quantity = 0 }, "quantity"},
			{"negative quantity", func(in *models.OrderInput) { in.Lines[0].Quantity = -1 }, "quantity"},
			{"no lines", func(in *models.OrderInput) { in.Lines = nil }, "lines"},
			{"bad email", func(in *models.OrderInput) { in.Customer.Email = "ana" }, "email"},
			{"no phone", func(in *models.OrderInput) { in.Customer.Phone = "" }, "phone"},
			{"unknown region of Peru", func(in *models.OrderInput) { in.Customer.Address.Region = "atlantis" }, "region"},
			{"no country", func(in *models.OrderInput) { in.Customer.Address.Country = "" }, "country"},
			{"wholesale", func(in *models.OrderInput) { in.Channel = models.ChannelWholesale }, "channel"},
			{"no method", func(in *models.OrderInput) { in.Method = "cash" }, "payment_method"},
			{"already expired", func(in *models.OrderInput) { in.ExpiresAt = time.Now().Add(-time.Second) }, "expires_at"},
		} {
			in := buyer(line(c.prod.ID, 1))
			tc.edit(&in)
			_, err := c.store.CreateOrder(ctx, in)
			if !errors.Is(err, models.ErrInvalid) {
				t.Errorf("%s: want ErrInvalid, got %v", tc.name, err)
				continue
			}
			fieldOf(t, err, tc.field)
		}
		// An unpublished product is not for sale: named as short, 0 left.
		_, err := c.store.CreateOrder(ctx, buyer(line(draft.ID, 1)))
		var se *models.SoldOutError
		if !errors.As(err, &se) || se.Shortages[0].Available != 0 || se.Shortages[0].Slug != "borrador" {
			t.Errorf("unpublished product: %v", err)
		}
		// A 20-digit quantity is refused; so is a total that would overflow.
		if _, err = c.store.CreateOrder(ctx, buyer(line(c.prod.ID, 1<<62))); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("huge quantity: %v", err)
		}
		dear := c.addProduct(t, "muy-caro", 3)
		huge := dbtest.Breakdown(math.MaxInt64-5000, 1000, 100, 100, 50, 60)
		wholesale := *huge
		wholesale.Price, wholesale.Margin = wholesale.Price-1000, wholesale.Margin-1000
		if _, err := c.ed.SaveBreakdowns(ctx, dear.ID, dear.LockVersion, huge, &wholesale, "test an overflow"); err != nil {
			t.Fatal(err)
		}
		if _, err = c.store.CreateOrder(ctx, buyer(line(dear.ID, 2))); !errors.Is(err, models.ErrTotalTooLarge) {
			t.Errorf("overflowing total: %v", err)
		}
		if _, err = c.store.CreateOrder(ctx, buyer(line(dear.ID, 1), line(c.prod.ID, 1))); !errors.Is(err, models.ErrTotalTooLarge) {
			t.Errorf("overflowing sum of lines and shipping: %v", err)
		}
		if c.count(t, "orders", "1 = 1") != 0 || c.stock(t, c.prod.ID) != 5 {
			t.Error("a refused order wrote something")
		}
	})
}

func TestCreateOrder_TokensAndNumbersAreUniqueUnderConcurrency(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 100)
		const n = 20
		orders := make([]*models.Order, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				orders[i], errs[i] = c.store.CreateOrder(ctx, buyer(line(c.prod.ID, 1)))
			}()
		}
		wg.Wait()
		year := time.Now().In(time.FixedZone("PET", -5*3600)).Year()
		numbers, tokens := map[string]bool{}, map[string]bool{}
		tokenRE := regexp.MustCompile(`^[A-Za-z0-9_-]{20,}$`)
		for i, o := range orders {
			if errs[i] != nil {
				t.Fatalf("order %d: %v", i, errs[i])
			}
			if !regexp.MustCompile(fmt.Sprintf(`^Q-%d-[0-9]{6}$`, year)).MatchString(o.Number) {
				t.Errorf("number %q", o.Number)
			}
			if !tokenRE.MatchString(o.Token) || len(o.Token) != models.OrderTokenLen {
				t.Errorf("token %q", o.Token)
			}
			numbers[o.Number], tokens[o.Token] = true, true
		}
		if len(numbers) != n || len(tokens) != n {
			t.Errorf("%d numbers and %d tokens for %d orders", len(numbers), len(tokens), n)
		}
		// Numbers are 1..n: none lost, none twice.
		for i := 1; i <= n; i++ {
			if !numbers[models.FormatOrderNumber(year, int64(i))] {
				t.Errorf("number %d missing", i)
			}
		}
		// The database refuses a second order with a taken number or token.
		dup := *orders[0]
		dup.ID, dup.Lines, dup.History, dup.Payments = 0, nil, nil, nil
		if err := db.Omit("Lines", "History", "Payments").Create(&dup).Error; err == nil {
			t.Error("duplicate number and token accepted")
		}
	})
}

func TestOrderLine_SnapshotOutlivesABreakdownChange(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 1))
		old := boRetail()
		r, w := boRetail(), boWholesale()
		r.Price, r.ArtisanLabour, w.Price, w.ArtisanLabour = r.Price+2000, r.ArtisanLabour+2000, w.Price+2000, w.ArtisanLabour+2000
		if _, err := c.ed.SaveBreakdowns(ctx, c.prod.ID, c.prod.LockVersion, r, w, "labour paid more"); err != nil {
			t.Fatal(err)
		}
		got := c.orderByID(t, o.ID)
		l := got.Lines[0]
		if l.UnitPrice != old.Price || l.ArtisanLabour != old.ArtisanLabour || l.BreakdownID != o.Lines[0].BreakdownID ||
			got.TotalAmount != o.TotalAmount {
			t.Errorf("line changed with the catalog: %+v", l)
		}
		if err := l.Breakdown().Validate(); err != nil && !errors.Is(err, models.ErrInvalid) {
			t.Error(err)
		}
		o2 := c.order(t, line(c.prod.ID, 1))
		if o2.Lines[0].UnitPrice != r.Price || o2.Lines[0].BreakdownID == l.BreakdownID {
			t.Errorf("a new order is not sold under the new version: %+v", o2.Lines[0])
		}
		// The database keeps lines as they were.
		if err := db.Exec("UPDATE order_lines SET unit_price = unit_price + 1 WHERE id = ?", l.ID).Error; err == nil {
			t.Error("an order line was updated")
		}
		if err := db.Exec("DELETE FROM order_lines WHERE id = ?", l.ID).Error; err == nil {
			t.Error("an order line was deleted")
		}
	})
}

func TestOrderSchema_RefusesWhatDoesNotAddUp(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 1))
		bad := o.Lines[0]
		bad.ID, bad.LineNo, bad.ProductID = 0, 2, c.addProduct(t, "otra", 1).ID
		bad.Margin++ // components no longer add up to the unit price
		if err := db.Create(&bad).Error; err == nil {
			t.Error("a line whose components do not add up was stored")
		}
		bad.Margin--
		bad.Quantity = 0
		if err := db.Create(&bad).Error; err == nil {
			t.Error("a line of quantity 0 was stored")
		}
		if err := db.Exec("UPDATE orders SET total_amount = total_amount + 1 WHERE id = ?", o.ID).Error; err == nil {
			t.Error("a total that is not items + shipping was stored")
		}
		if err := db.Exec("UPDATE orders SET shipping_amount = -1, total_amount = items_amount - 1 WHERE id = ?", o.ID).Error; err == nil {
			t.Error("a negative shipping amount was stored")
		}
		if err := db.Exec("UPDATE order_status_history SET note = 'x' WHERE order_id = ?", o.ID).Error; err == nil {
			t.Error("status history was updated")
		}
		if err := db.Exec("DELETE FROM order_status_history WHERE order_id = ?", o.ID).Error; err == nil {
			t.Error("status history was deleted")
		}
	})
}

// The order a status change returns carries the stamp the change wrote.
func TestTransition_ReturnedOrderCarriesTheWrittenStamp(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 1))
		cancelled, err := c.store.CancelOrder(ctx, o.ID, staffEmail, "buyer asked")
		if err != nil {
			t.Fatal(err)
		}
		if got := c.orderByID(t, o.ID); cancelled.CancelledAt == nil || got.CancelledAt == nil ||
			!sameInstant(*cancelled.CancelledAt, *got.CancelledAt) {
			t.Errorf("cancelled at %v, stored %v", cancelled.CancelledAt, got.CancelledAt)
		}
		o = c.order(t, line(c.prod.ID, 1))
		paid, changed, err := c.store.MarkOrderPaid(ctx, cardPayment(o, "cs_stamp"))
		if err != nil || !changed {
			t.Fatalf("changed %v err %v", changed, err)
		}
		if got := c.orderByID(t, o.ID); paid.PaidAt == nil || got.PaidAt == nil || !sameInstant(*paid.PaidAt, *got.PaidAt) {
			t.Errorf("paid at %v, stored %v", paid.PaidAt, got.PaidAt)
		}
	})
}

// sameInstant compares times to the microsecond PostgreSQL stores.
func sameInstant(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}
