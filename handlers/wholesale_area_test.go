package handlers_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// cheaperWholesale lowers a product's wholesale price by delta céntimos
// (out of CIAP's margin: artisans are paid the same) and returns the new
// price.
func cheaperWholesale(t *testing.T, ts *testServer, productID, delta int64) models.Money {
	t.Helper()
	ctx := context.Background()
	p, err := ts.Store.ProductByID(ctx, productID)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ts.Store.BreakdownByID(ctx, p.ID, *p.RetailBreakdownID)
	if err != nil {
		t.Fatal(err)
	}
	w, err := ts.Store.BreakdownByID(ctx, p.ID, *p.WholesaleBreakdownID)
	if err != nil {
		t.Fatal(err)
	}
	if w.Margin < delta {
		t.Fatalf("%s: wholesale margin %d below %d", p.Slug, w.Margin, delta)
	}
	r.ID, w.ID = 0, 0
	w.Price, w.Margin = w.Price-delta, w.Margin-delta
	if _, err := ts.Store.Editor("staff@example.org").SaveBreakdowns(ctx, p.ID, p.LockVersion, r, w, "cheaper for resellers"); err != nil {
		t.Fatalf("new wholesale price: %v", err)
	}
	return models.Soles(w.Price)
}

// cartByProduct is the reseller's cart lines by product (resellerCart
// in wholesale_csv_test.go).
func cartByProduct(t *testing.T, ts *testServer, u *models.User) map[int64]models.CartItem {
	t.Helper()
	out := map[int64]models.CartItem{}
	for _, it := range resellerCart(t, ts, u).Items {
		out[it.Product.ID] = it
	}
	return out
}

func TestWholesaleReorder_ChangedPriceAndGoneProductAreNoticedTheRestAddedAtTodaysPrice(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := docsServer(t, db)
		c, u := ts.signInAs(t, models.RoleReseller)
		c.Header.Set("Accept-Language", "en")
		lines := wholesaleLines(t, db, 3)
		o := wholesaleOrder(t, ts, u, lines...)
		byProduct := map[int64]*models.OrderLine{}
		for i, l := range o.Lines {
			byProduct[l.ProductID] = &o.Lines[i]
		}
		today := cheaperWholesale(t, ts, lines[0].ID, 10)
		if err := db.Exec(`UPDATE products SET published = ? WHERE id = ?`, false, lines[1].ID).Error; err != nil {
			t.Fatal(err)
		}
		en := mustTranslations(t).For("en")

		res := c.PostForm("/account/wholesale/orders/"+o.Number+"/reorder", url.Values{})
		if res.Status != http.StatusOK {
			t.Fatalf("reorder: %d %.400s", res.Status, res.Body)
		}
		checkPage(t, "reorder page", res)
		body := text(res)
		changed, gone := byProduct[lines[0].ID], byProduct[lines[1].ID]
		for _, want := range []string{
			"2 lines of order " + o.Number + " are in your cart",
			changed.Name("en") + ": " + en.Money(changed.Unit()) + " a piece in that order, " + en.Money(today) + " today.",
			gone.Name("en") + " is no longer sold at wholesale: left out.",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the reorder page lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, byProduct[lines[2].ID].Name("en")) {
			t.Error("an unchanged line got a notice")
		}
		cart := cartByProduct(t, ts, u)
		if len(cart) != 2 {
			t.Fatalf("cart has %d lines, want 2", len(cart))
		}
		if it := cart[lines[0].ID]; it.Quantity != lines[0].Qty || it.Price() != today {
			t.Errorf("changed line in the cart: %d at %v, want %d at %v", it.Quantity, it.Price(), lines[0].Qty, today)
		}
		if it := cart[lines[2].ID]; it.Quantity != lines[2].Qty || it.Price() != byProduct[lines[2].ID].Unit() {
			t.Errorf("unchanged line in the cart: %d at %v", it.Quantity, it.Price())
		}
		if _, ok := cart[lines[1].ID]; ok {
			t.Error("the unpublished product went into the cart")
		}

		// Sending it again changes nothing more.
		if res := c.PostForm("/account/wholesale/orders/"+o.Number+"/reorder", url.Values{}); res.Status != http.StatusOK {
			t.Fatalf("second reorder: %d", res.Status)
		}
		if again := cartByProduct(t, ts, u); again[lines[0].ID].Quantity != lines[0].Qty || len(again) != 2 {
			t.Errorf("a second reorder changed the cart: %+v", again)
		}
	}, demoCatalog)
}

func TestWholesaleReorder_UnchangedOrderGoesStraightToTheCart(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := docsServer(t, db)
		c, u := ts.signInAs(t, models.RoleReseller)
		lines := wholesaleLines(t, db, 2)
		o := wholesaleOrder(t, ts, u, lines...)
		res := c.PostForm("/account/wholesale/orders/"+o.Number+"/reorder", url.Values{})
		if res.Status != http.StatusSeeOther || res.Location() != "/cart" {
			t.Fatalf("reorder: %d %q", res.Status, res.Location())
		}
		if cart := cartByProduct(t, ts, u); len(cart) != 2 || cart[lines[1].ID].Quantity != lines[1].Qty {
			t.Errorf("cart after reorder: %+v", cart)
		}
	}, demoCatalog)
}

func TestWholesaleReorder_AMadeToOrderLineIsAskedMadeToOrderAgain(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := docsServer(t, db)
		c, u := ts.signInAs(t, models.RoleReseller)
		line := wholesaleLines(t, db, 1)[0]
		p, err := ts.Store.ProductByID(context.Background(), line.ID)
		if err != nil {
			t.Fatal(err)
		}
		// More than the stock, in whole packs: the rest is made to order.
		step := max(p.WholesalePackStep, 1)
		qty := (p.Stock/step + 1) * step
		o, err := ts.Store.CreateOrder(context.Background(), models.OrderInput{Channel: models.ChannelWholesale, UserID: &u.ID,
			Customer: models.Customer{Email: u.Email, Name: u.Name, Phone: "+51 987 654 321",
				Address: models.Address{Country: "PE", Region: "lima-metropolitana", City: "Lima", Line: "Jr. Junín 123"}},
			Method: models.PaymentBankTransfer, ExpiresAt: time.Now().Add(time.Hour),
			Lines: []models.OrderLineInput{{ProductID: p.ID, Quantity: qty, MadeToOrder: true}}})
		if err != nil {
			t.Fatalf("made-to-order order: %v", err)
		}
		res := c.PostForm("/account/wholesale/orders/"+o.Number+"/reorder", url.Values{})
		if res.Status != http.StatusSeeOther || res.Location() != "/cart" {
			t.Fatalf("reorder: %d %.500s", res.Status, text(res))
		}
		if it := cartByProduct(t, ts, u)[p.ID]; it.Quantity != qty || !it.MadeToOrder {
			t.Errorf("cart line: %d pieces, made to order %v; want %d made to order", it.Quantity, it.MadeToOrder, qty)
		}
	}, demoCatalog)
}

func TestWholesaleReorder_ALineThatNoLongerFitsAddsNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := docsServer(t, db)
		c, u := ts.signInAs(t, models.RoleReseller)
		c.Header.Set("Accept-Language", "en")
		lines := wholesaleLines(t, db, 2)
		o := wholesaleOrder(t, ts, u, lines...)
		// The second piece sold out since: the reorder is all or nothing.
		if err := db.Exec(`UPDATE products SET stock = 0 WHERE id = ?`, lines[1].ID).Error; err != nil {
			t.Fatal(err)
		}
		res := c.PostForm("/account/wholesale/orders/"+o.Number+"/reorder", url.Values{})
		if res.Status != http.StatusConflict {
			t.Fatalf("reorder: %d, want 409", res.Status)
		}
		checkPage(t, "refused reorder", res)
		body := text(res)
		for _, want := range []string{"Nothing was added to your cart.", o.Lines[1].Name("en"), "0 in stock"} {
			if !strings.Contains(body, want) {
				t.Errorf("the refusal lacks %q:\n%s", want, body)
			}
		}
		if cart := cartByProduct(t, ts, u); len(cart) != 0 {
			t.Errorf("a refused reorder left %d lines in the cart", len(cart))
		}
	}, demoCatalog)
}

func TestWholesaleReorder_OnlyTheOrdersReseller(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := docsServer(t, db)
		_, u := ts.signInAs(t, models.RoleReseller)
		o := wholesaleOrder(t, ts, u, wholesaleLines(t, db, 1)...)
		path := "/account/wholesale/orders/" + o.Number + "/reorder"
		other, otherUser := ts.signInAs(t, models.RoleReseller)
		customer, _ := ts.signInAs(t, models.RoleCustomer)
		staff, _ := ts.signInAs(t, models.RoleStaff)
		for _, tc := range []struct {
			who    string
			c      *testClient
			status int
		}{{"another reseller", other, http.StatusNotFound}, {"customer", customer, http.StatusForbidden},
			{"staff", staff, http.StatusForbidden}, {"guest", ts.client(t), http.StatusSeeOther}} {
			res := tc.c.PostForm(path, url.Values{})
			if res.Status != tc.status {
				t.Errorf("%s: %d, want %d", tc.who, res.Status, tc.status)
			}
			if tc.status == http.StatusSeeOther && res.Location() != "/signin" {
				t.Errorf("%s: sent to %q, want /signin", tc.who, res.Location())
			}
		}
		if cart := cartByProduct(t, ts, otherUser); len(cart) != 0 {
			t.Error("another reseller's reorder filled their cart")
		}
	}, demoCatalog)
}

func TestWholesalePriceList_CSVAndPDF(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := docsServer(t, db)
		c, _ := ts.signInAs(t, models.RoleReseller)
		c.Header.Set("Accept-Language", "es")
		var want []struct {
			Slug, SKU, NameES, GroupName       string
			WholesalePriceAmount               int64
			WholesaleMinQty, WholesalePackStep int
			Stock, LeadTimeDays                int
		}
		if err := db.Raw(`SELECT p.slug, p.sku, p.name_es, g.name AS group_name, p.wholesale_price_amount,
			p.wholesale_min_qty, p.wholesale_pack_step, p.stock, g.lead_time_days
			FROM products p JOIN producer_groups g ON g.id = p.group_id
			WHERE p.published AND p.price_amount > 0 AND p.wholesale_breakdown_id IS NOT NULL AND p.wholesale_price_amount > 0
			AND g.active ORDER BY p.slug`).Scan(&want).Error; err != nil || len(want) < 10 {
			t.Fatalf("demo products: %d, %v", len(want), err)
		}
		// The first product sells 10 céntimos cheaper from 12 pieces; its
		// tier from 24 at S/ 0.01 (written past the form's check, as a
		// later price change could leave it) pays artisans less: pricing
		// skips it, and so does the list.
		var first models.Product
		if err := db.Where("slug = ?", want[0].Slug).Take(&first).Error; err != nil {
			t.Fatal(err)
		}
		good := models.VolumeTier{ProductID: first.ID, MinQty: 12, Price: want[0].WholesalePriceAmount - 10, Currency: models.PEN}
		for _, tier := range []models.VolumeTier{good, {ProductID: first.ID, MinQty: 24, Price: 1, Currency: models.PEN}} {
			if err := db.Create(&tier).Error; err != nil {
				t.Fatal(err)
			}
		}
		// Every other tier is the demo's own (each passed the form's check).
		var demoTiers []struct {
			Slug          string
			MinQty, Price int64
		}
		if err := db.Raw(`SELECT p.slug, t.min_qty, t.price FROM volume_tiers t JOIN products p ON p.id = t.product_id
			WHERE t.price > 1 ORDER BY p.slug, t.min_qty`).Scan(&demoTiers).Error; err != nil {
			t.Fatal(err)
		}
		tiersCell := map[string]string{}
		for _, dt := range demoTiers {
			if tiersCell[dt.Slug] != "" {
				tiersCell[dt.Slug] += "; "
			}
			tiersCell[dt.Slug] += strconv.FormatInt(dt.MinQty, 10) + " = " + models.Soles(dt.Price).Decimal()
		}
		if !strings.HasPrefix(tiersCell[want[0].Slug], "12 = "+models.Soles(good.Price).Decimal()) {
			t.Fatalf("tiers of %s: %q", want[0].Slug, tiersCell[want[0].Slug])
		}

		res := c.Get("/account/wholesale/prices.csv")
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="qhatu-precios-mayoristas-`) {
			t.Fatalf("csv: %d %q %q", res.Status, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
		body, ok := strings.CutPrefix(res.Body, "\ufeff")
		if !ok {
			t.Error("the CSV has no byte-order mark")
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		header := "slug,sku,name,group,wholesale_price,currency,minimum,pack_step,stock,lead_time_days,volume_tiers"
		if got := strings.Join(rows[0], ","); got != header {
			t.Errorf("header %q, want %q", got, header)
		}
		if len(rows)-1 != len(want) {
			t.Fatalf("%d products listed, want %d", len(rows)-1, len(want))
		}
		for i, w := range want {
			exp := []string{w.Slug, w.SKU, w.NameES, w.GroupName, models.Soles(w.WholesalePriceAmount).Decimal(), "PEN",
				strconv.Itoa(w.WholesaleMinQty), strconv.Itoa(max(w.WholesalePackStep, 1)), strconv.Itoa(w.Stock), strconv.Itoa(w.LeadTimeDays),
				tiersCell[w.Slug]}
			if got := rows[i+1]; strings.Join(got, "|") != strings.Join(exp, "|") {
				t.Errorf("row %d: %q, want %q", i+1, got, exp)
			}
		}

		res = c.Get("/account/wholesale/prices.pdf")
		pdf := pdfTextOf(t, res, strings.TrimSuffix(strings.TrimPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="`), `"`))
		es := mustTranslations(t).For("es")
		for _, w := range want[:10] {
			for _, s := range []string{w.SKU, es.Money(models.Soles(w.WholesalePriceAmount)), strconv.Itoa(w.LeadTimeDays) + " días"} {
				if !strings.Contains(pdf, s) {
					t.Errorf("the PDF price list lacks %q of %s", s, w.Slug)
				}
			}
		}
		if tier := "desde 12: " + es.Money(good.PriceMoney()); !strings.Contains(pdf, tier) || strings.Contains(pdf, "desde 24") {
			t.Errorf("the PDF price list's tiers: want %q and not the one from 24", tier)
		}
		var groupSlug string
		if err := db.Table("producer_groups").Where("id = ?", first.GroupID).Pluck("slug", &groupSlug).Error; err != nil {
			t.Fatal(err)
		}
		grid := html.UnescapeString(c.Get("/wholesale?group=" + url.QueryEscape(groupSlug)).Body)
		if !strings.Contains(grid, "desde 12: "+es.Money(good.PriceMoney())) || strings.Contains(grid, "desde 24") {
			t.Errorf("the grid's tiers for %s: %.2000s", want[0].Slug, grid[max(0, strings.Index(grid, "<table")):])
		}
		if !strings.Contains(pdf, "Lista de precios mayoristas") {
			t.Error("the PDF has no title")
		}
		// Only resellers get the list.
		customer, _ := ts.signInAs(t, models.RoleCustomer)
		if res := customer.Get("/account/wholesale/prices.csv"); res.Status != http.StatusForbidden {
			t.Errorf("customer: %d", res.Status)
		}
	}, demoCatalog)
}
