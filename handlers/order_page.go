package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// An order's private page (/orders/{token}) and its JSON: whoever holds
// the link sees the order, nobody else can find it. The token is the only
// key (a guessed or malformed one is a plain 404), so the pages are kept
// out of every cache, search engine and Referer header.

// orderPath is the order's private page.
func orderPath(o *models.Order) string { return "/orders/" + o.Token }

// privatePage marks a response that holds a private link's content.
func privatePage(c echo.Context) {
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex, nofollow")
}

// orderOf loads the order of the request's token; any token that names
// no order is a 404.
func (s *Server) orderOf(c echo.Context) (*models.Order, error) {
	o, err := s.store.OrderByToken(c.Request().Context(), c.Param("token"))
	if errors.Is(err, models.ErrNotFound) {
		return nil, errNotFound
	}
	return o, err
}

// buyerOrderLine is one line of the order's page.
type buyerOrderLine struct {
	Name           string
	Slug           string
	Quantity       int
	Unit           models.Money
	Total          models.Money
	PaidToArtisans models.Money
}

// orderStatusView is one entry of the order's history.
type orderStatusView struct {
	At     time.Time
	Status string
}

// buyerPayment is money that moved for the order: a payment received or
// a refund sent back.
type buyerPayment struct {
	At     time.Time
	Refund bool
	Method string
	Amount models.Money
}

// orderView is what page_order.html shows.
type orderView struct {
	Order   *models.Order
	Status  string
	Pending bool
	Lines   []buyerOrderLine
	History []orderStatusView
	// Payments are the payments received and the refunds sent back;
	// Refunded, their refunds' sum.
	Payments []buyerPayment
	Refunded models.Money
	Zone     string
	Region   string // the address's region, by name in Peru
	Country  string // the address's country, by name
	// Bank is the account to transfer to, for a pending bank transfer.
	Bank *BankConfig
	// CanPay offers the card payment (again) for a pending card order.
	CanPay bool
	// RefreshSeconds makes the page reload itself while payment is pending.
	RefreshSeconds int
	// Shipment is the carrier and tracking number, once the order left.
	Shipment *models.Shipment
	// Documents are a wholesale order's pro-forma and receipt.
	Documents *orderDocuments
	// Production is what a wholesale order asked the groups to make.
	Production []models.ProductionOrder
}

// orderRefresh is how often a pending order's page reloads itself.
const orderRefresh = 15

// orderPage shows an order to whoever holds its link (GET /orders/:token).
// It is also where Stripe sends the buyer back: for a pending card order
// with a session, the payment is confirmed from Stripe (confirmCardPayment).
func (s *Server) orderPage(c echo.Context) error {
	privatePage(c)
	o, err := s.orderOf(c)
	if err != nil {
		return err
	}
	o = s.confirmCardPayment(c.Request().Context(), o)
	l := s.tr.For(s.tr.Pick(c))
	v := orderView{Order: o, Status: l.T("order.status." + string(o.Status)),
		Pending: o.Status == models.StatusPendingPayment, Zone: l.T("zone." + string(o.ShippingZoneCode)),
		Region: o.Customer.Address.Region}
	v.Country = o.Customer.Address.Country
	for _, ct := range countriesFor(l.Lang()) {
		if ct.Code == v.Country {
			v.Country = ct.Name
		}
	}
	for _, r := range models.PeruRegions {
		if o.Customer.Address.Country == models.CountryPeru && r.Code == v.Region {
			v.Region = r.Name
		}
	}
	for i := range o.Lines {
		line := &o.Lines[i]
		v.Lines = append(v.Lines, buyerOrderLine{Name: line.Name(l.Lang()), Slug: line.ProductSlug,
			Quantity: line.Quantity, Unit: line.Unit(), Total: line.Total(), PaidToArtisans: line.PaidToArtisans()})
	}
	for _, h := range o.History {
		v.History = append(v.History, orderStatusView{At: h.CreatedAt, Status: l.T("order.status." + string(h.To))})
	}
	for _, p := range o.AppliedPayments() {
		v.Payments = append(v.Payments, buyerPayment{At: p.ReceivedAt, Refund: p.Kind == models.KindRefund,
			Method: l.T("admin.orders.method." + string(p.Method)), Amount: p.Money()})
	}
	v.Refunded = o.Refunded()
	v.Documents = documentsOf(o)
	if v.Shipment, err = s.store.ShipmentOfOrder(c.Request().Context(), o.ID); err != nil {
		return err
	}
	if o.Channel == models.ChannelWholesale {
		if v.Production, err = s.store.ProductionOrdersOf(c.Request().Context(), o.ID); err != nil {
			return err
		}
	}
	if v.Pending {
		v.RefreshSeconds = orderRefresh
		if o.Method == models.PaymentBankTransfer {
			bank := s.cfg.Payments.Bank
			v.Bank = &bank
		}
		v.CanPay = s.canPayByCard(o)
	}
	return s.render(c, http.StatusOK, "order", Page{L: l, Title: l.T("order.title", "Number", o.Number),
		NoIndex: true, Data: v})
}

// canPayByCard reports whether a card payment can (still) be started.
func (s *Server) canPayByCard(o *models.Order) bool {
	return o.Status == models.StatusPendingPayment && o.Method == models.PaymentCard &&
		s.cfg.Payments.Stripe.CardEnabled() && s.acct.now().Before(o.ExpiresAt)
}

// orderPay sends the buyer (back) to Stripe Checkout for a pending card
// order (POST /orders/:token/pay): the session already made, or one made
// now under the order's fixed idempotency key.
func (s *Server) orderPay(c echo.Context) error {
	privatePage(c)
	o, err := s.orderOf(c)
	if err != nil {
		return err
	}
	if !s.canPayByCard(o) {
		s.flash(c, s.tr.For(s.tr.Pick(c)).T("order.cannot_pay"))
		return seeOther(c, orderPath(o))
	}
	return s.payByCard(c, o)
}

// apiOrder is an order in the JSON API.
type apiOrder struct {
	Number         string               `json:"number"`
	Status         models.OrderStatus   `json:"status"`
	CreatedAt      time.Time            `json:"created_at"`
	PaymentMethod  models.PaymentMethod `json:"payment_method"`
	ExpiresAt      *time.Time           `json:"expires_at,omitempty"` // while payment is pending
	ShippingZone   string               `json:"shipping_zone"`
	Total          models.Money         `json:"total"`
	Items          models.Money         `json:"items"`
	Shipping       models.Money         `json:"shipping"`
	PaidToArtisans models.Money         `json:"paid_to_artisans"`
	Lines          []apiOrderLine       `json:"lines"`
	History        []apiOrderStatus     `json:"history"`
	// Payments are the payments received and the refunds sent back;
	// Refunded, the refunds' sum.
	Payments []apiPayment `json:"payments"`
	Refunded models.Money `json:"refunded"`
}

// apiPayment is a payment received for the order or a refund of it.
type apiPayment struct {
	Kind   models.PaymentKind   `json:"kind"`
	Method models.PaymentMethod `json:"method"`
	Amount models.Money         `json:"amount"`
	At     time.Time            `json:"at"`
}

// apiOrderLine is one line as sold, from its snapshot.
type apiOrderLine struct {
	Product          string       `json:"product"`
	Name             string       `json:"name"`
	Quantity         int          `json:"quantity"`
	UnitPrice        models.Money `json:"unit_price"`
	LineTotal        models.Money `json:"line_total"`
	PaidToArtisans   models.Money `json:"paid_to_artisans"`
	BreakdownID      int64        `json:"breakdown_id"`
	BreakdownVersion int          `json:"breakdown_version"`
}

// apiOrderStatus is one entry of the order's status history.
type apiOrderStatus struct {
	From *models.OrderStatus `json:"from"`
	To   models.OrderStatus  `json:"to"`
	At   time.Time           `json:"at"`
}

// apiOrder answers an order's JSON (GET /api/v1/orders/:token).
func (s *Server) apiOrder(c echo.Context) error {
	privatePage(c)
	o, err := s.orderOf(c)
	if err != nil {
		return err
	}
	lang := s.tr.Pick(c)
	out := apiOrder{Number: o.Number, Status: o.Status, CreatedAt: o.CreatedAt.UTC(), PaymentMethod: o.Method,
		ShippingZone: string(o.ShippingZoneCode), Total: o.Total(), Items: o.Items(), Shipping: o.Shipping(),
		PaidToArtisans: o.PaidToArtisans(), Lines: []apiOrderLine{}, History: []apiOrderStatus{},
		Payments: []apiPayment{}, Refunded: o.Refunded()}
	for _, p := range o.AppliedPayments() {
		out.Payments = append(out.Payments, apiPayment{Kind: p.Kind, Method: p.Method, Amount: p.Money(),
			At: p.ReceivedAt.UTC()})
	}
	if o.Status == models.StatusPendingPayment {
		exp := o.ExpiresAt.UTC()
		out.ExpiresAt = &exp
	}
	for i := range o.Lines {
		line := &o.Lines[i]
		out.Lines = append(out.Lines, apiOrderLine{Product: line.ProductSlug, Name: line.Name(lang),
			Quantity: line.Quantity, UnitPrice: line.Unit(), LineTotal: line.Total(),
			PaidToArtisans: line.PaidToArtisans(), BreakdownID: line.BreakdownID, BreakdownVersion: line.BreakdownVersion})
	}
	for _, h := range o.History {
		st := apiOrderStatus{To: h.To, At: h.CreatedAt.UTC()}
		if h.From != "" {
			from := h.From
			st.From = &from
		}
		out.History = append(out.History, st)
	}
	return c.JSON(http.StatusOK, out)
}

// accountOrdersView is what page_account_orders.html shows.
type accountOrdersView struct {
	Orders []accountOrderRow
	Total  int64
	Pager  pager
}

// accountOrderRow is one order of the list.
type accountOrderRow struct {
	Number string
	Path   string
	Placed time.Time
	Status string
	Total  models.Money
}

// accountOrdersPerPage is how many orders a page of "my orders" lists.
const accountOrdersPerPage = 20

// accountOrders lists the signed-in person's orders, newest first, each
// linking to its private page (GET /account/orders).
func (s *Server) accountOrders(c echo.Context) error {
	u := s.currentUser(c)
	l := s.tr.For(s.tr.Pick(c))
	page, _ := strconv.Atoi(c.QueryParam("page"))
	res, err := s.store.UserOrders(c.Request().Context(), u.ID, page, accountOrdersPerPage)
	if err != nil {
		return err
	}
	v := accountOrdersView{Total: res.Total,
		Pager: newPager("/account/orders", c.QueryParams(), res.Page, res.Pages())}
	for i := range res.Items {
		o := &res.Items[i]
		v.Orders = append(v.Orders, accountOrderRow{Number: o.Number, Path: orderPath(o), Placed: o.CreatedAt,
			Status: l.T("order.status." + string(o.Status)), Total: o.Total()})
	}
	privatePage(c)
	return s.render(c, http.StatusOK, "account_orders", Page{L: l, Title: l.T("orders.title"), NoIndex: true, Data: v})
}
