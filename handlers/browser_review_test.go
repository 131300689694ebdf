package handlers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ciap/qhatu/models"
)

// A reviewer on a 390 px phone reads an order's trail, a ledger entry with
// its hashes, the ledger, a sample and the reconciliation without the page
// scrolling sideways (long hashes wrap; wide tables scroll in their box).
func TestBrowser_ReviewTrailPagesFitAPhone(t *testing.T) {
	t.Parallel()
	ctx, web, o := paidOrderOnAPhone(t, models.RoleReviewer, "en")
	day := time.Now().In(time.FixedZone("", -5*3600)).Format(time.DateOnly)
	for _, path := range []string{"/review", "/review/fair-pay", "/review/exports", "/review/orders/" + o.Number, "/review/ledger/1", "/review/ledger",
		fmt.Sprintf("/review/sample?seed=phone&n=5&from=%s&to=%s", day, day),
		fmt.Sprintf("/review/reconciliation?period=custom&from=%s&to=%s", day, day)} {
		res, err := chromedp.RunResponse(ctx, chromedp.Navigate(web.URL+path))
		if err != nil || res.Status != 200 {
			t.Fatalf("%s: %v %v", path, res, err)
		}
		fit, err := chromedp.Run(ctx, chromedp.Evaluate[pageFit](measureFit))
		if err != nil {
			t.Fatal(err)
		}
		// A phone widens its layout to what overflows: the window stays
		// 390 px only when nothing does.
		if fit.ScrollWidth > 390 || fit.Window > 390 {
			t.Errorf("%s is %g px wide in a %g px window, want 390", path, fit.ScrollWidth, fit.Window)
		}
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		if strings.Contains(loc, "/signin") {
			t.Fatalf("%s: sent to sign in", path)
		}
	}
}
