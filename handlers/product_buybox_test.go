package handlers

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

var artisanShareRE = regexp.MustCompile(`<p class="artisan-share">([^<]*)</p>`)

// The buy box says, in one plain sentence next to the price, how much of
// it goes to the artisans and how much more that is than an intermediary
// would pay them — the breakdown's own figures — and it comes before the
// long explanation.
func TestProductPage_BuyBoxSaysWhatGoesToTheArtisans(t *testing.T) {
	t.Parallel()
	sentences := map[string]string{
		"es": "%s de este precio va a las artesanas: %s más de lo que les pagaría un intermediario.",
		"en": "%s of this price goes to the artisans: %s more than a middleman would pay them.",
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newShop(t, db)
		var inStock, soldOut bool
		for i := range s.products {
			p := &s.products[i]
			rb := p.RetailBreakdown
			if rb.Surplus().Amount <= 0 || (p.Stock > 0 && inStock) || (p.Stock == 0 && soldOut) {
				continue
			}
			inStock, soldOut = inStock || p.Stock > 0, soldOut || p.Stock == 0
			for lang, sentence := range sentences {
				l := s.srv.tr.For(lang)
				r := s.get(t, "/products/"+p.Slug, lang)
				if r.status != http.StatusOK {
					t.Fatalf("%s (%s): status %d", p.Slug, lang, r.status)
				}
				checkHTML(t, r.body)
				m := artisanShareRE.FindStringSubmatch(r.body)
				want := fmt.Sprintf(sentence, l.Money(rb.PaidToArtisans()), l.Money(rb.Surplus()))
				if m == nil || html.UnescapeString(m[1]) != want {
					t.Errorf("%s (%s): sentence %q, want %q", p.Slug, lang, m, want)
				}
				// Price, sentence, availability and the form, in that order,
				// all before the breakdown.
				order := []string{`<div class="buy-box">`, `<p class="price">` + html.EscapeString(l.Money(p.Price())),
					`<p class="artisan-share">`}
				if p.Stock > 0 {
					order = append(order, `<p class="stock in-stock">`+html.EscapeString(l.T("product.in_stock", "Count", p.Stock)),
						`<form class="add-to-cart"`)
				} else {
					order = append(order, `<p class="badge badge-soldout">`+l.T("product.sold_out"))
				}
				order = append(order, `</div>`, `<section class="section fair-price"`, `<table class="breakdown">`)
				at := 0
				for _, mark := range order {
					i := strings.Index(r.body[at:], mark)
					if i < 0 {
						t.Errorf("%s (%s): %q missing or out of order", p.Slug, lang, mark)
						break
					}
					at += i + len(mark)
				}
			}
		}
		if !inStock || !soldOut {
			t.Fatalf("the demo catalog lacks an in-stock (%v) or sold-out (%v) piece", inStock, soldOut)
		}
	}, DemoCatalog)
}

// A breakdown that pays the artisans no more than the local market says so
// plainly instead of claiming a surplus.
func TestArtisanShare_SaysHonestlyWhenThereIsNoSurplus(t *testing.T) {
	t.Parallel()
	tr := testTranslations(t)
	// paid to artisans = 6000 + 3000 + 1000 = S/ 100.00
	cases := []struct {
		localMarket, difference int64
		es, en                  string
	}{
		{7000, 3000, "%s de este precio va a las artesanas: %s más de lo que les pagaría un intermediario.",
			"%s of this price goes to the artisans: %s more than a middleman would pay them."},
		{10000, 0, "%s de este precio va a las artesanas: lo mismo que les pagaría un intermediario.",
			"%s of this price goes to the artisans: the same as a middleman would pay them."},
		{12550, 2550, "%s de este precio va a las artesanas: %s menos de lo que les pagaría un intermediario.",
			"%s of this price goes to the artisans: %s less than a middleman would pay them."},
	}
	for _, tc := range cases {
		b := dbtest.Breakdown(20000, 6000, 3000, 1000, tc.localMarket, 120)
		sh := newArtisanShare(newBreakdownTable(b, models.Soles(500)))
		if sh.Paid != models.Soles(10000) || sh.Difference != models.Soles(tc.difference) {
			t.Errorf("local market %d: paid %v, difference %v", tc.localMarket, sh.Paid, sh.Difference)
		}
		for lang, format := range map[string]string{"es": tc.es, "en": tc.en} {
			l := tr.For(lang)
			want := fmt.Sprintf(format, l.Money(models.Soles(10000)), l.Money(models.Soles(tc.difference)))
			if tc.difference == 0 {
				want = fmt.Sprintf(format, l.Money(models.Soles(10000)))
			}
			if got := l.T(sh.Message, "Paid", l.Money(sh.Paid), "Difference", l.Money(sh.Difference)); got != want {
				t.Errorf("local market %d (%s): %q, want %q", tc.localMarket, lang, got, want)
			}
		}
	}
	if newArtisanShare(nil) != nil {
		t.Error("a product without a retail breakdown has no sentence")
	}
}
