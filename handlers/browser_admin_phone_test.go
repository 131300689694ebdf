package handlers_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
)

// paidOrderOnAPhone is a demo shop with a paid, fulfilled order of two
// pieces and a browser on a 390 px phone signed in with role.
func paidOrderOnAPhone(t *testing.T, role models.Role, lang string) (context.Context, *testServer, *models.Order) {
	t.Helper()
	ctx := browser(t)
	db := dbtest.Open(t, "sqlite", demoCatalog)
	web := newTestServer(t, db)
	var prod struct{ ID int64 }
	if err := db.Raw(`SELECT id FROM products WHERE published AND stock >= 3 ORDER BY id LIMIT 1`).
		Scan(&prod).Error; err != nil || prod.ID == 0 {
		t.Fatalf("a product in stock: %v", err)
	}
	o := paidDemoOrder(t, web, prod.ID, 2)
	if _, err := web.Store.FulfillOrder(context.Background(), o.ID); err != nil {
		t.Fatal(err)
	}
	u := web.createUser(t, role)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(web.URL+"/signin?lang="+lang),
		chromedp.SendKeys(chromedp.CSS(`#signin-email`), u.Email),
		chromedp.SendKeys(chromedp.CSS(`#signin-password`), testPassword),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.CSS(`#signin-password`))); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	return ctx, web, o
}

// Staff on a 390 px phone open a paid order: its refund form's table
// scrolls in its box instead of widening the page (a fieldset is as wide
// as its widest content unless told otherwise).
func TestBrowser_StaffOrderPageFitsAPhone(t *testing.T) {
	t.Parallel()
	ctx, web, o := paidOrderOnAPhone(t, models.RoleStaff, "es")
	path := "/admin/orders/" + strconv.FormatInt(o.ID, 10)
	if res, err := chromedp.RunResponse(ctx, chromedp.Navigate(web.URL+path)); err != nil || res.Status != 200 {
		t.Fatalf("%s: %v %v", path, res, err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('fieldset .refund-lines').length`)); n != 1 {
		t.Fatalf("%s: no refund form", path)
	}
	fit, err := chromedp.Run(ctx, chromedp.Evaluate[pageFit](measureFit))
	if err != nil {
		t.Fatal(err)
	}
	if fit.ScrollWidth > 390 || fit.Window > 390 {
		t.Errorf("%s is %g px wide in a %g px window, want 390", path, fit.ScrollWidth, fit.Window)
	}
}
