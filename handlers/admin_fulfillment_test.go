package handlers_test

import (
	"context"
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

// fulfilShop is orderShop with a second producing group and product
// (S/ 60.00, S/ 30.00 to artisans), so an order has two work orders.
type fulfilShop struct {
	*adminShop
	group2   *models.Group
	product2 *models.Product
}

func newFulfilShop(t *testing.T, db *gorm.DB) *fulfilShop {
	t.Helper()
	s := &fulfilShop{adminShop: orderShop(t, db)}
	ctx := context.Background()
	ed := s.Store.Editor("seed@ciap.example")
	s.group2 = &models.Group{Slug: "retablistas-ayacucho", Name: "Retablistas de Ayacucho", AssociationID: s.assoc.ID,
		Region: models.RegionAyacucho, Place: "Huamanga", Craft: models.CraftRetablo, Artisans: 8,
		WomenPercent: 50, AssemblyCadence: models.CadenceMonthly, StoryES: "Historia", StoryEN: "Story"}
	if err := ed.CreateGroup(ctx, s.group2); err != nil {
		t.Fatal(err)
	}
	p := &models.Product{Slug: "retablo-navideno", NameES: "Retablo navideño", NameEN: "Christmas retablo",
		DescriptionES: "Retablo", DescriptionEN: "Retablo", Craft: models.CraftRetablo, GroupID: s.group2.ID,
		WholesaleMinQty: 6}
	if err := ed.CreateProduct(ctx, p); err != nil {
		t.Fatal(err)
	}
	r := &models.Breakdown{Price: 6000, ArtisanLabour: 2400, ArtisanMaterials: 500, CommunityFund: 100,
		CIAPOperations: 700, Logistics: 500, PaymentFees: 300, Taxes: 915, Margin: 585,
		LocalMarketPrice: 1500, LabourMinutes: 240}
	w := *r
	w.Price, w.Margin = 5500, 85
	ch, err := ed.SaveBreakdowns(ctx, p.ID, p.LockVersion, r, &w, "first fair price")
	if err != nil {
		t.Fatal(err)
	}
	if err := ed.SetProductPublished(ctx, p.ID, ch.LockVersion, true); err != nil {
		t.Fatal(err)
	}
	if _, err := ed.AdjustStock(ctx, models.StockAdjustment{ProductID: p.ID, Delta: 10, Reason: models.StockReceived}); err != nil {
		t.Fatal(err)
	}
	if s.product2, err = s.Store.ProductByID(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	return s
}

// fulfilled places an order of qty1 pieces of the first product and qty2
// of the second, pays it by transfer and hands it to fulfillment.
func (s *fulfilShop) fulfilled(t *testing.T, email string, qty1, qty2 int) *models.Order {
	t.Helper()
	ctx := context.Background()
	var lines []models.OrderLineInput
	if qty1 > 0 {
		lines = append(lines, models.OrderLineInput{ProductID: s.product.ID, Quantity: qty1})
	}
	if qty2 > 0 {
		lines = append(lines, models.OrderLineInput{ProductID: s.product2.ID, Quantity: qty2})
	}
	o, err := s.Store.PlaceOrder(ctx, models.OrderInput{
		Customer: models.Customer{Email: email, Name: "Buyer " + email, Phone: "+51 987 654 321",
			Address: models.Address{Country: "PE", Region: "lima-metropolitana", City: "Lima",
				Line: "Jr. Junín 123", PostalCode: "15001"}},
		Method: models.PaymentBankTransfer, Lang: "en", ExpiresAt: time.Now().Add(7 * 24 * time.Hour), Lines: lines,
	}, nil)
	if err != nil {
		t.Fatalf("place order: %v", err)
	}
	if _, _, err := s.Store.RecordBankTransfer(ctx, models.BankTransfer{OrderID: o.ID, Amount: o.Total(),
		ReceivedAt: time.Now(), Reference: "OP-" + o.Number, Actor: "seed@ciap.example"}); err != nil {
		t.Fatal(err)
	}
	if changed, err := s.Store.FulfillOrder(ctx, o.ID); err != nil || !changed {
		t.Fatalf("fulfil: %v %v", changed, err)
	}
	return s.order(t, o.ID)
}

func (s *fulfilShop) workOrders(t *testing.T, o *models.Order) map[int64]models.WorkOrder {
	t.Helper()
	wos, err := s.Store.WorkOrdersOfOrder(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]models.WorkOrder{}
	for _, w := range wos {
		out[w.GroupID] = w
	}
	return out
}

func readyPath(o *models.Order, w models.WorkOrder) string {
	return orderPath(o, "/work-orders/"+strconv.FormatInt(w.ID, 10)+"/ready")
}

func TestAdminFulfillment_ReadyThenShippedWithTrackingThenDelivered(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newFulfilShop(t, db)
		o := s.fulfilled(t, "ana@example.org", 2, 1)
		if o.Status != models.StatusInFulfillment {
			t.Fatalf("order %s after fulfillment", o.Status)
		}
		wos := s.workOrders(t, o)
		if len(wos) != 2 {
			t.Fatalf("%d work orders, want 2", len(wos))
		}
		staff, u := s.signInAs(t, models.RoleStaff)
		staff.Header.Set("Accept-Language", "en")
		ship := url.Values{"carrier": {"Olva Courier"}, "tracking_number": {"OLV-778899"}}
		audits := s.audits(t, models.EntityOrder, o.ID)

		// Not before every group is ready: refused, nothing changes.
		for i, group := range []int64{0, s.group.ID} {
			if group != 0 {
				if res := staff.PostForm(readyPath(o, wos[group]), url.Values{}); res.Status != http.StatusSeeOther {
					t.Fatalf("ready: %d %.300s", res.Status, res.Body)
				}
			}
			res := staff.PostForm(orderPath(o, "/ship"), ship)
			if res.Status != http.StatusConflict || !strings.Contains(text(res), "once every group's work order is ready") {
				t.Errorf("ship with %d groups ready: %d %.300s", i, res.Status, res.Body)
			}
			if st := s.order(t, o.ID).Status; st != models.StatusInFulfillment {
				t.Errorf("refused ship moved the order to %s", st)
			}
		}
		if n := s.jobsFor(t, "order_mail", o.ID, models.OrderMailShipped); n != 0 {
			t.Errorf("%d shipped mails queued before shipping", n)
		}
		if got := s.workOrders(t, o); got[s.group.ID].Status != models.WorkOrderReady || got[s.group2.ID].Status != models.WorkOrderOpen {
			t.Errorf("work orders %+v", got)
		}
		if res := staff.PostForm(readyPath(o, wos[s.group2.ID]), url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("ready: %d", res.Status)
		}
		// A missing carrier is a form error.
		res := staff.PostForm(orderPath(o, "/ship"), url.Values{"tracking_number": {"OLV-778899"}})
		if res.Status != http.StatusBadRequest || fieldError(res.Body, "f-carrier") == "" {
			t.Errorf("ship without carrier: %d, carrier error %q", res.Status, fieldError(res.Body, "f-carrier"))
		}
		res = staff.PostForm(orderPath(o, "/ship"), ship)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("ship: %d %.500s", res.Status, res.Body)
		}
		after := s.order(t, o.ID)
		last := after.History[len(after.History)-1]
		if after.Status != models.StatusShipped || last.Actor != u.Email || !strings.Contains(last.Note, "OLV-778899") {
			t.Errorf("order %s, last change %+v", after.Status, last)
		}
		// Shipping again is refused: still one mail.
		if res := staff.PostForm(orderPath(o, "/ship"), ship); res.Status != http.StatusConflict {
			t.Errorf("ship twice: %d", res.Status)
		}
		if n := s.jobsFor(t, "order_mail", o.ID, models.OrderMailShipped); n != 1 {
			t.Errorf("%d shipped mails queued, want 1", n)
		}
		msg, err := s.OrderMailForTest(context.Background(), o.ID, models.OrderMailShipped)
		if err != nil {
			t.Fatal(err)
		}
		if msg.To != "ana@example.org" || !strings.Contains(msg.Subject, "on its way") ||
			!strings.Contains(msg.Body, "Carrier: Olva Courier") || !strings.Contains(msg.Body, "Tracking number: OLV-778899") {
			t.Errorf("shipped mail: %+v", msg)
		}
		// Two ready marks, the shipment: three audit entries.
		if n := s.audits(t, models.EntityOrder, o.ID); n != audits+3 {
			t.Errorf("%d audit entries, want %d", n, audits+3)
		}

		// The buyer's page shows the carrier, the tracking number and the history.
		buyer := s.client(t)
		buyer.Header.Set("Accept-Language", "en")
		page := text(buyer.Get("/orders/" + o.Token))
		for _, want := range []string{"Olva Courier", "OLV-778899", "Shipped"} {
			if !strings.Contains(page, want) {
				t.Errorf("buyer's page lacks %q", want)
			}
		}

		res = staff.PostForm(orderPath(o, "/deliver"), url.Values{"deliver_note": {"signed by the buyer"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("deliver: %d %.300s", res.Status, res.Body)
		}
		if st := s.order(t, o.ID).Status; st != models.StatusDelivered {
			t.Errorf("after delivery: %s", st)
		}
		if res := staff.PostForm(orderPath(o, "/deliver"), url.Values{}); res.Status != http.StatusConflict {
			t.Errorf("deliver twice: %d", res.Status)
		}
		page = text(buyer.Get("/orders/" + o.Token))
		if !strings.Contains(page, "Delivered") {
			t.Errorf("buyer's page lacks the delivery: %.2000s", page)
		}
		checkPage(t, "admin order page", staff.Get(orderPath(o, "")))
	})
}

func TestAdminFulfillment_StaffRefundOfOneLineReversesItsEntriesAndTheBalance(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newFulfilShop(t, db)
		ctx := context.Background()
		o := s.fulfilled(t, "beto@example.org", 2, 1)
		before, err := s.Store.GroupBalance(ctx, s.group.ID)
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.Store.GroupBalance(ctx, s.group2.ID)
		if err != nil {
			t.Fatal(err)
		}
		stock := s.stock(t)
		line := o.Lines[0]
		if line.ProductID != s.product.ID {
			t.Fatalf("first line is product %d", line.ProductID)
		}
		id := strconv.FormatInt(line.ID, 10)
		staff, _ := s.signInAs(t, models.RoleStaff)
		staff.Header.Set("Accept-Language", "en")

		// More pieces than the line has, or restock beyond them: refused.
		for _, bad := range []url.Values{{"qty_" + id: {"3"}}, {"qty_" + id: {"1"}, "restock_" + id: {"2"}}, {}} {
			bad.Set("refund_reference", "REF-1")
			res := staff.PostForm(orderPath(o, "/refund"), bad)
			if res.Status != http.StatusBadRequest {
				t.Errorf("refund %v: %d", bad, res.Status)
			}
		}
		res := staff.PostForm(orderPath(o, "/refund"), url.Values{"qty_" + id: {"1"}, "restock_" + id: {"1"},
			"refund_reference": {"REF-1"}, "refund_note": {"one piece broke"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("refund: %d %.500s", res.Status, res.Body)
		}
		after := s.order(t, o.ID)
		if after.Status != models.StatusPartiallyRefunded {
			t.Errorf("order %s after a partial refund", after.Status)
		}
		entries, err := s.Store.LedgerEntriesOfOrder(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		var reversing []models.LedgerEntry
		for _, e := range entries {
			if e.Kind == models.LedgerRefund {
				reversing = append(reversing, e)
			}
		}
		piece := line.PaidToArtisans().Amount / int64(line.Quantity)
		if len(reversing) != 1 || reversing[0].Quantity != -1 || reversing[0].PaidToArtisans != -piece ||
			reversing[0].OrderLineID != line.ID || reversing[0].ReversesSeq == nil {
			t.Errorf("reversing entries %+v", reversing)
		}
		now, err := s.Store.GroupBalance(ctx, s.group.ID)
		if err != nil {
			t.Fatal(err)
		}
		if before.Balance-now.Balance != piece || piece != 4500 {
			t.Errorf("balance %d → %d, want a drop of %d", before.Balance, now.Balance, piece)
		}
		if got, _ := s.Store.GroupBalance(ctx, s.group2.ID); got.Balance != other.Balance {
			t.Errorf("the other group's balance moved: %d → %d", other.Balance, got.Balance)
		}
		if got := s.stock(t); got != stock+1 {
			t.Errorf("stock %d, want %d", got, stock+1)
		}
		// The same reference again changes nothing.
		res = staff.PostForm(orderPath(o, "/refund"), url.Values{"qty_" + id: {"1"}, "refund_reference": {"REF-1"}})
		if res.Status != http.StatusSeeOther {
			t.Errorf("refund again: %d", res.Status)
		}
		if again, _ := s.Store.GroupBalance(ctx, s.group.ID); again.Balance != now.Balance {
			t.Errorf("a repeated refund moved the balance: %d → %d", now.Balance, again.Balance)
		}

		// Cancelling after payment is a whole refund.
		res = staff.PostForm(orderPath(o, "/refund-all"), url.Values{"refund_all_reference": {"REF-ALL"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("refund all: %d %.500s", res.Status, res.Body)
		}
		if st := s.order(t, o.ID).Status; st != models.StatusRefunded {
			t.Errorf("after the whole refund: %s", st)
		}
		for _, g := range []int64{s.group.ID, s.group2.ID} {
			if b, _ := s.Store.GroupBalance(ctx, g); b.Owed != 0 {
				t.Errorf("group %d still owed %d after the whole refund", g, b.Owed)
			}
		}
	})
}

func TestAdminFulfillment_ReviewerPostsAreRefusedAndChangeNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newFulfilShop(t, db)
		ctx := context.Background()
		o := s.fulfilled(t, "carla@example.org", 1, 1)
		wos := s.workOrders(t, o)
		line := strconv.FormatInt(o.Lines[0].ID, 10)
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		audits := s.audits(t, models.EntityOrder, o.ID)
		for path, form := range map[string]url.Values{
			readyPath(o, wos[s.group.ID]): {},
			orderPath(o, "/ship"):         {"carrier": {"Serpost"}, "tracking_number": {"X1"}},
			orderPath(o, "/refund"):       {"qty_" + line: {"1"}, "refund_reference": {"R"}},
			orderPath(o, "/refund-all"):   {"refund_all_reference": {"R"}},
			"/admin/balances/payouts": {"payout_group": {strconv.FormatInt(s.group.ID, 10)}, "payout_paid_on": {"2026-01-05"},
				"payout_amount": {"10.00"}, "bank_reference": {"B1"}, "covers": {"January"}},
			"/admin/balances/advances": {"advance_group": {strconv.FormatInt(s.group.ID, 10)}, "advance_paid_on": {"2026-01-05"},
				"advance_amount": {"10.00"}, "advance_reference": {"B2"}},
		} {
			if res := reviewer.PostForm(path, form); res.Status != http.StatusForbidden {
				t.Errorf("reviewer POST %s: %d", path, res.Status)
			}
		}
		if st := s.order(t, o.ID).Status; st != models.StatusInFulfillment {
			t.Errorf("order %s", st)
		}
		if got := s.workOrders(t, o); got[s.group.ID].Status != models.WorkOrderOpen {
			t.Errorf("work order %s", got[s.group.ID].Status)
		}
		if n := s.audits(t, models.EntityOrder, o.ID); n != audits {
			t.Errorf("%d audit entries, want %d", n, audits)
		}
		if b, _ := s.Store.GroupBalance(ctx, s.group.ID); b.Owed != o.Lines[0].PaidToArtisans().Amount || b.Payouts != 0 || b.Advances != 0 {
			t.Errorf("balance %+v", b)
		}
		// The reviewer reads the page, without the forms.
		page := reviewer.Get(orderPath(o, ""))
		if page.Status != http.StatusOK || strings.Contains(page.Body, `action="`+orderPath(o, "/ship")) ||
			strings.Contains(page.Body, "/ready\"") {
			t.Errorf("reviewer's order page: %d", page.Status)
		}
	})
}

func TestAdminFulfillment_PickListShowsOnlyTheGroupsLines(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newFulfilShop(t, db)
		a := s.fulfilled(t, "dora@example.org", 2, 3)
		b := s.fulfilled(t, "eva@example.org", 0, 4)
		c := s.fulfilled(t, "fe@example.org", 1, 0)
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		reviewer.Header.Set("Accept-Language", "en")
		res := reviewer.Get("/admin/work-orders/pick-list?group=" + strconv.FormatInt(s.group2.ID, 10))
		if res.Status != http.StatusOK {
			t.Fatalf("pick list: %d", res.Status)
		}
		page := text(res)
		for _, want := range []string{"Pick list: Retablistas de Ayacucho", "Christmas retablo", a.Number, b.Number, "7 pieces"} {
			if !strings.Contains(page, want) {
				t.Errorf("pick list lacks %q", want)
			}
		}
		for _, not := range []string{"Quinua church", c.Number, "Ceramistas de Quinua"} {
			if strings.Contains(page, not) {
				t.Errorf("pick list of the retablo group shows %q", not)
			}
		}
		if !strings.Contains(res.Body, "css/picklist.") {
			t.Error("the pick list has no print style sheet")
		}
		checkPage(t, "pick list", res)
		// The list filters by group too.
		list := text(reviewer.Get("/admin/work-orders?group=" + strconv.FormatInt(s.group.ID, 10)))
		if !strings.Contains(list, c.Number) || strings.Contains(list, b.Number) {
			t.Errorf("work orders of the ceramics group: %.3000s", list)
		}
		if res := reviewer.Get("/admin/work-orders?group=abc"); res.Status != http.StatusBadRequest {
			t.Errorf("bad group filter: %d", res.Status)
		}
	})
}

func TestAdminBalances_PayoutLowersTheBalanceAndItsReversalRestoresIt(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newFulfilShop(t, db)
		ctx := context.Background()
		s.fulfilled(t, "gina@example.org", 2, 0)
		balance := func() models.GroupBalance {
			t.Helper()
			b, err := s.Store.GroupBalance(ctx, s.group.ID)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		start := balance()
		if start.Owed != 9000 || start.Balance != 9000 {
			t.Fatalf("start %+v", start)
		}
		staff, _ := s.signInAs(t, models.RoleStaff)
		staff.Header.Set("Accept-Language", "en")
		gid := strconv.FormatInt(s.group.ID, 10)
		today := time.Now().In(time.FixedZone("PET", -5*3600)).Format(time.DateOnly)
		payout := url.Values{"payout_group": {gid}, "payout_paid_on": {today}, "payout_amount": {"20,50"},
			"bank_reference": {"BCP-0001"}, "covers": {"sales of this month"}}

		// Typos are shown back, nothing is recorded.
		bad := url.Values{"payout_group": {gid}, "payout_paid_on": {today}, "payout_amount": {"20.5.0"},
			"bank_reference": {"BCP-0001"}, "covers": {"x"}}
		if res := staff.PostForm("/admin/balances/payouts", bad); res.Status != http.StatusBadRequest ||
			fieldError(res.Body, "f-payout-amount") == "" {
			t.Errorf("bad amount: %d %q", res.Status, fieldError(res.Body, "f-payout-amount"))
		}
		res := staff.PostForm("/admin/balances/payouts", payout)
		if res.Status != http.StatusSeeOther || res.Location() != "/admin/balances?group="+gid {
			t.Fatalf("payout: %d %q %.500s", res.Status, res.Location(), res.Body)
		}
		paid := balance()
		if paid.Payouts != 2050 || start.Balance-paid.Balance != 2050 {
			t.Errorf("after the payout %+v", paid)
		}
		// The same bank reference twice is refused.
		if res := staff.PostForm("/admin/balances/payouts", payout); res.Status != http.StatusConflict {
			t.Errorf("payout twice: %d", res.Status)
		}
		ps, err := s.Store.PayoutsOfGroup(ctx, s.group.ID)
		if err != nil || len(ps) != 1 {
			t.Fatalf("payouts %v %+v", err, ps)
		}
		if n := s.audits(t, models.EntityGroup, s.group.ID); n < 1 {
			t.Errorf("%d audit entries about the group", n)
		}
		rev := "/admin/balances/payouts/" + strconv.FormatInt(ps[0].ID, 10) + "/reverse"
		if res := staff.PostForm(rev, url.Values{"group": {gid}}); res.Status != http.StatusBadRequest {
			t.Errorf("reverse without a reason: %d", res.Status)
		}
		if res := staff.PostForm(rev, url.Values{"group": {gid}, "reason": {"typed on the wrong group"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("reverse: %d %.300s", res.Status, res.Body)
		}
		if back := balance(); back.Balance != start.Balance || back.Payouts != 0 {
			t.Errorf("after the reversal %+v, want the balance %d back", back, start.Balance)
		}
		if res := staff.PostForm(rev, url.Values{"group": {gid}, "reason": {"again"}}); res.Status != http.StatusConflict {
			t.Errorf("reverse twice: %d", res.Status)
		}
		// An advance lowers the balance too.
		res = staff.PostForm("/admin/balances/advances", url.Values{"advance_group": {gid}, "advance_paid_on": {today},
			"advance_amount": {"30"}, "advance_reference": {"BCP-0002"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("advance: %d %.500s", res.Status, res.Body)
		}
		if b := balance(); b.Advances != 3000 || b.Balance != start.Balance-3000 {
			t.Errorf("after the advance %+v", b)
		}
		page := staff.Get("/admin/balances?group=" + gid)
		body := text(page)
		if page.Status != http.StatusOK || !strings.Contains(body, "BCP-0001") || !strings.Contains(body, "Reversed by #") {
			t.Errorf("staff's balances page: %d", page.Status)
		}
		checkPage(t, "balances", page)

		// Reviewers read it all and see no forms.
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		page = reviewer.Get("/admin/balances?group=" + gid)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "BCP-0002") ||
			strings.Contains(page.Body, `action="/admin/balances/`) {
			t.Errorf("reviewer's balances page: %d", page.Status)
		}
	})
}

func TestAdminLedger_FiltersByGroupAndShowsTheVerifiedChain(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newFulfilShop(t, db)
		ctx := context.Background()
		a := s.fulfilled(t, "hilda@example.org", 1, 2)
		b := s.fulfilled(t, "ines@example.org", 3, 0)
		check, err := s.Store.VerifyLedger(ctx)
		if err != nil || check.Entries != 3 {
			t.Fatalf("verify: %+v %v", check, err)
		}
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		reviewer.Header.Set("Accept-Language", "en")
		// Browsing shows the recorded head; verifying is a link away.
		res := reviewer.Get("/admin/ledger")
		page := text(res)
		if res.Status != http.StatusOK || strings.Contains(page, "The chain verifies") ||
			!strings.Contains(page, "The chain holds 3 entries") || !strings.Contains(page, check.Head) ||
			!strings.Contains(res.Body, `href="/admin/ledger?verify=1#check-title"`) {
			t.Fatalf("ledger page: %d %.1500s", res.Status, page)
		}
		checkPage(t, "ledger", res)
		res = reviewer.Get("/admin/ledger?verify=1")
		page = text(res)
		if res.Status != http.StatusOK || !strings.Contains(page, "The chain verifies: 3 entries checked") ||
			!strings.Contains(page, check.Head) {
			t.Fatalf("ledger page, verified: %d %.1500s", res.Status, page)
		}
		checkPage(t, "ledger verified", res)
		page = text(reviewer.Get("/admin/ledger?group=" + strconv.FormatInt(s.group2.ID, 10)))
		if !strings.Contains(page, "1 entry") || !strings.Contains(page, a.Number) || strings.Contains(page, b.Number) {
			t.Errorf("ledger of the retablo group: %.3000s", page)
		}
		page = text(reviewer.Get("/admin/ledger?product=" + strconv.FormatInt(s.product.ID, 10)))
		if !strings.Contains(page, "2 entries") || !strings.Contains(page, b.Number) {
			t.Errorf("ledger of the first product: %.3000s", page)
		}
		future := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
		page = text(reviewer.Get("/admin/ledger?from=" + future))
		if !strings.Contains(page, "0 entries") {
			t.Errorf("ledger from %s: %.2000s", future, page)
		}
		for _, q := range []string{"from=yesterday", "group=x", "page=0"} {
			if res := reviewer.Get("/admin/ledger?" + q); res.Status != http.StatusBadRequest {
				t.Errorf("ledger?%s: %d", q, res.Status)
			}
		}
	})
}
