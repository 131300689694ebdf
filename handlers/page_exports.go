package handlers

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// breakdownRecord is one current breakdown (one product, one channel) as
// the transparency downloads list it. Amounts are in minor units
// (céntimos); the JSON names are the CSV column names.
type breakdownRecord struct {
	ProductSlug        string         `json:"product_slug"`
	ProductName        string         `json:"product_name"`
	GroupSlug          string         `json:"group_slug"`
	GroupName          string         `json:"group_name"`
	Region             models.Region  `json:"region"`
	Channel            models.Channel `json:"channel"`
	Version            int            `json:"version"`
	EffectiveFrom      time.Time      `json:"effective_from"`
	Currency           string         `json:"currency"`
	Price              int64          `json:"price"`
	ArtisanLabour      int64          `json:"artisan_labour"`
	ArtisanMaterials   int64          `json:"artisan_materials"`
	CommunityFund      int64          `json:"community_fund"`
	CIAPOperations     int64          `json:"ciap_operations"`
	Logistics          int64          `json:"logistics"`
	PaymentFees        int64          `json:"payment_fees"`
	Taxes              int64          `json:"taxes"`
	Margin             int64          `json:"margin"`
	LocalMarketPrice   int64          `json:"local_market_price"`
	PaidToArtisans     int64          `json:"paid_to_artisans"`
	Surplus            int64          `json:"surplus"`
	LabourMinutes      int            `json:"labour_minutes"`
	EffectiveHourlyPay int64          `json:"effective_hourly_pay"`
	// Where the local market price comes from (empty when not recorded).
	LocalMarketSource string `json:"local_market_source"`
	LocalMarketDate   string `json:"local_market_date"`
	LocalMarketMethod string `json:"local_market_method"`
}

// breakdownColumns is the CSV header, in the order of breakdownRecord.
var breakdownColumns = []string{"product_slug", "product_name", "group_slug", "group_name", "region",
	"channel", "version", "effective_from", "currency", "price",
	"artisan_labour", "artisan_materials", "community_fund", "ciap_operations",
	"logistics", "payment_fees", "taxes", "margin",
	"local_market_price", "paid_to_artisans", "surplus", "labour_minutes", "effective_hourly_pay",
	"local_market_source", "local_market_date", "local_market_method"}

func (r breakdownRecord) csvRow() []string {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	return []string{csvText(r.ProductSlug), csvText(r.ProductName), csvText(r.GroupSlug), csvText(r.GroupName),
		string(r.Region), string(r.Channel), strconv.Itoa(r.Version), r.EffectiveFrom.Format(time.RFC3339),
		r.Currency, i(r.Price),
		i(r.ArtisanLabour), i(r.ArtisanMaterials), i(r.CommunityFund), i(r.CIAPOperations),
		i(r.Logistics), i(r.PaymentFees), i(r.Taxes), i(r.Margin),
		i(r.LocalMarketPrice), i(r.PaidToArtisans), i(r.Surplus), strconv.Itoa(r.LabourMinutes),
		i(r.EffectiveHourlyPay), csvText(r.LocalMarketSource), r.LocalMarketDate, csvText(r.LocalMarketMethod)}
}

// csvText keeps a spreadsheet from reading a text cell as a formula.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// breakdownRecords lists the retail then the wholesale breakdown of every
// product, in the store's order (by slug).
func breakdownRecords(lang string, ps []models.Product) []breakdownRecord {
	out := make([]breakdownRecord, 0, 2*len(ps))
	for i := range ps {
		p := &ps[i]
		for _, b := range []*models.Breakdown{p.RetailBreakdown, p.WholesaleBreakdown} {
			if b == nil {
				continue
			}
			r := breakdownRecord{ProductSlug: p.Slug, ProductName: p.Name(lang),
				Channel: b.Channel, Version: b.Version, EffectiveFrom: b.CreatedAt.UTC(),
				Currency: string(b.Currency), Price: b.Price,
				ArtisanLabour: b.ArtisanLabour, ArtisanMaterials: b.ArtisanMaterials,
				CommunityFund: b.CommunityFund, CIAPOperations: b.CIAPOperations, Logistics: b.Logistics,
				PaymentFees: b.PaymentFees, Taxes: b.Taxes, Margin: b.Margin,
				LocalMarketPrice: b.LocalMarketPrice, PaidToArtisans: b.PaidToArtisans().Amount,
				Surplus: b.Surplus().Amount, LabourMinutes: b.LabourMinutes,
				EffectiveHourlyPay: b.EffectiveHourlyPay().Amount,
				LocalMarketSource:  b.LocalMarketSource, LocalMarketDate: optionalDay(b.LocalMarketDate),
				LocalMarketMethod: b.LocalMarketMethod}
			if p.Group != nil {
				r.GroupSlug, r.GroupName, r.Region = p.Group.Slug, p.Group.Name, p.Group.Region
			}
			out = append(out, r)
		}
	}
	return out
}

// breakdownsCSV downloads every current breakdown as CSV.
func (s *Server) breakdownsCSV(c echo.Context) error {
	ps, err := s.store.ProductsWithBreakdowns(c.Request().Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(breakdownColumns)
	for _, r := range breakdownRecords(s.tr.Pick(c), ps) {
		_ = w.Write(r.csvRow())
	}
	if w.Flush(); w.Error() != nil {
		return w.Error()
	}
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// breakdownsExport is the JSON download: the records and what they mean.
type breakdownsExport struct {
	Currency    string            `json:"currency"`
	MinorUnits  string            `json:"amounts_in"`
	MinimumWage minimumWageExport `json:"minimum_wage"`
	Breakdowns  []breakdownRecord `json:"breakdowns"`
}

type minimumWageExport struct {
	Monthly      int64  `json:"monthly"`
	HoursPerWeek int    `json:"hours_per_week"`
	Hourly       int64  `json:"hourly"`
	Source       string `json:"source"`
	Since        string `json:"since"`
}

// breakdownsJSON downloads every current breakdown as JSON.
func (s *Server) breakdownsJSON(c echo.Context) error {
	ps, err := s.store.ProductsWithBreakdowns(c.Request().Context())
	if err != nil {
		return err
	}
	mw := s.cfg.MinimumWage
	out := breakdownsExport{Currency: string(models.PEN), MinorUnits: "céntimos (1/100 PEN)",
		MinimumWage: minimumWageExport{Monthly: mw.Monthly, HoursPerWeek: mw.HoursPerWeek,
			Hourly: mw.Hourly().Amount, Source: mw.Source, Since: mw.Since},
		Breakdowns: breakdownRecords(s.tr.Pick(c), ps)}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, append(b, '\n'))
}
