package handlers

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

var chipRE = regexp.MustCompile(`<a class="chip" href="([^"]*)"><span class="visually-hidden">[^<]*</span>([^<]*)<`)

type chip struct{ href, label string }

func chipsOf(body string) []chip {
	var out []chip
	for _, m := range chipRE.FindAllStringSubmatch(body, -1) {
		out = append(out, chip{href: html.UnescapeString(m[1]), label: html.UnescapeString(m[2])})
	}
	return out
}

// The catalog's active filters show as chips, each a link to the same
// listing without that one filter (sort kept, page dropped), in Spanish
// and English; following a chip widens the list.
func TestProductsPage_ActiveFiltersAreRemovableChips(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		p := s.products[0]
		craft, region := string(p.Craft), string(p.Group.Region)
		cases := []struct {
			query string
			want  []chip
		}{
			{"", nil},
			{"sort=price_asc", nil},
			{"craft=" + craft + "&region=" + region, []chip{
				{"/products?region=" + region, "craft"}, {"/products?craft=" + craft, "region"}}},
			{"region=" + region + "&craft=" + craft + "&sort=price_asc&page=2", []chip{
				{"/products?region=" + region + "&sort=price_asc", "craft"},
				{"/products?craft=" + craft + "&sort=price_asc", "region"}}},
			{"q=retablo&group=" + p.Group.Slug + "&min_price=45,50&max_price=900", []chip{
				{"/products?group=" + p.Group.Slug + "&max_price=900.00&min_price=45.50", "q"},
				{"/products?max_price=900.00&min_price=45.50&q=retablo", "group"},
				{"/products?group=" + p.Group.Slug + "&max_price=900.00&q=retablo", "min_price"},
				{"/products?group=" + p.Group.Slug + "&min_price=45.50&q=retablo", "max_price"}}},
		}
		for _, lang := range []string{"es", "en"} {
			l := s.srv.tr.For(lang)
			labels := map[string]string{
				"craft":     l.T("filters.craft") + ": " + l.Craft(p.Craft),
				"region":    l.T("filters.region") + ": " + l.Region(p.Group.Region),
				"group":     l.T("filters.group") + ": " + p.Group.Name,
				"q":         l.T("filters.search") + ": retablo",
				"min_price": l.T("filters.chip_min_price") + ": " + l.Money(models.Soles(4550)),
				"max_price": l.T("filters.chip_max_price") + ": " + l.Money(models.Soles(90000)),
			}
			for _, tc := range cases {
				r := s.get(t, "/products?"+tc.query, lang)
				if r.status != http.StatusOK {
					t.Fatalf("%s (%s): status %d", tc.query, lang, r.status)
				}
				checkHTML(t, r.body)
				got := chipsOf(r.body)
				if len(got) != len(tc.want) {
					t.Fatalf("%s (%s): chips %q, want %d", tc.query, lang, got, len(tc.want))
				}
				if (len(got) > 0) != strings.Contains(r.body, html.EscapeString(l.T("filters.active"))) {
					t.Errorf("%s (%s): the chips' label does not match the chips", tc.query, lang)
				}
				for i, want := range tc.want {
					if got[i].href != want.href || got[i].label != labels[want.label] {
						t.Errorf("%s (%s): chip %d is %q → %s, want %q → %s", tc.query, lang, i,
							got[i].label, got[i].href, labels[want.label], want.href)
					}
				}
			}
		}
		// Following a chip drops that filter: the list grows to what the
		// other filter alone selects.
		both := s.get(t, "/products?craft="+craft+"&region="+region, "en")
		for _, c := range chipsOf(both.body) {
			r := s.get(t, c.href, "en")
			if r.status != http.StatusOK || resultCount(t, r.body) < resultCount(t, both.body) {
				t.Errorf("%s: status %d, %d results, fewer than with both filters", c.href, r.status, resultCount(t, r.body))
			}
			if len(chipsOf(r.body)) != 1 {
				t.Errorf("%s: %d chips, want the one filter left", c.href, len(chipsOf(r.body)))
			}
		}
	}, DemoCatalog)
}

// On a phone the catalog's first pieces are on the first screen now: their
// pictures load at once (one of them is the page's largest paint), the
// rest lazily.
func TestProductsPage_FirstPicturesLoadEagerly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		r := s.get(t, "/products", "es")
		cards := strings.Count(r.body, `<li class="card">`)
		if lazy := strings.Count(r.body, `loading="lazy"`); cards <= 4 || lazy != cards-4 {
			t.Errorf("%d cards, %d lazy pictures: want all but the first 4 lazy", cards, lazy)
		}
		first := r.body[strings.Index(r.body, `<li class="card">`):]
		first = first[:strings.Index(first, `</li>`)]
		if strings.Contains(first, `loading="lazy"`) {
			t.Error("the first card's picture is lazy")
		}
	}, DemoCatalog)
}
