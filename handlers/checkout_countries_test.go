package handlers_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// Every pre-rendered option list, with each country selected in turn and
// with none, is what the plain template renders. The expected list for
// each country is assembled from the template's rendering of every option
// alone (PlainCountryOptionParts): running the template over the whole
// list once per country and language cost seconds under -race. Whole
// renders check the assembly for a sample, and the codes that select
// nothing.
func TestCheckoutCountryOptions_MatchThePlainTemplateForEveryCountry(t *testing.T) {
	t.Parallel()
	all := handlers.CountryCodes()
	if len(all) < 200 {
		t.Fatalf("only %d countries", len(all))
	}
	for _, lang := range append(handlers.Languages, "qu") {
		codes, plain, selected := handlers.PlainCountryOptionParts(lang)
		if len(codes) != len(all) {
			t.Fatalf("%s: %d countries, %d in the first language", lang, len(codes), len(all))
		}
		// off[i] is where country i's option starts in the unselected list.
		off := make([]int, len(plain)+1)
		for i, p := range plain {
			off[i+1] = off[i] + len(p)
		}
		none := strings.Join(plain, "")
		for _, code := range []string{"", "XX", "PERU", "pe"} {
			got, want := handlers.CountryOptions(lang, code), handlers.PlainCountryOptions(lang, code)
			if got != want || want != none {
				t.Fatalf("%s, %q selected: options differ from the plain template", lang, code)
			}
		}
		for i, code := range codes {
			want := none[:off[i]] + selected[i] + none[off[i+1]:]
			if i%25 == 0 || i == len(codes)-1 || code == "PE" {
				if whole := handlers.PlainCountryOptions(lang, code); whole != want {
					t.Fatalf("%s, %q selected: the template's options per country do not add up to its whole list", lang, code)
				}
			}
			if got := handlers.CountryOptions(lang, code); got != want {
				t.Fatalf("%s, %q selected: options differ from the plain template", lang, code)
			}
		}
	}
}

// Each country is listed once, under its current code, in every language:
// withdrawn codes (DD, UK, ZR…) named the same country a second time, and
// the United Nations and the euro area are not places to ship to.
func TestCheckoutCountries_EachCountryOnce(t *testing.T) {
	t.Parallel()
	option := regexp.MustCompile(`<option value="([A-Z]{2})"[^>]*>([^<]+)</option>`)
	for _, lang := range handlers.Languages {
		seen := map[string]string{}
		for _, m := range option.FindAllStringSubmatch(string(handlers.CountryOptions(lang, "")), -1) {
			if prev, ok := seen[m[2]]; ok {
				t.Errorf("%s: %q listed as %s and %s", lang, m[2], prev, m[1])
			}
			seen[m[2]] = m[1]
			switch m[1] {
			case "DD", "UK", "ZR", "UN", "EZ":
				t.Errorf("%s: %s (%s) offered", lang, m[1], m[2])
			}
		}
		if len(seen) < 240 {
			t.Errorf("%s: %d countries", lang, len(seen))
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
