package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

// orderShop is newAdminShop's catalog (one product at S/ 100.00 with a
// known breakdown) with 20 pieces in stock and Lima's shipping at
// S/ 12.50, so an order of one piece to Lima costs S/ 112.50: an amount
// with céntimos, as bank transfers are typed.
func orderShop(t *testing.T, db *gorm.DB) *adminShop {
	t.Helper()
	s := newAdminShop(t, db)
	ctx := context.Background()
	ed := s.Store.Editor("seed@ciap.example")
	if _, err := ed.AdjustStock(ctx, models.StockAdjustment{ProductID: s.product.ID, Delta: 17, Reason: models.StockReceived}); err != nil {
		t.Fatal(err)
	}
	z, err := s.Store.ShippingZoneByCode(ctx, models.ZoneLima)
	if err != nil {
		t.Fatal(err)
	}
	z.RateAmount = 1250
	if err := ed.UpdateShippingZone(ctx, z); err != nil {
		t.Fatal(err)
	}
	s.reload(t)
	return s
}

// place orders qty pieces for a buyer in Lima through the store, as the
// checkout does.
func (s *adminShop) place(t *testing.T, email string, qty int, method models.PaymentMethod) *models.Order {
	t.Helper()
	o, err := s.Store.PlaceOrder(context.Background(), models.OrderInput{
		Customer: models.Customer{Email: email, Name: "Buyer " + email, Phone: "+51 987 654 321",
			Address: models.Address{Country: "PE", Region: "lima-metropolitana", City: "Lima",
				Line: "Jr. Junín 123", PostalCode: "15001"}},
		Method: method, ExpiresAt: time.Now().Add(7 * 24 * time.Hour),
		Lines: []models.OrderLineInput{{ProductID: s.product.ID, Quantity: qty}},
	}, nil)
	if err != nil {
		t.Fatalf("place order: %v", err)
	}
	return o
}

func (s *adminShop) order(t *testing.T, id int64) *models.Order {
	t.Helper()
	o, err := s.Store.OrderByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (s *adminShop) stock(t *testing.T) int {
	t.Helper()
	s.reload(t)
	return s.product.Stock
}

// jobsFor counts the queued jobs of a kind about one order (and, for
// mail, of one kind of mail).
func (s *adminShop) jobsFor(t *testing.T, kind string, orderID int64, mail models.OrderMail) int {
	t.Helper()
	res, err := s.Jobs.JobList(context.Background(), river.NewJobListParams().Kinds(kind).First(1000))
	if err != nil {
		t.Fatalf("list %s jobs: %v", kind, err)
	}
	n := 0
	for _, j := range res.Jobs {
		var args struct {
			OrderID int64            `json:"order_id"`
			Mail    models.OrderMail `json:"mail"`
		}
		if err := json.Unmarshal(j.EncodedArgs, &args); err != nil {
			t.Fatal(err)
		}
		if args.OrderID == orderID && args.Mail == mail {
			n++
		}
	}
	return n
}

// audits counts the audit entries about a record.
func (s *adminShop) audits(t *testing.T, entity string, id int64) int64 {
	t.Helper()
	page, err := s.Store.ListAudit(context.Background(), models.AuditFilter{EntityType: entity, EntityID: id})
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}

func orderPath(o *models.Order, suffix string) string {
	return "/admin/orders/" + strconv.FormatInt(o.ID, 10) + suffix
}

// text is a page's body as a person reads it: entities decoded, amounts
// as "S/12.50".
func text(res *testResponse) string { return soles(html.UnescapeString(res.Body)) }

// commaAmount types an amount the way many people do, with a decimal
// comma: 11250 → "112,50".
func commaAmount(m models.Money) string { return strings.Replace(m.Decimal(), ".", ",", 1) }

func TestAdminOrders_ListFiltersAndSearch(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := orderShop(t, db)
		ctx := context.Background()
		ana := s.place(t, "ana@example.org", 1, models.PaymentBankTransfer)
		beto := s.place(t, "beto@example.org", 2, models.PaymentCard)
		carla := s.place(t, "carla@example.org", 1, models.PaymentBankTransfer)
		if _, err := s.Store.StaffCancelOrder(ctx, beto.ID, "seed@ciap.example", ""); err != nil {
			t.Fatal(err)
		}
		_, _, err := s.Store.RecordBankTransfer(ctx, models.BankTransfer{OrderID: carla.ID, Amount: models.Soles(100),
			Reference: "OP-1", Actor: "seed@ciap.example"})
		if err == nil {
			t.Fatal("a transfer of S/ 1.00 paid an order of S/ 112.50")
		}
		staff, _ := s.signInAs(t, models.RoleStaff)
		staff.Header.Set("Accept-Language", "en")

		listRes := staff.Get("/admin/orders")
		checkPage(t, "order list", listRes)
		all := text(listRes)
		for _, o := range []*models.Order{ana, beto, carla} {
			if !strings.Contains(all, o.Number) || !strings.Contains(all, o.Customer.Email) {
				t.Errorf("list misses %s (%s)", o.Number, o.Customer.Email)
			}
		}
		for _, want := range []string{"S/112.50", "S/212.50", "Cancelled", "Waiting for payment", "Needs attention", "3 orders"} {
			if !strings.Contains(all, want) {
				t.Errorf("list does not show %q", want)
			}
		}
		today := time.Now().In(time.FixedZone("PET", -5*3600))
		day := func(d int) string { return today.AddDate(0, 0, d).Format(time.DateOnly) }
		for _, tc := range []struct {
			query string
			want  []*models.Order
		}{
			{"status=cancelled", []*models.Order{beto}},
			{"status=pending_payment", []*models.Order{ana, carla}},
			{"status=paid", nil},
			{"q=CARLA", []*models.Order{carla}},
			{"q=" + url.QueryEscape(ana.Number), []*models.Order{ana}},
			{"q=example.org&status=pending_payment", []*models.Order{ana, carla}},
			{"attention=1", []*models.Order{carla}},
			{"from=" + day(0) + "&to=" + day(0), []*models.Order{ana, beto, carla}},
			{"from=" + day(1), nil},
			{"to=" + day(-1), nil},
		} {
			body := staff.Get("/admin/orders?" + tc.query).Body
			for _, o := range []*models.Order{ana, beto, carla} {
				listed := strings.Contains(body, ">"+o.Number+"<")
				wanted := false
				for _, w := range tc.want {
					wanted = wanted || w == o
				}
				if listed != wanted {
					t.Errorf("?%s: %s listed=%v, want %v", tc.query, o.Number, listed, wanted)
				}
			}
			count := fmt.Sprintf("%d orders", len(tc.want))
			if len(tc.want) == 1 {
				count = "1 order "
			}
			if !strings.Contains(body, count) {
				t.Errorf("?%s: count is not %d", tc.query, len(tc.want))
			}
		}
		for _, bad := range []string{"status=lost", "from=31/12/2026", "from=" + day(1) + "&to=" + day(0), "page=x"} {
			if res := staff.Get("/admin/orders?" + bad); res.Status != http.StatusBadRequest {
				t.Errorf("?%s: %d, want 400", bad, res.Status)
			}
		}
	})
}

func TestAdminOrders_CustomersAndAnonymousAreKeptOutReviewersOnlyRead(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := orderShop(t, db)
		o := s.place(t, "ana@example.org", 2, models.PaymentBankTransfer)
		customer, _ := s.signInAs(t, models.RoleCustomer)
		for _, p := range []string{"/admin/orders", orderPath(o, ""), "/admin/shipping"} {
			if res := customer.Get(p); res.Status != http.StatusForbidden {
				t.Errorf("customer GET %s: %d, want 403", p, res.Status)
			}
			if res := s.client(t).Get(p); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/signin") {
				t.Errorf("anonymous GET %s: %d %q, want 303 to /signin", p, res.Status, res.Location())
			}
		}
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		for _, p := range []string{"/admin/orders", orderPath(o, ""), "/admin/shipping"} {
			res := reviewer.Get(p)
			if res.Status != http.StatusOK {
				t.Fatalf("reviewer GET %s: %d", p, res.Status)
			}
			checkPage(t, "reviewer "+p, res)
			if strings.Contains(res.Body, `method="post" action="/admin/`) {
				t.Errorf("reviewer sees a form on %s", p)
			}
		}
		stock := s.stock(t)
		zone, _ := s.Store.ShippingZoneByCode(context.Background(), models.ZoneLima)
		for path, form := range map[string]url.Values{
			orderPath(o, "/cancel"):   {},
			orderPath(o, "/transfer"): {"amount": {commaAmount(o.Total())}, "received_on": {time.Now().Format(time.DateOnly)}, "reference": {"OP-9"}},
			orderPath(o, "/resolve"):  {"resolve_note": {"done"}},
			"/admin/shipping/" + strconv.FormatInt(zone.ID, 10): {"rate": {"1"}, "min_days": {"1"}, "max_days": {"2"},
				"lock_version": {strconv.FormatInt(zone.LockVersion, 10)}},
		} {
			if res := reviewer.PostForm(path, form); res.Status != http.StatusForbidden {
				t.Errorf("reviewer POST %s: %d, want 403", path, res.Status)
			}
		}
		after := s.order(t, o.ID)
		if after.Status != models.StatusPendingPayment || len(after.Payments) != 0 || s.stock(t) != stock {
			t.Errorf("reviewer changed the order: %s, %d payments, stock %d (was %d)", after.Status, len(after.Payments), s.stock(t), stock)
		}
		if z, _ := s.Store.ShippingZoneByCode(context.Background(), models.ZoneLima); z.RateAmount != zone.RateAmount {
			t.Errorf("reviewer changed the rate to %d", z.RateAmount)
		}
	})
}

func TestAdminOrder_ShowsTheBreakdownItWasSoldUnder(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := orderShop(t, db)
		o := s.place(t, "ana@example.org", 2, models.PaymentBankTransfer)
		sold := o.Lines[0]
		// The price changes after the sale: the order keeps the old one.
		ctx := context.Background()
		r, err := s.Store.BreakdownByID(ctx, s.product.ID, *s.product.RetailBreakdownID)
		if err != nil {
			t.Fatal(err)
		}
		w, err := s.Store.BreakdownByID(ctx, s.product.ID, *s.product.WholesaleBreakdownID)
		if err != nil {
			t.Fatal(err)
		}
		r.ID, w.ID = 0, 0
		r.Price, r.Margin = 13300, 4775
		if _, err := s.Store.Editor("seed@ciap.example").SaveBreakdowns(ctx, s.product.ID, s.product.LockVersion, r, w, "dearer"); err != nil {
			t.Fatal(err)
		}
		staff, _ := s.signInAs(t, models.RoleStaff)
		staff.Header.Set("Accept-Language", "en")
		res := staff.Get(orderPath(o, ""))
		if res.Status != http.StatusOK {
			t.Fatalf("order page: %d", res.Status)
		}
		checkPage(t, "order page", res)
		body := text(res)
		for _, want := range []string{
			o.Number, "Buyer ana@example.org", "ana@example.org", "+51 987 654 321", "Jr. Junín 123", "Lima Metropolitana",
			"Metropolitan Lima and Callao", "1 to 3 working days", "Bank transfer", "Waiting for payment",
			fmt.Sprintf("/admin/products/%d/prices/%d", sold.ProductID, sold.BreakdownID),
			fmt.Sprintf("price version %d (no. %d)", sold.BreakdownVersion, sold.BreakdownID),
			// the eight components, per piece, as sold
			"Artisan labour", "S/35.00", "Artisan materials", "S/8.00", "Community fund", "S/2.00",
			"CIAP operations", "S/12.00", "Logistics and packaging", "S/9.00", "Payment and platform fees", "S/4.00",
			"Taxes (IGV 18%)", "S/15.25", "Margin (reinvested)", "S/14.75",
			"Local market price", "S/25.00", "Surplus over the local market", "S/20.00",
			// unit S/ 100.00 × 2 + S/ 12.50 shipping; S/ 45.00 × 2 to the artisans
			"S/100.00", "S/200.00", "S/12.50", "S/212.50", "S/90.00",
			"order placed", "No payment recorded yet.",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("order page does not show %q", want)
			}
		}
		if strings.Contains(body, "S/133.00") || strings.Contains(body, "S/47.75") {
			t.Error("order page shows today's price, not the one it was sold at")
		}
		if res := staff.Get("/admin/orders/999999"); res.Status != http.StatusNotFound {
			t.Errorf("unknown order: %d", res.Status)
		}
		if res := staff.Get("/admin/orders/abc"); res.Status != http.StatusNotFound {
			t.Errorf("non-numeric order: %d", res.Status)
		}
	})
}

func TestAdminOrder_CancelReturnsStockAndQueuesOneMail(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := orderShop(t, db)
		before := s.stock(t)
		o := s.place(t, "ana@example.org", 3, models.PaymentBankTransfer)
		if got := s.stock(t); got != before-3 {
			t.Fatalf("stock after the order: %d, want %d", got, before-3)
		}
		staff, u := s.signInAs(t, models.RoleStaff)
		staff.Header.Set("Accept-Language", "en")
		res := staff.PostForm(orderPath(o, "/cancel"), url.Values{"cancel_note": {"buyer asked by phone"}})
		if res.Status != http.StatusSeeOther || res.Location() != orderPath(o, "") {
			t.Fatalf("cancel: %d %q: %.300s", res.Status, res.Location(), res.Body)
		}
		if got := s.stock(t); got != before {
			t.Errorf("stock after cancelling: %d, want %d", got, before)
		}
		after := s.order(t, o.ID)
		last := after.History[len(after.History)-1]
		if after.Status != models.StatusCancelled || last.Actor != u.Email || !strings.Contains(last.Note, "buyer asked by phone") {
			t.Errorf("order %s, last change %+v", after.Status, last)
		}
		if n := s.jobsFor(t, "order_mail", o.ID, models.OrderMailCancelled); n != 1 {
			t.Errorf("%d cancelled mails queued, want 1", n)
		}
		if n := s.audits(t, models.EntityOrder, o.ID); n != 1 {
			t.Errorf("%d audit entries, want 1", n)
		}
		page := text(staff.Get(orderPath(o, "")))
		if !strings.Contains(page, "cancelled: its pieces are back in stock") || !strings.Contains(page, "buyer asked by phone") {
			t.Errorf("the page after cancelling does not say so: %.2000s", page)
		}

		// Again, and a paid order: refused with a message, nothing changes.
		paid := s.place(t, "beto@example.org", 1, models.PaymentBankTransfer)
		if _, _, err := s.Store.RecordBankTransfer(context.Background(), models.BankTransfer{OrderID: paid.ID,
			Amount: paid.Total(), Reference: "OP-1", Actor: u.Email}); err != nil {
			t.Fatal(err)
		}
		stock := s.stock(t)
		for _, target := range []*models.Order{o, paid} {
			status := s.order(t, target.ID).Status
			res := staff.PostForm(orderPath(target, "/cancel"), url.Values{})
			if res.Status != http.StatusConflict || !strings.Contains(text(res), "Only unpaid orders can be cancelled") {
				t.Errorf("cancel %s order: %d: %.300s", status, res.Status, res.Body)
			}
			if now := s.order(t, target.ID).Status; now != status {
				t.Errorf("refused cancel moved the order from %s to %s", status, now)
			}
		}
		if s.stock(t) != stock || s.jobsFor(t, "order_mail", o.ID, models.OrderMailCancelled) != 1 ||
			s.jobsFor(t, "order_mail", paid.ID, models.OrderMailCancelled) != 0 {
			t.Error("a refused cancel moved stock or queued a mail")
		}
		if res := staff.PostForm("/admin/orders/999999/cancel", url.Values{}); res.Status != http.StatusNotFound {
			t.Errorf("cancel unknown order: %d", res.Status)
		}
	})
}

func TestAdminOrder_RecordBankTransfer(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := orderShop(t, db)
		staff, u := s.signInAs(t, models.RoleStaff)
		staff.Header.Set("Accept-Language", "en")
		today := time.Now().In(time.FixedZone("PET", -5*3600)).Format(time.DateOnly)
		transfer := func(o *models.Order, amount, ref string) *testResponse {
			return staff.PostForm(orderPath(o, "/transfer"), url.Values{"amount": {amount}, "received_on": {today},
				"reference": {ref}, "transfer_note": {"BCP statement"}})
		}

		// Typed input that is not a transfer: refused with a message, nothing recorded.
		o := s.place(t, "ana@example.org", 1, models.PaymentBankTransfer)
		for _, tc := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"amount": {"1.125"}, "received_on": {today}, "reference": {"OP-1"}}, "could be thousands or decimals"},
			{url.Values{"amount": {"112,5055"}, "received_on": {today}, "reference": {"OP-1"}}, "more than two decimals"},
			{url.Values{"amount": {"-112,50"}, "received_on": {today}, "reference": {"OP-1"}}, ""},
			{url.Values{"amount": {""}, "received_on": {today}, "reference": {"OP-1"}}, "Fill in this field"},
			{url.Values{"amount": {"112,50"}, "received_on": {today}, "reference": {" "}}, "Give the bank reference"},
			{url.Values{"amount": {"112,50"}, "received_on": {"2099-01-01"}, "reference": {"OP-1"}}, "in the future"},
			{url.Values{"amount": {"112,50"}, "received_on": {"1/1/2026"}, "reference": {"OP-1"}}, "like 2026-03-31"},
		} {
			res := staff.PostForm(orderPath(o, "/transfer"), tc.form)
			checkPage(t, "refused transfer form", res)
			if res.Status != http.StatusBadRequest || !strings.Contains(text(res), tc.want) {
				t.Errorf("%v: %d, want 400 saying %q", tc.form, res.Status, tc.want)
			}
			if !strings.Contains(res.Body, `value="`+html.EscapeString(tc.form.Get("amount"))+`"`) {
				t.Errorf("%v: the form does not keep the amount typed", tc.form)
			}
		}
		if got := s.order(t, o.ID); len(got.Payments) != 0 || got.Status != models.StatusPendingPayment {
			t.Fatalf("refused input recorded something: %s, %d payments", got.Status, len(got.Payments))
		}

		// The exact total, typed with a decimal comma: paid, once.
		if got := commaAmount(o.Total()); got != "112,50" {
			t.Fatalf("order total typed as %q", got)
		}
		res := transfer(o, "112,50", "OP-4471")
		if res.Status != http.StatusSeeOther || res.Location() != orderPath(o, "") {
			t.Fatalf("record transfer: %d %q: %.300s", res.Status, res.Location(), res.Body)
		}
		paid := s.order(t, o.ID)
		if paid.Status != models.StatusPaid || len(paid.Payments) != 1 {
			t.Fatalf("after the transfer: %s, %d payments", paid.Status, len(paid.Payments))
		}
		p := paid.Payments[0]
		if p.Amount != 11250 || p.Method != models.PaymentBankTransfer || p.Actor != u.Email ||
			p.Reference != "OP-4471" || p.Outcome != models.PaymentApplied || p.Note != "BCP statement" {
			t.Errorf("payment recorded as %+v", p)
		}
		if got := p.ReceivedAt.In(time.FixedZone("PET", -5*3600)).Format(time.DateOnly); got != today {
			t.Errorf("received on %s, want %s", got, today)
		}
		if n := s.jobsFor(t, "fulfill_order", o.ID, ""); n != 1 {
			t.Errorf("%d fulfill_order jobs, want 1", n)
		}
		if n := s.jobsFor(t, "order_mail", o.ID, models.OrderMailPaid); n != 1 {
			t.Errorf("%d paid mails, want 1", n)
		}
		if n := s.audits(t, models.EntityOrder, o.ID); n != 1 {
			t.Errorf("%d audit entries, want 1", n)
		}
		if page := text(staff.Get(orderPath(o, ""))); !strings.Contains(page, "order "+o.Number+" is paid") ||
			!strings.Contains(page, "Applied") || !strings.Contains(page, "OP-4471") {
			t.Errorf("the page after paying does not say so: %.3000s", page)
		}

		// The same transfer again (also typed with a dot): nothing changes.
		res = transfer(o, "112.50", "OP-4471")
		if res.Status != http.StatusSeeOther {
			t.Fatalf("same transfer again: %d", res.Status)
		}
		again := s.order(t, o.ID)
		if len(again.Payments) != 1 || again.NeedsAttention || len(again.History) != len(paid.History) {
			t.Errorf("the same transfer twice changed the order: %d payments, flagged %v", len(again.Payments), again.NeedsAttention)
		}
		if s.jobsFor(t, "fulfill_order", o.ID, "") != 1 || s.audits(t, models.EntityOrder, o.ID) != 1 {
			t.Error("the same transfer twice queued or audited again")
		}
		if page := text(staff.Get(orderPath(o, ""))); !strings.Contains(page, "already recorded for this order: nothing changed") {
			t.Error("the page does not say the transfer was recorded already")
		}

		// A wrong amount is kept as refused and flags the order, unpaid.
		short := s.place(t, "beto@example.org", 1, models.PaymentBankTransfer)
		res = transfer(short, "102.50", "OP-5000")
		if res.Status != http.StatusSeeOther {
			t.Fatalf("short transfer: %d: %.300s", res.Status, res.Body)
		}
		flagged := s.order(t, short.ID)
		if flagged.Status != models.StatusPendingPayment || !flagged.NeedsAttention || len(flagged.Payments) != 1 ||
			flagged.Payments[0].Outcome != models.PaymentRefused || flagged.Payments[0].Amount != 10250 {
			t.Fatalf("short transfer: %s, flagged %v, payments %+v", flagged.Status, flagged.NeedsAttention, flagged.Payments)
		}
		if s.jobsFor(t, "fulfill_order", short.ID, "") != 0 || s.jobsFor(t, "order_mail", short.ID, models.OrderMailPaid) != 0 {
			t.Error("a refused transfer handed the order to fulfillment or mailed the buyer")
		}
		flaggedRes := staff.Get(orderPath(short, ""))
		checkPage(t, "flagged order page", flaggedRes)
		page := text(flaggedRes)
		for _, want := range []string{"Transfer NOT applied: S/102.50 received, but order " + short.Number + " is S/112.50",
			"This order needs attention", "Refused: not applied", "S/102.50 received, the order's total is S/112.50"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page after a short transfer does not say %q", want)
			}
		}
		if list := staff.Get("/admin/orders?attention=1").Body; !strings.Contains(list, short.Number) || strings.Contains(list, ">"+o.Number+"<") {
			t.Error("the flagged order is not (alone) in the attention filter")
		}

		// Resolving the flag takes a note, and is audited.
		if res := staff.PostForm(orderPath(short, "/resolve"), url.Values{"resolve_note": {" "}}); res.Status != http.StatusBadRequest ||
			!strings.Contains(text(res), "Say what was done") {
			t.Errorf("resolve without a note: %d", res.Status)
		}
		audits := s.audits(t, models.EntityOrder, short.ID)
		res = staff.PostForm(orderPath(short, "/resolve"), url.Values{"resolve_note": {"refunded S/ 102.50, op. 777"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("resolve: %d", res.Status)
		}
		if got := s.order(t, short.ID); got.NeedsAttention || got.Status != models.StatusPendingPayment {
			t.Errorf("after resolving: flagged %v, %s", got.NeedsAttention, got.Status)
		}
		if s.audits(t, models.EntityOrder, short.ID) != audits+1 {
			t.Error("resolving the flag was not audited")
		}
	})
}

func TestAdminShipping_StaffEditsTheRatesTheShippingPageShows(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db, withPageCache(100))
		ctx := context.Background()
		zones, err := ts.Store.ShippingZones(ctx)
		if err != nil || len(zones) != 3 {
			t.Fatalf("zones: %v, %d", err, len(zones))
		}
		peru := zones[1]
		visitor := ts.client(t)
		if body := soles(html.UnescapeString(getIn(t, visitor, "/shipping", "en").Body)); !strings.Contains(body, "S/25.00") {
			t.Fatal("the shipping page does not show today's rate")
		}
		staff, u := ts.signInAs(t, models.RoleStaff)
		staff.Header.Set("Accept-Language", "en")
		res := staff.Get("/admin/shipping")
		checkPage(t, "shipping zones", res)
		for _, want := range []string{"Metropolitan Lima and Callao", "Rest of Peru", "International",
			fmt.Sprintf(`action="/admin/shipping/%d"`, peru.ID)} {
			if !strings.Contains(html.UnescapeString(res.Body), want) {
				t.Errorf("/admin/shipping does not show %q", want)
			}
		}
		form := func(rate, lo, hi string, version int64) url.Values {
			return url.Values{"rate": {rate}, "min_days": {lo}, "max_days": {hi}, "lock_version": {strconv.FormatInt(version, 10)}}
		}
		path := "/admin/shipping/" + strconv.FormatInt(peru.ID, 10)
		for _, tc := range []struct {
			form   url.Values
			status int
			want   string
		}{
			{form("1.234", "2", "4", peru.LockVersion), http.StatusBadRequest, "could be thousands or decimals"},
			{form("20", "5", "2", peru.LockVersion), http.StatusBadRequest, "Must not be below the minimum"},
			{form("20", "x", "2", peru.LockVersion), http.StatusBadRequest, "Type a whole number"},
			{form("20", "2", "4", peru.LockVersion+5), http.StatusConflict, "changed this zone since you opened the page"},
		} {
			res := staff.PostForm(path, tc.form)
			checkPage(t, "refused zone form", res)
			if res.Status != tc.status || !strings.Contains(html.UnescapeString(res.Body), tc.want) {
				t.Errorf("%v: %d, want %d saying %q", tc.form, res.Status, tc.status, tc.want)
			}
		}
		if z, _ := ts.Store.ShippingZoneByCode(ctx, models.ZonePeru); z.RateAmount != peru.RateAmount {
			t.Fatalf("a refused form changed the rate to %d", z.RateAmount)
		}
		res = staff.PostForm(path, form("27,50", "2", "6", peru.LockVersion))
		if res.Status != http.StatusSeeOther || res.Location() != "/admin/shipping" {
			t.Fatalf("save: %d %q: %.300s", res.Status, res.Location(), res.Body)
		}
		z, _ := ts.Store.ShippingZoneByCode(ctx, models.ZonePeru)
		if z.RateAmount != 2750 || z.MinDays != 2 || z.MaxDays != 6 {
			t.Errorf("saved %d, %d–%d days", z.RateAmount, z.MinDays, z.MaxDays)
		}
		e, err := ts.Store.LatestAudit(ctx, models.EntityShippingZone, peru.ID)
		if err != nil || e.Actor != u.Email || !strings.Contains(e.AfterJSON, "2750") {
			t.Errorf("audit: %+v, %v", e, err)
		}
		if page := soles(html.UnescapeString(staff.Get("/admin/shipping").Body)); !strings.Contains(page, "Rest of Peru: saved") {
			t.Error("no message after saving")
		}
		body := soles(html.UnescapeString(getIn(t, visitor, "/shipping", "en").Body))
		if !strings.Contains(body, "S/27.50") || !strings.Contains(body, "2 to 6 working days") || strings.Contains(body, "S/25.00") {
			t.Error("the shipping page does not show the new rate and estimate")
		}
		if res := staff.PostForm("/admin/shipping/999999", form("1", "1", "1", 1)); res.Status != http.StatusNotFound {
			t.Errorf("unknown zone: %d", res.Status)
		}
	})
}
