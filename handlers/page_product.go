package handlers

import (
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// breakdownRow is one line of a breakdown table.
type breakdownRow struct {
	Key      models.ComponentKey
	Amount   models.Money
	Permille int64
}

// breakdownTable splits a breakdown into the artisans' part and the rest,
// with subtotals, for the fair-price table.
type breakdownTable struct {
	B                *models.Breakdown
	Artisans, Others []breakdownRow
	ArtisansTotal    models.Money // = paid to artisans
	OthersTotal      models.Money
	ArtisansPermille int64
	OthersPermille   int64
	Labour           models.Money
	LabourMinutes    int
	EffectiveHourly  models.Money
	HourlyTenths     int64 // effective hourly pay in tenths of the minimum wage
	AtOrAboveMinimum bool
	PaidToArtisans   models.Money
	LocalMarket      models.Money
	Surplus          models.Money
}

func newBreakdownTable(b *models.Breakdown, minHourly models.Money) *breakdownTable {
	if b == nil {
		return nil
	}
	t := &breakdownTable{B: b, ArtisansTotal: b.PaidToArtisans(),
		OthersTotal: b.PriceMoney().Sub(b.PaidToArtisans()), LabourMinutes: b.LabourMinutes,
		EffectiveHourly: b.EffectiveHourlyPay(), LocalMarket: b.LocalMarket(), Surplus: b.Surplus(),
		PaidToArtisans: b.PaidToArtisans(), Labour: models.Money{Amount: b.ArtisanLabour, Currency: b.Currency}}
	shares, artisans := breakdownPermilles(b)
	for i, c := range b.Components() {
		r := breakdownRow{Key: c.Key, Amount: c.Amount, Permille: shares[i]}
		if c.Key.PaysArtisans() {
			t.Artisans = append(t.Artisans, r)
		} else {
			t.Others = append(t.Others, r)
		}
	}
	t.ArtisansPermille, t.OthersPermille = artisans, 1000-artisans
	t.HourlyTenths = tenthsOf(t.EffectiveHourly.Amount, minHourly.Amount)
	t.AtOrAboveMinimum = t.EffectiveHourly.Amount >= minHourly.Amount
	return t
}

// breakdownPermilles gives each component's share of the price in
// thousandths, rounded so the rows add up to what the page shows as
// totals: the artisans' part is rounded down (the shop never overstates
// it, and the catalog cards show the same figure), CIAP's side gets the
// rest, and within each side the thousandths go by largest remainder.
func breakdownPermilles(b *models.Breakdown) (shares []int64, artisans int64) {
	comps := b.Components()
	shares = make([]int64, len(comps))
	if b.Price <= 0 {
		return shares, 0
	}
	artisans = b.SharePermille(b.PaidToArtisans().Amount)
	for _, side := range []struct {
		pays  bool
		total int64
	}{{true, artisans}, {false, 1000 - artisans}} {
		var idx []int
		var amounts []int64
		for i, c := range comps {
			if c.Key.PaysArtisans() == side.pays {
				idx, amounts = append(idx, i), append(amounts, c.Amount.Amount)
			}
		}
		for j, p := range models.LargestRemainder(amounts, b.Price, side.total) {
			shares[idx[j]] = p
		}
	}
	return shares, artisans
}

// productView is what page_product.html shows.
type productView struct {
	P          *models.Product
	Group      *models.Group
	Retail     *breakdownTable
	Wholesale  *breakdownTable
	Share      *artisanShare // the buy box's sentence; nil without a retail breakdown
	Chart      template.HTML
	MinWage    MinimumWage
	MinMonthly models.Money
	MinHourly  models.Money
	JSONLD     template.JS
	Frags      *pageFragments // the page's kept parts; nil keeps none
}

// productPage shows one product, who made it and where its price goes.
// Its view and visitor-independent parts are kept with the product by the
// catalog data memo (product_fragments.go).
func (s *Server) productPage(c echo.Context) error {
	slug := c.Param("slug")
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	p, kept, err := s.productPageBySlug(ctx, slug)
	if err != nil {
		return err
	}
	showsStock(c, p.ID)
	v, err := kept.view(l.Lang(), func() (*productView, error) {
		minHourly := s.cfg.MinimumWage.Hourly()
		retail := newBreakdownTable(p.RetailBreakdown, minHourly)
		v := &productView{P: p, Group: p.Group,
			Retail:    retail,
			Share:     newArtisanShare(retail),
			Wholesale: newBreakdownTable(p.WholesaleBreakdown, minHourly),
			Chart:     breakdownChart(l, "price-chart", p.RetailBreakdown),
			MinWage:   s.cfg.MinimumWage, MinMonthly: models.Soles(s.cfg.MinimumWage.Monthly), MinHourly: minHourly,
		}
		zones, err := s.shippingZones(ctx)
		if err != nil {
			return nil, err
		}
		if v.JSONLD, err = s.productJSONLD(l, p, zones); err != nil {
			return nil, err
		}
		return v, nil
	})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "product", Page{L: l, Title: p.Name(l.Lang()),
		Description: firstSentence(p.Description(l.Lang())), Section: "products", Data: v})
}

// productJSONLD is the schema.org Product description of p, with an offer
// that says what the shop really sells: its availability, its price in
// PEN, where it ships and how returns work (the /shipping and /returns
// pages). json.Marshal escapes <, > and &, so the result is safe inside a
// script element.
func (s *Server) productJSONLD(l *Localizer, p *models.Product, zones []models.ShippingZone) (template.JS, error) {
	type org struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		URL  string `json:"url,omitempty"`
	}
	url := s.absURL("/products/" + p.Slug)
	price := p.Price()
	if price.Currency == "" {
		price.Currency = models.PEN
	}
	ld := struct {
		Context      string  `json:"@context"`
		Type         string  `json:"@type"`
		Name         string  `json:"name"`
		Image        string  `json:"image"`
		Description  string  `json:"description"`
		SKU          string  `json:"sku"`
		Category     string  `json:"category"`
		Brand        org     `json:"brand"`
		Manufacturer org     `json:"manufacturer"`
		Offers       ldOffer `json:"offers"`
		URL          string  `json:"url"`
	}{
		Context: "https://schema.org", Type: "Product", Name: p.Name(l.Lang()),
		Image: s.absURL(s.assets.Image(p.Image, p.Craft)), Description: p.Description(l.Lang()), SKU: p.Slug,
		Category: l.Craft(p.Craft),
		Brand:    org{Type: "Brand", Name: p.Group.Name},
		Manufacturer: org{Type: "Organization", Name: p.Group.Name,
			URL: s.absURL("/groups/" + p.Group.Slug)},
		Offers: ldOffer{Type: "Offer", Price: price.Decimal(), PriceCurrency: string(price.Currency),
			Availability: offerAvailability(p), URL: url,
			ShippingDetails:         s.ldShipping(zones),
			HasMerchantReturnPolicy: s.ldReturnPolicy()},
		URL: url,
	}
	b, err := json.Marshal(ld)
	if err != nil {
		return "", err
	}
	return template.JS(b), nil
}
