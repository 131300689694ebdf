package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// getBody fetches a page anonymously (so the page cache answers when it
// can) and returns its body.
func getBody(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	return string(b)
}

type ledgerJSON struct {
	PaidToArtisans models.Money `json:"paid_to_artisans"`
	Surplus        models.Money `json:"surplus"`
	Entries        int64        `json:"entries"`
}

func groupLedgerJSON(t *testing.T, url string) ledgerJSON {
	t.Helper()
	var out struct {
		Ledger *ledgerJSON `json:"ledger"`
	}
	if err := json.Unmarshal([]byte(getBody(t, url)), &out); err != nil || out.Ledger == nil {
		t.Fatalf("group JSON without ledger: %v", err)
	}
	return *out.Ledger
}

// sumEntries adds up entries the way the public figures should.
func sumEntries(es []models.LedgerEntry) ledgerJSON {
	var s ledgerJSON
	s.PaidToArtisans.Currency, s.Surplus.Currency = models.PEN, models.PEN
	for _, e := range es {
		s.PaidToArtisans.Amount += e.PaidToArtisans
		s.Surplus.Amount += e.Surplus
		s.Entries++
	}
	return s
}

// The group's API answer and page, and /transparency, show what fulfilled
// sales paid, net of refunds, with the chain head; cached copies go stale
// when the ledger moves (at once for a fulfillment worked here, within
// ledgerMaxAge for a write made elsewhere).
func TestLedgerPublic_FiguresFromRealSalesAndTheCache(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ts := NewTestServer(t, db, WithPageCache(100))
		var prod struct {
			ID   int64
			Slug string
		}
		if err := db.Raw(`SELECT p.id, g.slug FROM products p JOIN producer_groups g ON g.id = p.group_id
			WHERE p.published AND p.stock >= 4 ORDER BY p.id LIMIT 1`).Scan(&prod).Error; err != nil || prod.ID == 0 {
			t.Fatalf("a product in stock: %v", err)
		}
		api := ts.URL + "/api/v1/groups/" + prod.Slug
		if got := groupLedgerJSON(t, api); got.Entries != 0 || got.PaidToArtisans.Amount != 0 || got.PaidToArtisans.Currency != models.PEN {
			t.Fatalf("before any sale: %+v", got)
		}
		page := getBody(t, ts.URL+"/groups/"+prod.Slug)
		if !strings.Contains(page, `id="group-ledger-h"`) || strings.Contains(page, `ledger-chart`) {
			t.Fatal("group page before any sale: no ledger section, or a chart of nothing")
		}
		getBody(t, ts.URL+"/transparency")

		var orders []*models.Order
		for i := range 2 {
			o, err := ts.Store.CreateOrder(ctx, models.OrderInput{
				Customer: models.Customer{Email: "ana@example.com", Name: "Ana Quispe", Phone: "+51 987 654 321",
					Address: models.Address{Country: "PE", Region: "lima-metropolitana", City: "Lima",
						Line: "Jr. Junín 123", PostalCode: "15001"}},
				Method: models.PaymentCard, ExpiresAt: time.Now().Add(time.Hour),
				Lines: []models.OrderLineInput{{ProductID: prod.ID, Quantity: 2}},
			})
			if err != nil {
				t.Fatal(err)
			}
			sess := fmt.Sprintf("cs_public_%d", i)
			if _, _, err := ts.Store.PayOrder(ctx, models.PaymentInput{Number: o.Number, Method: models.PaymentCard,
				Amount: o.Total(), ProviderSessionID: sess, ProviderEventID: "evt_" + sess, Actor: models.SystemActor}); err != nil {
				t.Fatal(err)
			}
			orders = append(orders, o)
		}
		ts.RunJobs(t) // the fulfillment worker, through this server
		var all, kept []models.LedgerEntry
		for i, o := range orders {
			es, err := ts.Store.LedgerEntriesOfOrder(ctx, o.ID)
			if err != nil || len(es) != 1 {
				t.Fatalf("entries of order %d: %d, %v", i, len(es), err)
			}
			all = append(all, es...)
			if i == 1 {
				kept = es
			}
		}
		want := sumEntries(all)
		if want.PaidToArtisans.Amount <= 0 {
			t.Fatalf("entries pay nothing: %+v", want)
		}
		if got := groupLedgerJSON(t, api); got != want {
			t.Fatalf("after two sales the cached group JSON says %+v, want %+v", got, want)
		}
		page = getBody(t, ts.URL+"/groups/"+prod.Slug)
		l := ts.tr.For("es")
		for _, s := range []string{`<svg class="history-chart ledger-chart"`, `role="img"`, `<title id="ledger-chart-t">`,
			`<desc id="ledger-chart-d">`, l.Money(want.PaidToArtisans), l.Money(want.Surplus),
			`<th scope="row">` + monthLabel(l, time.Now().In(time.FixedZone("", -5*3600))) + `</th>`} {
			if !strings.Contains(page, s) {
				t.Errorf("group page lacks %s", s)
			}
		}
		head, err := ts.Store.LedgerHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tp := getBody(t, ts.URL+"/transparency")
		if !strings.Contains(tp, head.Hash) || !strings.Contains(tp, l.Money(want.PaidToArtisans)) {
			t.Error("transparency page lacks the chain head or the shop's ledger total")
		}
		var tj struct {
			Ledger *ledgerJSON `json:"ledger"`
			Head   struct {
				Seq  int64  `json:"seq"`
				Hash string `json:"hash"`
			} `json:"ledger_head"`
		}
		if err := json.Unmarshal([]byte(getBody(t, ts.URL+"/api/v1/transparency")), &tj); err != nil || tj.Ledger == nil {
			t.Fatalf("transparency JSON: %v", err)
		}
		if *tj.Ledger != want || tj.Head.Seq != 2 || tj.Head.Hash != head.Hash {
			t.Errorf("transparency JSON: %+v head %+v, want %+v head %+v", *tj.Ledger, tj.Head, want, head)
		}

		// A refund written without this server knowing (another instance,
		// say): the cached answers catch up within ledgerMaxAge.
		if _, _, err := ts.Store.RefundOrder(ctx, models.RefundOrderInput{OrderID: orders[0].ID,
			Reference: "BCP-R1", Actor: "staff@example.org", Note: "buyer asked"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(ledgerMaxAge + 100*time.Millisecond)
		want = sumEntries(kept)
		want.Entries = 3 // two sales and the refund's reversing entry
		if got := groupLedgerJSON(t, api); got != want {
			t.Fatalf("after the refund: %+v, want %+v (net of the refund)", got, want)
		}
	}, DemoCatalog)
}

func TestMonthlyLedgerChart_NegativeSurplusAndLabels(t *testing.T) {
	t.Parallel()
	tr := testTranslations(t)
	l := tr.For("en")
	lima := time.FixedZone("", -5*3600)
	months := []models.LedgerMonth{
		{Month: time.Date(2026, 3, 1, 0, 0, 0, 0, lima), PaidToArtisans: models.Soles(10000), Surplus: models.Soles(-500)},
		{Month: time.Date(2026, 4, 1, 0, 0, 0, 0, lima), PaidToArtisans: models.Soles(20000), Surplus: models.Soles(4000)},
	}
	svg := string(monthlyLedgerChart(l, "c", "Ceramistas <de> Huamanga", months))
	for _, s := range []string{`aria-labelledby="c-t c-d"`, "Ceramistas &lt;de&gt; Huamanga", ">Mar 2026</text>", ">Apr 2026</text>",
		"Mar 2026: " + l.Money(models.Soles(10000)) + " paid, " + l.Money(models.Soles(-500)) + " surplus"} {
		if !strings.Contains(svg, s) {
			t.Errorf("chart lacks %q:\n%s", s, svg)
		}
	}
	if n := strings.Count(svg, "<rect "); n != 4 {
		t.Errorf("%d bars, want 4", n)
	}
}
