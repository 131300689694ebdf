package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

var confirmTokenRE = regexp.MustCompile(`name="confirm" value="([^"]+)"`)

// The example: the labour time raised from 20 h to 150 h with the
// same price. The editor types hours and minutes, sees the hourly pay drop
// under the RMV, and saves only after confirming those very figures; the
// reasons are kept in both languages.
func TestPriceEditor_PayUnderTheMinimumWageNeedsConfirmation(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		staff, _ := s.signInAs(t, models.RoleStaff)
		form := s.staffPriceForm(t, staff)
		if got, _ := inputValue(form.Body, "labour_hours"); got != "6" {
			t.Errorf("labour hours shown %q, want 6 (360 minutes)", got)
		}
		if !strings.Contains(form.Body, "S/5.83 an hour, at or above the legal minimum wage") {
			t.Error("the form does not show the current hourly pay without script")
		}
		v := retailPrices()
		v.Del("labour_minutes")
		v.Set("lock_version", strconv.FormatInt(s.product.LockVersion, 10))
		// 35.00 of labour over 150 h 0 min: S/ 0.23 an hour.
		v.Set("labour_hours", "150")
		v.Set("labour_mins", "0")
		v.Set("reason", "nuevo tiempo medido con el grupo")
		v.Set("reason_en", "new time measured with the group")
		first := staff.PostForm(s.path("/prices")+"?lang=en", v)
		body := html.UnescapeString(first.Body)
		if first.Status != http.StatusUnprocessableEntity {
			t.Fatalf("first post: %d, want 422: %.300s", first.Status, first.Body)
		}
		for _, want := range []string{"S/0.23 an hour, under Peru's legal minimum wage (RMV) of S/5.43 an hour",
			"UNDER the legal minimum wage", "save them anyway"} {
			if !strings.Contains(body, want) {
				t.Errorf("the warning page lacks %q", want)
			}
		}
		checkPage(t, "confirmation", first)
		if h, _ := s.Store.BreakdownHistory(context.Background(), s.product.ID, models.ChannelRetail); len(h) != 1 {
			t.Fatalf("saved before confirming: %d versions", len(h))
		}
		m := confirmTokenRE.FindStringSubmatch(first.Body)
		if m == nil {
			t.Fatal("no confirm checkbox")
		}
		// A confirmation of other figures does not count.
		stale := url.Values{}
		for k, x := range v {
			stale[k] = x
		}
		stale.Set("confirm", m[1])
		stale.Set("labour_hours", "200")
		if res := staff.PostForm(s.path("/prices")+"?lang=en", stale); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("confirmation of other figures: %d", res.Status)
		}
		v.Set("confirm", html.UnescapeString(m[1]))
		if res := staff.PostForm(s.path("/prices")+"?lang=en", v); res.Status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d %.300s", res.Status, res.Body)
		}
		h, _ := s.Store.BreakdownHistory(context.Background(), s.product.ID, models.ChannelRetail)
		cur := h[len(h)-1]
		if len(h) != 2 || cur.LabourMinutes != 9000 || cur.Reason != "nuevo tiempo medido con el grupo" ||
			cur.ReasonEn != "new time measured with the group" {
			t.Fatalf("saved version: %+v", cur)
		}
		// The version list shows each language's reason.
		for lang, want := range map[string]string{"es": "nuevo tiempo medido", "en": "new time measured"} {
			if res := staff.Get(s.path("/prices") + "?lang=" + lang); !strings.Contains(res.Body, want) {
				t.Errorf("%s prices page lacks %q", lang, want)
			}
		}
	})
}

func (s *adminShop) staffPriceForm(t *testing.T, c *testClient) *testResponse {
	t.Helper()
	res := c.Get(s.path("/prices") + "?lang=en")
	if res.Status != http.StatusOK {
		t.Fatalf("price form: %d", res.Status)
	}
	return res
}

// A wholesale margin under the configured floor needs confirming too; a
// labour time with bad minutes is a clear field error.
func TestPriceEditor_ThinWholesaleMarginAndBadMinutes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newAdminShop(t, db, handlers.WithConfig(func(c *handlers.Config) {
			c.WholesaleMarginFloor = 100 // 10 %
		}))
		staff, _ := ts.signInAs(t, models.RoleStaff)
		v := retailPrices()
		v.Set("lock_version", strconv.FormatInt(ts.product.LockVersion, 10))
		v.Set("reason_en", "wholesale margin for the fair")
		v.Set("local_market_price", "26.00")
		res := staff.PostForm(ts.path("/prices")+"?lang=es", v)
		body := html.UnescapeString(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "El margen mayorista sería") {
			t.Errorf("thin margin: %d", res.Status)
		}
		v.Del("labour_minutes")
		v.Set("labour_hours", "6")
		v.Set("labour_mins", "75")
		res = staff.PostForm(ts.path("/prices")+"?lang=en", v)
		if res.Status != http.StatusBadRequest || !strings.Contains(fieldError(res.Body, "f-labour_mins"), "0 to 59") {
			t.Errorf("75 minutes: %d %q", res.Status, fieldError(res.Body, "f-labour_mins"))
		}
	})
}

// Each language's pages show the reason written in it, and fall back to
// the other language's, marked with its lang: the public price history,
// the product page and the price history export.
func TestPriceReasons_EachLanguageShowsItsOwn(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		ctx := context.Background()
		ed := s.Store.Editor("precios@ciap.example")
		r, w := *s.product.RetailBreakdown, *s.product.WholesaleBreakdown
		r.LabourMinutes, w.LabourMinutes = 330, 330
		if _, err := ed.SaveBreakdownsWithReasons(ctx, s.product.ID, s.product.LockVersion, &r, &w,
			models.PriceReasons{ES: "acuerdo de la asamblea", EN: "agreed by the assembly"}); err != nil {
			t.Fatal(err)
		}
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		for _, tc := range []struct {
			path, lang, want, not string
		}{
			{"/products/" + s.product.Slug + "/history", "es", "acuerdo de la asamblea", "agreed by the assembly"},
			{"/products/" + s.product.Slug + "/history", "en", "agreed by the assembly", "acuerdo de la asamblea"},
			{"/products/" + s.product.Slug, "en", "agreed by the assembly", "acuerdo de la asamblea"},
			{"/review/exports/price-history?format=csv&product=" + strconv.FormatInt(s.product.ID, 10), "es", "acuerdo de la asamblea,es", "agreed by the assembly"},
			{"/review/exports/price-history?format=csv&product=" + strconv.FormatInt(s.product.ID, 10), "en", "agreed by the assembly,en", "acuerdo de la asamblea"},
			// The first version has its reason in one language only: the
			// English page shows it, marked as Spanish.
			{"/products/" + s.product.Slug + "/history", "en", `<span lang="es">first fair price</span>`, ""},
		} {
			sep := "?"
			if strings.Contains(tc.path, "?") {
				sep = "&"
			}
			res := reviewer.Get(tc.path + sep + "lang=" + tc.lang)
			if res.Status != http.StatusOK {
				t.Fatalf("%s (%s): %d", tc.path, tc.lang, res.Status)
			}
			if !strings.Contains(res.Body, tc.want) || tc.not != "" && strings.Contains(res.Body, tc.not) {
				t.Errorf("%s (%s): want %q and not %q", tc.path, tc.lang, tc.want, tc.not)
			}
		}
	})
}

// Without JavaScript, "Preview" shows the hourly pay the typed labour
// time gives, and saves nothing.
func TestPriceEditor_PreviewShowsTheHourlyPayWithoutSaving(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		staff, _ := s.signInAs(t, models.RoleStaff)
		v := retailPrices()
		v.Del("labour_minutes")
		v.Set("lock_version", strconv.FormatInt(s.product.LockVersion, 10))
		v.Set("labour_hours", "5")
		v.Set("labour_mins", "30")
		v.Set("preview", "1")
		res := staff.PostForm(s.path("/prices")+"?lang=en", v)
		body := html.UnescapeString(res.Body)
		// 35.00 over 5 h 30 min: S/ 6.36 an hour.
		if res.Status != http.StatusOK || !strings.Contains(body, "S/6.36 an hour, at or above") || !strings.Contains(body, "nothing is saved yet") {
			t.Fatalf("preview: %d %.300s", res.Status, body)
		}
		if got, _ := inputValue(res.Body, "labour_mins"); got != "30" {
			t.Errorf("typed minutes kept as %q", got)
		}
		checkPage(t, "preview", res)
		if h, _ := s.Store.BreakdownHistory(context.Background(), s.product.ID, models.ChannelRetail); len(h) != 1 {
			t.Errorf("a preview saved: %d versions", len(h))
		}
	})
}
