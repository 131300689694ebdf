package handlers

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Checkout turns the visitor's cart into an order: a plain form (it works
// without JavaScript) for who buys, where it goes and how they pay. Only
// those fields are read: the lines come from the cart in the database and
// every price from the catalog (Store.PlaceOrder), whatever else a form
// posts.

// sessLastOrder is the session key of the token of the last order placed
// from this browser: a checkout sent twice (a double click) shows that
// order instead of an empty cart.
const sessLastOrder = "last_order"

// registerCheckout adds the checkout, the order's private page and JSON,
// and the account's list of orders.
func (s *Server) registerCheckout(e *echo.Echo) {
	s.shopWrite(e, http.MethodGet, "/checkout", s.checkoutPage)
	s.shopWrite(e, http.MethodPost, "/checkout", s.checkout)
	s.formPage("/checkout")
	e.GET("/orders/:token", s.orderPage)
	s.shopWrite(e, http.MethodPost, "/orders/:token/pay", s.orderPay)
	s.formPage("/orders/:token")
	e.GET("/api/v1/orders/:token", s.apiOrder)
	s.guard(e).GET("/account/orders", s.accountOrders)
}

// checkoutForm is what the checkout form sends, as typed.
type checkoutForm struct {
	Email        string
	Name         string
	Phone        string
	Country      string
	Region       string // one of models.PeruRegions, in Peru
	RegionAbroad string // state or province, abroad
	City         string
	Address      string
	PostalCode   string
	Method       models.PaymentMethod
}

// readCheckoutForm reads the form's own fields and nothing else.
func readCheckoutForm(c echo.Context) checkoutForm {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	return checkoutForm{Email: v("email"), Name: v("name"), Phone: v("phone"),
		Country: strings.ToUpper(v("country")), Region: v("region"), RegionAbroad: v("region_abroad"),
		City: v("city"), Address: v("address"), PostalCode: v("postal_code"),
		Method: models.PaymentMethod(v("payment_method"))}
}

// abroad reports whether the address is outside Peru.
func (f checkoutForm) abroad() bool { return f.Country != "" && f.Country != models.CountryPeru }

// customer is the form as the order's customer.
func (f checkoutForm) customer() models.Customer {
	region := f.Region
	if f.abroad() {
		region = f.RegionAbroad
	}
	return models.Customer{Email: f.Email, Name: f.Name, Phone: f.Phone, Address: models.Address{
		Country: f.Country, Region: region, City: f.City, Line: f.Address, PostalCode: f.PostalCode}}
}

// checkoutLine is one line of the checkout's summary.
type checkoutLine struct {
	Name     string
	Slug     string
	Quantity int
	Unit     models.Money
	Total    models.Money
	Problem  string
}

// checkoutZone is a shipping zone with what the order comes to there.
type checkoutZone struct {
	Code    models.ShippingZoneCode
	Name    string
	Rate    models.Money
	Total   models.Money
	MinDays int
	MaxDays int
	// Current marks the zone of the address typed so far.
	Current bool
}

// checkoutView is what page_checkout.html shows.
type checkoutView struct {
	Form   checkoutForm
	Errors map[string]string
	// Problem says why the order was not placed; Shortages name each
	// piece short of stock.
	Problem   string
	Shortages []string

	Lines          []checkoutLine
	Count          int
	Items          models.Money
	PaidToArtisans models.Money
	Zones          []checkoutZone
	Zone           *checkoutZone // the address's zone, once known

	// Wholesale: a reseller's order, at wholesale prices, of at least
	// MinOrder.
	Wholesale bool
	MinOrder  models.Money

	CardEnabled    bool
	CardExpiry     string
	TransferExpiry string
	Regions        []models.PeruRegion
	CountryOptions template.HTML // pre-rendered, see countryOptions
}

// cardExpiry and transferExpiry are how long an unpaid order keeps its
// pieces; zero in the configuration means the defaults.
func (s *Server) cardExpiry() time.Duration {
	if d := s.cfg.Payments.CardExpiry; d > 0 {
		return d
	}
	return DefaultCardExpiry
}

func (s *Server) transferExpiry() time.Duration {
	if d := s.cfg.Payments.TransferExpiry; d > 0 {
		return d
	}
	return DefaultTransferExpiry
}

// expiryFor is how long an order paid by method waits for its payment.
func (s *Server) expiryFor(m models.PaymentMethod) time.Duration {
	if m == models.PaymentCard {
		return s.cardExpiry()
	}
	return s.transferExpiry()
}

// durationText says a delay in words: minutes, hours or days.
func durationText(l *Localizer, d time.Duration) string {
	switch {
	case d < 2*time.Hour:
		return l.T("duration.minutes", "Count", int(d.Round(time.Minute)/time.Minute))
	case d < 48*time.Hour:
		return l.T("duration.hours", "Count", int(d.Round(time.Hour)/time.Hour))
	default:
		return l.T("duration.days", "Count", int(d.Round(24*time.Hour)/(24*time.Hour)))
	}
}

// checkoutPage shows the form (GET /checkout), filled with the signed-in
// buyer's email and name.
func (s *Server) checkoutPage(c echo.Context) error {
	f := checkoutForm{Country: models.CountryPeru, Method: models.PaymentBankTransfer}
	u := s.currentUser(c)
	// Resellers pay by bank transfer by default (against a pro-forma).
	if s.cfg.Payments.Stripe.CardEnabled() && (u == nil || models.ChannelFor(u.Role) != models.ChannelWholesale) {
		f.Method = models.PaymentCard
	}
	if u != nil {
		f.Email, f.Name = u.Email, u.Name
	}
	return s.renderCheckout(c, http.StatusOK, checkoutView{Form: f})
}

// renderCheckout shows the checkout with the visitor's cart as the catalog
// prices it now, the shipping zones, and v's form and messages.
func (s *Server) renderCheckout(c echo.Context, status int, v checkoutView) error {
	return s.renderCheckoutCart(c, status, v, nil)
}

// renderCheckoutCart is renderCheckout with the cart already read (nil:
// read it), so a refused checkout costs no second read: under a rush for
// the last pieces, every query saved is a buyer answered sooner.
func (s *Server) renderCheckoutCart(c echo.Context, status int, v checkoutView, cart *models.CartView) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	if cart == nil {
		cart = &models.CartView{}
		if k, ok := s.cartKey(c); ok {
			var err error
			if cart, err = s.store.Cart(ctx, k); err != nil {
				return err
			}
		}
	}
	for _, it := range cart.Items {
		p := it.Product
		line := checkoutLine{Name: p.Name(l.Lang()), Slug: p.Slug, Quantity: it.Quantity, Unit: it.Price(), Total: it.Total()}
		switch {
		case it.Wholesale != nil:
			line.Problem = strings.Join(wholesaleProblems(l, it.Wholesale), " ")
		case it.Buyable():
		case !p.Published || p.Stock <= 0:
			line.Problem = l.T("cart.line_unavailable")
		default:
			line.Problem = l.T("cart.line_short", "Count", p.Stock)
		}
		v.Lines = append(v.Lines, line)
	}
	v.Count, v.Items, v.PaidToArtisans = cart.Count(), cart.ItemsTotal(), cart.PaidToArtisans()
	if cart.Wholesale() {
		v.Wholesale, v.MinOrder = true, s.wholesaleMinOrder()
	}
	zones, err := s.shippingZones(ctx)
	if err != nil {
		return err
	}
	cust := v.Form.customer()
	known := v.Form.abroad() || models.ValidPeruRegion(v.Form.Region)
	for i := range zones {
		z := &zones[i]
		cz := checkoutZone{Code: z.Code, Name: z.Name(l.Lang()), Rate: z.Rate(), Total: v.Items.Add(z.Rate()),
			MinDays: z.MinDays, MaxDays: z.MaxDays, Current: known && z.Code == models.ZoneFor(cust.Address)}
		v.Zones = append(v.Zones, cz)
	}
	for i := range v.Zones {
		if v.Zones[i].Current {
			v.Zone = &v.Zones[i]
		}
	}
	v.CardEnabled = s.cfg.Payments.Stripe.CardEnabled()
	v.CardExpiry, v.TransferExpiry = durationText(l, s.cardExpiry()), durationText(l, s.transferExpiry())
	v.Regions, v.CountryOptions = models.PeruRegions, countryOptions(l.Lang(), v.Form.Country)
	c.Set(cartCountKey, v.Count)
	c.Response().Header().Set(echo.HeaderCacheControl, "private, no-store")
	return s.render(c, status, "checkout", Page{L: l, Title: l.T("checkout.title"), NoIndex: true, Data: v})
}

// checkout places the order (POST /checkout). A refused form is shown
// again with a message per field (422) and nothing written; pieces short
// of stock are named with how many are left (409). A bank transfer goes
// to the order's page; a card payment to Stripe Checkout, whose session
// is created once the order is committed.
func (s *Server) checkout(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	f := readCheckoutForm(c)
	k, hasCart := s.cartKey(c)
	cart := &models.CartView{}
	if hasCart {
		var err error
		if cart, err = s.store.Cart(ctx, k); err != nil {
			return err
		}
	}
	if len(cart.Items) == 0 {
		if tok := s.sessionString(c, sessLastOrder); tok != "" {
			return s.showPlacedOrder(c, tok)
		}
		return s.renderCheckout(c, http.StatusUnprocessableEntity,
			checkoutView{Form: f, Problem: l.T("checkout.error.empty")})
	}
	// A reseller's cart (the role decides, never the form) is ordered at
	// wholesale: every line must hold the wholesale rules and the lines
	// must reach the minimum order value.
	if cart.Wholesale() {
		switch min := s.wholesaleMinOrder(); {
		case !cart.Buyable():
			return s.renderCheckoutCart(c, http.StatusUnprocessableEntity,
				checkoutView{Form: f, Problem: l.T("checkout.error.wholesale_lines")}, cart)
		case cart.ItemsTotal().Amount < min.Amount:
			return s.renderCheckoutCart(c, http.StatusUnprocessableEntity, checkoutView{Form: f,
				Problem: l.T("checkout.error.min_order", "Min", l.Money(min), "Total", l.Money(cart.ItemsTotal()))}, cart)
		}
	}
	now := s.acct.now()
	in := models.OrderInput{Channel: cart.Channel, Customer: f.customer(), Method: f.Method, Lang: l.Lang(),
		ExpiresAt: now.Add(s.expiryFor(f.Method)), Lines: cart.OrderLines(),
		MinItemsAmount: s.wholesaleMinOrder().Amount}
	if u := s.currentUser(c); u != nil {
		in.UserID = &u.ID
	}
	// Every field's problem at once, before anything is written.
	errs := map[string]string{}
	if err := in.Validate(now); err != nil {
		var ve *models.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for field, fe := range ve.Fields {
			if field == "region" && f.abroad() {
				field = "region_abroad"
			}
			errs[field] = fieldMessage(l, fe)
		}
	}
	if f.Method == models.PaymentCard && !s.cfg.Payments.Stripe.CardEnabled() {
		errs["payment_method"] = l.T("admin.error.payment_method")
	}
	if len(errs) > 0 {
		return s.renderCheckoutCart(c, http.StatusUnprocessableEntity,
			checkoutView{Form: f, Errors: errs, Problem: l.T("checkout.error.fields")}, cart)
	}
	// A cart that visibly lacks pieces is refused before any transaction;
	// the conditional stock update in PlaceOrder decides in the end.
	if short := cartShortages(cart); len(short) > 0 {
		return s.soldOut(c, f, cart, short)
	}
	o, err := s.store.PlaceOrder(ctx, in, &k)
	var soldOut *models.SoldOutError
	var lines *models.WholesaleLinesError
	var ve *models.ValidationError
	switch {
	case errors.As(err, &soldOut):
		return s.soldOut(c, f, cart, soldOut.Shortages)
	case errors.As(err, &lines):
		// The catalog changed since the cart was read: show it as it is now.
		return s.renderCheckout(c, http.StatusConflict, checkoutView{Form: f, Problem: l.T("checkout.error.wholesale_lines")})
	case errors.As(err, &ve) && ve.Has("lines"):
		return s.renderCheckout(c, http.StatusUnprocessableEntity, checkoutView{Form: f,
			Problem: fieldMessage(l, ve.Fields["lines"])})
	case errors.Is(err, models.ErrCartChanged):
		if tok := s.sessionString(c, sessLastOrder); tok != "" {
			return s.showPlacedOrder(c, tok)
		}
		return s.renderCheckout(c, http.StatusConflict, checkoutView{Form: f, Problem: l.T("checkout.error.cart_changed")})
	case errors.Is(err, models.ErrTotalTooLarge):
		return s.renderCheckout(c, http.StatusUnprocessableEntity, checkoutView{Form: f, Problem: l.T("checkout.error.too_large")})
	case err != nil:
		return err
	}
	s.acct.sessions.Put(ctx, sessLastOrder, o.Token)
	s.log.Info("order placed", "order", o.Number, "method", o.Method, "total", o.TotalAmount)
	if o.Method == models.PaymentCard {
		return s.payByCard(c, o)
	}
	return seeOther(c, orderPath(o))
}

// showPlacedOrder answers a checkout sent again after its order was
// placed: Stripe's page for a card order still unpaid (the same session),
// else the order's page.
func (s *Server) showPlacedOrder(c echo.Context, token string) error {
	o, err := s.store.OrderByToken(c.Request().Context(), token)
	if errors.Is(err, models.ErrNotFound) {
		return seeOther(c, "/cart")
	}
	if err != nil {
		return err
	}
	if o.Method == models.PaymentCard && o.Status == models.StatusPendingPayment {
		return s.payByCard(c, o)
	}
	return seeOther(c, orderPath(o))
}

// payByCard sends the buyer to the order's Checkout Session. When Stripe
// cannot be reached the order stays as it is, pending, and its page says
// so and offers to try again.
func (s *Server) payByCard(c echo.Context, o *models.Order) error {
	url, err := s.startCardPayment(c.Request().Context(), o)
	if err != nil {
		s.log.Error("card payment not started", "order", o.Number, "err", err)
		s.flash(c, s.tr.For(s.tr.Pick(c)).T("order.card_failed"))
		return seeOther(c, orderPath(o))
	}
	return c.Redirect(http.StatusSeeOther, url)
}

// cartShortages lists the cart's lines that cannot be bought as they are.
func cartShortages(cart *models.CartView) []models.Shortage {
	var out []models.Shortage
	for _, it := range cart.Items {
		if it.Buyable() {
			continue
		}
		p := it.Product
		sh := models.Shortage{ProductID: p.ID, Slug: p.Slug, NameES: p.NameES, NameEN: p.NameEN, Requested: it.Quantity}
		if p.Published {
			sh.Available = max(p.Stock, 0)
		}
		out = append(out, sh)
	}
	return out
}

// soldOut shows the checkout again (409) naming each piece short of stock
// and how many are left; the cart's lines say the same, from the counts
// the order found.
func (s *Server) soldOut(c echo.Context, f checkoutForm, cart *models.CartView, short []models.Shortage) error {
	l := s.tr.For(s.tr.Pick(c))
	v := checkoutView{Form: f, Problem: l.T("checkout.error.sold_out")}
	left := map[int64]int{}
	for _, sh := range short {
		v.Shortages = append(v.Shortages, shortageText(l, sh))
		left[sh.ProductID] = sh.Available
	}
	for i := range cart.Items {
		if n, ok := left[cart.Items[i].Product.ID]; ok {
			p := *cart.Items[i].Product // the cart's copy, not the catalog's
			p.Stock = n
			cart.Items[i].Product = &p
		}
	}
	return s.renderCheckoutCart(c, http.StatusConflict, v, cart)
}

// shortageText says which piece is short and how many are left.
func shortageText(l *Localizer, sh models.Shortage) string {
	name := sh.NameES
	if l.Lang() == "en" && sh.NameEN != "" {
		name = sh.NameEN
	}
	if name == "" {
		name = sh.Slug
	}
	if sh.Available <= 0 {
		return l.T("checkout.error.piece_sold_out", "Name", name)
	}
	return l.T("checkout.error.piece_short", "Name", name, "Count", sh.Available, "Requested", sh.Requested)
}
