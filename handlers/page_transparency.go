package handlers

import (
	"html/template"
	"net/http"
	"slices"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// componentShare is one component's part of the catalog's total price.
type componentShare struct {
	Key      models.ComponentKey
	Amount   int64 // céntimos, summed over the catalog
	Permille int64 // of the catalog's total price; the eight add up to 1000
}

// catalogFigures are the catalog-wide transparency figures, computed from
// each published product's current retail breakdown as if one of each
// product were sold.
type catalogFigures struct {
	Products int
	// MedianSharePermille is the median share of the retail price paid to
	// artisans (labour + materials + community fund); with an even count
	// it is the mean of the two middle shares, rounded down.
	MedianSharePermille int64
	MinSharePermille    int64
	MaxSharePermille    int64
	TotalPrice          models.Money
	TotalPaidToArtisans models.Money
	TotalLocalMarket    models.Money
	// TotalSurplus = paid to artisans − local market price, summed.
	TotalSurplus models.Money
	// AverageHourlyPay is the catalog's labour pay over its labour time
	// (one of each product), rounded down.
	AverageHourlyPay models.Money
	// AtOrAboveMinimum counts products whose effective hourly pay is at
	// least the minimum wage per hour.
	AtOrAboveMinimum int
	Shares           []componentShare
}

// computeCatalogFigures sums the current retail breakdowns of ps. Products
// without a retail breakdown are skipped. minHourly is the minimum wage per
// hour the products are compared with.
//
// It is pure domain arithmetic and belongs in models (for the API and the
// reports to share); it lives here until it moves.
func computeCatalogFigures(ps []models.Product, minHourly models.Money) catalogFigures {
	f := catalogFigures{
		TotalPrice: models.Soles(0), TotalPaidToArtisans: models.Soles(0),
		TotalLocalMarket: models.Soles(0), TotalSurplus: models.Soles(0), AverageHourlyPay: models.Soles(0),
	}
	sums := make(map[models.ComponentKey]int64, len(models.ComponentKeys))
	var shares []int64
	var labour, minutes int64
	for i := range ps {
		b := ps[i].RetailBreakdown
		if b == nil || b.Price <= 0 {
			continue
		}
		f.Products++
		shares = append(shares, b.SharePermille(b.PaidToArtisans().Amount))
		f.TotalPrice.Amount += b.Price
		f.TotalPaidToArtisans.Amount += b.PaidToArtisans().Amount
		f.TotalLocalMarket.Amount += b.LocalMarketPrice
		f.TotalSurplus.Amount += b.Surplus().Amount
		labour += b.ArtisanLabour
		minutes += int64(b.LabourMinutes)
		if b.EffectiveHourlyPay().Amount >= minHourly.Amount {
			f.AtOrAboveMinimum++
		}
		for _, c := range b.Components() {
			sums[c.Key] += c.Amount.Amount
		}
	}
	f.MedianSharePermille = median(shares)
	if len(shares) > 0 {
		f.MinSharePermille, f.MaxSharePermille = slices.Min(shares), slices.Max(shares)
	}
	if minutes > 0 {
		f.AverageHourlyPay.Amount = labour * 60 / minutes
	}
	f.Shares = shareOfTotal(sums, f.TotalPrice.Amount)
	return f
}

// median of integers; with an even count, the mean of the two middle
// values rounded down; 0 for none. It does not reorder xs.
func median(xs []int64) int64 {
	n := len(xs)
	if n == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// shareOfTotal splits 1000 ‰ among the components in proportion to their
// sums, by largest remainder, so the shown percentages add up to 100 %.
func shareOfTotal(sums map[models.ComponentKey]int64, total int64) []componentShare {
	out := make([]componentShare, len(models.ComponentKeys))
	amounts := make([]int64, len(out))
	for i, k := range models.ComponentKeys {
		out[i] = componentShare{Key: k, Amount: sums[k]}
		amounts[i] = sums[k]
	}
	if total <= 0 {
		return out
	}
	for i, p := range largestRemainder(amounts, total, 1000) {
		out[i].Permille = p
	}
	return out
}

// transparencyView is what page_transparency.html shows.
type transparencyView struct {
	Fig        catalogFigures
	Chart      template.HTML
	MinWage    MinimumWage
	MinMonthly models.Money
	MinHourly  models.Money
	// HourlyTenths is the average hourly pay in tenths of the minimum
	// (23 means 2.3 times).
	HourlyTenths int64
	Components   []models.ComponentKey
}

// transparencyPage explains how prices are set and shows catalog-wide figures.
func (s *Server) transparencyPage(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	fig, err := s.catalogFiguresNow(c.Request().Context())
	if err != nil {
		return err
	}
	minHourly := s.cfg.MinimumWage.Hourly()
	v := transparencyView{
		Fig: fig, Chart: sharesChart(l, "catalog-chart", fig.Shares),
		MinWage: s.cfg.MinimumWage, MinMonthly: models.Soles(s.cfg.MinimumWage.Monthly), MinHourly: minHourly,
		HourlyTenths: tenthsOf(fig.AverageHourlyPay.Amount, minHourly.Amount),
		Components:   models.ComponentKeys,
	}
	return s.render(c, http.StatusOK, "transparency", Page{L: l, Title: l.T("transparency.title"),
		Description: l.T("transparency.meta"), Section: "transparency", Data: v})
}

// tenthsOf is a/b in tenths, rounded down; 0 when b is not positive.
func tenthsOf(a, b int64) int64 {
	if b <= 0 {
		return 0
	}
	return a * 10 / b
}
