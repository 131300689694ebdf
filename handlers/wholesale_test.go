package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// wholesaleHandlerShop is the admin shop's product (retail S/ 100.00,
// wholesale S/ 90.00, artisans S/ 45.00, minimum 6) with 100 in stock and
// packs of 6, and a minimum order of S/ 600.00.
func wholesaleHandlerShop(t *testing.T, db *gorm.DB) (*adminShop, string) {
	t.Helper()
	s := newAdminShop(t, db, withConfig(func(c *handlers.Config) { c.Payments.WholesaleMinOrder = 60000 }))
	ctx := context.Background()
	ed := s.Store.Editor("seed@ciap.example")
	if _, err := ed.AdjustStock(ctx, models.StockAdjustment{ProductID: s.product.ID, Delta: 97, Reason: models.StockReceived}); err != nil {
		t.Fatal(err)
	}
	p := *s.product
	p.WholesalePackStep = 6
	if err := ed.UpdateProduct(ctx, &p); err != nil {
		t.Fatal(err)
	}
	s.reload(t)
	return s, strconv.FormatInt(s.product.ID, 10)
}

func cartOf(t *testing.T, s *adminShop, u *models.User) *models.CartView {
	t.Helper()
	v, err := s.Store.Cart(context.Background(), models.CartKey{UserID: u.ID, Channel: models.ChannelFor(u.Role)})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestWholesaleGrid_ShowsTermsFiltersAndTotalsWithoutJavaScript(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, id := wholesaleHandlerShop(t, db)
		reseller, _ := s.signInAs(t, models.RoleReseller)
		res := reseller.Get("/wholesale?lang=en")
		body := html.UnescapeString(res.Body)
		if res.Status != http.StatusOK || !strings.Contains(body, s.product.SKU) || !strings.Contains(body, "minimum 6") ||
			!strings.Contains(body, "in packs of 6") || !strings.Contains(body, "S/90.00") || !strings.Contains(body, `name="qty.`+id+`"`) ||
			!strings.Contains(body, "made to order in 30 days") || !strings.Contains(body, "/static/js/wholesale-grid.") {
			t.Fatalf("grid: %d %.2000s", res.Status, body)
		}
		checkPage(t, "grid", res)
		if res := reseller.Get("/wholesale?craft=retablo"); res.Status != http.StatusOK || strings.Contains(res.Body, `name="qty.`+id+`"`) {
			t.Errorf("filtered by another craft: %d", res.Status)
		}
		if res := reseller.Get("/wholesale?craft=plastic"); res.Status != http.StatusBadRequest {
			t.Errorf("unknown craft: %d", res.Status)
		}
		// The product page shows a reseller their terms and starts at their minimum.
		page := html.UnescapeString(reseller.Get("/products/" + s.product.Slug + "?lang=en").Body)
		if !strings.Contains(page, "Your wholesale price: S/90.00 each, minimum 6") || !strings.Contains(page, `step="6" value="6"`) {
			t.Errorf("reseller's product page: %.300s", page[max(0, strings.Index(page, "add-to-cart")):])
		}
		customer, _ := s.signInAs(t, models.RoleCustomer)
		if page := customer.Get("/products/" + s.product.Slug); strings.Contains(page.Body, "wholesale-terms") {
			t.Errorf("a customer's product page shows wholesale terms")
		}
		// "Update total" without JavaScript: the server's total, nothing added.
		res = reseller.PostForm("/wholesale?lang=en", url.Values{"qty." + id: {"12"}, "action": {"total"}})
		body = html.UnescapeString(res.Body)
		if res.Status != http.StatusOK || !strings.Contains(body, "S/1,080.00") || !strings.Contains(body, "minimum order is reached") {
			t.Errorf("total: %d %.1500s", res.Status, body)
		}
		res = reseller.PostForm("/wholesale?lang=en", url.Values{"qty." + id: {"6"}, "action": {"total"}})
		if body := html.UnescapeString(res.Body); !strings.Contains(body, "Add S/60.00 more") {
			t.Errorf("total below the minimum order: %.1500s", body)
		}
	})
}

func TestWholesaleGrid_AddsEveryLineOrNoneWithProblemsPerRow(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, id := wholesaleHandlerShop(t, db)
		reseller, u := s.signInAs(t, models.RoleReseller)
		cases := []struct {
			name, qty string
			mto       bool
			say       string
		}{
			{"below the minimum", "4", false, "Below the wholesale minimum of 6 pieces"},
			{"not a pack multiple", "8", false, "packs of 6"},
			{"above stock", "102", false, "More than the 100 in stock"},
			{"not a number", "6.5", false, "whole number"},
			{"below the minimum order", "6", false, "below the minimum wholesale order of S/600.00"},
		}
		for _, tc := range cases {
			form := url.Values{"qty." + id: {tc.qty}, "action": {"add"}}
			res := reseller.PostForm("/wholesale?lang=en", form)
			body := html.UnescapeString(res.Body)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, tc.say) ||
				!strings.Contains(body, `value="`+tc.qty+`"`) {
				t.Errorf("%s: %d %.300s", tc.name, res.Status, body[max(0, strings.Index(body, "form-problem")):])
			}
			if n := cartOf(t, s, u).Count(); n != 0 {
				t.Fatalf("%s: a refused grid put %d pieces in the cart", tc.name, n)
			}
		}
		// Made to order, 102 pieces pass the stock; 102 × S/ 90 reaches the minimum.
		res := reseller.PostForm("/wholesale?lang=en", url.Values{"qty." + id: {"102"}, "mto." + id: {"1"}, "action": {"add"},
			"price": {"1"}, "total": {"1"}})
		if res.Status != http.StatusSeeOther || res.Location() != "/cart" {
			t.Fatalf("add: %d %.500s", res.Status, res.Body)
		}
		v := cartOf(t, s, u)
		if v.Count() != 102 || !v.Items[0].MadeToOrder || v.ItemsTotal().Amount != 102*9000 {
			t.Fatalf("cart after the grid: %d pieces, total %v", v.Count(), v.ItemsTotal())
		}
		page := reseller.Get("/cart?lang=en")
		body := html.UnescapeString(page.Body)
		if !strings.Contains(body, "2 made to order by the group") || !strings.Contains(body, "S/90.00 each") ||
			!strings.Contains(body, "minimum wholesale order of S/600.00 is reached") {
			t.Errorf("reseller's cart page: %.2000s", body)
		}
		checkPage(t, "reseller cart", page)
	})
}

func TestWholesaleCheckout_MinimumOrderAndMadeToOrder(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, id := wholesaleHandlerShop(t, db)
		reseller, u := s.signInAs(t, models.RoleReseller)
		ctx := context.Background()
		k := models.CartKey{UserID: u.ID, Channel: models.ChannelWholesale}
		if err := s.Store.AddWholesaleLines(ctx, k, []models.WholesaleLineInput{{ProductID: s.product.ID, Quantity: 6}}); err != nil {
			t.Fatal(err)
		}
		if body := html.UnescapeString(reseller.Get("/cart?lang=en").Body); !strings.Contains(body, "add S/60.00 more before checking out") {
			t.Errorf("cart below the minimum: %.1500s", body)
		}
		res := reseller.PostForm("/checkout?lang=en", checkoutValues("bank_transfer"))
		if body := html.UnescapeString(res.Body); res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "below the minimum wholesale order of S/600.00") {
			t.Fatalf("checkout below the minimum: %d %.500s", res.Status, body)
		}
		// A line that breaks the pack step (set through the plain cart form) is refused there.
		if res := reseller.PostForm("/cart/update?lang=en", url.Values{"product_id": {id}, "quantity": {"9"}}); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(html.UnescapeString(res.Body), "packs of 6") {
			t.Errorf("cart update off the pack: %d", res.Status)
		}
		if res := reseller.PostForm("/cart/update?lang=en", url.Values{"product_id": {id}, "quantity": {"102"}, "made_to_order": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("cart update made to order: %d %.300s", res.Status, res.Body)
		}
		if res := reseller.Get("/checkout"); !strings.Contains(res.Body, `value="bank_transfer" checked`) && !strings.Contains(res.Body, `value="bank_transfer"`) {
			t.Errorf("checkout page: %d", res.Status)
		}
		res = reseller.PostForm("/checkout?lang=en", checkoutValues("bank_transfer"))
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/orders/") {
			t.Fatalf("checkout: %d %.500s", res.Status, res.Body)
		}
		orderURL := res.Location()
		var o models.Order
		if err := db.Where("user_id = ?", u.ID).Take(&o).Error; err != nil {
			t.Fatal(err)
		}
		if o.Channel != models.ChannelWholesale || o.ItemsAmount != 102*9000 {
			t.Errorf("order %s, items %d", o.Channel, o.ItemsAmount)
		}
		pos, err := s.Store.ProductionOrdersOf(ctx, o.ID)
		if err != nil || len(pos) != 1 || pos[0].Pieces() != 2 {
			t.Fatalf("production orders %+v %v", pos, err)
		}
		if page := html.UnescapeString(reseller.Get(orderURL + "?lang=en").Body); !strings.Contains(page, "Made to order") ||
			!strings.Contains(page, "2 × Quinua church; Ceramistas de Quinua: expected by "+pos[0].DueOn.Format("2006-01-02")) {
			t.Errorf("reseller's order page: %.3000s", page[max(0, strings.Index(page, "<main")):])
		}
		// Staff see it, with a link to record the advance, which names it.
		staff, _ := s.signInAs(t, models.RoleStaff)
		list := staff.Get("/admin/production?lang=en")
		link := "/admin/balances?group=" + strconv.FormatInt(s.group.ID, 10) + "&amp;production_order=" + strconv.FormatInt(pos[0].ID, 10)
		if list.Status != http.StatusOK || !strings.Contains(list.Body, o.Number) || !strings.Contains(list.Body, link) {
			t.Fatalf("production list: %d %.2000s", list.Status, list.Body)
		}
		checkPage(t, "production list", list)
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		if rl := reviewer.Get("/admin/production"); rl.Status != http.StatusOK || !strings.Contains(rl.Body, o.Number) || strings.Contains(rl.Body, "production_order=") {
			t.Errorf("reviewer's production list: %d (reads it, without the advance link)", rl.Status)
		}
		form := staff.Get(html.UnescapeString(link))
		if v, _ := inputValue(form.Body, "advance_production_order"); v != strconv.FormatInt(pos[0].ID, 10) {
			t.Errorf("advance form's production order %q", v)
		}
		today, _ := inputValue(form.Body, "advance_paid_on") // the server's today
		res = staff.PostForm("/admin/balances/advances", url.Values{"advance_group": {strconv.FormatInt(s.group.ID, 10)},
			"advance_paid_on": {today}, "advance_amount": {"45.00"}, "advance_reference": {"BCP-PO-1"},
			"advance_production_order": {strconv.FormatInt(pos[0].ID, 10)}})
		if res.Status != http.StatusSeeOther {
			i := strings.Index(res.Body, "field-error")
			t.Fatalf("advance: %d %.500s", res.Status, res.Body[max(i-300, 0):])
		}
		if list := html.UnescapeString(staff.Get("/admin/production?lang=en").Body); !strings.Contains(list, "Advanced: S/45.00") ||
			!strings.Contains(list, "Pays the group S/90.00") {
			t.Errorf("production list after the advance: %.2000s", list)
		}
		// Cancelling the order gives back the 100 taken and cancels the production order.
		if _, err := s.Store.CancelOrder(ctx, o.ID, "staff@example.org", "reseller cancelled"); err != nil {
			t.Fatal(err)
		}
		s.reload(t)
		if pos, _ := s.Store.ProductionOrdersOf(ctx, o.ID); s.product.Stock != 100 || pos[0].Status != models.ProductionCancelled {
			t.Errorf("after cancel: stock %d, production %s", s.product.Stock, pos[0].Status)
		}
	})
}

// Whatever a customer posts, they buy at retail; the grid is not theirs.
func TestWholesale_CustomerPostingWholesaleDataGetsRetail(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, id := wholesaleHandlerShop(t, db)
		customer, u := s.signInAs(t, models.RoleCustomer)
		sneaky := url.Values{"product_id": {id}, "quantity": {"6"}, "channel": {"wholesale"}, "price": {"1"},
			"wholesale": {"1"}, "made_to_order": {"1"}, "unit_price": {"1"}}
		if res := customer.PostForm("/cart/add", sneaky); res.Status != http.StatusSeeOther {
			t.Fatalf("add: %d", res.Status)
		}
		if res := customer.PostForm("/wholesale", url.Values{"qty." + id: {"12"}, "action": {"add"}}); res.Status != http.StatusForbidden {
			t.Errorf("customer posting the grid: %d", res.Status)
		}
		if res := customer.Get("/wholesale"); res.Status != http.StatusSeeOther || res.Location() != "/wholesale/apply" {
			t.Errorf("customer opening the grid: %d %q", res.Status, res.Location())
		}
		v := cartOf(t, s, u)
		if v.Wholesale() || v.Count() != 6 || v.ItemsTotal().Amount != 6*10000 || v.Items[0].MadeToOrder {
			t.Fatalf("customer's cart: wholesale %v, %d pieces, %v", v.Wholesale(), v.Count(), v.ItemsTotal())
		}
		if body := html.UnescapeString(customer.Get("/cart?lang=en").Body); !strings.Contains(body, "S/100.00 each") || strings.Contains(body, "S/90.00") {
			t.Errorf("customer's cart page shows wholesale prices")
		}
		form := checkoutValues("bank_transfer")
		for k, v := range sneaky {
			form[k] = v
		}
		form.Set("items_total", "1")
		res := customer.PostForm("/checkout", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("checkout: %d %.300s", res.Status, res.Body)
		}
		var o models.Order
		if err := db.Preload("Lines").Where("user_id = ?", u.ID).Take(&o).Error; err != nil {
			t.Fatal(err)
		}
		if o.Channel != models.ChannelRetail || o.ItemsAmount != 6*10000 || o.Lines[0].BreakdownID != *s.product.RetailBreakdownID {
			t.Errorf("customer's order: %s, items %d, breakdown %d", o.Channel, o.ItemsAmount, o.Lines[0].BreakdownID)
		}
		// A guest is sent to sign in.
		if res := s.client(t).Get("/wholesale"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/signin") {
			t.Errorf("guest: %d %q", res.Status, res.Location())
		}
	})
}

func TestAdminProduct_WholesaleTermsSKUAndTiers(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := wholesaleHandlerShop(t, db)
		staff, _ := s.signInAs(t, models.RoleStaff)
		formOf := func() url.Values {
			v := inputValues(t, staff.Get(s.path("")).Body, "name_es", "name_en", "slug", "wholesale_min_qty",
				"wholesale_pack_step", "sku", "technique_es", "technique_en", "materials_es", "materials_en", "lock_version")
			v.Set("group", strconv.FormatInt(s.group.ID, 10))
			v.Set("craft", "ceramics")
			return v
		}
		v := formOf()
		if v.Get("sku") != s.product.SKU || v.Get("wholesale_pack_step") != "6" {
			t.Fatalf("form shows SKU %q, pack %q", v.Get("sku"), v.Get("wholesale_pack_step"))
		}
		v.Set("tiers", "24 = 40.00")
		res := staff.PostForm(s.path("?lang=en"), v)
		if res.Status != http.StatusBadRequest || !strings.Contains(fieldError(res.Body, "f-tiers"), "pay the artisans less") {
			t.Fatalf("tier below the artisans' pay: %d %q", res.Status, fieldError(res.Body, "f-tiers"))
		}
		v.Set("tiers", "twelve")
		if res := staff.PostForm(s.path("?lang=en"), v); !strings.Contains(fieldError(res.Body, "f-tiers"), "Line 1") {
			t.Errorf("unreadable tiers: %d %q", res.Status, fieldError(res.Body, "f-tiers"))
		}
		v.Set("tiers", "24 = 80.00\n48 = 78.50")
		v.Set("sku", "cer-iglesia-01")
		v.Set("wholesale_pack_step", "12")
		if res := staff.PostForm(s.path(""), v); res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %.500s", res.Status, res.Body)
		}
		s.reload(t)
		tiers, _ := s.Store.VolumeTiers(context.Background(), s.product.ID)
		if s.product.SKU != "CER-IGLESIA-01" || s.product.WholesalePackStep != 12 || len(tiers[s.product.ID]) != 2 ||
			tiers[s.product.ID][1].Price != 7850 {
			t.Errorf("saved SKU %q pack %d tiers %+v", s.product.SKU, s.product.WholesalePackStep, tiers)
		}
		if res := staff.Get(s.path("")); !strings.Contains(res.Body, "24 = 80.00\n48 = 78.50") {
			t.Errorf("form does not show the tiers back")
		}
	})
}

func TestAdminGroup_LeadTime(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := wholesaleHandlerShop(t, db)
		staff, _ := s.signInAs(t, models.RoleStaff)
		gpath := "/admin/groups/" + strconv.FormatInt(s.group.ID, 10)
		v := inputValues(t, staff.Get(gpath).Body, "name", "slug", "place", "artisans", "women_percent", "photo",
			"lock_version", "lead_time_days")
		if v.Get("lead_time_days") != "30" {
			t.Errorf("lead time shown %q", v.Get("lead_time_days"))
		}
		v.Set("association", strconv.FormatInt(s.assoc.ID, 10))
		v.Set("region", "ayacucho")
		v.Set("craft", "ceramics")
		v.Set("assembly_cadence", "monthly")
		v.Set("lead_time_days", "400")
		if res := staff.PostForm(gpath+"?lang=en", v); res.Status != http.StatusBadRequest || !strings.Contains(fieldError(res.Body, "f-lead-time-days"), "1 to 365") {
			t.Errorf("lead time 400: %d %q", res.Status, fieldError(res.Body, "f-lead-time-days"))
		}
		v.Set("lead_time_days", "21")
		if res := staff.PostForm(gpath, v); res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %.400s", res.Status, res.Body)
		}
		if g, _ := s.Store.GroupByID(context.Background(), s.group.ID); g.LeadTimeDays != 21 {
			t.Errorf("lead time saved %d", g.LeadTimeDays)
		}
	})
}
