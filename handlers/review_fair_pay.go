package handlers

import (
	"net/http"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Fair pay per product at /review/fair-pay: each published product's
// effective hourly pay under its current retail breakdown, against the
// legal minimum wage (RMV, the same configured figure the product page
// shows) and the living-wage reference staff record in the back office;
// products under either line or paying no surplus come first.

type reviewFairPayView struct {
	reviewView
	MinWage   MinimumWage
	MinHourly models.Money
	Living    *models.LivingWage
	Rows      []fairPayRow
	Flagged   int
	OK        string // what an unflagged product's finding says
}

type fairPayRow struct {
	models.FairPay
	Name, Group         string
	RMVTenths, LWTenths int64 // hourly pay in tenths of each line
}

// LMDate is the day the local market price is of, or "".
func (r fairPayRow) LMDate() string { return optionalDay(r.Breakdown.LocalMarketDate) }

// fairPay loads what the page and its export show.
func (s *Server) fairPay(c echo.Context, groupID int64) ([]models.FairPay, *models.LivingWage, error) {
	ctx := c.Request().Context()
	ps, err := s.store.ProductsWithBreakdowns(ctx)
	if err != nil {
		return nil, nil, err
	}
	living, err := s.store.LivingWage(ctx)
	if err != nil {
		return nil, nil, err
	}
	return models.FairPayOf(ps, groupID, s.cfg.MinimumWage.Hourly(), living), living, nil
}

// reviewFairPay is /review/fair-pay.
func (s *Server) reviewFairPay(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	rv, _, perr := s.newReviewView(c, l, "fair_pay")
	if err := s.offerGroups(c.Request().Context(), l, &rv); err != nil {
		return err
	}
	v := reviewFairPayView{reviewView: rv, MinWage: s.cfg.MinimumWage, MinHourly: s.cfg.MinimumWage.Hourly()}
	if perr != nil {
		return s.renderReview(c, http.StatusBadRequest, "review_fair_pay", l.T("review.fair.title"), l, v)
	}
	rows, living, err := s.fairPay(c, rv.GroupID)
	if err != nil {
		return err
	}
	v.Living, v.OK = living, l.T(fairPayOK(living != nil))
	for _, f := range rows {
		r := fairPayRow{FairPay: f, Name: f.Product.Name(l.Lang()), Group: f.GroupName(),
			RMVTenths: tenthsOf(f.Hourly.Amount, v.MinHourly.Amount)}
		if living != nil {
			r.LWTenths = tenthsOf(f.Hourly.Amount, living.Hourly().Amount)
		}
		if f.Flagged() {
			v.Flagged++
		}
		v.Rows = append(v.Rows, r)
	}
	return s.renderReview(c, http.StatusOK, "review_fair_pay", l.T("review.fair.title"), l, v)
}

// fairPayTable is the fair pay export: one row per product.
func (s *Server) fairPayTable(c echo.Context, l *Localizer, groupID int64) (exportTable, map[string]any, error) {
	rows, living, err := s.fairPay(c, groupID)
	if err != nil {
		return exportTable{}, nil, err
	}
	rmv := s.cfg.MinimumWage.Hourly()
	meta := map[string]any{"minimum_wage_rmv_hourly": rmv.Decimal(), "minimum_wage_rmv_source": s.cfg.MinimumWage.Source,
		"minimum_wage_rmv_since": s.cfg.MinimumWage.Since}
	if living != nil {
		meta["living_wage_hourly"], meta["living_wage_source"] = living.Hourly().Decimal(), living.Source
		meta["living_wage_as_of"] = living.AsOf.Format(time.DateOnly)
	}
	cols := []exportColumn{{"product_slug", "review.col.product_slug", exportText}, {"product", "review.col.product", exportText},
		{"group", "review.group", exportText}, {"breakdown_version", "review.col.version", exportInt},
		{"price", "review.col.price", exportMoney}, {"labour", "review.col.labour", exportMoney},
		{"labour_minutes", "review.col.labour_minutes", exportInt}, {"hourly_pay", "review.col.hourly", exportMoney},
		{"below_rmv", "review.col.below_rmv", exportText}, {"below_living_wage", "review.col.below_living", exportText},
		{"paid_to_artisans", "review.col.paid", exportMoney}, {"local_market_price", "review.col.local_market", exportMoney},
		{"surplus", "review.col.surplus", exportMoney}, {"local_market_source", "review.col.lm_source", exportText},
		{"local_market_date", "review.col.lm_date", exportText}, {"local_market_method", "review.col.lm_method", exportText}}
	return exportTable{Name: "fair-pay", Columns: cols, Rows: sliceRows(rows, func(f *models.FairPay) []any {
		b := f.Breakdown
		return []any{f.Product.Slug, f.Product.Name(l.Lang()), f.GroupName(), int64(b.Version), b.Price, b.ArtisanLabour,
			int64(b.LabourMinutes), f.Hourly.Amount, yesNo(l, f.BelowRMV), yesNo(l, f.BelowLiving), b.PaidToArtisans().Amount,
			b.LocalMarketPrice, b.Surplus().Amount, b.LocalMarketSource, optionalDay(b.LocalMarketDate), b.LocalMarketMethod}
	})}, meta, nil
}

// optionalDay writes a date that may be missing.
func optionalDay(d *time.Time) string {
	if d == nil {
		return ""
	}
	return d.Format(time.DateOnly)
}
