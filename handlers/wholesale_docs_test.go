package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// ruc completes ten digits with SUNAT's check digit.
func ruc(ten string) string { return ten + string(models.RUCCheckDigit(ten)) }

// testIssuer is CIAP as the wholesale documents' tests configure it.
var testIssuer = handlers.IssuerConfig{Name: "Central Interregional de Artesanos del Perú", RUC: ruc("2010203040"),
	Address: "Av. Túpac Amaru 123, Lima"}

// docsServer is a shop with the demo catalog and CIAP's details set.
func docsServer(t *testing.T, db *gorm.DB) *testServer {
	t.Helper()
	return newTestServer(t, db, withConfig(func(c *handlers.Config) {
		c.Issuer = testIssuer
		c.Payments.Bank = handlers.BankConfig{Bank: "BCP", Holder: "CIAP", Account: "191-1234567-0-12", CCI: "00219100123456701252"}
	}))
}

// approveReseller gives the user an approved application for business.
func approveReseller(t *testing.T, db *gorm.DB, u *models.User, business, rucNumber string) {
	t.Helper()
	now := time.Now()
	a := models.ResellerApplication{UserID: u.ID, BusinessName: business, RUC: rucNumber,
		Address: "Mercado Central, puesto 12, Lima", Market: "Mercado Central", Phone: "+51 987 654 321", Lang: "es",
		Status: models.ApplicationApproved, DecidedBy: "staff@example.org", DecidedAt: &now, Version: 2}
	if err := db.Create(&a).Error; err != nil {
		t.Fatalf("approved application: %v", err)
	}
}

// wholesaleLine is a demo product a reseller can order now, with the
// smallest quantity its minimum and pack step allow, in stock twice over
// (so the same lines can be ordered again).
type wholesaleLine struct {
	ID  int64
	Qty int
}

// wholesaleLines picks n such products, without volume tiers (so the
// price at any quantity is the product's wholesale price).
func wholesaleLines(t *testing.T, db *gorm.DB, n int) []wholesaleLine {
	t.Helper()
	var rows []struct {
		ID                                 int64
		WholesaleMinQty, WholesalePackStep int
		Stock                              int
	}
	if err := db.Raw(`SELECT id, wholesale_min_qty, wholesale_pack_step, stock FROM products
		WHERE published AND wholesale_breakdown_id IS NOT NULL AND wholesale_price_amount > 0
		AND id NOT IN (SELECT product_id FROM volume_tiers) ORDER BY id`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var out []wholesaleLine
	for _, r := range rows {
		step := max(r.WholesalePackStep, 1)
		q := max(r.WholesaleMinQty, 1)
		q = (q + step - 1) / step * step
		if 2*q <= r.Stock && len(out) < n {
			out = append(out, wholesaleLine{ID: r.ID, Qty: q})
		}
	}
	if len(out) < n {
		t.Fatalf("only %d demo products can be ordered at wholesale, want %d", len(out), n)
	}
	return out
}

// wholesaleOrder places a wholesale order by bank transfer for the
// reseller u, through the store's wholesale path.
func wholesaleOrder(t *testing.T, ts *testServer, u *models.User, lines ...wholesaleLine) *models.Order {
	t.Helper()
	in := models.OrderInput{Channel: models.ChannelWholesale, UserID: &u.ID,
		Customer: models.Customer{Email: u.Email, Name: u.Name, Phone: "+51 987 654 321",
			Address: models.Address{Country: "PE", Region: "lima-metropolitana", City: "Lima", Line: "Jr. Junín 123", PostalCode: "15001"}},
		Method: models.PaymentBankTransfer, ExpiresAt: time.Now().Add(7 * 24 * time.Hour)}
	for _, l := range lines {
		in.Lines = append(in.Lines, models.OrderLineInput{ProductID: l.ID, Quantity: l.Qty})
	}
	o, err := ts.Store.CreateOrder(context.Background(), in)
	if err != nil {
		t.Fatalf("wholesale order: %v", err)
	}
	if o, err = ts.Store.OrderByID(context.Background(), o.ID); err != nil {
		t.Fatal(err)
	}
	return o
}

// pdfTextOf checks a PDF download and returns its text.
func pdfTextOf(t *testing.T, res *testResponse, filename string) string {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("download %s: %d %.300s", filename, res.Status, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("%s: Content-Type %q", filename, ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="`+filename+`"` {
		t.Errorf("Content-Disposition %q, want attachment %s", cd, filename)
	}
	if !strings.HasPrefix(res.Body, "%PDF-") {
		t.Fatalf("%s is not a PDF: %.20q", filename, res.Body)
	}
	text, err := handlers.PDFText([]byte(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestWholesaleDocs_ProformaThenReceiptOncePaid(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := docsServer(t, db)
		c, u := ts.signInAs(t, models.RoleReseller)
		resellerRUC := ruc("2051234567")
		approveReseller(t, db, u, "Artesanías Ñañez E.I.R.L.", resellerRUC)
		o := wholesaleOrder(t, ts, u, wholesaleLines(t, db, 1)...)
		l := mustTranslations(t).For("es")
		base, igv := models.SplitIGV(o.Total())
		if base.Add(igv) != o.Total() || igv.Amount == 0 {
			t.Fatalf("IGV split of %v: %v + %v", o.Total(), base, igv)
		}

		text := pdfTextOf(t, c.Get("/account/wholesale/orders/"+o.Number+"/proforma.pdf"), "proforma-"+o.Number+".pdf")
		for _, want := range []string{"Factura proforma", "N.° " + o.Number, testIssuer.RUC, testIssuer.Name, testIssuer.Address,
			resellerRUC, "Artesanías Ñañez E.I.R.L.", l.Money(o.Lines[0].Unit()), l.Money(o.Lines[0].Total()),
			l.Money(o.Items()), l.Money(o.Shipping()), l.Money(base), l.Money(igv), l.Money(o.Total()),
			"IGV (18 %)", "Válida hasta: " + o.ExpiresAt.In(time.FixedZone("PET", -5*3600)).Format("2006-01-02"),
			"191-1234567-0-12", "00219100123456701252", "no es un comprobante de pago electrónico de la SUNAT"} {
			if !strings.Contains(text, want) {
				t.Errorf("the pro-forma lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "DEMO") {
			t.Error("configured issuer details are labelled DEMO")
		}
		// The document is dated by the order, not the clock: the same bytes
		// every time.
		first := c.Get("/account/wholesale/orders/" + o.Number + "/proforma.pdf").Body
		if again := c.Get("/account/wholesale/orders/" + o.Number + "/proforma.pdf").Body; again != first {
			t.Error("two downloads of the same pro-forma differ")
		}

		// No receipt before the money arrives.
		if res := c.Get("/account/wholesale/orders/" + o.Number + "/receipt.pdf"); res.Status != http.StatusNotFound {
			t.Fatalf("receipt of an unpaid order: %d", res.Status)
		}
		paidOn := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
		if _, _, err := ts.Store.RecordBankTransfer(context.Background(), models.BankTransfer{OrderID: o.ID, Amount: o.Total(),
			ReceivedAt: paidOn, Reference: "OP-778899", Actor: "staff@example.org"}); err != nil {
			t.Fatal(err)
		}
		c.Header.Set("Accept-Language", "en")
		text = pdfTextOf(t, c.Get("/account/wholesale/orders/"+o.Number+"/receipt.pdf"), "receipt-"+o.Number+".pdf")
		en := mustTranslations(t).For("en")
		for _, want := range []string{"Payment receipt", o.Number, testIssuer.RUC, resellerRUC, "Bank transfer",
			en.Money(o.Total()), en.Money(base), en.Money(igv), "OP-778899", "not a SUNAT electronic payment voucher"} {
			if !strings.Contains(text, want) {
				t.Errorf("the receipt lacks %q:\n%s", want, text)
			}
		}

		// And from the reseller's mails.
		for kind, link := range map[models.OrderMail]string{models.OrderMailReceived: "/proforma.pdf", models.OrderMailPaid: "/receipt.pdf"} {
			msg, err := ts.OrderMailForTest(context.Background(), o.ID, kind)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(msg.Body, "/account/wholesale/orders/"+o.Number+link) {
				t.Errorf("the %s mail lacks its document link:\n%s", kind, msg.Body)
			}
		}
		// Both are linked from the order's page and the reseller area.
		for _, page := range []string{"/orders/" + o.Token, "/account/wholesale"} {
			res := c.Get(page)
			checkPage(t, page, res)
			body := res.Body
			for _, link := range []string{"/account/wholesale/orders/" + o.Number + "/proforma.pdf", "/account/wholesale/orders/" + o.Number + "/receipt.pdf"} {
				if !strings.Contains(body, `href="`+link+`"`) {
					t.Errorf("%s does not link %s", page, link)
				}
			}
		}
	}, demoCatalog)
}

func TestWholesaleDocs_OnlyTheResellerAndTheBackOfficeGetThem(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := docsServer(t, db)
		owner, u := ts.signInAs(t, models.RoleReseller)
		lines := wholesaleLines(t, db, 2)
		o := wholesaleOrder(t, ts, u, lines[0])
		retail, err := ts.Store.CreateOrder(context.Background(), models.OrderInput{UserID: &u.ID, Customer: o.Customer,
			Method: models.PaymentBankTransfer, ExpiresAt: time.Now().Add(time.Hour),
			Lines: []models.OrderLineInput{{ProductID: lines[1].ID, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		path := "/account/wholesale/orders/" + o.Number + "/proforma.pdf"
		other, _ := ts.signInAs(t, models.RoleReseller)
		customer, _ := ts.signInAs(t, models.RoleCustomer)
		staff, _ := ts.signInAs(t, models.RoleStaff)
		reviewer, _ := ts.signInAs(t, models.RoleReviewer)
		cases := []struct {
			who    string
			c      *testClient
			path   string
			status int
		}{
			{"owner", owner, path, http.StatusOK},
			{"another reseller", other, path, http.StatusNotFound},
			{"customer", customer, path, http.StatusForbidden},
			{"staff", staff, path, http.StatusOK},
			{"reviewer", reviewer, path, http.StatusOK},
			{"guest", ts.client(t), path, http.StatusSeeOther},
			{"owner, retail order", owner, "/account/wholesale/orders/" + retail.Number + "/proforma.pdf", http.StatusNotFound},
			{"owner, no such order", owner, "/account/wholesale/orders/Q-2020-999999/proforma.pdf", http.StatusNotFound},
			{"owner, malformed number", owner, "/account/wholesale/orders/..%2Fx/proforma.pdf", http.StatusNotFound},
		}
		for _, tc := range cases {
			res := tc.c.Get(tc.path)
			if res.Status != tc.status {
				t.Errorf("%s: %d, want %d", tc.who, res.Status, tc.status)
			}
			if tc.status == http.StatusSeeOther && !strings.HasPrefix(res.Location(), "/signin?next=") {
				t.Errorf("%s: sent to %q, want sign-in", tc.who, res.Location())
			}
			if tc.status != http.StatusOK && strings.HasPrefix(res.Body, "%PDF") {
				t.Errorf("%s got the PDF", tc.who)
			}
		}
		// The reseller area lists the wholesale order, not the retail one.
		if area := owner.Get("/account/wholesale").Body; !strings.Contains(area, ">"+o.Number+"<") || strings.Contains(area, retail.Number) {
			t.Errorf("the reseller area should list %s and not %s", o.Number, retail.Number)
		}
		// Staff find it from the back office's order page.
		if res := staff.Get(fmt.Sprintf("/admin/orders/%d", o.ID)); !strings.Contains(res.Body, `href="`+path+`"`) {
			t.Errorf("the back office's order page does not link the pro-forma (%d)", res.Status)
		}
		// A card order's pro-forma sends the reseller to pay from their
		// area, never printing the order's private link.
		if err := db.Model(&models.Order{}).Where("id = ?", o.ID).Update("payment_method", models.PaymentCard).Error; err != nil {
			t.Fatal(err)
		}
		owner.Header.Set("Accept-Language", "en")
		card := pdfTextOf(t, owner.Get(path), "proforma-"+o.Number+".pdf")
		if !strings.Contains(card, "Pay by card") || !strings.Contains(card, "/account/wholesale") || strings.Contains(card, o.Token) ||
			strings.Contains(card, "191-1234567-0-12") {
			t.Errorf("card pro-forma:\n%s", card)
		}
		owner.Header.Set("Accept-Language", "es")
		// Without an approved application the order's own details are used.
		text := pdfTextOf(t, owner.Get(path), "proforma-"+o.Number+".pdf")
		if !strings.Contains(text, u.Name) {
			t.Errorf("the pro-forma lacks the buyer's name %q:\n%s", u.Name, text)
		}
	}, demoCatalog)
}

// mustTranslations loads the shop's messages.
func mustTranslations(t *testing.T) *handlers.Translations {
	t.Helper()
	tr := handlers.SharedTranslations(t)
	return tr
}
