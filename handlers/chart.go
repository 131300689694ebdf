package handlers

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/ciap/qhatu/models"
)

// The chart is drawn on the server as inline SVG: no script, no style
// attribute (the CSP forbids inline styles), colours as presentation
// attributes. The table beside it is its accessible equivalent; the SVG
// also carries a <title> and a <desc> that read the figures out.

// componentColors gives each component its colour: the artisans' three
// in the warm dyes of the weavers (cochineal, terracotta, saffron), CIAP's
// side in indigo, sky, stone and green. Each is at least 3:1 against the
// page background, and segments are separated by white gaps so adjacent
// colours never blur into one.
var componentColors = map[models.ComponentKey]string{
	models.ArtisanLabour:    "#9b2335",
	models.ArtisanMaterials: "#c4532f",
	models.CommunityFund:    "#b07a0c",
	models.CIAPOperations:   "#2d4f8b",
	models.Logistics:        "#4a78a8",
	models.PaymentFees:      "#6c5a8e",
	models.Taxes:            "#5f6670",
	models.Margin:           "#2f7566",
}

func componentColor(k models.ComponentKey) string {
	if c, ok := componentColors[k]; ok {
		return c
	}
	return "#5f6670"
}

// chartSegment is one component of a stacked bar.
type chartSegment struct {
	Key    models.ComponentKey
	Amount int64
}

// stackedBar is a horizontal bar split into the eight components, with a
// bracket over the artisans' part and one over the rest.
type stackedBar struct {
	ID           string // unique on the page: ids of the title and desc derive from it
	Title        string
	Desc         string
	ArtisanLabel string // e.g. "Paid to artisans · 52.3 %"
	OtherLabel   string // e.g. "CIAP, costs and taxes · 47.7 %"
	Segments     []chartSegment
}

const (
	chartWidth  = 640.0
	chartHeight = 64.0
	chartBarTop = 18.0
)

// SVG draws the chart: the two labels in HTML above (so they keep the
// page's text size on a phone), then the brackets and the bar in SVG,
// stretched to the width of the page. Labels are escaped here, since the
// result is trusted HTML.
func (b stackedBar) SVG() template.HTML {
	var total int64
	for _, s := range b.Segments {
		total += max(s.Amount, 0)
	}
	esc := template.HTMLEscapeString
	var w strings.Builder
	fmt.Fprintf(&w, `<div class="chart-labels"><span class="chart-label-artisans">%s</span> <span class="chart-label-others">%s</span></div>`,
		esc(b.ArtisanLabel), esc(b.OtherLabel))
	fmt.Fprintf(&w, `<svg class="chart price-bar" viewBox="0 0 %g %g" preserveAspectRatio="none" role="img" aria-labelledby="%s-t %s-d">`,
		chartWidth, chartHeight, esc(b.ID), esc(b.ID))
	fmt.Fprintf(&w, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(b.ID), esc(b.Title), esc(b.ID), esc(b.Desc))
	if total <= 0 {
		w.WriteString(`</svg>`)
		return template.HTML(w.String())
	}
	x := func(sum int64) float64 { return float64(sum) * chartWidth / float64(total) }
	var cum, artisansEnd int64
	w.WriteString(`<g>`)
	for _, s := range b.Segments {
		if s.Amount <= 0 {
			continue
		}
		x0, x1 := x(cum), x(cum+s.Amount)
		cum += s.Amount
		if s.Key.PaysArtisans() {
			artisansEnd = cum
		}
		fmt.Fprintf(&w, `<rect x="%.2f" y="%g" width="%.2f" height="%g" fill="%s" stroke="#fffdf8" stroke-width="2" vector-effect="non-scaling-stroke"/>`,
			x0, chartBarTop, max(x1-x0, 0.5), chartHeight-chartBarTop, componentColor(s.Key))
	}
	w.WriteString(`</g>`)
	// Brackets over the artisans' part (left) and the rest (right).
	split := x(artisansEnd)
	bracket := func(x0, x1 float64, colour string) {
		if x1-x0 < 4 {
			return
		}
		fmt.Fprintf(&w, `<path d="M%.2f %g V%g H%.2f V%g" fill="none" stroke="%s" stroke-width="3" vector-effect="non-scaling-stroke"/>`,
			x0+1.5, chartBarTop-4, 4.0, x1-1.5, chartBarTop-4, colour)
	}
	bracket(0, split-2, "#7a1b2a")
	bracket(split+2, chartWidth, "#1f3560")
	w.WriteString(`</svg>`)
	return template.HTML(w.String())
}

// breakdownChart draws a product's breakdown with its translated labels.
func breakdownChart(l *Localizer, id string, b *models.Breakdown) template.HTML {
	if b == nil {
		return ""
	}
	comps := b.Components()
	shares, artisans := breakdownPermilles(b)
	segs := make([]chartSegment, len(comps))
	parts := make([]string, len(comps))
	for i, c := range comps {
		segs[i] = chartSegment{Key: c.Key, Amount: c.Amount.Amount}
		parts[i] = fmt.Sprintf("%s: %s (%s)", l.ComponentLabel(c.Key), l.Money(c.Amount), l.Permille(shares[i]))
	}
	return stackedBar{
		ID:    id,
		Title: l.T("chart.breakdown_title", "Price", l.Money(b.PriceMoney())),
		Desc: l.T("chart.breakdown_desc", "Share", l.Permille(artisans)) + " " +
			strings.Join(parts, "; ") + ".",
		ArtisanLabel: l.T("chart.artisans", "Share", l.Permille(artisans)),
		OtherLabel:   l.T("chart.others", "Share", l.Permille(1000-artisans)),
		Segments:     segs,
	}.SVG()
}

// sharesChart draws the catalog-wide split from per-component shares.
func sharesChart(l *Localizer, id string, shares []models.ComponentShare) template.HTML {
	segs := make([]chartSegment, len(shares))
	parts := make([]string, len(shares))
	var artisans int64
	for i, s := range shares {
		segs[i] = chartSegment{Key: s.Key, Amount: s.Amount}
		parts[i] = fmt.Sprintf("%s: %s", l.ComponentLabel(s.Key), l.Permille(s.Permille))
		if s.Key.PaysArtisans() {
			artisans += s.Permille
		}
	}
	return stackedBar{
		ID:           id,
		Title:        l.T("chart.catalog_title"),
		Desc:         l.T("chart.breakdown_desc", "Share", l.Permille(artisans)) + " " + strings.Join(parts, "; ") + ".",
		ArtisanLabel: l.T("chart.artisans", "Share", l.Permille(artisans)),
		OtherLabel:   l.T("chart.others", "Share", l.Permille(1000-artisans)),
		Segments:     segs,
	}.SVG()
}

// shareMeter is the small bar on a product card showing the artisans'
// share. It is decorative: the card says the figure in words.
func shareMeter(permille int64) template.HTML {
	permille = min(max(permille, 0), 1000)
	return template.HTML(fmt.Sprintf(`<svg class="meter" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" focusable="false">`+
		`<rect width="100" height="6" rx="3" fill="#e8dcc8"/><rect width="%.1f" height="6" rx="3" fill="#9b2335"/></svg>`,
		float64(permille)/10))
}
