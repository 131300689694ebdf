package handlers

import (
	"html/template"
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// transparencyView is what page_transparency.html shows.
type transparencyView struct {
	Fig        models.CatalogFigures
	Chart      template.HTML
	MinWage    MinimumWage
	MinMonthly models.Money
	MinHourly  models.Money
	// HourlyTenths is the average hourly pay in tenths of the minimum
	// (23 means 2.3 times).
	HourlyTenths int64
	Components   []models.ComponentKey
	// Ledger is what real sales paid, shop-wide, and the chain head.
	Ledger shopLedgerView
	// DayHeads are the chain heads at the end of the last days (Lima).
	DayHeads []models.LedgerDayHead
}

// transparencyPage explains how prices are set and shows catalog-wide figures.
func (s *Server) transparencyPage(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	fig, err := s.catalogFiguresNow(c.Request().Context())
	if err != nil {
		return err
	}
	lv, err := s.shopLedger(c.Request().Context())
	if err != nil {
		return err
	}
	heads, err := s.recentLedgerHeads(c)
	if err != nil {
		return err
	}
	showsLedger(c)
	minHourly := s.cfg.MinimumWage.Hourly()
	v := transparencyView{
		Fig: fig, Chart: sharesChart(l, "catalog-chart", fig.Shares),
		MinWage: s.cfg.MinimumWage, MinMonthly: models.Soles(s.cfg.MinimumWage.Monthly), MinHourly: minHourly,
		HourlyTenths: tenthsOf(fig.AverageHourlyPay.Amount, minHourly.Amount),
		Components:   models.ComponentKeys,
		Ledger:       lv,
		DayHeads:     heads,
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
