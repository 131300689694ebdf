package handlers_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// getIn requests path with Accept-Language lang (no query, so cached
// pages are served from the page cache when it holds them).
func getIn(t *testing.T, c *testClient, path, lang string) *testResponse {
	t.Helper()
	c.Header.Set("Accept-Language", lang)
	res := c.Get(path)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s (%s): %d", path, lang, res.Status)
	}
	return res
}

// soles writes amounts as "S/12.00" whatever space the language puts
// after the symbol.
var soles = strings.NewReplacer("S/\u00a0", "S/", "S/\u202f", "S/", "S/ ", "S/").Replace

func TestInfoPages_StateTheirKeyFactsInBothLanguages(t *testing.T) {
	t.Parallel()
	contact := handlers.ContactConfig{Email: "tienda@ciap.org.pe", Phone: "+51 1 234 5678"}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db, withConfig(func(c *handlers.Config) { c.Contact = contact }))
		c := ts.client(t)
		for _, tc := range []struct {
			path, lang string
			want       []string
		}{
			{"/shipping", "es", []string{"Lima Metropolitana y Callao", "S/12.00", "De 1 a 3 días hábiles",
				"Resto del Perú", "S/25.00", "De 3 a 8 días hábiles", "Internacional", "S/180.00", "De 10 a 25 días hábiles",
				"número de seguimiento", "hecha por encargo"}},
			{"/shipping", "en", []string{"Metropolitan Lima and Callao", "S/12.00", "1 to 3 working days",
				"Rest of Peru", "S/25.00", "International", "S/180.00", "10 to 25 working days", "tracking number", "made to order"}},
			{"/returns", "es", []string{"14 días", "Libro de Reclamaciones", "INDECOPI", "misma tarjeta",
				"dañada", "mailto:tienda@ciap.org.pe"}},
			{"/returns", "en", []string{"within 14 days", "Libro de Reclamaciones", "INDECOPI", "same card",
				"Who pays return shipping", "mailto:tienda@ciap.org.pe"}},
			{"/contact", "es", []string{"mailto:tienda@ciap.org.pe", `href="tel:+5112345678"`, "+51 1 234 5678",
				"Lima, Perú", "2 días hábiles"}},
			{"/contact", "en", []string{"mailto:tienda@ciap.org.pe", `href="tel:+5112345678"`, "Lima, Peru", "2 working days"}},
		} {
			body := soles(html.UnescapeString(getIn(t, c, tc.path, tc.lang).Body))
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s (%s) does not say %q", tc.path, tc.lang, w)
				}
			}
			if strings.Contains(body, "datos son de ejemplo") || strings.Contains(body, "placeholder details") {
				t.Errorf("%s (%s) calls configured contact details placeholders", tc.path, tc.lang)
			}
		}
	})
}

func TestContactPage_LabelsPlaceholderDetails(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db, withConfig(func(c *handlers.Config) {
			c.Contact = handlers.ContactConfig{Email: "tienda@ciap.example", Phone: "+51 1 000 0000", Placeholder: true}
		}))
		if res := getIn(t, ts.client(t), "/contact", "en"); !strings.Contains(res.Body, "placeholder details") {
			t.Error("placeholder contact details are not labelled")
		}
	})
}

// A rate changed in the back office shows on the cached shipping page.
func TestShippingPage_ShowsTheRateStaffSet(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db, withPageCache(100))
		c := ts.client(t)
		ctx := context.Background()
		if res := getIn(t, c, "/shipping", "en"); !strings.Contains(res.Body, "S/25.00") || strings.Contains(res.Body, "S/31.50") {
			t.Fatal("the seeded rest-of-Peru rate is not shown")
		}
		z, err := ts.Store.ShippingZoneByCode(ctx, models.ZonePeru)
		if err != nil {
			t.Fatal(err)
		}
		z.RateAmount, z.MinDays, z.MaxDays = 3150, 4, 9
		if err := ts.Store.Editor(models.SystemActor).UpdateShippingZone(ctx, z); err != nil {
			t.Fatal(err)
		}
		res := getIn(t, c, "/shipping", "es")
		if !strings.Contains(soles(res.Body), "S/31.50") || !strings.Contains(res.Body, "De 4 a 9 días hábiles") {
			t.Error("the Spanish shipping page does not show the new rate and estimate")
		}
		res = getIn(t, c, "/shipping", "en")
		if !strings.Contains(res.Body, "S/31.50") || !strings.Contains(res.Body, "4 to 9 working days") {
			t.Error("the shipping page does not show the new rate and estimate")
		}
		if strings.Contains(res.Body, "S/25.00") {
			t.Error("the shipping page still shows the old rate")
		}
	})
}

func TestFooter_LinksShippingReturnsAndContactOnEveryPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		ps, err := ts.Store.ProductsWithBreakdowns(context.Background())
		if err != nil || len(ps) == 0 {
			t.Fatalf("demo products: %d, %v", len(ps), err)
		}
		c := ts.client(t)
		for _, path := range []string{"/", "/products", "/products/" + ps[0].Slug, "/groups", "/transparency",
			"/shipping", "/returns", "/contact", "/signin", "/no-such-page"} {
			for _, lang := range []string{"es", "en"} {
				c.Header.Set("Accept-Language", lang)
				res := c.Get(path)
				footer := res.Body[strings.Index(res.Body, "<footer"):]
				for _, link := range []string{`href="/shipping"`, `href="/returns"`, `href="/contact"`} {
					if !strings.Contains(footer, link) {
						t.Errorf("%s (%s, %d): footer has no %s", path, lang, res.Status, link)
					}
				}
			}
		}
	}, demoCatalog, dbtest.Shared)
}

var jsonLD = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// productOffer is the part of a product page's JSON-LD the tests read.
type productOffer struct {
	Offers struct {
		Type            string `json:"@type"`
		Price           string `json:"price"`
		PriceCurrency   string `json:"priceCurrency"`
		Availability    string `json:"availability"`
		ShippingDetails []struct {
			ShippingRate struct {
				Value    string `json:"value"`
				Currency string `json:"currency"`
			} `json:"shippingRate"`
			ShippingDestination struct {
				AddressCountry string `json:"addressCountry"`
			} `json:"shippingDestination"`
			ShippingSettingsLink string `json:"shippingSettingsLink"`
		} `json:"shippingDetails"`
		ReturnPolicy struct {
			Type string `json:"@type"`
			Days int    `json:"merchantReturnDays"`
			Link string `json:"merchantReturnLink"`
		} `json:"hasMerchantReturnPolicy"`
	} `json:"offers"`
}

func offerOf(t *testing.T, c *testClient, slug string) productOffer {
	t.Helper()
	res := getIn(t, c, "/products/"+slug, "en")
	m := jsonLD.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatal("no JSON-LD on the product page")
	}
	var ld productOffer
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
	}
	return ld
}

func TestProductJSONLD_OfferMatchesStock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db, withPageCache(100))
		ctx := context.Background()
		ps, err := ts.Store.ProductsWithBreakdowns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var p *models.Product
		for i := range ps {
			if ps[i].Stock > 0 {
				p = &ps[i]
				break
			}
		}
		if p == nil {
			t.Fatal("no demo product in stock")
		}
		c := ts.client(t)
		ld := offerOf(t, c, p.Slug)
		o := ld.Offers
		if o.Type != "Offer" || o.Availability != "https://schema.org/InStock" || o.Price != p.Price().Decimal() || o.PriceCurrency != "PEN" {
			t.Errorf("in stock: offer %+v, want InStock at %s PEN", o, p.Price().Decimal())
		}
		if len(o.ShippingDetails) != 2 || o.ShippingDetails[0].ShippingRate.Value != "12.00" ||
			o.ShippingDetails[0].ShippingRate.Currency != "PEN" || o.ShippingDetails[1].ShippingDestination.AddressCountry != "PE" ||
			!strings.HasSuffix(o.ShippingDetails[0].ShippingSettingsLink, "/shipping") {
			t.Errorf("shipping details %+v", o.ShippingDetails)
		}
		if o.ReturnPolicy.Type != "MerchantReturnPolicy" || o.ReturnPolicy.Days != 14 || !strings.HasSuffix(o.ReturnPolicy.Link, "/returns") {
			t.Errorf("return policy %+v", o.ReturnPolicy)
		}

		if _, err := ts.Store.Editor(models.SystemActor).AdjustStock(ctx, models.StockAdjustment{ProductID: p.ID,
			Delta: -p.Stock, Reason: models.StockDamaged, Note: "test: sell out"}); err != nil {
			t.Fatal(err)
		}
		if o := offerOf(t, c, p.Slug).Offers; o.Availability != "https://schema.org/SoldOut" || o.Price != p.Price().Decimal() {
			t.Errorf("sold out: offer %+v, want SoldOut", o)
		}
	}, demoCatalog)
}
