package handlers

import (
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

type apiComponentShare struct {
	Key      models.ComponentKey `json:"key"`
	Label    string              `json:"label"`
	Amount   models.Money        `json:"amount"`
	Permille int64               `json:"permille"`
}

type apiMinimumWage struct {
	Monthly      models.Money `json:"monthly"`
	Hourly       models.Money `json:"hourly"`
	HoursPerWeek int          `json:"hours_per_week"`
	Source       string       `json:"source"`
	Since        string       `json:"since"`
}

// apiTransparencyFigures is the contract of /api/v1/transparency: the
// catalog-wide figures of the transparency page, as if one of each
// published product were sold at its current retail breakdown.
type apiTransparencyFigures struct {
	Products            int                 `json:"products"`
	MedianSharePermille int64               `json:"median_share_paid_to_artisans_permille"`
	MinSharePermille    int64               `json:"min_share_paid_to_artisans_permille"`
	MaxSharePermille    int64               `json:"max_share_paid_to_artisans_permille"`
	TotalPrice          models.Money        `json:"total_price"`
	TotalPaidToArtisans models.Money        `json:"total_paid_to_artisans"`
	TotalLocalMarket    models.Money        `json:"total_local_market_price"`
	TotalSurplus        models.Money        `json:"total_surplus"`
	AverageHourlyPay    models.Money        `json:"average_hourly_pay"`
	AtOrAboveMinimum    int                 `json:"products_at_or_above_minimum_wage"`
	MinimumWage         apiMinimumWage      `json:"minimum_wage"`
	Components          []apiComponentShare `json:"components"`
	// Ledger is what real sales paid, shop-wide, net of refunds; LedgerHead
	// the chain's last entry, for anyone to keep and compare later.
	Ledger     *apiLedgerTotals `json:"ledger"`
	LedgerHead apiLedgerHead    `json:"ledger_head"`
}

// apiTransparency answers the catalog-wide figures reviewers reconcile
// with the per-product breakdowns.
func (s *Server) apiTransparency(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	f, err := s.catalogFiguresNow(c.Request().Context())
	if err != nil {
		return err
	}
	lv, err := s.shopLedger(c.Request().Context())
	if err != nil {
		return err
	}
	showsLedger(c)
	w := s.cfg.MinimumWage
	out := apiTransparencyFigures{
		Ledger: toAPILedger(lv.Totals), LedgerHead: apiLedgerHead{Seq: lv.Head.Seq, Hash: lv.Head.Hash},
		Products: f.Products, MedianSharePermille: f.MedianSharePermille,
		MinSharePermille: f.MinSharePermille, MaxSharePermille: f.MaxSharePermille,
		TotalPrice: f.TotalPrice, TotalPaidToArtisans: f.TotalPaidToArtisans,
		TotalLocalMarket: f.TotalLocalMarket, TotalSurplus: f.TotalSurplus,
		AverageHourlyPay: f.AverageHourlyPay, AtOrAboveMinimum: f.AtOrAboveMinimum,
		MinimumWage: apiMinimumWage{Monthly: models.Soles(w.Monthly), Hourly: w.Hourly(),
			HoursPerWeek: w.HoursPerWeek, Source: w.Source, Since: w.Since},
		Components: make([]apiComponentShare, len(f.Shares)),
	}
	for i, sh := range f.Shares {
		out.Components[i] = apiComponentShare{Key: sh.Key, Label: l.ComponentLabel(sh.Key),
			Amount: models.Soles(sh.Amount), Permille: sh.Permille}
	}
	return c.JSON(http.StatusOK, out)
}
