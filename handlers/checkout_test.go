package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// testBank is the account bank transfers go to in these tests.
var testBank = handlers.BankConfig{Bank: "Banco de Prueba", Holder: "CIAP Test", Account: "191-0000000-0-01",
	CCI: "00219100000000000101"}

func withTestBank() testOption {
	return withConfig(func(c *handlers.Config) { c.Payments.Bank = testBank })
}

// checkoutValues is a valid guest checkout to Lima paying by method.
func checkoutValues(method string) url.Values {
	return url.Values{"email": {"ana@example.org"}, "name": {"Ana Quispe"}, "phone": {"+51 987 654 321"},
		"country": {"PE"}, "region": {"lima-metropolitana"}, "city": {"Miraflores"},
		"address": {"Av. Larco 123, dpto. 4"}, "payment_method": {method}}
}

// buyerWith is a new English-reading browser with qty pieces of the
// product (by ID) in its cart.
func buyerWith(t *testing.T, ts *testServer, id string, qty int) *testClient {
	t.Helper()
	c := englishClient(t, ts)
	addToCart(t, c, id, qty)
	return c
}

func addToCart(t *testing.T, c *testClient, id string, qty int) {
	t.Helper()
	res := c.PostForm("/cart/add", url.Values{"product_id": {id}, "quantity": {strconv.Itoa(qty)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("add %s × %d to cart: %d %.300s", id, qty, res.Status, res.Body)
	}
}

// placedOrder is the order a checkout's redirect names.
func placedOrder(t *testing.T, ts *testServer, res *testResponse) *models.Order {
	t.Helper()
	tok, ok := strings.CutPrefix(res.Location(), "/orders/")
	if res.Status != http.StatusSeeOther || !ok {
		t.Fatalf("checkout: status %d, location %q, want 303 to /orders/…: %.500s", res.Status, res.Location(), res.Body)
	}
	o, err := ts.Store.OrderByToken(context.Background(), tok)
	if err != nil {
		t.Fatalf("order of %s: %v", res.Location(), err)
	}
	return o
}

func stockOf(t *testing.T, db *gorm.DB, id int64) int {
	t.Helper()
	var p models.Product
	if err := db.First(&p, id).Error; err != nil {
		t.Fatal(err)
	}
	return p.Stock
}

func countOrders(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&models.Order{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCheckout_BankTransferPlacesTheOrderAndMailsTheBankDetails(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, p, c, id := cartShop(t, db, 5, withTestBank())
		addToCart(t, c, id, 2)
		page := c.Get("/checkout")
		for _, want := range []string{`action="/checkout"`, `name="_csrf"`, `value="bank_transfer"`, `href="/shipping"`,
			`href="/returns"`, `href="/contact"`, "Prices include IGV", "Lima-Metropolitana", "goes to the artisans"} {
			if want == "Lima-Metropolitana" {
				want = `value="lima-metropolitana"`
			}
			if !strings.Contains(page.Body, want) {
				t.Errorf("checkout page lacks %q", want)
			}
		}
		if strings.Contains(page.Body, `value="card"`) {
			t.Error("card offered without a Stripe key")
		}
		o := placedOrder(t, ts, c.PostForm("/checkout", checkoutValues("bank_transfer")))
		if o.Status != models.StatusPendingPayment || o.Method != models.PaymentBankTransfer || o.Lang != "en" {
			t.Errorf("order %s: status %s, method %s, lang %s", o.Number, o.Status, o.Method, o.Lang)
		}
		if o.UserID != nil {
			t.Errorf("a guest's order has user %d", *o.UserID)
		}
		if want := p.PriceAmount*2 + 1200; o.TotalAmount != want || o.ShippingZoneCode != models.ZoneLima {
			t.Errorf("total %d in zone %s, want %d in lima", o.TotalAmount, o.ShippingZoneCode, want)
		}
		if got := stockOf(t, db, p.ID); got != 3 {
			t.Errorf("stock %d after ordering 2 of 5", got)
		}
		if res := c.Get("/cart"); headerCount(res.Body) != "" {
			t.Errorf("cart still counts %q pieces after the order", headerCount(res.Body))
		}

		res := c.Get("/orders/" + o.Token)
		if res.Status != http.StatusOK {
			t.Fatalf("order page: %d", res.Status)
		}
		for _, want := range []string{o.Number, testBank.Account, testBank.CCI, testBank.Holder, "Waiting for payment",
			`<meta http-equiv="refresh" content="15">`, `<meta name="robots" content="noindex">`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("order page lacks %q", want)
			}
		}
		if h := res.Header; h.Get("Cache-Control") != "no-store" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("order page headers: Cache-Control %q, Referrer-Policy %q", h.Get("Cache-Control"), h.Get("Referrer-Policy"))
		}

		ts.RunJobs(t)
		mails := ts.Mail.To("ana@example.org")
		if len(mails) != 1 {
			t.Fatalf("%d mails to the buyer, want the one \"received\"", len(mails))
		}
		m := mails[0]
		for _, want := range []string{o.Number, testBank.Account, testBank.CCI, "Reference: " + o.Number,
			testBaseURL() + "/orders/" + o.Token} {
			if !strings.Contains(m.Subject+"\n"+m.Body, want) {
				t.Errorf("received mail lacks %q:\n%s", want, m.Body)
			}
		}
	}, demoCatalog)
}

// testBaseURL is the shop's public URL in tests (testserver_test.go).
func testBaseURL() string { return "https://qhatu.test" }

func TestCheckout_RefusedFormsSayWhatToFixAndWriteNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, p, c, id := cartShop(t, db, 5)
		addToCart(t, c, id, 1)
		cases := []struct {
			name   string
			change func(url.Values)
			want   string
		}{
			{"no email", func(v url.Values) { v.Set("email", "") }, "Type an email address"},
			{"bad phone", func(v url.Values) { v.Set("phone", "call me") }, "Type a phone number"},
			{"no region in Peru", func(v url.Values) { v.Del("region") }, "Fill in this field"},
			{"unknown region", func(v url.Values) { v.Set("region", "atlantis") }, "Choose one of the regions"},
			{"abroad without a region", func(v url.Values) { v.Set("country", "DE") }, `id="checkout-region_abroad-error"`},
			{"bad country", func(v url.Values) { v.Set("country", "Peru") }, "Choose a country"},
			{"no address", func(v url.Values) { v.Set("address", " ") }, "Fill in this field"},
			{"card without Stripe", func(v url.Values) { v.Set("payment_method", "card") }, `id="checkout-method-error"`},
			{"unknown method", func(v url.Values) { v.Set("payment_method", "cash") }, `id="checkout-method-error"`},
		}
		for _, tc := range cases {
			v := checkoutValues("bank_transfer")
			tc.change(v)
			res := c.PostForm("/checkout", v)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.want) {
				t.Errorf("%s: status %d, want 422 with %q", tc.name, res.Status, tc.want)
			}
		}
		if n := countOrders(t, db); n != 0 || stockOf(t, db, p.ID) != 5 {
			t.Errorf("refused forms wrote %d orders, stock %d", n, stockOf(t, db, p.ID))
		}
		// Abroad with a state: accepted, international zone.
		v := checkoutValues("bank_transfer")
		v.Set("country", "DE")
		v.Set("region_abroad", "Berlin")
		v.Set("city", "Berlin")
		o := placedOrder(t, ts, c.PostForm("/checkout", v))
		if o.ShippingZoneCode != models.ZoneInternational || o.Customer.Address.Region != "Berlin" {
			t.Errorf("abroad order: zone %s, region %q", o.ShippingZoneCode, o.Customer.Address.Region)
		}
	}, demoCatalog)
}

func TestCheckout_PriceFieldsFromTheBrowserChangeNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, p, c, id := cartShop(t, db, 5)
		addToCart(t, c, id, 1)
		v := checkoutValues("bank_transfer")
		for k, val := range map[string]string{"price": "1", "total": "1", "total_amount": "1", "discount": "99",
			"wholesale": "true", "channel": "wholesale", "shipping": "0", "unit_price": "1", "currency": "USD",
			"user_id": "1", "status": "paid", "expires_at": "2100-01-01T00:00:00Z"} {
			v.Set(k, val)
		}
		o := placedOrder(t, ts, c.PostForm("/checkout", v))
		if o.TotalAmount != p.PriceAmount+1200 || o.Channel != models.ChannelRetail || o.Currency != models.PEN ||
			o.Status != models.StatusPendingPayment || o.UserID != nil || len(o.Lines) != 1 || o.Lines[0].UnitPrice != p.PriceAmount {
			t.Errorf("tampered order: total %d (want %d), channel %s, currency %s, status %s, user %v",
				o.TotalAmount, p.PriceAmount+1200, o.Channel, o.Currency, o.Status, o.UserID)
		}
	}, demoCatalog)
}

func TestCheckout_NoOverselling(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, p, _, id := cartShop(t, db, 5)
		const buyers = 50
		clients := make([]*testClient, buyers)
		for i := range clients {
			clients[i] = buyerWith(t, ts, id, 1)
			clients[i].CSRFToken()
		}
		statuses := make([]int, buyers)
		bodies := make([]string, buyers)
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := c.PostForm("/checkout", checkoutValues("bank_transfer"))
				statuses[i], bodies[i] = res.Status, res.Body
			}()
		}
		wg.Wait()
		placed, soldOut := 0, 0
		for i, st := range statuses {
			switch {
			case st == http.StatusSeeOther:
				placed++
			case st == http.StatusConflict && strings.Contains(bodies[i], "sold out"):
				soldOut++
			default:
				t.Errorf("buyer %d: status %d: %.300s", i, st, bodies[i])
			}
		}
		if placed != 5 || soldOut != buyers-5 {
			t.Errorf("%d orders and %d sold-out answers, want 5 and %d", placed, soldOut, buyers-5)
		}
		if n := countOrders(t, db); n != 5 {
			t.Errorf("%d orders stored", n)
		}
		if s := stockOf(t, db, p.ID); s != 0 {
			t.Errorf("stock ends at %d", s)
		}
	}, demoCatalog)
}

func TestCheckout_MultiLineCartReservesAllOrNone(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, p, c, id := cartShop(t, db, 5)
		var q models.Product
		if err := db.Where("published = ? AND retail_breakdown_id IS NOT NULL AND id <> ?", true, p.ID).
			Order("id").First(&q).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Model(&q).Update("stock", 3).Error; err != nil {
			t.Fatal(err)
		}
		qid := strconv.FormatInt(q.ID, 10)
		addToCart(t, c, id, 2)
		addToCart(t, c, qid, 3)
		// Someone else buys two of the second piece first.
		other := buyerWith(t, ts, qid, 2)
		placedOrder(t, ts, other.PostForm("/checkout", checkoutValues("bank_transfer")))

		res := c.PostForm("/checkout", checkoutValues("bank_transfer"))
		want := fmt.Sprintf("%s: you asked for 3, only 1 left.", q.NameEN)
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, want) {
			t.Fatalf("short line: status %d, want 409 naming %q: %.500s", res.Status, want, res.Body)
		}
		if s := stockOf(t, db, p.ID); s != 5 {
			t.Errorf("the line with stock was reserved anyway: stock %d", s)
		}
		if s := stockOf(t, db, q.ID); s != 1 {
			t.Errorf("short product's stock %d", s)
		}
		if n := countOrders(t, db); n != 1 {
			t.Errorf("%d orders", n)
		}
		if n := headerCount(c.Get("/cart").Body); n != "5" {
			t.Errorf("the refused order changed the cart (%q pieces left)", n)
		}
	}, demoCatalog)
}

func TestOrders_AnotherBuyersOrderIsNotFound(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, _, c, id := cartShop(t, db, 5)
		addToCart(t, c, id, 1)
		o := placedOrder(t, ts, c.PostForm("/checkout", checkoutValues("bank_transfer")))
		stranger := englishClient(t, ts)
		guessed := []string{
			strings.Repeat("A", models.OrderTokenLen),
			flipLast(o.Token),
			o.Token[:20], "x", o.Number, "%00", strings.Repeat("9", 500), "1' OR '1'='1",
		}
		for _, tok := range guessed {
			path := url.PathEscape(tok)
			if res := stranger.Get("/orders/" + path); res.Status != http.StatusNotFound {
				t.Errorf("GET /orders/%s: %d", tok, res.Status)
			}
			res := stranger.Get("/api/v1/orders/" + path)
			var body struct{ Code string }
			if res.Status != http.StatusNotFound || json.Unmarshal([]byte(res.Body), &body) != nil || body.Code != "not_found" {
				t.Errorf("GET /api/v1/orders/%s: %d %.200s", tok, res.Status, res.Body)
			}
			if res := stranger.PostForm("/orders/"+path+"/pay", nil); res.Status != http.StatusNotFound {
				t.Errorf("POST /orders/%s/pay: %d", tok, res.Status)
			}
		}
		res := stranger.Get("/api/v1/orders/" + o.Token)
		var got struct {
			Number string
			Status string
			Total  struct {
				Amount   int64
				Currency string
			}
			Lines []struct {
				Product     string
				Quantity    int
				BreakdownID int64 `json:"breakdown_id"`
			}
			History []struct{ To string }
		}
		if res.Status != http.StatusOK || json.Unmarshal([]byte(res.Body), &got) != nil {
			t.Fatalf("order JSON: %d %.300s", res.Status, res.Body)
		}
		if got.Number != o.Number || got.Status != "pending_payment" || got.Total.Amount != o.TotalAmount ||
			len(got.Lines) != 1 || got.Lines[0].Product != o.Lines[0].ProductSlug || got.Lines[0].BreakdownID != o.Lines[0].BreakdownID ||
			len(got.History) != 1 || got.History[0].To != "pending_payment" {
			t.Errorf("order JSON: %+v", got)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("order JSON Cache-Control %q", res.Header.Get("Cache-Control"))
		}
	}, demoCatalog)
}

func TestAccountOrders_ListsOnlyTheAccountsOwnOrders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, _, _, id := cartShop(t, db, 10)
		ana, anaUser := ts.signInAs(t, models.RoleCustomer)
		ana.Header.Set("Accept-Language", "en")
		bob, _ := ts.signInAs(t, models.RoleCustomer)
		addToCart(t, ana, id, 1)
		page := ana.Get("/checkout")
		if !strings.Contains(page.Body, `value="`+anaUser.Email+`"`) {
			t.Errorf("checkout not prefilled with the account's email")
		}
		v := checkoutValues("bank_transfer")
		v.Set("email", anaUser.Email)
		anaOrder := placedOrder(t, ts, ana.PostForm("/checkout", v))
		if anaOrder.UserID == nil || *anaOrder.UserID != anaUser.ID {
			t.Errorf("signed-in order's user: %v", anaOrder.UserID)
		}
		addToCart(t, bob, id, 1)
		bobOrder := placedOrder(t, ts, bob.PostForm("/checkout", checkoutValues("bank_transfer")))

		res := ana.Get("/account/orders")
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `href="/orders/`+anaOrder.Token+`"`) {
			t.Errorf("my orders: %d, own order listed: %v", res.Status, strings.Contains(res.Body, anaOrder.Number))
		}
		if strings.Contains(res.Body, bobOrder.Number) || strings.Contains(res.Body, bobOrder.Token) {
			t.Error("another account's order is listed")
		}
		if !strings.Contains(res.Body, `href="/account/orders"`) {
			t.Error("account nav does not link my orders")
		}
		if res := englishClient(t, ts).Get("/account/orders"); res.Status != http.StatusSeeOther {
			t.Errorf("anonymous my orders: %d", res.Status)
		}
	}, demoCatalog)
}

// flipLast changes a token's last character: a near miss.
func flipLast(tok string) string {
	last := byte('A')
	if tok[len(tok)-1] == 'A' {
		last = 'B'
	}
	return tok[:len(tok)-1] + string(last)
}

func TestOrderMails_OneOfEachInTheBuyersLanguageLinkKeptFromTheOutbox(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, _, _, id := cartShop(t, db, 5, withTestBank())
		c := ts.client(t)
		c.Header.Set("Accept-Language", "es")
		addToCart(t, c, id, 1)
		paid := placedOrder(t, ts, c.PostForm("/checkout", checkoutValues("bank_transfer")))
		addToCart(t, c, id, 1)
		cancelled := placedOrder(t, ts, c.PostForm("/checkout", checkoutValues("bank_transfer")))
		ctx := context.Background()
		if _, _, err := ts.Store.PayOrder(ctx, models.PaymentInput{OrderID: paid.ID, Method: models.PaymentBankTransfer,
			Amount: paid.Total(), Reference: "BCP-123", Actor: "staff@example.org"}); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.Store.CancelOrder(ctx, cancelled.ID, "staff@example.org", "buyer asked"); err != nil {
			t.Fatal(err)
		}
		ts.RunJobs(t)
		subjects := map[string]int{}
		for _, m := range ts.Mail.To("ana@example.org") {
			subjects[m.Subject]++
			if !strings.Contains(m.Body, testBaseURL()+"/orders/") {
				t.Errorf("mail %q has no private link", m.Subject)
			}
		}
		want := map[string]int{
			"Recibimos tu pedido " + paid.Number: 1, "Recibimos el pago del pedido " + paid.Number: 1,
			"Recibimos tu pedido " + cancelled.Number: 1, "El pedido " + cancelled.Number + " fue cancelado": 1,
		}
		if fmt.Sprint(subjects) != fmt.Sprint(want) {
			t.Errorf("mails %v, want %v", subjects, want)
		}
		box, err := ts.Store.ListOutbox(ctx, "ana@example.org", 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(box.Items) != 4 {
			t.Errorf("%d mails in the outbox", len(box.Items))
		}
		for _, m := range box.Items {
			if strings.Contains(m.Body, paid.Token) || strings.Contains(m.Body, cancelled.Token) {
				t.Errorf("outbox copy of %q shows the private link", m.Subject)
			}
		}
	}, demoCatalog)
}
