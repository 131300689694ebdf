package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
)

// box is where an element sits, in CSS pixels from the top of the
// document, with the window's height and whether it is rendered at all
// (checkVisibility is false inside a folded <details>).
type box struct {
	Top, Bottom, Height, Window float64
	Visible                     bool
}

// boxOf measures the first element matching a CSS selector.
func boxOf(t *testing.T, ctx context.Context, selector string) box {
	t.Helper()
	js := `(() => { const e = document.querySelector(` + "`" + selector + "`" + `);
if (!e) return null;
const r = e.getBoundingClientRect();
return {Top: r.top + scrollY, Bottom: r.bottom + scrollY, Height: r.height, Window: innerHeight,
  Visible: e.checkVisibility({visibilityProperty: true}) && r.height > 0}; })()`
	b, err := chromedp.Run(ctx, chromedp.Evaluate[*box](js))
	if err != nil {
		t.Fatalf("measure %s: %v", selector, err)
	}
	if b == nil {
		t.Fatalf("no element %s", selector)
	}
	return *b
}

// saveScreenshot keeps what the window shows when QHATU_SCREENSHOT_DIR is set.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("QHATU_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

// On a 390 × 844 phone, with the demo banner shown: the header is one
// short row whose menu folds; the catalog's first piece is on the first
// screen, with the filters folded and the active ones as chips; the home
// page's first piece comes within a screen and a half; a product's price,
// plain sentence and add-to-cart button sit together near the top. On a
// wide screen the menu and the filters are shown unfolded.
func TestBrowser_PhoneHeaderIsCompactAndPiecesComeFirst(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	web := newTestServer(t, dbtest.Open(t, "sqlite", demoCatalog), withPageCache(100),
		withConfig(func(c *handlers.Config) { c.DemoNotice = true }))
	page, err := web.Store.ListProducts(context.Background(), models.ProductFilter{PerPage: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatal(err)
	}
	slug := page.Items[0].Slug
	open := func(path string) {
		t.Helper()
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(web.URL+path)); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/?lang=es", "/products?lang=en", "/products/" + slug + "?lang=es", "/groups?lang=en"} {
		open(path)
		if h := boxOf(t, ctx, `.site-header`); h.Height > 120 {
			t.Errorf("%s: the header is %.0f px tall on a phone, want ≤ 120", path, h.Height)
		}
		if boxOf(t, ctx, `.main-nav`).Visible || !boxOf(t, ctx, `.site-menu > summary`).Visible {
			t.Errorf("%s: the menu is not folded on a phone", path)
		}
	}

	open("/?lang=es")
	saveScreenshot(t, ctx, "phone-home")
	if c := boxOf(t, ctx, `.cards .card`); c.Top > 1.5*c.Window {
		t.Errorf("home: the first piece starts at %.0f px, want within 1.5 screens (%.0f px)", c.Top, 1.5*c.Window)
	}

	open("/products/" + slug + "?lang=es")
	saveScreenshot(t, ctx, "phone-product")
	buy, button := boxOf(t, ctx, `.buy-box`), boxOf(t, ctx, `.buy-box button`)
	if !boxOf(t, ctx, `.buy-box .artisan-share`).Visible || buy.Top > 0.75*buy.Window || button.Bottom > 1.1*buy.Window {
		t.Errorf("product: buy box at %.0f–%.0f px, its button ends at %.0f px, on a %.0f px screen",
			buy.Top, buy.Bottom, button.Bottom, buy.Window)
	}

	open("/products?lang=en&craft=retablo&region=ayacucho")
	saveScreenshot(t, ctx, "phone-products")
	if img := boxOf(t, ctx, `.cards .card .card-img`); img.Bottom > img.Window {
		t.Errorf("catalog: the first piece's picture ends at %.0f px, below the first screen (%.0f px)", img.Bottom, img.Window)
	}
	if boxOf(t, ctx, `#f-q`).Visible || !boxOf(t, ctx, `.filter-chips .chip`).Visible {
		t.Error("catalog: on a phone the filters should be folded and the active ones shown as chips")
	}
	// Both folds open without JavaScript.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.filters-fold > summary`))); err != nil {
		t.Fatal(err)
	}
	if !boxOf(t, ctx, `#f-q`).Visible {
		t.Error("catalog: the filters do not unfold")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.site-menu > summary`))); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, ctx, "phone-menu")
	if !boxOf(t, ctx, `.main-nav`).Visible || !boxOf(t, ctx, `a[hreflang="es"]`).Visible {
		t.Error("the menu does not unfold")
	}

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	open("/products?lang=es&craft=retablo")
	saveScreenshot(t, ctx, "wide-products")
	if boxOf(t, ctx, `.site-menu > summary`).Visible || !boxOf(t, ctx, `.main-nav`).Visible ||
		!boxOf(t, ctx, `a[hreflang="en"]`).Visible || !boxOf(t, ctx, `#f-q`).Visible {
		t.Error("on a wide screen the menu and the filters should be shown unfolded")
	}
	// And the unfolded links work.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`.main-nav a[href="/groups"]`))); err != nil {
		t.Fatalf("follow the main nav: %v", err)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != web.URL+"/groups" {
		t.Errorf("the main nav led to %s", loc)
	}
}
