package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// Every pre-rendered option list, with each country selected in turn and
// with none, is what the plain template renders.
func TestCheckoutCountryOptions_MatchThePlainTemplateForEveryCountry(t *testing.T) {
	t.Parallel()
	codes := append(handlers.CountryCodes(), "", "XX", "PERU", "pe")
	if len(codes) < 200 {
		t.Fatalf("only %d countries", len(codes))
	}
	for _, lang := range append(handlers.Languages, "qu") {
		for _, code := range codes {
			if got, want := handlers.CountryOptions(lang, code), handlers.PlainCountryOptions(lang, code); got != want {
				t.Fatalf("%s, %q selected: options differ from the plain template", lang, code)
			}
		}
	}
}

// countrySelectOptions is the inside of the checkout page's country <select>.
func countrySelectOptions(t *testing.T, body string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `<select id="checkout-country"`)
	if !ok {
		t.Fatalf("no country select in %.300s", body)
	}
	_, rest, _ = strings.Cut(rest, ">\n")
	inside, _, ok := strings.Cut(rest, "</select>")
	if !ok {
		t.Fatal("country select not closed")
	}
	return inside
}

// The checkout page's country <select>, shown and re-shown after a refused
// form, in both languages, is the plain template's render.
func TestCheckout_CountrySelectIsThePlainTemplatesRender(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, _, _, id := cartShop(t, db, 50)
		for _, lang := range handlers.Languages {
			c := ts.client(t)
			c.Header.Set("Accept-Language", lang)
			addToCart(t, c, id, 1)
			res := c.Get("/checkout")
			if res.Status != http.StatusOK {
				t.Fatalf("%s GET /checkout: %d", lang, res.Status)
			}
			got := countrySelectOptions(t, res.Body)
			if want := handlers.PlainCountryOptions(lang, "PE"); got != want {
				t.Errorf("%s GET /checkout: country options differ from the plain template", lang)
			}
			if !strings.Contains(got, `<option value="PE" selected>`) {
				t.Errorf("%s GET /checkout: Peru not selected", lang)
			}
			// Refused forms (no city) re-show the typed country, or none.
			for _, tc := range []struct{ typed, selected string }{
				{"FR", "FR"}, {"de", "DE"}, {"", ""}, {"Peru", "PERU"}, {"ZW", "ZW"},
			} {
				v := checkoutValues("bank_transfer")
				v.Set("country", tc.typed)
				v.Set("city", "")
				res := c.PostForm("/checkout", v)
				if res.Status != http.StatusUnprocessableEntity {
					t.Fatalf("%s country %q without a city: %d, want 422", lang, tc.typed, res.Status)
				}
				got := countrySelectOptions(t, res.Body)
				if want := handlers.PlainCountryOptions(lang, tc.selected); got != want {
					t.Errorf("%s refused form with country %q: options differ from the plain template", lang, tc.typed)
				}
				if n := strings.Count(got, " selected>"); (tc.selected == "FR" || tc.selected == "DE" || tc.selected == "ZW") != (n == 1) || n > 1 {
					t.Errorf("%s refused form with country %q: %d options selected", lang, tc.typed, n)
				}
			}
		}
	}, demoCatalog)
}
