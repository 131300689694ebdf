package handlers_test

import (
	"context"
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

// Staff move a production order ordered → in production → ready from
// /admin/production; a stale form gets 409 and changes nothing; the
// reseller sees the stage and due date on the order page and in their
// area; the page lists the advances and says whether they reach 50 %.
func TestAdminProduction_StaffMoveStagesResellerSeesThem(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, id := wholesaleHandlerShop(t, db)
		reseller, u := s.signInAs(t, models.RoleReseller)
		if res := reseller.PostForm("/cart/update?lang=en", url.Values{"product_id": {id}, "quantity": {"102"}, "made_to_order": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("cart update made to order: %d %.300s", res.Status, res.Body)
		}
		res := reseller.PostForm("/checkout?lang=en", checkoutValues("bank_transfer"))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("checkout: %d %.500s", res.Status, res.Body)
		}
		orderURL := res.Location()
		var o models.Order
		if err := db.Where("user_id = ?", u.ID).Take(&o).Error; err != nil {
			t.Fatal(err)
		}
		pos, err := s.Store.ProductionOrdersOf(context.Background(), o.ID)
		if err != nil || len(pos) != 1 {
			t.Fatalf("production orders %v %v", pos, err)
		}
		po := strconv.FormatInt(pos[0].ID, 10)
		due := pos[0].DueOn.Format("2006-01-02")
		staff, _ := s.signInAs(t, models.RoleStaff)
		list := html.UnescapeString(staff.Get("/admin/production?lang=en").Body)
		if !strings.Contains(list, "Ordered") || !strings.Contains(list, "Advance below 50 %") ||
			!strings.Contains(list, `name="to" value="in_production"`) || !strings.Contains(list, `name="to" value="cancelled"`) {
			t.Fatalf("production list: %.3000s", list[max(0, strings.Index(list, "<table")):])
		}
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		if rl := reviewer.Get("/admin/production?lang=en"); rl.Status != http.StatusOK || strings.Contains(rl.Body, `name="to"`) {
			t.Errorf("reviewer's list: %d, with move forms", rl.Status)
		}
		if r := reviewer.PostForm("/admin/production/"+po, url.Values{"from": {"ordered"}, "to": {"in_production"}}); r.Status != http.StatusForbidden {
			t.Errorf("reviewer moved a production order: %d", r.Status)
		}
		// Work waits for the reseller's payment.
		if r := staff.PostForm("/admin/production/"+po+"?lang=en", url.Values{"from": {"ordered"}, "to": {"in_production"}}); r.Status != http.StatusConflict ||
			!strings.Contains(html.UnescapeString(r.Body), "its order is “Waiting for payment”") {
			t.Fatalf("started before payment: %d %.300s", r.Status, r.Body)
		}
		if _, _, err := s.Store.RecordBankTransfer(context.Background(), models.BankTransfer{OrderID: o.ID, Amount: o.Total(),
			Reference: "BCP-PO", ReceivedAt: time.Now(), Actor: "staff@example.com"}); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			from, to string
			status   int
		}{
			{"ordered", "ready", http.StatusConflict}, // one step at a time
			{"ordered", "in_production", http.StatusSeeOther},
			{"ordered", "in_production", http.StatusConflict}, // the same form posted twice
			{"in_production", "shipped", http.StatusBadRequest},
			{"in_production", "ready", http.StatusSeeOther},
		}
		for _, st := range steps {
			r := staff.PostForm("/admin/production/"+po+"?lang=en", url.Values{"from": {st.from}, "to": {st.to}})
			if r.Status != st.status {
				t.Fatalf("%s → %s: %d, want %d: %.300s", st.from, st.to, r.Status, st.status, r.Body)
			}
			if st.status == http.StatusConflict && !strings.Contains(html.UnescapeString(r.Body), "changed while you were looking at it") {
				t.Errorf("%s → %s: conflict without its message", st.from, st.to)
			}
		}
		// The order's page in the back office says where its batch stands.
		if page := staff.Get("/admin/orders/" + strconv.FormatInt(o.ID, 10) + "?lang=en"); !strings.Contains(html.UnescapeString(page.Body),
			"Ready (delivered to the order) · Due "+due) || !strings.Contains(page.Body, "pieces: 2") {
			t.Errorf("admin order page: %d %.2000s", page.Status, page.Body[max(0, strings.Index(page.Body, "production-title")):])
		} else {
			checkPage(t, "admin order with production", page)
		}
		if r := staff.PostForm("/admin/production/999999", url.Values{"from": {"ordered"}, "to": {"in_production"}}); r.Status != http.StatusNotFound {
			t.Errorf("unknown production order: %d", r.Status)
		}
		var n int64
		db.Model(&models.AuditEntry{}).Where("entity_type = ? AND entity_id = ?", models.EntityProductionOrder, pos[0].ID).Count(&n)
		if n != 2 {
			t.Errorf("%d audit entries, want 2", n)
		}
		// The advance: 45.00 of the 2 pieces' S/ 90.00 reaches half.
		form := staff.Get("/admin/balances?group=" + strconv.FormatInt(s.group.ID, 10) + "&production_order=" + po)
		today, _ := inputValue(form.Body, "advance_paid_on")
		// A production order typed wrong is refused: the advance is not
		// recorded unlinked from it.
		for _, bad := range []string{"1O", "-" + po, "0", "99999999999999999999"} {
			r := staff.PostForm("/admin/balances/advances?lang=en", url.Values{"advance_group": {strconv.FormatInt(s.group.ID, 10)},
				"advance_paid_on": {today}, "advance_amount": {"45.00"}, "advance_reference": {"BCP-PO-7"},
				"advance_production_order": {bad}})
			if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `id="f-advance-production-order-error"`) {
				t.Errorf("advance for production order %q: %d", bad, r.Status)
			}
		}
		var advances int64
		db.Model(&models.Advance{}).Count(&advances)
		if advances != 0 {
			t.Fatalf("%d advances recorded with a wrong production order", advances)
		}
		if r := staff.PostForm("/admin/balances/advances", url.Values{"advance_group": {strconv.FormatInt(s.group.ID, 10)},
			"advance_paid_on": {today}, "advance_amount": {"45.00"}, "advance_reference": {"BCP-PO-7"},
			"advance_production_order": {po}}); r.Status != http.StatusSeeOther {
			t.Fatalf("advance: %d", r.Status)
		}
		page := staff.Get("/admin/production?status=ready&lang=en")
		list = html.UnescapeString(page.Body)
		if !strings.Contains(list, "Ready (delivered to the order)") || !strings.Contains(list, today+": S/45.00 (BCP-PO-7)") ||
			!strings.Contains(list, "Advance at least 50 %") || strings.Contains(list, `name="to"`) {
			t.Errorf("ready list: %.3000s", list[max(0, strings.Index(list, "<table")):])
		}
		checkPage(t, "production list", page)
		if body := html.UnescapeString(staff.Get("/admin/production?status=ordered").Body); strings.Contains(body, o.Number) {
			t.Error("a ready production order listed as ordered")
		}
		for what, path := range map[string]string{"order page": orderURL + "?lang=en", "area": "/account/wholesale?lang=en"} {
			body := html.UnescapeString(reseller.Get(path).Body)
			if !strings.Contains(body, "Ready (delivered to the order)") || !strings.Contains(body, "expected by "+due) {
				t.Errorf("reseller's %s: %.3000s", what, body[max(0, strings.Index(body, "<main")):])
			}
		}
	})
}

// The status filter keeps the option asked checked (open when none is
// asked) and refuses an unknown one.
func TestAdminProduction_StatusFilterKeepsTheChoice(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newTestServer(t, db)
		staff, _ := s.signInAs(t, models.RoleStaff)
		for _, tc := range []struct{ query, selected string }{
			{"", "open"},
			{"?status=open", "open"},
			{"?status=all", "all"},
			{"?status=in_production", "in_production"},
			{"?status=cancelled", "cancelled"},
		} {
			res := staff.Get("/admin/production" + tc.query)
			if res.Status != http.StatusOK {
				t.Fatalf("%q: %d", tc.query, res.Status)
			}
			sel := res.Body[max(0, strings.Index(res.Body, `id="po-status"`)):]
			sel = sel[:max(0, strings.Index(sel, "</select>"))]
			if n := strings.Count(sel, " selected>"); n != 1 ||
				!strings.Contains(sel, `<option value="`+tc.selected+`" selected>`) {
				t.Errorf("%q: want only %q selected, %d selected in %s", tc.query, tc.selected, n, sel)
			}
		}
		if res := staff.Get("/admin/production?status=shipped"); res.Status != http.StatusBadRequest {
			t.Errorf("unknown status: %d", res.Status)
		}
	})
}
