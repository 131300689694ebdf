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

// A buyer on a 390 px phone, without help from JavaScript, adds a piece
// from its page, opens the cart from the header, checks out as a guest to
// Lima paying by bank transfer, and lands on the order's page with the
// account to transfer to and the order number as the reference.
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
	// Headless Chromium keeps its window at least 500 px wide: the phone's
	// viewport is emulated, as browser_phone_test.go does.
	run("emulate a phone", chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateMobile))
	run("open the piece", chromedp.Navigate(web.URL+"/products/"+p.Slug+"?lang=en"))
	submit("add to cart", `form.add-to-cart button[type=submit]`)
	// The cart link sits in the header, outside the folded menu.
	submit("open the cart from the header", `header a.cart-link`)
	lines, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.cart-lines`)))
	if err != nil || !strings.Contains(lines, p.NameEN) {
		t.Fatalf("the cart lists %q, want %q (%v)", lines, p.NameEN, err)
	}
	checkWidth(t, ctx, "the cart")
	submit("go to checkout", `a[href="/checkout"].button`)
	run("fill in the form",
		chromedp.SendKeys(chromedp.ID("checkout-email"), "lucia@example.org"),
		chromedp.SendKeys(chromedp.ID("checkout-name"), "Lucía Huamán"),
		chromedp.SendKeys(chromedp.ID("checkout-phone"), "+51 987 654 321"),
		chromedp.SetValue(chromedp.ID("checkout-region"), "lima-metropolitana"),
		chromedp.SendKeys(chromedp.ID("checkout-city"), "Barranco"),
		chromedp.SendKeys(chromedp.ID("checkout-address"), "Jr. Batallón Ayacucho 271"),
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
	if o.Status != models.StatusPendingPayment || o.Method != models.PaymentBankTransfer || o.Customer.Name != "Lucía Huamán" ||
		o.Customer.Address.Region != "lima-metropolitana" || len(o.Lines) != 1 || o.Lines[0].ProductID != p.ID {
		t.Errorf("order %s: %s by %s, %+v, lines %+v", o.Number, o.Status, o.Method, o.Customer, o.Lines)
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
	// The reference to write on the transfer is the order's number.
	ref, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
  for (const row of document.querySelectorAll('dl.order-bank > div')) {
    if (row.querySelector('dt').textContent.includes('Reference')) return row.querySelector('dd').textContent.trim();
  }
  return '';
})()`))
	if err != nil || ref != o.Number {
		t.Errorf("transfer reference %q, want the order number %q (%v)", ref, o.Number, err)
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

// phoneWidth is the width of the phone the test emulates.
const phoneWidth = 390

// checkWidth fails when the page is wider than the phone: it would scroll
// sideways.
func checkWidth(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	if inner, err := chromedp.Run(ctx, chromedp.Evaluate[int](`innerWidth`)); err != nil || inner != phoneWidth {
		t.Fatalf("%s: the window is %d px wide, want a %d px phone (%v)", what, inner, phoneWidth, err)
	}
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || w > phoneWidth {
		t.Errorf("%s is %d px wide on a %d px phone (%v)", what, w, phoneWidth, err)
	}
}
