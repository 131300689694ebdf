package handlers

// A wholesale order's documents: the pro-forma invoice the reseller pays
// against (by bank transfer, with the order number as the reference) and,
// once paid, the receipt. They are commercial documents, not SUNAT
// electronic invoices (comprobantes electrónicos): each says so.
//
// Both are fetched from the reseller area by order number
// (/account/wholesale/orders/:number/…): the reseller who placed the order,
// and the back office (staff, admins, reviewers reading). Any other
// reseller, or an order that is not wholesale, gets a 404, so a number
// says nothing about whether the order exists.

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// IssuerConfig is CIAP as the issuer of the wholesale documents.
type IssuerConfig struct {
	Name    string // legal name
	RUC     string // 11 digits, SUNAT's check digit verified at start-up
	Address string // fiscal address
	// Placeholder marks the demo's defaults: the documents say "DEMO".
	Placeholder bool
}

// wholesaleOrderPath is an order's page in the reseller area.
func wholesaleOrderPath(number string) string { return "/account/wholesale/orders/" + number }

// proformaPath and receiptPath are the order's documents.
func proformaPath(number string) string { return wholesaleOrderPath(number) + "/proforma.pdf" }
func receiptPath(number string) string  { return wholesaleOrderPath(number) + "/receipt.pdf" }

// orderDocuments links a wholesale order's documents.
type orderDocuments struct {
	Proforma string
	Receipt  string // empty until paid
}

// documentsOf links the order's documents; nil unless it is wholesale.
func documentsOf(o *models.Order) *orderDocuments {
	if o.Channel != models.ChannelWholesale {
		return nil
	}
	d := &orderDocuments{Proforma: proformaPath(o.Number)}
	if o.PaidAt != nil {
		d.Receipt = receiptPath(o.Number)
	}
	return d
}

// wholesaleOrderOf loads the wholesale order the path names, if the
// signed-in user may see it: its reseller, or the back office.
func (s *Server) wholesaleOrderOf(c echo.Context) (*models.Order, error) {
	number := c.Param("number")
	if !models.ValidOrderNumber(number) {
		return nil, errNotFound
	}
	o, err := s.store.OrderByNumber(c.Request().Context(), number)
	if errors.Is(err, models.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("wholesale order %s: %w", number, err)
	}
	u := s.currentUser(c)
	switch {
	case o.Channel != models.ChannelWholesale:
		return nil, errNotFound
	case u.Role == models.RoleReseller && (o.UserID == nil || *o.UserID != u.ID):
		return nil, errNotFound
	case !slices.Contains(wholesaleDocReaders, u.Role):
		return nil, errNotFound // the access table keeps others out already
	}
	return o, nil
}

// orderBuyer is who a wholesale document is made out to: the business of
// the reseller's approved application, or, without one, the order's own
// customer details.
type orderBuyer struct {
	Name, RUC, Address string
}

func (s *Server) buyerOf(c echo.Context, o *models.Order) (orderBuyer, error) {
	a := o.Customer.Address
	b := orderBuyer{Name: o.Customer.Name, Address: a.Line + ", " + a.City}
	if o.UserID == nil {
		return b, nil
	}
	app, err := s.store.ApprovedApplication(c.Request().Context(), *o.UserID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return b, nil
	case err != nil:
		return b, fmt.Errorf("buyer of order %s: %w", o.Number, err)
	}
	return orderBuyer{Name: app.BusinessName, RUC: app.RUC, Address: app.Address}, nil
}

// docDate writes a date as Peru's calendar day.
func docDate(t time.Time) string { return t.In(shopZone).Format("2006-01-02") }

// newOrderDoc starts one of an order's documents: the title block, the
// demo warning, the issuer and the buyer.
func (s *Server) newOrderDoc(l *Localizer, o *models.Order, buyer orderBuyer, title string, created time.Time, lines ...string) *pdfDoc {
	is := s.cfg.Issuer
	d := newPDFDoc(l, pdfMeta{Title: title + " " + o.Number, Subject: o.Number, Created: created,
		Footer: is.Name + " · RUC " + is.RUC + " · " + o.Number})
	d.Title(title, append([]string{l.T("doc.number", "Number", o.Number)}, lines...)...)
	if is.Placeholder {
		d.Note(l.T("doc.demo_issuer"))
	}
	d.Heading(l.T("doc.issuer"))
	d.Fields([]pdfField{{Key: l.T("doc.business_name"), Value: is.Name}, {Key: "RUC", Value: is.RUC},
		{Key: l.T("doc.address"), Value: is.Address}})
	d.Heading(l.T("doc.buyer"))
	ruc := buyer.RUC
	if ruc == "" {
		ruc = "—"
	}
	d.Fields([]pdfField{{Key: l.T("doc.business_name"), Value: buyer.Name}, {Key: "RUC", Value: ruc},
		{Key: l.T("doc.address"), Value: buyer.Address}, {Key: l.T("doc.email"), Value: o.Customer.Email},
		{Key: l.T("doc.phone"), Value: o.Customer.Phone}})
	return d
}

// orderLinesTable is the order's lines at the prices they were sold at,
// with IGV included, then the totals with the IGV taken out of the total.
func orderLinesTable(d *pdfDoc, l *Localizer, o *models.Order) {
	t := pdfTable{Columns: []pdfColumn{{Header: "#", Width: 0.6, Align: pdfRight}, {Header: l.T("doc.product"), Width: 6},
		{Header: l.T("doc.quantity"), Width: 1.3, Align: pdfRight}, {Header: l.T("doc.unit_price"), Width: 2.2, Align: pdfRight},
		{Header: l.T("doc.line_total"), Width: 2.2, Align: pdfRight}}}
	for i := range o.Lines {
		line := &o.Lines[i]
		t.Rows = append(t.Rows, []string{fmt.Sprint(line.LineNo), line.Name(l.Lang()) + " (" + line.ProductSlug + ")",
			fmt.Sprint(line.Quantity), l.Money(line.Unit()), l.Money(line.Total())})
	}
	d.Table(t)
	base, igv := models.SplitIGV(o.Total())
	d.Totals([]pdfField{{Key: l.T("doc.items"), Value: l.Money(o.Items())}, {Key: l.T("doc.shipping"), Value: l.Money(o.Shipping())},
		{Key: l.T("doc.taxable_base"), Value: l.Money(base)}, {Key: l.T("doc.igv", "Percent", models.IGVPercent), Value: l.Money(igv)},
		{Key: l.T("doc.total"), Value: l.Money(o.Total()), Bold: true}})
	d.Note(l.T("doc.igv_note", "Percent", models.IGVPercent))
}

// wholesaleProforma answers the order's pro-forma invoice (GET
// /account/wholesale/orders/:number/proforma.pdf).
func (s *Server) wholesaleProforma(c echo.Context) error {
	o, err := s.wholesaleOrderOf(c)
	if err != nil {
		return err
	}
	buyer, err := s.buyerOf(c, o)
	if err != nil {
		return err
	}
	l := s.tr.For(s.tr.Pick(c))
	d := s.newOrderDoc(l, o, buyer, l.T("doc.proforma"), o.CreatedAt,
		l.T("doc.date", "Date", docDate(o.CreatedAt)), l.T("doc.valid_until", "Date", docDate(o.ExpiresAt)))
	d.Heading(l.T("doc.lines"))
	orderLinesTable(d, l, o)
	d.Heading(l.T("doc.how_to_pay"))
	if o.Method == models.PaymentCard {
		// The order page's link is the order's secret (order_page.go): the
		// document, which the back office reads too, points to the area.
		d.Text(l.T("doc.pay_by_card", "Link", s.absURL("/account/wholesale")))
	} else {
		bank := s.cfg.Payments.Bank
		d.Fields([]pdfField{{Key: l.T("order.bank.bank"), Value: bank.Bank}, {Key: l.T("order.bank.holder"), Value: bank.Holder},
			{Key: l.T("order.bank.account"), Value: bank.Account}, {Key: l.T("order.bank.cci"), Value: bank.CCI},
			{Key: l.T("order.bank.reference"), Value: o.Number, Bold: true},
			{Key: l.T("order.bank.amount"), Value: l.Money(o.Total()), Bold: true}})
		if bank.Placeholder {
			d.Note(l.T("order.bank.placeholder"))
		}
	}
	d.Text(l.T("doc.proforma_validity", "Date", docDate(o.ExpiresAt)))
	d.Note(l.T("doc.not_sunat"))
	privatePage(c)
	return s.sendPDF(c, "proforma-"+o.Number+".pdf", d)
}

// wholesaleReceipt answers the receipt of a paid order (GET
// /account/wholesale/orders/:number/receipt.pdf); 404 until it is paid.
func (s *Server) wholesaleReceipt(c echo.Context) error {
	o, err := s.wholesaleOrderOf(c)
	if err != nil {
		return err
	}
	pay := paymentOf(o)
	if o.PaidAt == nil || pay == nil {
		return errNotFound
	}
	buyer, err := s.buyerOf(c, o)
	if err != nil {
		return err
	}
	l := s.tr.For(s.tr.Pick(c))
	d := s.newOrderDoc(l, o, buyer, l.T("doc.receipt"), *o.PaidAt, l.T("doc.paid_on", "Date", docDate(*o.PaidAt)))
	d.Heading(l.T("doc.payment"))
	fields := []pdfField{{Key: l.T("doc.paid_date"), Value: shopDateTime(*o.PaidAt)},
		{Key: l.T("doc.method"), Value: l.T("admin.orders.method." + string(pay.Method))},
		{Key: l.T("doc.amount_paid"), Value: l.Money(pay.Money()), Bold: true}}
	if pay.Method == models.PaymentBankTransfer && pay.Reference != "" {
		fields = append(fields, pdfField{Key: l.T("order.bank.reference"), Value: pay.Reference})
	}
	d.Fields(fields)
	d.Heading(l.T("doc.lines"))
	orderLinesTable(d, l, o)
	d.Note(l.T("doc.not_sunat"))
	privatePage(c)
	return s.sendPDF(c, l.T("doc.receipt_file")+"-"+o.Number+".pdf", d)
}

// paymentOf is the payment that paid the order (nil before it is paid).
func paymentOf(o *models.Order) *models.Payment {
	for i := range o.Payments {
		p := &o.Payments[i]
		if p.Kind == models.KindPayment && p.Outcome == models.PaymentApplied {
			return p
		}
	}
	return nil
}
