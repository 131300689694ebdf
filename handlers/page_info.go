package handlers

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// ContactConfig is how buyers reach CIAP, shown on the contact page.
type ContactConfig struct {
	Email string
	Phone string // as people read it, e.g. "+51 1 000 0000"
	// Placeholder marks values that are the demo's defaults, so the page
	// says they are not real.
	Placeholder bool
}

// TelURI is the phone number as a tel: link (RFC 3966 wants no spaces).
// It holds only "+" and digits, so it is marked safe for html/template,
// which would otherwise refuse the tel: scheme.
func (c ContactConfig) TelURI() template.URL {
	var b strings.Builder
	for _, r := range c.Phone {
		if r == '+' || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return template.URL("tel:" + b.String()) //nolint:gosec // digits and "+" only
}

// zoneRow is one shipping zone as the shipping page lists it.
type zoneRow struct {
	Name     string
	Rate     models.Money
	Estimate string
}

// shippingView is what page_shipping.html shows.
type shippingView struct {
	Zones        []zoneRow
	HandlingDays int
}

// shippingPage lists the zones' rates and delivery times (the catalog
// data's copy, as checkout reads them), and how orders are packed, sent and followed.
func (s *Server) shippingPage(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	zones, err := s.shippingZones(c.Request().Context())
	if err != nil {
		return err
	}
	rows := make([]zoneRow, len(zones))
	for i := range zones {
		z := &zones[i]
		rows[i] = zoneRow{Name: z.Name(l.Lang()), Rate: z.Rate(), Estimate: deliveryEstimate(l, z.MinDays, z.MaxDays)}
	}
	return s.render(c, http.StatusOK, "shipping", Page{L: l, Title: l.T("shipping.title"),
		Description: l.T("shipping.description"), Data: shippingView{Zones: rows, HandlingDays: handlingDaysInStock}})
}

// deliveryEstimate says "1 to 3 working days", or one figure when both
// ends agree.
func deliveryEstimate(l *Localizer, minDays, maxDays int) string {
	switch {
	case minDays == maxDays:
		return l.Plural("shipping.days_exact", maxDays, "Days", maxDays)
	}
	return l.T("shipping.days_range", "Min", minDays, "Max", maxDays)
}

// returnsView is what page_returns.html shows.
type returnsView struct {
	Contact ContactConfig
	Days    int // the return window
}

// returnsPage states the returns and refund policy.
func (s *Server) returnsPage(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	return s.render(c, http.StatusOK, "returns", Page{L: l, Title: l.T("returns.title"),
		Description: l.T("returns.description"), Data: returnsView{Contact: s.cfg.Contact, Days: returnWindowDays}})
}

// contactPage shows how to reach CIAP (from the configuration).
func (s *Server) contactPage(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	return s.render(c, http.StatusOK, "contact", Page{L: l, Title: l.T("contact.title"),
		Description: l.T("contact.description"), Data: s.cfg.Contact})
}
