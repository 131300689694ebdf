package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Orders in the back office: staff and reviewers list and open them;
// staff cancel unpaid ones, record bank transfers and clear the flags the
// shop raises (admin_orders_actions.go). Orders are named by their
// numeric ID here: these pages are behind the back office's sign-in.

// shopZone is Peru's time (no daylight saving), in which staff read and
// filter order dates, as models dates order numbers.
var shopZone = time.FixedZone("PET", -5*60*60)

// shopDateTime writes an instant as Peru's wall clock.
func shopDateTime(t time.Time) string { return t.In(shopZone).Format("2006-01-02 15:04") }

// adminOrdersPerPage is the order list's page size.
const adminOrdersPerPage = 50

// registerAdminOrders adds the order and shipping pages of the back office.
func (s *Server) registerAdminOrders(g guarded) {
	g.GET(adminOrdersArea.Base, s.ordersPage(adminOrdersArea))
	g.GET("/admin/orders/:id", s.adminOrder)
	g.POST("/admin/orders/:id/cancel", s.adminOrderCancel)
	g.POST("/admin/orders/:id/transfer", s.adminOrderTransfer)
	g.POST("/admin/orders/:id/resolve", s.adminOrderResolve)
	g.GET("/admin/shipping", s.adminShipping)
	g.POST("/admin/shipping/:id", s.adminShippingSave)
}

// orderFilterForm is the list's filter as typed, shown back in the form.
type orderFilterForm struct {
	Q, Status, From, To string
	Attention           bool
}

// parseOrderFilter reads the list's query; a value that is not what it
// says is a 400 naming the parameter.
func parseOrderFilter(c echo.Context) (models.OrderFilter, orderFilterForm, error) {
	q := c.QueryParams()
	ff := orderFilterForm{Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"),
		From: q.Get("from"), To: q.Get("to"), Attention: checked(q.Get("attention"))}
	f := models.OrderFilter{Query: ff.Q, NeedsAttention: ff.Attention, PerPage: adminOrdersPerPage}
	var err error
	if f.Page, err = intParam(c, "page", 1, 1, maxPage); err != nil {
		return f, ff, err
	}
	if len([]rune(ff.Q)) > models.MaxQueryLen {
		return f, ff, badInput("error.query_too_long", "Max", models.MaxQueryLen)
	}
	if ff.Status != "" {
		if !models.OrderStatus(ff.Status).Valid() {
			return f, ff, badInput("error.param_unknown", "Param", "status", "Value", ff.Status)
		}
		f.Status = models.OrderStatus(ff.Status)
	}
	for _, d := range []struct {
		name, val string
		dst       *time.Time
		add       int
	}{{"from", ff.From, &f.From, 0}, {"to", ff.To, &f.To, 1}} {
		if d.val == "" {
			continue
		}
		t, perr := time.ParseInLocation(time.DateOnly, d.val, shopZone)
		if perr != nil {
			return f, ff, badInput("admin.error.date", "Param", d.name)
		}
		*d.dst = t.AddDate(0, 0, d.add) // "to" includes its whole day
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, ff, badInput("admin.orders.error.range")
	}
	return f, ff, nil
}

// The order list, in the back office and in the reviewers' portal (where
// each order links to its trail); one handler.
var (
	adminOrdersArea  = backArea{Base: "/admin/orders", Nav: "orders"}
	reviewOrdersArea = backArea{Base: "/review/orders", Nav: "review_orders", Review: true}
)

// orderRow is one order in the list.
type orderRow struct {
	ID                    int64
	URL                   string // its page in the list's area
	Number, Placed, ISO   string
	Name, Email           string
	Status, StatusLabel   string
	Method                string
	Total, PaidToArtisans models.Money
	Attention             bool
}

type adminOrdersView struct {
	adminView
	Area     backArea
	Filter   orderFilterForm
	Statuses []formOption
	Total    int64
	Rows     []orderRow
	Pager    pager
}

// ordersPage lists orders, newest first, filtered by status, date and
// attention, searched by number or email.
func (s *Server) ordersPage(area backArea) echo.HandlerFunc {
	return func(c echo.Context) error {
		l := s.tr.For(s.tr.Pick(c))
		f, ff, err := parseOrderFilter(c)
		if err != nil {
			return err
		}
		page, err := s.store.ListOrders(c.Request().Context(), f)
		if err != nil {
			return err
		}
		v := adminOrdersView{adminView: s.newAdminView(c, l, area.Nav), Area: area, Filter: ff, Total: page.Total,
			Pager: newPager(area.Base, c.QueryParams(), page.Page, page.Pages())}
		v.Statuses = []formOption{{Value: "", Label: l.T("admin.audit.any")}}
		for _, st := range models.OrderStatuses {
			v.Statuses = append(v.Statuses, formOption{Value: string(st), Label: orderStatusLabel(l, st), Selected: string(st) == ff.Status})
		}
		for i := range page.Items {
			o := &page.Items[i]
			url := idPath("/admin/orders", o.ID)
			if area.Review {
				url = reviewOrderURL(o.Number)
			}
			v.Rows = append(v.Rows, orderRow{ID: o.ID, URL: url, Number: o.Number, Placed: shopDateTime(o.CreatedAt),
				ISO: o.CreatedAt.UTC().Format(time.RFC3339), Name: o.Customer.Name, Email: o.Customer.Email,
				Status: string(o.Status), StatusLabel: orderStatusLabel(l, o.Status),
				Method: l.T("admin.orders.method." + string(o.Method)), Total: o.Total(), Attention: o.NeedsAttention})
		}
		title := l.T("admin.orders.title")
		if area.Review {
			title = l.T("review.orders.title")
		}
		return s.renderArea(c, area, http.StatusOK, "admin_orders", title, l, v)
	}
}

func orderStatusLabel(l *Localizer, st models.OrderStatus) string {
	return l.T("admin.orders.status." + string(st))
}

// orderLineView is one line with the breakdown it was sold under.
type orderLineView struct {
	L         *models.OrderLine
	Name      string
	Breakdown *models.Breakdown
	// Per piece, from the snapshot.
	PaidToArtisans, Surplus models.Money
}

// paymentView is one payment as the order page lists it.
type paymentView struct {
	P                   *models.Payment
	Received, Recorded  string
	Kind, Method, Label string
	Refused             bool
	Explanation         string
}

// historyView is one status change.
type historyView struct {
	When, ISO, From, To, Actor, Note string
}

type adminOrderView struct {
	adminView
	O          *models.Order
	Placed     string
	Paid       string
	Cancelled  string
	Expires    string
	Status     string
	Method     string
	Country    string
	Region     string
	Zone       string
	Delivery   string
	Lines      []orderLineView
	Payments   []paymentView
	History    []historyView
	Pending    bool // unpaid: it can still be cancelled
	Cancel     []fieldset
	Transfer   []fieldset
	Resolve    []fieldset
	Breadcrumb []adminLink
	// Documents are a wholesale order's pro-forma and receipt.
	Documents *orderDocuments
	Fulfil    *orderFulfilView // admin_fulfillment.go
	// Production is a wholesale order's made-to-order batches: the order
	// ships once each one is ready.
	Production []models.ProductionOrder
}

// Forms of the order page; field names are unique across the three.
var (
	cancelSpecs = []fieldsetSpec{{Legend: "admin.order.cancel.legend", Fields: []fieldSpec{
		{Name: "cancel_note", Label: "admin.field.note", Hint: "admin.order.cancel.note_hint", Type: "textarea", Rows: 2, MaxLength: maxNote},
	}}}
	transferSpecs = []fieldsetSpec{{Legend: "admin.order.transfer.legend", Fields: []fieldSpec{
		{Name: "amount", Label: "admin.order.transfer.amount", Hint: "admin.order.transfer.amount_hint", Type: "text", Required: true, MaxLength: 30},
		{Name: "received_on", Label: "admin.order.transfer.date", Hint: "admin.order.transfer.date_hint", Type: "date", Required: true},
		{Name: "reference", Label: "admin.order.transfer.reference", Hint: "admin.order.transfer.reference_hint", Type: "text", Required: true, MaxLength: 255},
		{Name: "transfer_note", Label: "admin.field.note", Type: "textarea", Rows: 2, MaxLength: maxNote},
	}}}
	resolveSpecs = []fieldsetSpec{{Legend: "admin.order.resolve.legend", Fields: []fieldSpec{
		{Name: "resolve_note", Label: "admin.order.resolve.note", Hint: "admin.order.resolve.note_hint", Type: "textarea", Rows: 3, Required: true, MaxLength: maxNote},
	}}}
)

// orderForms are the values and messages of the order page's forms: the
// one that was sent keeps what was typed.
type orderForms struct {
	cancel, transfer, resolve          url.Values
	cancelErr, transferErr, resolveErr map[string]string
	fulfil                             fulfilForms // the fulfillment section's forms (admin_fulfillment.go)
}

// adminOrder shows one order: lines with their snapshots, totals, buyer,
// shipping, payments, history, its flag, and (to staff) what can be done.
func (s *Server) adminOrder(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	o, err := loadRecord(c, s.store.OrderByID)
	if err != nil {
		return err
	}
	v, err := s.orderView(c, l, o, orderForms{})
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "admin_order", l.T("admin.order.title", "Number", o.Number), l, v)
}

// orderView builds the order page.
func (s *Server) orderView(c echo.Context, l *Localizer, o *models.Order, forms orderForms) (adminOrderView, error) {
	v := adminOrderView{adminView: s.newAdminView(c, l, "orders"), O: o,
		Placed: shopDateTime(o.CreatedAt), Status: orderStatusLabel(l, o.Status),
		Method: l.T("admin.orders.method." + string(o.Method)), Country: o.Customer.Address.Country,
		Region: o.Customer.Address.Region, Pending: o.Status == models.StatusPendingPayment,
		Delivery:   deliveryEstimate(l, o.ShippingMinDays, o.ShippingMaxDays),
		Breadcrumb: []adminLink{{"/admin", l.T("admin.title")}, {"/admin/orders", l.T("admin.orders.title")}},
		Documents:  documentsOf(o)}
	if o.Channel == models.ChannelWholesale {
		var err error
		if v.Production, err = s.store.ProductionOrdersOf(c.Request().Context(), o.ID); err != nil {
			return v, err
		}
	}
	if o.PaidAt != nil {
		v.Paid = shopDateTime(*o.PaidAt)
	}
	if o.CancelledAt != nil {
		v.Cancelled = shopDateTime(*o.CancelledAt)
	}
	if v.Pending {
		v.Expires = shopDateTime(o.ExpiresAt)
	}
	for _, r := range models.PeruRegions {
		if o.Customer.Address.Country == models.CountryPeru && r.Code == o.Customer.Address.Region {
			v.Region = r.Name
		}
	}
	v.Zone = string(o.ShippingZoneCode)
	if z, err := s.store.ShippingZoneByCode(c.Request().Context(), o.ShippingZoneCode); err == nil {
		v.Zone = z.Name(l.Lang())
	}
	for i := range o.Lines {
		ln := &o.Lines[i]
		b := ln.Breakdown()
		v.Lines = append(v.Lines, orderLineView{L: ln, Name: ln.Name(l.Lang()), Breakdown: b,
			PaidToArtisans: b.PaidToArtisans(), Surplus: b.Surplus()})
	}
	for i := range o.Payments {
		v.Payments = append(v.Payments, paymentRow(l, &o.Payments[i], o.Total()))
	}
	for _, h := range o.History {
		hv := historyView{When: shopDateTime(h.CreatedAt), ISO: h.CreatedAt.UTC().Format(time.RFC3339),
			To: orderStatusLabel(l, h.To), Actor: h.Actor, Note: h.Note}
		if h.From != "" {
			hv.From = orderStatusLabel(l, h.From)
		}
		v.History = append(v.History, hv)
	}
	if forms.transfer == nil {
		forms.transfer = url.Values{"received_on": {s.acct.now().In(shopZone).Format(time.DateOnly)}}
	}
	v.Cancel = buildForm(l, cancelSpecs, forms.cancel, forms.cancelErr)
	v.Transfer = buildForm(l, transferSpecs, forms.transfer, forms.transferErr)
	v.Resolve = buildForm(l, resolveSpecs, forms.resolve, forms.resolveErr)
	var err error
	v.Fulfil, err = s.fulfilView(c, l, o, forms.fulfil)
	return v, err
}

// paymentRow says what a payment was and, when it was refused, why, in
// words staff act on.
func paymentRow(l *Localizer, p *models.Payment, due models.Money) paymentView {
	pv := paymentView{P: p, Received: shopDateTime(p.ReceivedAt), Recorded: shopDateTime(p.CreatedAt),
		Kind: l.T("admin.order.payment.kind." + string(p.Kind)), Method: l.T("admin.orders.method." + string(p.Method)),
		Label: l.T("admin.order.payment.applied"), Refused: p.Outcome == models.PaymentRefused}
	if p.Method == models.PaymentBankTransfer {
		// Staff type only the day a transfer arrived.
		pv.Received = p.ReceivedAt.In(shopZone).Format(time.DateOnly)
	}
	if pv.Refused {
		pv.Label = l.T("admin.order.payment.refused")
		pv.Explanation = l.T("admin.order.payment.why."+string(p.Refusal), "Paid", l.Money(p.Money()), "Due", l.Money(due))
	}
	return pv
}
