package handlers_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
	ctx := browser(t)
	srv, _ := apiServer(t, dbtest.Open(t, "sqlite"), 100)
	web := httptest.NewServer(srv)
	defer web.Close()

	err := chromedp.Do(ctx,
		chromedp.Navigate(web.URL+"/products?lang=es"),
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

	// The language switch is a plain link.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a[hreflang="en"]`))); err != nil {
		t.Fatalf("switch to English: %v", err)
	}
	table, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`table.breakdown`)))
	if !strings.Contains(table, "Artisan labour") {
		t.Errorf("after switching to English the table reads:\n%s", table)
	}
}
