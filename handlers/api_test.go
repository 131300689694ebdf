package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

func getJSON(t *testing.T, h http.Handler, path, lang string, into any) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: content type %q, body %.200s", path, ct, rec.Body.String())
	}
	if into != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), into); err != nil {
			t.Fatalf("GET %s: %v in %.200s", path, err, rec.Body.String())
		}
	}
	return rec.Code
}

type money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

type product struct {
	Slug  string `json:"slug"`
	Name  string `json:"name"`
	Price money  `json:"price"`
	Group struct {
		Slug, Name, Region string
	} `json:"group"`
	Stock     *int `json:"stock"`
	Breakdown *struct {
		Version       int    `json:"version"`
		EffectiveFrom string `json:"effective_from"`
		Components    []struct {
			Key    string `json:"key"`
			Label  string `json:"label"`
			Amount money  `json:"amount"`
		} `json:"components"`
		LocalMarketPrice   money `json:"local_market_price"`
		PaidToArtisans     money `json:"paid_to_artisans"`
		Surplus            money `json:"surplus"`
		EffectiveHourlyPay money `json:"effective_hourly_pay"`
	} `json:"breakdown"`
}

type list struct {
	Items   []product `json:"items"`
	Total   *int64    `json:"total"`
	Page    *int      `json:"page"`
	PerPage *int      `json:"per_page"`
}

var componentKeys = []string{"artisan_labour", "artisan_materials", "community_fund", "ciap_operations",
	"logistics", "payment_fees", "taxes", "margin"}

// checkBreakdown asserts the API contract for one product's breakdown.
func checkBreakdown(t *testing.T, p product) {
	t.Helper()
	b := p.Breakdown
	if b == nil {
		t.Fatalf("%s: no breakdown", p.Slug)
	}
	if b.Version < 1 || b.EffectiveFrom == "" {
		t.Errorf("%s: version %d effective_from %q", p.Slug, b.Version, b.EffectiveFrom)
	}
	if len(b.Components) != len(componentKeys) {
		t.Fatalf("%s: %d components", p.Slug, len(b.Components))
	}
	var sum, artisans int64
	for i, c := range b.Components {
		if c.Key != componentKeys[i] {
			t.Errorf("%s: component %d is %q, want %q", p.Slug, i, c.Key, componentKeys[i])
		}
		if c.Label == "" || c.Label == "component."+c.Key {
			t.Errorf("%s: component %s has no label", p.Slug, c.Key)
		}
		if c.Amount.Currency != "PEN" || c.Amount.Amount < 0 {
			t.Errorf("%s: component %s = %+v", p.Slug, c.Key, c.Amount)
		}
		sum += c.Amount.Amount
		if i < 3 {
			artisans += c.Amount.Amount
		}
	}
	if sum != p.Price.Amount || p.Price.Currency != "PEN" {
		t.Errorf("%s: components add up to %d, price is %+v", p.Slug, sum, p.Price)
	}
	if b.PaidToArtisans.Amount != artisans {
		t.Errorf("%s: paid_to_artisans %d, labour+materials+fund %d", p.Slug, b.PaidToArtisans.Amount, artisans)
	}
	if b.Surplus.Amount != artisans-b.LocalMarketPrice.Amount {
		t.Errorf("%s: surplus %d ≠ %d − %d", p.Slug, b.Surplus.Amount, artisans, b.LocalMarketPrice.Amount)
	}
	if b.EffectiveHourlyPay.Amount <= 0 {
		t.Errorf("%s: effective hourly pay %d", p.Slug, b.EffectiveHourlyPay.Amount)
	}
}

func TestAPI_EveryDemoProductsComponentsAddUpToItsPrice(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		var all list
		if code := getJSON(t, ts, "/api/v1/products?per_page=100", "", &all); code != http.StatusOK {
			t.Fatalf("list: %d", code)
		}
		n, _ := ts.Store.CountProducts(context.Background())
		if *all.Total != n || n < 60 {
			t.Fatalf("total %d, store has %d (want ≥ 60)", *all.Total, n)
		}
		seen := 0
		for page := 1; page <= (int(n)+99)/100; page++ {
			var l list
			getJSON(t, ts, "/api/v1/products?per_page=100&page="+strconv.Itoa(page), "", &l)
			for _, item := range l.Items {
				checkBreakdown(t, item)
				seen++
				// Each product's own answer once, the engines taking turns.
				if !dbtest.Split(t, db, seen) {
					continue
				}
				var one product
				if code := getJSON(t, ts, "/api/v1/products/"+item.Slug, "", &one); code != http.StatusOK {
					t.Fatalf("%s: %d", item.Slug, code)
				}
				checkBreakdown(t, one)
				if one.Group.Slug == "" || one.Group.Name == "" || one.Group.Region == "" || one.Stock == nil {
					t.Errorf("%s: group or stock missing: %+v", item.Slug, one)
				}
			}
		}
		if int64(seen) != n {
			t.Fatalf("paged through %d products, want %d", seen, n)
		}
	}, demoCatalog, dbtest.Shared)
}

func TestAPI_ListContractFiltersAndPaging(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		var all list
		getJSON(t, ts, "/api/v1/products?per_page=100", "", &all)
		if all.Total == nil || all.Page == nil || all.PerPage == nil || *all.Page != 1 || *all.PerPage != 100 {
			t.Fatalf("list envelope: %+v", all)
		}
		cases := []struct {
			query string
			keep  func(p product) bool
		}{
			{"region=puno", func(p product) bool { return p.Group.Region == "puno" }},
			{"region=lima&sort=price_asc", func(p product) bool { return p.Group.Region == "lima" }},
			{"min_price=100&max_price=200.50", func(p product) bool { return p.Price.Amount >= 10000 && p.Price.Amount <= 20050 }},
			{"group=" + all.Items[0].Group.Slug, func(p product) bool { return p.Group.Slug == all.Items[0].Group.Slug }},
		}
		for _, tc := range cases {
			var l list
			if code := getJSON(t, ts, "/api/v1/products?per_page=100&"+tc.query, "", &l); code != http.StatusOK {
				t.Fatalf("%s: %d", tc.query, code)
			}
			if *l.Total == 0 || *l.Total == *all.Total {
				t.Errorf("%s: %d of %d products: the filter should select some, not all", tc.query, *l.Total, *all.Total)
			}
			for _, p := range l.Items {
				if !tc.keep(p) {
					t.Errorf("%s: %s should have been filtered out", tc.query, p.Slug)
				}
			}
		}
		var asc list
		getJSON(t, ts, "/api/v1/products?per_page=100&sort=price_asc", "", &asc)
		for i := 1; i < len(asc.Items); i++ {
			if asc.Items[i].Price.Amount < asc.Items[i-1].Price.Amount {
				t.Fatalf("sort=price_asc out of order at %d", i)
			}
		}
		// Pages partition the catalog.
		var p1, p2 list
		getJSON(t, ts, "/api/v1/products?per_page=10&page=1", "", &p1)
		getJSON(t, ts, "/api/v1/products?per_page=10&page=2", "", &p2)
		if len(p1.Items) != 10 || len(p2.Items) != 10 || p1.Items[0].Slug == p2.Items[0].Slug {
			t.Fatalf("paging: %d and %d items", len(p1.Items), len(p2.Items))
		}
	}, demoCatalog, dbtest.Shared)
}

func TestAPI_BadInput(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		long := url.QueryEscape(strings.Repeat("x", 10<<10))
		cases := []struct {
			path     string
			status   int
			wantPage int // for 200s
		}{
			{"/api/v1/products?page=-1", 200, 1},
			{"/api/v1/products?page=0", 200, 1},
			{"/api/v1/products?page=99999999", 200, 100000},
			{"/api/v1/products?page=999999999999999999999999", 200, 100000},
			{"/api/v1/products?per_page=100000", 200, 1},
			{"/api/v1/products?page=abc", 400, 0},
			{"/api/v1/products?min_price=abc", 400, 0},
			{"/api/v1/products?max_price=-5", 400, 0},
			{"/api/v1/products?min_price=10.123", 400, 0},
			{"/api/v1/products?min_price=300&max_price=100", 400, 0},
			{"/api/v1/products?q=" + long, 400, 0},
			{"/api/v1/products?craft=plastic", 400, 0},
			{"/api/v1/products?region=mars", 400, 0},
			{"/api/v1/products?sort=random()", 400, 0},
			{"/api/v1/products?q=%27%20OR%201%3D1%20--", 200, 1},
			{"/api/v1/products/no-such-product", 404, 0},
			{"/api/v1/products/..%2F..%2Fetc", 404, 0},
			{"/api/v1/groups/no-such-group", 404, 0},
			{"/api/v1/nothing-here", 404, 0},
		}
		for _, tc := range cases {
			var body map[string]any
			code := getJSON(t, ts, tc.path, "", &body)
			if code != tc.status {
				t.Errorf("%.80s: status %d, want %d (%v)", tc.path, code, tc.status, body)
				continue
			}
			if code >= 400 {
				msg, _ := body["error"].(string)
				if msg == "" || strings.Contains(strings.ToLower(msg), "select") || strings.Contains(msg, "sql") {
					t.Errorf("%.80s: error message %q", tc.path, msg)
				}
				continue
			}
			if tc.wantPage != 0 && int(body["page"].(float64)) != tc.wantPage {
				t.Errorf("%.80s: page %v, want %d", tc.path, body["page"], tc.wantPage)
			}
			if pp := int(body["per_page"].(float64)); pp < 1 || pp > models.MaxPerPage {
				t.Errorf("%.80s: per_page %d not clamped", tc.path, pp)
			}
		}
	}, demoCatalog, dbtest.Shared)
}

func TestAPI_GroupsAndLanguage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		var groups struct {
			Items []struct {
				Slug     string `json:"slug"`
				Name     string `json:"name"`
				Region   string `json:"region"`
				Products int    `json:"products"`
			} `json:"items"`
			Total int `json:"total"`
		}
		if code := getJSON(t, ts, "/api/v1/groups", "", &groups); code != 200 || groups.Total != 21 || len(groups.Items) != 21 {
			t.Fatalf("groups: %d, total %d, %d items", code, groups.Total, len(groups.Items))
		}
		var g struct {
			Slug        string    `json:"slug"`
			Story       string    `json:"story"`
			ProductList []product `json:"product_list"`
		}
		slug := groups.Items[0].Slug
		if code := getJSON(t, ts, "/api/v1/groups/"+slug, "en", &g); code != 200 || g.Slug != slug || g.Story == "" {
			t.Fatalf("group %s: %d %+v", slug, code, g)
		}
		if len(g.ProductList) != groups.Items[0].Products {
			t.Errorf("group %s lists %d products, index says %d", slug, len(g.ProductList), groups.Items[0].Products)
		}
		for _, p := range g.ProductList {
			checkBreakdown(t, p)
			if p.Group.Slug != slug {
				t.Errorf("product %s of group %s", p.Slug, p.Group.Slug)
			}
		}
		// Labels follow the language.
		var es, en product
		getJSON(t, ts, "/api/v1/products/"+g.ProductList[0].Slug, "es-PE,es;q=0.9", &es)
		getJSON(t, ts, "/api/v1/products/"+g.ProductList[0].Slug, "en-GB,en;q=0.9", &en)
		if es.Breakdown.Components[0].Label == en.Breakdown.Components[0].Label {
			t.Errorf("labels not translated: %q", es.Breakdown.Components[0].Label)
		}
	}, demoCatalog, dbtest.Shared)
}

func TestAPI_CachedAnswersFollowPriceChanges(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db, withPageCache(100))
		ctx := context.Background()
		var l list
		getJSON(t, ts, "/api/v1/products?per_page=1", "", &l)
		slug := l.Items[0].Slug
		var before product
		getJSON(t, ts, "/api/v1/products/"+slug, "", &before)

		p, err := ts.Store.ProductBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		r, w := *p.RetailBreakdown, *p.WholesaleBreakdown
		r.ID, w.ID = 0, 0
		r.Price, r.Margin = r.Price+100, r.Margin+100
		r.Reason, w.Reason = "test raise", "test raise"
		if _, err := ts.Store.Editor(models.SystemActor).SaveBreakdowns(ctx, p.ID, p.LockVersion, &r, &w, "test raise"); err != nil {
			t.Fatalf("set breakdowns: %v", err)
		}
		var after product
		getJSON(t, ts, "/api/v1/products/"+slug, "", &after)
		if after.Breakdown.Version != before.Breakdown.Version+1 || after.Price.Amount != before.Price.Amount+100 {
			t.Fatalf("cached answer is stale: v%d %d → v%d %d", before.Breakdown.Version, before.Price.Amount,
				after.Breakdown.Version, after.Price.Amount)
		}
	}, demoCatalog)
}

// A conflict the store reports (a duplicate slug, say) is a 409 with a
// message, never a 500.
func TestErrors_ConflictIs409(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		for _, path := range []string{"/api/v1/conflict-probe", "/conflict-probe"} {
			rec := httptest.NewRecorder()
			ts.ServeHTTPError(rec, httptest.NewRequest(http.MethodGet, path, nil),
				fmt.Errorf("create product x: %w", models.ErrConflict))
			if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "nothing was saved") &&
				!strings.Contains(rec.Body.String(), "no se guardó nada") {
				t.Errorf("%s: %d %.200s", path, rec.Code, rec.Body.String())
			}
		}
	}, demoCatalog)
}

// The catalog-wide figures reconcile with the products' own breakdowns:
// a reviewer can recompute them from /api/v1/products.
func TestAPI_TransparencyFiguresReconcileWithProducts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		var fig struct {
			Products     int   `json:"products"`
			Median       int64 `json:"median_share_paid_to_artisans_permille"`
			TotalPrice   money `json:"total_price"`
			TotalPaid    money `json:"total_paid_to_artisans"`
			TotalSurplus money `json:"total_surplus"`
			MinimumWage  struct {
				Hourly money  `json:"hourly"`
				Source string `json:"source"`
			} `json:"minimum_wage"`
			Components []struct {
				Key      string `json:"key"`
				Amount   money  `json:"amount"`
				Permille int64  `json:"permille"`
			} `json:"components"`
		}
		if code := getJSON(t, ts, "/api/v1/transparency", "", &fig); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		n, _ := ts.Store.CountProducts(context.Background())
		var price, paid, surplus int64
		for page := 1; page <= (int(n)+99)/100; page++ {
			var l list
			getJSON(t, ts, "/api/v1/products?per_page=100&page="+strconv.Itoa(page), "", &l)
			for _, p := range l.Items {
				price += p.Price.Amount
				paid += p.Breakdown.PaidToArtisans.Amount
				surplus += p.Breakdown.Surplus.Amount
			}
		}
		if int64(fig.Products) != n || fig.TotalPrice.Amount != price || fig.TotalPaid.Amount != paid ||
			fig.TotalSurplus.Amount != surplus {
			t.Fatalf("figures %+v do not reconcile with %d products: price %d paid %d surplus %d",
				fig, n, price, paid, surplus)
		}
		if fig.Median <= 0 || fig.Median >= 1000 || fig.MinimumWage.Hourly.Amount != 543 || fig.MinimumWage.Source == "" {
			t.Errorf("median %d, minimum wage %+v", fig.Median, fig.MinimumWage)
		}
		var sum, permille int64
		for i, c := range fig.Components {
			if c.Key != componentKeys[i] {
				t.Errorf("component %d is %q", i, c.Key)
			}
			sum += c.Amount.Amount
			permille += c.Permille
		}
		if sum != price || permille != 1000 {
			t.Errorf("components add up to %d (price %d) and %d ‰", sum, price, permille)
		}
	}, demoCatalog, dbtest.Shared)
}
