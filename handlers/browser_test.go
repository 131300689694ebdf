package handlers_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
)

// browser starts headless Chromium for one test. Locally it skips when
// Chromium is not installed; in CI (CI=true) that is a failure, so the
// browser test never silently disappears (.ci/run installs Chromium).
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if path, err = exec.LookPath("chromium-browser"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("Chromium is not installed: CI must run the browser test (apt-get install chromium)")
			}
			t.Skip("Chromium is not installed")
		}
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(390, 844), // a phone
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// A buyer on a phone, without help from JavaScript, searches the catalog,
// opens a piece, reads where the money goes, and switches to English.
func TestBrowser_BuyerFindsAPieceAndSeesWhereTheMoneyGoes(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	web := newTestServer(t, dbtest.Open(t, "sqlite", demoCatalog), withPageCache(100))

	err := chromedp.Do(ctx,
		chromedp.Navigate(web.URL+"/products?lang=es"),
		chromedp.Click(chromedp.CSS(`.filters-fold > summary`)), // on a phone the filters are folded
		chromedp.SendKeys(chromedp.CSS(`#f-q`), "retablo"),
	)
	if err == nil {
		// RunResponse waits for the navigation the submit starts.
		_, err = chromedp.RunResponse(ctx, chromedp.Submit(chromedp.CSS(`#f-q`)))
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`a.card-link`)))
	}
	if err != nil {
		t.Fatalf("search the catalog: %v", err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(loc, "q=retablo") {
		t.Fatalf("the search form did not submit: at %s", loc)
	}
	first, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`a.card-link`), "href"))
	if err != nil {
		t.Fatalf("read first result: %v", err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a.card-link`))); err != nil {
		t.Fatalf("open %v: %v", first, err)
	}
	table, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`table.breakdown`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Mano de obra artesanal", "Fondo comunal", "S/", "100.0 %"} {
		if !strings.Contains(table, want) {
			t.Errorf("breakdown table lacks %q:\n%s", want, table)
		}
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
	if err != nil || len(shot) < 1000 {
		t.Fatalf("screenshot: %v (%d bytes)", err, len(shot))
	}
	if dir := os.Getenv("QHATU_SCREENSHOT_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, "product-phone.jpg"), shot, 0o644)
	}

	// The language switch is a plain link, in the header's folded menu.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.site-menu > summary`))); err != nil {
		t.Fatalf("open the menu: %v", err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a[hreflang="en"]`))); err != nil {
		t.Fatalf("switch to English: %v", err)
	}
	table, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`table.breakdown`)))
	if !strings.Contains(table, "Artisan labour") {
		t.Errorf("after switching to English the table reads:\n%s", table)
	}
}

// Staff sign in through the real form, change a price in the back office
// while the page's script keeps the running sum, and save a new version
// that the shop shows at once.
func TestBrowser_StaffChangesAPriceWithTheLiveSum(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	web := newTestServer(t, dbtest.Open(t, "sqlite", demoCatalog), withPageCache(100))
	bg := context.Background()
	const email, password = "staff@ciap.test", "a long staff password"
	if _, err := web.Store.CreateUser(bg, web.HasherForTest(), models.NewUser{Email: email, Name: "Staff",
		Role: models.RoleStaff, Password: password}); err != nil {
		t.Fatal(err)
	}
	page, err := web.Store.ListProducts(bg, models.ProductFilter{PerPage: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatal(err)
	}
	p, err := web.Store.ProductBySlug(bg, page.Items[0].Slug)
	if err != nil {
		t.Fatal(err)
	}

	err = chromedp.Do(ctx, chromedp.Navigate(web.URL+"/signin?lang=en"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password))
	if err == nil {
		_, err = chromedp.RunResponse(ctx, chromedp.Submit(chromedp.CSS(`input[name="password"]`)))
	}
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	prices := fmt.Sprintf("%s/admin/products/%d/prices", web.URL, p.ID)
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(prices)); err != nil {
		t.Fatalf("open prices: %v", err)
	}
	sumClass := func() string {
		cls, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("sum-retail").className`))
		if err != nil {
			t.Fatal(err)
		}
		return cls
	}
	if cls := sumClass(); !strings.Contains(cls, "sum-ok") {
		t.Fatalf("the saved breakdown should add up: %q", cls)
	}
	// One sol more for the artisans' labour: the running sum is off…
	// (typed with a decimal comma, as many people in Peru type amounts)
	set := func(name string, cents int64) {
		t.Helper()
		typed := strings.Replace(models.Soles(cents).Decimal(), ".", ",", 1)
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`input[name="`+name+`"]`), typed),
			chromedp.SendKeys(chromedp.CSS(`input[name="`+name+`"]`), " ")); err != nil { // a key press fires "input"
			t.Fatal(err)
		}
	}
	r, w := p.RetailBreakdown, p.WholesaleBreakdown
	// The hourly pay follows the labour time typed in hours and minutes:
	// 999 hours a piece is pay under the minimum wage, flagged at once.
	hourly := func() (string, string) {
		out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { const o = document.getElementById("hourly-pay"); return [o.className, o.textContent]; })()`))
		if err != nil || len(out) != 2 {
			t.Fatalf("hourly pay: %v", err)
		}
		return out[0], out[1]
	}
	if cls, text := hourly(); strings.Contains(cls, "hourly-below") || !strings.Contains(text, "an hour") {
		t.Fatalf("the saved breakdown's hourly pay: %q %q", cls, text)
	}
	setText := func(name, v string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`input[name="`+name+`"]`), v),
			chromedp.SendKeys(chromedp.CSS(`input[name="`+name+`"]`), "0")); err != nil {
			t.Fatal(err)
		}
	}
	hours := strconv.Itoa(r.LabourMinutes / 60)
	setText("labour_hours", "99") // typed "990"
	if cls, text := hourly(); !strings.Contains(cls, "hourly-below") || !strings.Contains(text, "UNDER") {
		t.Fatalf("990 hours a piece should be flagged under the minimum wage: %q %q", cls, text)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`input[name="labour_hours"]`), hours[:len(hours)-1]),
		chromedp.SendKeys(chromedp.CSS(`input[name="labour_hours"]`), hours[len(hours)-1:])); err != nil {
		t.Fatal(err)
	}
	if cls, _ := hourly(); strings.Contains(cls, "hourly-below") {
		t.Fatalf("back to %s hours the flag should go: %q", hours, cls)
	}
	set("retail.artisan_labour", r.ArtisanLabour+100)
	if cls := sumClass(); !strings.Contains(cls, "sum-bad") {
		t.Fatalf("after raising labour alone the sum should be flagged: %q", cls)
	}
	// …until the same sol comes out of CIAP's margin, on both channels.
	set("retail.margin", r.Margin-100)
	set("wholesale.artisan_labour", w.ArtisanLabour+100)
	set("wholesale.margin", w.Margin-100)
	if cls := sumClass(); !strings.Contains(cls, "sum-ok") {
		t.Fatalf("the corrected breakdown should add up again: %q", cls)
	}
	err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`textarea[name="reason"]`), "Labour rate agreed with the assembly"))
	if err == nil {
		_, err = chromedp.RunResponse(ctx, chromedp.Submit(chromedp.CSS(`textarea[name="reason"]`)))
	}
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	got, err := web.Store.ProductBySlug(bg, p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if got.RetailBreakdown.Version != r.Version+1 || got.RetailBreakdown.ArtisanLabour != r.ArtisanLabour+100 ||
		got.RetailBreakdown.CreatedBy != email {
		t.Fatalf("want a new version by %s with labour %d, got v%d labour %d by %q", email, r.ArtisanLabour+100,
			got.RetailBreakdown.Version, got.RetailBreakdown.ArtisanLabour, got.RetailBreakdown.CreatedBy)
	}
	// The shop shows the new version at once (the page cache follows the catalog version).
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(web.URL+"/products/"+p.Slug)); err != nil {
		t.Fatal(err)
	}
	table, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`table.breakdown`)))
	if err != nil || !strings.Contains(table, models.Soles(r.ArtisanLabour+100).Decimal()) {
		t.Fatalf("product page breakdown after the change (%v):\n%s", err, table)
	}
}
