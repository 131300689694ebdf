package handlers

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The public price history of a product (GET /products/:slug/history):
// every version of its retail and wholesale breakdowns with date, reason
// and figures, and a chart of what the artisans were paid over time. WFTO
// reviewers link to it.
//
// Who made a change is shown as a role ("CIAP staff"), not as the staff
// member's email: the page is public, an email is personal data (and a
// spam target), and accountability does not need it here. The audit log
// names the person, and reviewers read it signed in.

// historyRow is one version as the history table shows it.
type historyRow struct {
	B              models.Breakdown
	Author         string
	Components     []models.Component
	PaidToArtisans models.Money
	Surplus        models.Money
	Hourly         models.Money
	SharePermille  int64
	Current        bool
}

type priceHistoryView struct {
	P                 *models.Product
	Retail, Wholesale []historyRow // newest first
	// Chart is drawn twice: for a wide column and for a phone, so that
	// its labels are read at about the page's text size on either (CSS
	// shows one).
	Chart, ChartNarrow template.HTML
	Keys               []models.ComponentKey
	MinHourly          models.Money
}

// publicAuthor names who recorded a version without naming the person.
func publicAuthor(l *Localizer, createdBy string) string {
	if strings.Contains(createdBy, "@") {
		return l.T("pricehistory.by_staff")
	}
	return l.T("pricehistory.by_system") // models.SystemActor: the demo seed, jobs
}

func historyRows(l *Localizer, bs []models.Breakdown, currentID *int64) []historyRow {
	rows := make([]historyRow, 0, len(bs))
	for i := len(bs) - 1; i >= 0; i-- {
		b := bs[i]
		rows = append(rows, historyRow{B: b, Author: publicAuthor(l, b.CreatedBy), Components: b.Components(),
			PaidToArtisans: b.PaidToArtisans(), Surplus: b.Surplus(), Hourly: b.EffectiveHourlyPay(),
			SharePermille: b.SharePermille(b.PaidToArtisans().Amount),
			Current:       currentID != nil && *currentID == b.ID})
	}
	return rows
}

// priceHistoryPage shows every breakdown version of a published product.
func (s *Server) priceHistoryPage(c echo.Context) error {
	slug := c.Param("slug")
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	p, err := s.store.ProductBySlug(ctx, slug)
	if err != nil {
		return err
	}
	retail, err := s.store.BreakdownHistory(ctx, p.ID, models.ChannelRetail)
	if err != nil {
		return err
	}
	wholesale, err := s.store.BreakdownHistory(ctx, p.ID, models.ChannelWholesale)
	if err != nil {
		return err
	}
	v := priceHistoryView{P: p, Retail: historyRows(l, retail, p.RetailBreakdownID),
		Wholesale: historyRows(l, wholesale, p.WholesaleBreakdownID), Keys: models.ComponentKeys,
		MinHourly:   s.cfg.MinimumWage.Hourly(),
		Chart:       historyChart(l, "history-chart", wideChart, retail, time.Now().UTC()),
		ChartNarrow: historyChart(l, "history-chart-narrow", narrowChart, retail, time.Now().UTC())}
	name := p.Name(l.Lang())
	return s.render(c, http.StatusOK, "price_history", Page{L: l, Title: l.T("pricehistory.title", "Name", name),
		Description: l.T("pricehistory.meta", "Name", name), Section: "products", Data: v})
}

// chartGeom is a chart's geometry, in viewBox units. The SVG is scaled to
// its column, so a label's size on screen is Font × column width ÷ W: the
// wide chart fills a desktop column of about 640–760 px, the narrow one a
// phone's 340–380 px, both near 13–15 px text.
type chartGeom struct {
	W, H, Left, Right, Top, Bot, Font float64
	Class                             string
	// Gap is the least distance between two date labels.
	Gap float64
}

var (
	wideChart   = chartGeom{W: 640, H: 280, Left: 92, Right: 16, Top: 16, Bot: 44, Font: 13, Gap: 90, Class: "history-chart history-chart-wide"}
	narrowChart = chartGeom{W: 360, H: 240, Left: 78, Right: 10, Top: 14, Bot: 44, Font: 13, Gap: 80, Class: "history-chart history-chart-narrow"}
)

// historySeries is one line of the chart.
type historySeries struct {
	Label  string
	Colour string
	Dash   string
	Value  func(b *models.Breakdown) int64
}

// historyChart draws the retail price, what it paid the artisans and the
// local market price over time as step lines (a version holds until the
// next one), from the first version to now. No script, no style
// attribute: presentation attributes only (CSP). The tables below the
// chart are its accessible equivalent; title and desc read it out.
func historyChart(l *Localizer, id string, g chartGeom, bs []models.Breakdown, now time.Time) template.HTML {
	if len(bs) == 0 {
		return ""
	}
	series := []historySeries{
		{l.T("pricehistory.series.price"), "#2d4f8b", "", func(b *models.Breakdown) int64 { return b.Price }},
		{l.T("pricehistory.series.artisans"), "#9b2335", "", func(b *models.Breakdown) int64 { return b.PaidToArtisans().Amount }},
		{l.T("pricehistory.series.local_market"), "#5f6670", "6 4", func(b *models.Breakdown) int64 { return b.LocalMarketPrice }},
	}
	t0, t1 := bs[0].CreatedAt, now
	if !t1.After(t0) {
		t1 = t0.Add(time.Hour)
	}
	var top int64
	for i := range bs {
		for _, sr := range series {
			top = max(top, sr.Value(&bs[i]))
		}
	}
	step := niceStep(top)
	ymax := (top/step + 1) * step
	plotW, plotH := g.W-g.Left-g.Right, g.H-g.Top-g.Bot
	x := func(t time.Time) float64 {
		return g.Left + plotW*float64(t.Sub(t0))/float64(t1.Sub(t0))
	}
	y := func(v int64) float64 { return g.Top + plotH*(1-float64(v)/float64(ymax)) }
	esc := template.HTMLEscapeString

	first, last := &bs[0], &bs[len(bs)-1]
	desc := l.T("pricehistory.chart_desc", "Versions", len(bs),
		"From", first.CreatedAt.UTC().Format(time.DateOnly), "To", last.CreatedAt.UTC().Format(time.DateOnly),
		"PriceFrom", l.Money(first.PriceMoney()), "PriceTo", l.Money(last.PriceMoney()),
		"PaidFrom", l.Money(first.PaidToArtisans()), "PaidTo", l.Money(last.PaidToArtisans()))

	var w strings.Builder
	fmt.Fprintf(&w, `<svg class="%s" width="100%%" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-t %s-d" preserveAspectRatio="xMidYMid meet">`,
		g.Class, g.W, g.H, id, id)
	fmt.Fprintf(&w, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(l.T("pricehistory.chart_title")), id, esc(desc))
	// Grid and y axis labels.
	for v := int64(0); v <= ymax; v += step {
		fmt.Fprintf(&w, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#e6d8c1" stroke-width="1"/>`, g.Left, y(v), g.W-g.Right, y(v))
		fmt.Fprintf(&w, `<text x="%g" y="%.1f" font-size="%g" fill="#5f534b" text-anchor="end" dominant-baseline="middle">%s</text>`,
			g.Left-8, y(v), g.Font, esc(l.Money(models.Soles(v))))
	}
	// x axis: the date of each version, skipping any too close to the last one drawn.
	fmt.Fprintf(&w, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#5f534b" stroke-width="1"/>`, g.Left, g.H-g.Bot, g.W-g.Right, g.H-g.Bot)
	lastX := math.Inf(-1)
	for i := range bs {
		px := x(bs[i].CreatedAt)
		if px-lastX < g.Gap {
			continue
		}
		lastX = px
		anchor := "middle"
		switch {
		case px < g.Left+45:
			anchor = "start"
		case px > g.W-g.Right-45:
			anchor = "end"
		}
		fmt.Fprintf(&w, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke="#5f534b" stroke-width="1"/>`, px, g.H-g.Bot, px, g.H-g.Bot+5)
		fmt.Fprintf(&w, `<text x="%.1f" y="%g" font-size="%g" fill="#5f534b" text-anchor="%s">%s</text>`,
			px, g.H-g.Bot+20, g.Font, anchor, bs[i].CreatedAt.UTC().Format(time.DateOnly))
	}
	fmt.Fprintf(&w, `<text x="%g" y="%g" font-size="%g" fill="#5f534b" text-anchor="end">%s</text>`,
		g.W-g.Right, g.H-g.Bot+38, g.Font, esc(l.T("pricehistory.today")))
	// The lines, drawn as steps, with a dot at each version.
	for _, sr := range series {
		var d strings.Builder
		for i := range bs {
			px, py := x(bs[i].CreatedAt), y(sr.Value(&bs[i]))
			if i == 0 {
				fmt.Fprintf(&d, "M%.1f %.1f", px, py)
			} else {
				fmt.Fprintf(&d, " H%.1f V%.1f", px, py)
			}
		}
		fmt.Fprintf(&d, " H%.1f", g.W-g.Right)
		dash := ""
		if sr.Dash != "" {
			dash = ` stroke-dasharray="` + sr.Dash + `"`
		}
		fmt.Fprintf(&w, `<path d="%s" fill="none" stroke="%s" stroke-width="3"%s/>`, d.String(), sr.Colour, dash)
		for i := range bs {
			fmt.Fprintf(&w, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>`, x(bs[i].CreatedAt), y(sr.Value(&bs[i])), sr.Colour)
		}
	}
	w.WriteString(`</svg>`)
	return template.HTML(w.String())
}

// niceStep picks a grid step of 1, 2 or 5 × 10ⁿ céntimos giving about four
// lines up to top.
func niceStep(top int64) int64 {
	if top <= 0 {
		return 100
	}
	raw := float64(top) / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return max(int64(m*mag), 1)
		}
	}
	return int64(10 * mag)
}
