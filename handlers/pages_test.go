package handlers

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// shop is a server on a database holding the demo catalog
// (dbtest.Each(…, DemoCatalog)); the tests that only read share one
// read-only database per engine (…, DemoCatalog, dbtest.Shared).
type shop struct {
	srv      *Server
	store    *models.Store
	products []models.Product // every published product with its group and breakdowns
	groups   []models.GroupSummary
}

func newShop(t *testing.T, db *gorm.DB) *shop {
	t.Helper()
	ctx := context.Background()
	ts := NewTestServer(t, db, WithPageCache(200), WithConfig(func(c *Config) { c.DemoNotice = true }))
	store := ts.Store
	ps, err := store.ProductsWithBreakdowns(ctx)
	if err != nil || len(ps) < 3 {
		t.Fatalf("demo products: %d, %v", len(ps), err)
	}
	gs, err := store.ListGroups(ctx)
	if err != nil || len(gs) == 0 {
		t.Fatalf("demo groups: %d, %v", len(gs), err)
	}
	return &shop{srv: ts.Server, store: store, products: ps, groups: gs}
}

type response struct {
	status int
	header http.Header
	body   string
}

// get requests target with Accept-Language lang ("" sends none).
func (s *shop) get(t *testing.T, target, lang string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	rec := httptest.NewRecorder()
	s.srv.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return response{status: rec.Code, header: rec.Result().Header, body: string(b)}
}

func TestPages_EveryPageRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		p, g := s.products[0], s.groups[0]
		pages := []struct{ path, wantES, wantEN string }{
			{"/", "Quiénes somos", "Who we are"},
			{"/products", "Productos", "Products"},
			{"/products/" + p.Slug, p.NameES, p.NameEN},
			{"/groups", "Grupos productores", "Producer groups"},
			{"/groups/" + g.Slug, "Su historia", "Their story"},
			{"/transparency", "Transparencia de precios", "Price transparency"},
			{"/shipping", "Envíos y entrega", "Shipping and delivery"},
			{"/returns", "Devoluciones y reembolsos", "Returns and refunds"},
			{"/contact", "Cómo comunicarte", "How to reach us"},
		}
		for _, pg := range pages {
			for _, lang := range []string{"es", "en"} {
				t.Run(lang+pg.path, func(t *testing.T) {
					r := s.get(t, pg.path, lang)
					if r.status != http.StatusOK {
						t.Fatalf("status %d, want 200\n%s", r.status, r.body)
					}
					want := pg.wantES
					if lang == "en" {
						want = pg.wantEN
					}
					if !strings.Contains(r.body, html.EscapeString(want)) {
						t.Errorf("page does not contain %q", want)
					}
					if !strings.Contains(r.body, `<html lang="`+lang+`">`) {
						t.Errorf("html lang is not %s", lang)
					}
					checkHTML(t, r.body)
					for _, link := range []string{`?lang=es`, `?lang=en`} {
						if !strings.Contains(r.body, link) {
							t.Errorf("no language switch link %s", link)
						}
					}
					if !strings.Contains(r.body, "demo-banner") {
						t.Error("no demo banner")
					}
				})
			}
		}
	}, DemoCatalog, dbtest.Shared)
}

func TestPages_SecurityHeaders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		for _, path := range []string{"/", "/products/" + s.products[0].Slug, "/transparency/breakdowns.csv", "/nope"} {
			r := s.get(t, path, "es")
			if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") ||
				!strings.Contains(csp, "style-src 'self'") || !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("%s: CSP %q", path, csp)
			}
			if r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: no nosniff", path)
			}
		}
	}, DemoCatalog, dbtest.Shared)
}

func TestProductsPage_FiltersAndPagination(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		l := s.srv.tr.For("en")
		craft, region, group := s.products[0].Craft, s.products[0].Group.Region, s.products[0].Group.Slug
		count := func(keep func(p *models.Product) bool) int {
			n := 0
			for i := range s.products {
				if keep(&s.products[i]) {
					n++
				}
			}
			return n
		}
		cases := []struct {
			query string
			want  int
		}{
			{"", len(s.products)},
			{"craft=" + string(craft), count(func(p *models.Product) bool { return p.Craft == craft })},
			{"region=" + string(region), count(func(p *models.Product) bool { return p.Group.Region == region })},
			{"group=" + group, count(func(p *models.Product) bool { return p.Group.Slug == group })},
			{"min_price=100&max_price=200", count(func(p *models.Product) bool {
				return p.PriceAmount >= 10000 && p.PriceAmount <= 20000
			})},
			{"q=" + url.QueryEscape(s.products[0].NameEN), -1}, // at least one
			{"q=zzzznothing", 0},
			{"craft=" + string(craft) + "&region=" + string(region) + "&sort=price_desc", count(func(p *models.Product) bool {
				return p.Craft == craft && p.Group.Region == region
			})},
		}
		for _, tc := range cases {
			t.Run(tc.query, func(t *testing.T) {
				r := s.get(t, "/products?"+tc.query, "en")
				if r.status != http.StatusOK {
					t.Fatalf("status %d", r.status)
				}
				checkHTML(t, r.body)
				got := resultCount(t, r.body)
				switch {
				case tc.want == -1 && got < 1:
					t.Errorf("%d results, want at least 1", got)
				case tc.want >= 0 && got != tc.want:
					t.Errorf("%d results, want %d", got, tc.want)
				}
				if tc.want == 0 && !strings.Contains(r.body, l.T("products.empty")) {
					t.Error("no empty state")
				}
				cards := strings.Count(r.body, `<li class="card">`)
				if want := min(got, models.DefaultPerPage); cards != want {
					t.Errorf("%d cards, want %d", cards, want)
				}
			})
		}

		t.Run("page 2 keeps the filters", func(t *testing.T) {
			q := "craft=" + string(craft) + "&sort=price_asc&per_page=1"
			n := count(func(p *models.Product) bool { return p.Craft == craft })
			if n < 2 {
				t.Skipf("craft %s has %d products", craft, n)
			}
			r := s.get(t, "/products?"+q, "en")
			next := html.EscapeString("/products?craft=" + string(craft) + "&page=2&per_page=1&sort=price_asc")
			if !strings.Contains(r.body, `href="`+next+`" rel="next"`) {
				t.Fatalf("no next link %s", next)
			}
			r2 := s.get(t, "/products?"+q+"&page=2", "en")
			if r2.status != http.StatusOK || strings.Count(r2.body, `<li class="card">`) != 1 {
				t.Fatalf("page 2: status %d, cards %d", r2.status, strings.Count(r2.body, `<li class="card">`))
			}
			if !strings.Contains(r2.body, `rel="prev"`) || !strings.Contains(r2.body, `aria-current="page"><span class="visually-hidden">Page </span>2</a>`) {
				t.Error("page 2 has no previous link or current page marker")
			}
			if resultCount(t, r2.body) != n {
				t.Errorf("page 2 counts %d, want %d", resultCount(t, r2.body), n)
			}
		})
		t.Run("default page size leaves a page 2", func(t *testing.T) {
			if len(s.products) <= models.DefaultPerPage {
				t.Skipf("only %d products", len(s.products))
			}
			r := s.get(t, "/products?page=2", "es")
			want := min(len(s.products)-models.DefaultPerPage, models.DefaultPerPage)
			if r.status != http.StatusOK || strings.Count(r.body, `<li class="card">`) != want {
				t.Errorf("page 2: status %d, %d cards, want %d", r.status, strings.Count(r.body, `<li class="card">`), want)
			}
		})
		t.Run("filters survive in the form", func(t *testing.T) {
			r := s.get(t, "/products?craft="+string(craft)+"&min_price=12.5&q=abc", "en")
			for _, want := range []string{`<option value="` + string(craft) + `" selected>`, `value="12.50"`, `value="abc"`} {
				if !strings.Contains(r.body, want) {
					t.Errorf("form does not keep %s", want)
				}
			}
		})
	}, DemoCatalog, dbtest.Shared)
}

var resultsRE = regexp.MustCompile(`<h2 id="results-h" class="results-count">(\d+) products?`)

func resultCount(t *testing.T, body string) int {
	t.Helper()
	m := resultsRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no result count in page")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestPages_BadInputIsAClearError(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		long := strings.Repeat("a", 10<<10)
		cases := []struct {
			query  string
			status int
			want   string // in the English page
		}{
			{"page=-1", 200, "products"},
			{"page=0", 200, "products"},
			{"page=99999999", 200, "This page is past the last one."},
			{"page=999999999999999999999999", 200, "This page is past the last one."},
			{"page=abc", 400, "“page” must be a whole number."},
			{"per_page=x", 400, "“per_page” must be a whole number."},
			{"min_price=abc", 400, "“abc” is not an amount in soles"},
			{"max_price=1.234", 400, "“1.234” could be thousands or decimals. Write 1234 (without a thousands separator) or 1234,00"},
			{"max_price=10.1255", 400, "more than two decimals"},
			{"min_price=-5", 400, "cannot be negative"},
			{"min_price=200&max_price=100", 400, "The minimum price is above the maximum."},
			{"q=" + long, 400, "The search is too long: use at most 100 characters."},
			{"craft=unknown", 400, "“unknown” is not a valid value for “craft”."},
			{"region=mars", 400, "“mars” is not a valid value for “region”."},
			{"group=Not%20A%20Slug", 400, "is not a valid value for “group”."},
			{"sort=random", 400, "“random” is not a valid value for “sort”."},
			{"q=%27%3B%20DROP%20TABLE%20products%3B--", 200, "0 products"},
		}
		for _, tc := range cases {
			name := tc.query
			if len(name) > 40 {
				name = name[:40]
			}
			t.Run(name, func(t *testing.T) {
				r := s.get(t, "/products?"+tc.query, "en")
				if r.status != tc.status {
					t.Fatalf("status %d, want %d", r.status, tc.status)
				}
				if !strings.Contains(r.body, html.EscapeString(tc.want)) {
					t.Errorf("page does not say %q", tc.want)
				}
				for _, leak := range []string{"SELECT", "sql", "gorm", "goroutine", ".go:"} {
					if strings.Contains(r.body, leak) {
						t.Errorf("page leaks %q", leak)
					}
				}
				checkHTML(t, r.body)
				if tc.status == 400 && !strings.Contains(r.body, `href="/products"`) {
					t.Error("error page has no link back to the catalog")
				}
			})
		}
		t.Run("spanish", func(t *testing.T) {
			r := s.get(t, "/products?min_price=abc", "es")
			if r.status != 400 || !strings.Contains(r.body, html.EscapeString("«abc» no es un monto en soles")) {
				t.Errorf("status %d; no Spanish message", r.status)
			}
		})
	}, DemoCatalog, dbtest.Shared)
}

func TestPages_UnknownSlugIsA404Page(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		for _, path := range []string{"/products/no-such-thing", "/groups/no-such-group", "/products/Bad_Slug!",
			"/groups/" + strings.Repeat("x", 300), "/no/such/page"} {
			for _, lang := range []string{"es", "en"} {
				r := s.get(t, path, lang)
				if r.status != http.StatusNotFound {
					t.Errorf("%s: status %d, want 404", path, r.status)
					continue
				}
				want := map[string]string{"es": "No encontramos esta página.", "en": "We could not find this page."}[lang]
				if !strings.Contains(r.body, want) || !strings.Contains(r.body, `href="/products"`) ||
					!strings.Contains(r.body, `class="error-status"`) {
					t.Errorf("%s (%s): not the 404 page:\n%s", path, lang, r.body)
				}
				checkHTML(t, r.body)
			}
		}
	}, DemoCatalog, dbtest.Shared)
}

// Every demo product's page is rendered once: the engines take turns
// (dbtest.Split) and so do the languages, every other product each.
func TestProductPage_EveryDemoProductShowsItsMakerAndBreakdown(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		n := 0 // pages rendered on this engine
		for i := range s.products {
			if !dbtest.Split(t, db, i) {
				continue
			}
			n++
			lang := []string{"en", "es"}[n%2]
			l := s.srv.tr.For(lang)
			p := &s.products[i]
			r := s.get(t, "/products/"+p.Slug, lang)
			if r.status != http.StatusOK {
				t.Errorf("%s: status %d", p.Slug, r.status)
				continue
			}
			if !strings.Contains(r.body, `href="/groups/`+p.Group.Slug+`"`) {
				t.Errorf("%s: no link to its group", p.Slug)
			}
			must := []string{p.Group.Name, l.Money(p.Price()),
				l.Money(p.WholesalePrice()), l.Region(p.Group.Region)}
			for _, c := range p.RetailBreakdown.Components() {
				must = append(must, l.ComponentLabel(c.Key), l.Money(c.Amount))
			}
			rb := p.RetailBreakdown
			must = append(must, l.Money(rb.PaidToArtisans()), l.Money(rb.LocalMarket()),
				l.Money(rb.Surplus()), l.Money(rb.EffectiveHourlyPay()), l.Money(testMinimumWage.Hourly()),
				testMinimumWage.Source, testMinimumWage.Since)
			for _, want := range must {
				if !strings.Contains(r.body, html.EscapeString(want)) {
					t.Errorf("%s (%s): page does not show %q", p.Slug, lang, want)
				}
			}
			if p.Stock == 0 && !strings.Contains(r.body, l.T("product.sold_out")) {
				t.Errorf("%s: sold out not shown", p.Slug)
			}
			if !strings.Contains(r.body, `role="img" aria-labelledby="price-chart-t price-chart-d"`) {
				t.Errorf("%s: no accessible chart", p.Slug)
			}
			checkJSONLD(t, p, r.body)
			if n <= 4 {
				checkHTML(t, r.body)
			}
		}
		if n < len(s.products)/len(dbtest.Engines(t)) {
			t.Fatalf("rendered %d of the %d products on this engine", n, len(s.products))
		}
	}, DemoCatalog, dbtest.Shared)
}

var ldRE = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

func checkJSONLD(t *testing.T, p *models.Product, body string) {
	t.Helper()
	m := ldRE.FindStringSubmatch(body)
	if m == nil {
		t.Errorf("%s: no JSON-LD", p.Slug)
		return
	}
	var ld struct {
		Context, Type, Name, Image, SKU, URL string
		Context2                             string `json:"@context"`
		Type2                                string `json:"@type"`
		Brand                                struct{ Name string }
		Offers                               struct {
			Price         string
			PriceCurrency string
			Availability  string
			URL           string
		}
	}
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Errorf("%s: JSON-LD does not parse: %v\n%s", p.Slug, err, m[1])
		return
	}
	avail := "https://schema.org/InStock"
	if p.Stock == 0 {
		avail = "https://schema.org/SoldOut"
	}
	switch {
	case ld.Context2 != "https://schema.org" || ld.Type2 != "Product":
		t.Errorf("%s: JSON-LD type %s %s", p.Slug, ld.Context2, ld.Type2)
	case ld.Offers.Price != p.Price().Decimal() || ld.Offers.PriceCurrency != "PEN":
		t.Errorf("%s: JSON-LD price %s %s, want %s PEN", p.Slug, ld.Offers.Price, ld.Offers.PriceCurrency, p.Price().Decimal())
	case ld.SKU != p.Slug || ld.Brand.Name != p.Group.Name || ld.Offers.Availability != avail:
		t.Errorf("%s: JSON-LD sku %q brand %q availability %q", p.Slug, ld.SKU, ld.Brand.Name, ld.Offers.Availability)
	case !strings.HasPrefix(ld.Image, testBaseURL+"/static/") || ld.Offers.URL != testBaseURL+"/products/"+p.Slug:
		t.Errorf("%s: JSON-LD image %q url %q are not absolute", p.Slug, ld.Image, ld.Offers.URL)
	}
}

func TestTransparencyDownloads(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		r := s.get(t, "/transparency/breakdowns.csv", "en")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("csv: status %d, type %q, disposition %q", r.status, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"))
		}
		rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatalf("csv does not parse: %v", err)
		}
		if strings.Join(rows[0], ",") != strings.Join(breakdownColumns, ",") {
			t.Fatalf("header %v", rows[0])
		}
		if len(rows)-1 != 2*len(s.products) {
			t.Fatalf("%d rows, want 2 per product (%d)", len(rows)-1, 2*len(s.products))
		}
		col := map[string]int{}
		for i, c := range rows[0] {
			col[c] = i
		}
		num := func(row []string, name string) int64 {
			n, err := strconv.ParseInt(row[col[name]], 10, 64)
			if err != nil {
				t.Fatalf("%s = %q: %v", name, row[col[name]], err)
			}
			return n
		}
		channels := map[string]int{}
		for _, row := range rows[1:] {
			var sum int64
			for _, k := range models.ComponentKeys {
				sum += num(row, string(k))
			}
			if sum != num(row, "price") {
				t.Errorf("%s %s: components add up to %d, price %d", row[0], row[col["channel"]], sum, num(row, "price"))
			}
			paid := num(row, "artisan_labour") + num(row, "artisan_materials") + num(row, "community_fund")
			if paid != num(row, "paid_to_artisans") || paid-num(row, "local_market_price") != num(row, "surplus") {
				t.Errorf("%s: paid/surplus do not reconcile", row[0])
			}
			channels[row[col["channel"]]]++
		}
		if channels["retail"] != len(s.products) || channels["wholesale"] != len(s.products) {
			t.Errorf("channels %v", channels)
		}

		// A second request comes from the page cache and is still a download.
		if r2 := s.get(t, "/transparency/breakdowns.csv", "en"); r2.body != r.body ||
			!strings.HasPrefix(r2.header.Get("Content-Disposition"), "attachment") {
			t.Error("cached csv differs or is not an attachment")
		}

		j := s.get(t, "/transparency/breakdowns.json", "en")
		if j.status != http.StatusOK || !strings.HasPrefix(j.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("json: status %d", j.status)
		}
		var out struct {
			Currency    string
			MinimumWage struct{ Hourly int64 } `json:"minimum_wage"`
			Breakdowns  []map[string]any
		}
		if err := json.Unmarshal([]byte(j.body), &out); err != nil {
			t.Fatalf("json does not parse: %v", err)
		}
		if len(out.Breakdowns) != 2*len(s.products) || out.Currency != "PEN" ||
			out.MinimumWage.Hourly != testMinimumWage.Hourly().Amount {
			t.Errorf("json: %d breakdowns, currency %q, hourly %d", len(out.Breakdowns), out.Currency, out.MinimumWage.Hourly)
		}
		for _, c := range breakdownColumns {
			if _, ok := out.Breakdowns[0][c]; !ok {
				t.Errorf("json lacks %s", c)
			}
		}
	}, DemoCatalog, dbtest.Shared)
}

func TestTransparencyPage_ShowsCatalogFigures(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		fig := models.ComputeCatalogFigures(s.products, testMinimumWage.Hourly())
		for _, lang := range []string{"es", "en"} {
			l := s.srv.tr.For(lang)
			r := s.get(t, "/transparency", lang)
			for _, want := range []string{l.Permille(fig.MedianSharePermille), l.Money(fig.TotalSurplus),
				l.Money(fig.AverageHourlyPay), l.Money(testMinimumWage.Hourly()), testMinimumWage.Source,
				"/transparency/breakdowns.csv", "/transparency/breakdowns.json"} {
				if !strings.Contains(r.body, html.EscapeString(want)) {
					t.Errorf("%s: transparency page does not show %q", lang, want)
				}
			}
			for _, k := range models.ComponentKeys {
				if !strings.Contains(r.body, html.EscapeString(l.T("transparency.component."+string(k)))) {
					t.Errorf("%s: component %s not explained", lang, k)
				}
			}
			home := s.get(t, "/", lang)
			if !strings.Contains(home.body, html.EscapeString(l.Permille(fig.MedianSharePermille))) {
				t.Errorf("%s: home does not show the median share", lang)
			}
		}
	}, DemoCatalog, dbtest.Shared)
}

func TestPages_LanguageSwitchKeepsTheQuery(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		r := s.get(t, "/products?craft=retablo&lang=en", "es")
		if !strings.Contains(r.body, `<html lang="en">`) {
			t.Fatal("?lang=en did not switch to English")
		}
		if !strings.Contains(r.body, html.EscapeString("/products?craft=retablo&lang=es")) {
			t.Error("switch link loses the query")
		}
		if !strings.Contains(r.header.Get("Set-Cookie"), "lang=en") {
			t.Error("no language cookie")
		}
	}, DemoCatalog, dbtest.Shared)
}

// Pure helpers.

func TestNewPager(t *testing.T) {
	q := url.Values{"craft": {"retablo"}, "page": {"3"}, "lang": {"en"}, "q": {""}}
	p := newPager("/products", q, 3, 10)
	if p.Prev != "/products?craft=retablo&page=2" || p.Next != "/products?craft=retablo&page=4" {
		t.Errorf("prev %q next %q", p.Prev, p.Next)
	}
	var ns []string
	for _, l := range p.Links {
		if l.Gap {
			ns = append(ns, "…")
		} else {
			ns = append(ns, strconv.Itoa(l.N))
		}
	}
	if got := strings.Join(ns, " "); got != "1 2 3 4 5 … 10" {
		t.Errorf("links %s", got)
	}
	if p.Links[0].URL != "/products?craft=retablo" {
		t.Errorf("page 1 link %q", p.Links[0].URL)
	}
	if one := newPager("/products", nil, 1, 1); one.Prev != "" || one.Next != "" || len(one.Links) != 0 {
		t.Errorf("single page has links: %+v", one)
	}
	if past := newPager("/products", nil, 50, 2); past.Prev != "/products?page=2" || past.Next != "" {
		t.Errorf("past the end: %+v", past)
	}
}

func TestFormatting(t *testing.T) {
	cases := []struct{ got, want string }{
		{formatHours("en", 150), "2.5"},
		{formatHours("es", 150), "2.5"},
		{formatHours("en", 120), "2"},
		{formatHours("en", 20), "0.3"},
		{formatInt("en", 2000), "2,000"},
		{formatInt("es", 2000), "2000"},
		{formatInt("es", 12000), "12,000"},
		{formatInt("en", 700), "700"},
		{formatTenths("es", 23), "2.3"},
		{formatTenths("en", 5), "0.5"},
		{langURL("/products", "craft=retablo&lang=es", "en"), "/products?craft=retablo&lang=en"},
		{langURL("/", "", "es"), "/?lang=es"},
	}
	for i, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("case %d: %q, want %q", i, tc.got, tc.want)
		}
	}
}

func TestLocales_SameKeysInBothLanguages(t *testing.T) {
	keys := func(lang string) map[string]bool {
		b, err := localeFS.ReadFile("locales/" + lang + ".toml")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, line := range strings.Split(string(b), "\n") {
			if k, _, ok := strings.Cut(line, "="); ok && strings.HasPrefix(strings.TrimSpace(k), `"`) {
				m[strings.Trim(strings.TrimSpace(k), `"`)] = true
			}
		}
		return m
	}
	es, en := keys("es"), keys("en")
	for k := range es {
		if !en[k] {
			t.Errorf("%s is in es.toml but not en.toml", k)
		}
	}
	for k := range en {
		if !es[k] {
			t.Errorf("%s is in en.toml but not es.toml", k)
		}
	}
	// Every message the pages and the error handler use exists.
	tr := testTranslations(t)
	ids := []string{"error.method_not_allowed", "error.too_large", "error.too_large_limit", "error.not_text", "error.too_many_requests", "error.forbidden",
		"error.param_unknown", "amount.malformed", "amount.ambiguous", "error.price_range", "error.query_too_long",
		"error.param_integer", "group.cadence.weekly", "group.cadence.monthly"}
	for _, s := range models.SortOrders {
		ids = append(ids, "sort."+s)
	}
	for _, k := range models.ComponentKeys {
		ids = append(ids, "transparency.component."+string(k), "component."+string(k))
	}
	for _, c := range models.Crafts {
		ids = append(ids, "craft."+strings.ReplaceAll(string(c), "-", "_"))
	}
	for _, lang := range Languages {
		for _, id := range ids {
			if got := tr.For(lang).T(id, "Param", "x", "Value", "y", "Max", 1); got == id {
				t.Errorf("%s: no message %s", lang, id)
			}
		}
	}
}

// Markup checks.

var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true,
	"hr": true, "img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// untranslated matches a message ID shown instead of its text.
var untranslated = regexp.MustCompile(`\b(nav|home|products?|filters|transparency|groups?|error|breakdown|chart|footer|demo|card|pager|sort|brand|component|region|craft|shipping|returns|contact)\.[a-z_]+(\.[a-z_]+)?\b`)

// checkHTML parses a page and fails on unbalanced tags, inline styles or
// scripts, images without alt, form controls without a label, duplicate
// ids, tables without caption, and message IDs left untranslated.
func checkHTML(t *testing.T, page string) {
	t.Helper()
	if err := htmlProblems(page); err != nil {
		t.Error(err)
	}
}

func htmlProblems(page string) error {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if err := parsesAsHTML5(page); err != nil {
		fail("does not parse: %v", err)
	}
	z := newTokenizer(page)
	var stack []string
	ids := map[string]int{}
	labels := map[string]bool{}
	var controls []string
	landmarks := map[string]int{}
	inScript := false
	for {
		tok, ok := z.next()
		if !ok {
			break
		}
		switch tok.kind {
		case "start", "self":
			name := tok.name
			for _, a := range tok.attrs {
				if a.key == "style" {
					fail("<%s> has a style attribute", name)
				}
				if strings.HasPrefix(a.key, "on") {
					fail("<%s> has an inline event handler %s", name, a.key)
				}
				if a.key == "id" {
					ids[a.val]++
				}
				if a.key == "alt" || a.key == "aria-label" || a.key == "title" || a.key == "placeholder" {
					if m := untranslated.FindString(a.val); m != "" && !strings.Contains(a.val, "/") {
						fail("untranslated message %q in %s", m, a.key)
					}
				}
			}
			switch name {
			case "style":
				fail("inline <style>")
			case "script":
				if tok.attr("type") != "application/ld+json" && tok.attr("src") == "" {
					fail("inline <script>")
				}
				inScript = true
			case "img":
				if !tok.has("alt") {
					fail("<img src=%q> has no alt", tok.attr("src"))
				}
			case "label":
				labels[tok.attr("for")] = true
			case "input", "select", "textarea":
				if tok.attr("type") != "hidden" && tok.attr("type") != "submit" {
					controls = append(controls, tok.attr("id"))
				}
			case "main", "header", "footer", "nav", "h1":
				landmarks[name]++
			case "svg":
				if tok.attr("role") == "img" && tok.attr("aria-labelledby") == "" {
					fail("svg role=img without aria-labelledby")
				}
			}
			if tok.kind == "start" && !voidElements[name] {
				stack = append(stack, name)
			}
		case "end":
			if tok.name == "script" {
				inScript = false
			}
			if len(stack) == 0 || stack[len(stack)-1] != tok.name {
				fail("</%s> closes <%s> (open: %v)", tok.name, last(stack), stack)
				return fmt.Errorf("broken markup: %s", strings.Join(problems, "; "))
			}
			stack = stack[:len(stack)-1]
		case "text":
			if !inScript {
				if m := untranslated.FindString(tok.text); m != "" {
					fail("untranslated message %q in text", m)
				}
			}
		}
	}
	if len(stack) != 0 {
		fail("unclosed elements %v", stack)
	}
	for id, n := range ids {
		if n > 1 {
			fail("id %q used %d times", id, n)
		}
	}
	for _, id := range controls {
		if id == "" || !labels[id] {
			fail("form control %q has no label", id)
		}
	}
	for _, l := range []string{"main", "header", "footer", "nav"} {
		if landmarks[l] == 0 {
			fail("no <%s>", l)
		}
	}
	if landmarks["h1"] != 1 {
		fail("%d h1 elements, want 1", landmarks["h1"])
	}
	if strings.Count(page, "<table") != strings.Count(page, "<caption>") {
		fail("a table has no caption")
	}
	if len(problems) > 0 {
		return fmt.Errorf("markup problems: %s", strings.Join(problems, "; "))
	}
	return nil
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

func TestBreakdownPermilles_RowsAddUpToTheShownTotals(t *testing.T) {
	t.Parallel()
	// The herranza retablo of the demo: row floors add up to 46.9 % on
	// CIAP's side, but the subtotal shown is 47.0 %.
	b := &models.Breakdown{Currency: models.PEN, Price: 32000, ArtisanLabour: 12800, ArtisanMaterials: 3200,
		CommunityFund: 960, CIAPOperations: 3200, Logistics: 2240, PaymentFees: 1280, Taxes: 4881, Margin: 3439}
	cases := []*models.Breakdown{b,
		dbtest.Breakdown(10000, 3333, 3333, 1, 0, 60),
		dbtest.Breakdown(9999, 1, 1, 1, 0, 60),
		dbtest.Breakdown(7, 1, 1, 1, 0, 60),
		dbtest.Breakdown(30000, 30000, 0, 0, 0, 60),
	}
	for _, b := range cases {
		shares, artisans := breakdownPermilles(b)
		if artisans != b.SharePermille(b.PaidToArtisans().Amount) {
			t.Errorf("price %d: artisans %d ‰, want the rounded-down %d", b.Price, artisans, b.SharePermille(b.PaidToArtisans().Amount))
		}
		var own, rest int64
		for i, c := range b.Components() {
			if shares[i] < 0 {
				t.Errorf("price %d: negative share", b.Price)
			}
			if c.Key.PaysArtisans() {
				own += shares[i]
			} else {
				rest += shares[i]
			}
		}
		if own != artisans || own+rest != 1000 {
			t.Errorf("price %d: rows add up to %d + %d ‰, want %d + %d", b.Price, own, rest, artisans, 1000-artisans)
		}
	}
	if shares, _ := breakdownPermilles(b); shares[7] != 107 || shares[6] != 153 {
		t.Errorf("herranza: margin %d taxes %d, want 107 and 153 (taxes has the largest remainder)", shares[7], shares[6])
	}
}

func TestProductJSONLD_CannotCloseTheScript(t *testing.T) {
	shared := testParts(t)
	s, tr := &Server{cfg: Config{BaseURL: testBaseURL + "/"}, assets: shared.assets}, shared.tr
	evil := `</script><script>alert("x")</script> & <!--`
	p := &models.Product{Slug: "x", NameEN: evil, NameES: evil, DescriptionEN: evil, Craft: models.CraftRetablo,
		Currency: models.PEN, PriceAmount: 12345, Stock: 0, Image: "img/products/x.svg",
		Group: &models.Group{Slug: "g", Name: evil}}
	js, err := s.productJSONLD(tr.For("en"), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<", ">", "&"} {
		if strings.Contains(string(js), bad) {
			t.Errorf("JSON-LD contains %q: %s", bad, js)
		}
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(js), &ld); err != nil || ld["name"] != evil {
		t.Errorf("JSON-LD does not round-trip: %v", err)
	}
	if offers := ld["offers"].(map[string]any); offers["price"] != "123.45" ||
		offers["availability"] != "https://schema.org/SoldOut" || ld["url"] != testBaseURL+"/products/x" {
		t.Errorf("offers %v url %v", offers, ld["url"])
	}
}

func TestBreakdownChart_IsAccessibleSVG(t *testing.T) {
	t.Parallel()
	tr := testTranslations(t)
	l := tr.For("en")
	b := dbtest.Breakdown(10000, 4000, 1000, 500, 3000, 600)
	svg := string(breakdownChart(l, "c1", b))
	for _, want := range []string{`role="img" aria-labelledby="c1-t c1-d"`, `<title id="c1-t">`, `<desc id="c1-d">`,
		"Artisans · 55.0 %", "CIAP, costs and taxes · 45.0 %", l.Money(models.Soles(4000)), `fill="#9b2335"`} {
		if !strings.Contains(svg, html.EscapeString(want)) && !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if n := strings.Count(svg, "<rect "); n != 8 {
		t.Errorf("%d segments, want 8", n)
	}
	if strings.Contains(svg, "style=") {
		t.Error("chart uses a style attribute")
	}
	evil := stackedBar{ID: "x", Title: "<b>", Desc: `"&'`, ArtisanLabel: "<script>", Segments: nil}.SVG()
	if strings.Contains(string(evil), "<script>") || strings.Contains(string(evil), "<b>") {
		t.Errorf("labels are not escaped: %s", evil)
	}
	if err := htmlFragmentBalanced(svg); err != nil {
		t.Error(err)
	}
}

// htmlFragmentBalanced checks that a fragment's tags open and close in order.
func htmlFragmentBalanced(frag string) error {
	z := newTokenizer(frag)
	var stack []string
	for {
		tok, ok := z.next()
		if !ok {
			break
		}
		switch tok.kind {
		case "start":
			if !voidElements[tok.name] {
				stack = append(stack, tok.name)
			}
		case "end":
			if len(stack) == 0 || stack[len(stack)-1] != tok.name {
				return fmt.Errorf("</%s> closes <%s>", tok.name, last(stack))
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("unclosed %v", stack)
	}
	return nil
}

func TestPages_AnswerHEAD(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		for _, path := range []string{"/", "/products", "/products/" + s.products[0].Slug, "/transparency/breakdowns.csv"} {
			req := httptest.NewRequest(http.MethodHead, path, nil)
			rec := httptest.NewRecorder()
			s.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Errorf("HEAD %s: %d", path, rec.Code)
			}
		}
	}, DemoCatalog, dbtest.Shared)
}
