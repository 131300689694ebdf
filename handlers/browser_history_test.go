package handlers_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
)

// pageFit is what the price history page measures in the browser.
type pageFit struct {
	// ScrollWidth and Window: the document's width and the window's; the
	// page overflows sideways when the first is larger.
	ScrollWidth, Window float64
	// TableRight is the right edge of the widest table (a table in a
	// scrolling box does not widen the document, but still overflows).
	TableRight float64
	// ChartText is the rendered size in CSS pixels of the visible chart's
	// labels, and Charts how many charts are shown.
	ChartText float64
	Charts    int
}

const measureFit = `(() => {
const shown = [...document.querySelectorAll("svg.history-chart")].filter(e => e.checkVisibility());
let text = 0;
if (shown.length) {
  const svg = shown[0], t = svg.querySelector("text");
  text = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * parseFloat(t.getAttribute("font-size"));
}
const right = Math.max(0, ...[...document.querySelectorAll("main table")].map(e => e.getBoundingClientRect().right));
return {ScrollWidth: document.documentElement.scrollWidth, Window: innerWidth, TableRight: right, ChartText: text, Charts: shown.length};
})()`

// The price history of a piece with three versions fits a 390 px phone and
// a 1280 px desktop without scrolling sideways, and the chart's labels are
// drawn at 11 px or more on both.
func TestBrowser_PriceHistoryFitsPhoneAndDesktop(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	web := newTestServer(t, dbtest.Open(t, "sqlite", demoCatalog))
	bg := context.Background()
	page, err := web.Store.ListProducts(bg, models.ProductFilter{PerPage: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatal(err)
	}
	p, err := web.Store.ProductBySlug(bg, page.Items[0].Slug)
	if err != nil {
		t.Fatal(err)
	}
	ed := web.Store.Editor("precios@ciap.example")
	lock := p.LockVersion
	for i := range 2 {
		r, w := *p.RetailBreakdown, *p.WholesaleBreakdown
		r.LabourMinutes += 30 * (i + 1)
		w.LabourMinutes = r.LabourMinutes
		ch, err := ed.SaveBreakdownsWithReasons(bg, p.ID, lock, &r, &w,
			models.PriceReasons{ES: "nuevo tiempo medido con el grupo", EN: "labour time measured again with the group"})
		if err != nil {
			t.Fatal(err)
		}
		lock = ch.LockVersion
	}
	for _, vp := range []struct {
		name   string
		width  int64
		height int64
		mobile bool
	}{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}} {
		opts := []chromedp.EmulateViewportOption{}
		if vp.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height, opts...)); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"es", "en"} {
			if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(web.URL+"/products/"+p.Slug+"/history?lang="+lang)); err != nil {
				t.Fatalf("open history: %v", err)
			}
			fit, err := chromedp.Run(ctx, chromedp.Evaluate[pageFit](measureFit))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %s: document %.0f px, tables to %.0f px, in %.0f px; chart labels %.1f px", vp.name, lang,
				fit.ScrollWidth, fit.TableRight, fit.Window, fit.ChartText)
			if fit.ScrollWidth > fit.Window || fit.TableRight > fit.Window || fit.TableRight == 0 {
				t.Errorf("%s (%s): the page is %.0f px wide, its tables reach %.0f px, in a %.0f px window", vp.name, lang,
					fit.ScrollWidth, fit.TableRight, fit.Window)
			}
			if fit.Charts != 1 || fit.ChartText < 11 {
				t.Errorf("%s (%s): %d charts shown, labels %.1f px (want one chart, 11 px or more)", vp.name, lang, fit.Charts, fit.ChartText)
			}
			saveScreenshot(t, ctx, "price-history-"+vp.name+"-"+lang)
		}
	}
}
