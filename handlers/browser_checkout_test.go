package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
)

// A buyer on a phone, without help from JavaScript, adds a piece from its
// page, checks out as a guest paying by bank transfer, and lands on the
// order's page with the account to transfer to and the reference.
func TestBrowser_BuyerPaysByBankTransferOnAPhone(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	db := dbtest.Open(t, "sqlite", demoCatalog)
	web := newTestServer(t, db, withPageCache(100), withTestBank())
	p := cartProduct(t, db, 3)

	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	submit := func(what, sel string) {
		t.Helper()
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	run("open the piece", chromedp.Navigate(web.URL+"/products/"+p.Slug+"?lang=en"))
	submit("add to cart", `form.add-to-cart button[type=submit]`)
	run("open the cart", chromedp.Navigate(web.URL+"/cart"))
	submit("go to checkout", `a[href="/checkout"].button`)
	run("fill in the form",
		chromedp.SendKeys(chromedp.ID("checkout-email"), "lucia@example.org"),
		chromedp.SendKeys(chromedp.ID("checkout-name"), "Lucía Huamán"),
		chromedp.SendKeys(chromedp.ID("checkout-phone"), "+51 987 654 321"),
		chromedp.SetValue(chromedp.ID("checkout-region"), "cusco"),
		chromedp.SendKeys(chromedp.ID("checkout-city"), "Cusco"),
		chromedp.SendKeys(chromedp.ID("checkout-address"), "Calle Saphi 456"),
		chromedp.Click(chromedp.ID("checkout-method-bank")),
	)
	checkWidth(t, ctx, "the checkout")
	submit("place the order", `form.checkout-form button[type=submit]`)

	loc, _ := chromedp.Run(ctx, chromedp.Location())
	tok, ok := strings.CutPrefix(loc, web.URL+"/orders/")
	if !ok {
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
		t.Fatalf("after placing the order the browser is at %s:\n%.600s", loc, body)
	}
	o, err := web.Store.OrderByToken(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != models.StatusPendingPayment || o.ShippingZoneCode != models.ZonePeru || o.Customer.Name != "Lucía Huamán" {
		t.Errorf("order %s: %s, zone %s, name %q", o.Number, o.Status, o.ShippingZoneCode, o.Customer.Name)
	}
	page, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{o.Number, testBank.Account, testBank.CCI, "Waiting for payment", "Pay by bank transfer"} {
		if !strings.Contains(page, want) {
			t.Errorf("order page lacks %q", want)
		}
	}
	checkWidth(t, ctx, "the order page")
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
	if err != nil || len(shot) < 1000 {
		t.Fatalf("screenshot: %v (%d bytes)", err, len(shot))
	}
	if dir := os.Getenv("QHATU_SCREENSHOT_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, "order-phone.jpg"), shot, 0o644)
	}
}

// checkWidth fails when the page is wider than the window: on a phone it
// would scroll sideways. (Headless Chromium keeps its window at least
// 500 px wide, so the window's own width is the measure.)
func checkWidth(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
	if err != nil || over > 0 {
		t.Errorf("%s is %d px wider than the window (%v)", what, over, err)
	}
}
