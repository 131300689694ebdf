package handlers_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// reviewPages are the portal's pages, for the markup check.
var reviewPages = []string{"/review?period=year&year=2026", "/review?period=month&month=2026-02&group=1",
	"/review/exports?period=quarter&quarter=2026-Q1", "/review/fair-pay?period=custom&from=2026-01-01&to=2026-01-31"}

// demoProduct is a published demo product with stock for a few orders.
func demoProduct(t *testing.T, db *gorm.DB) (id, groupID int64) {
	t.Helper()
	var prod struct{ ID, GroupID int64 }
	if err := db.Raw(`SELECT id, group_id FROM products WHERE published AND stock >= 5 ORDER BY id LIMIT 1`).
		Scan(&prod).Error; err != nil || prod.ID == 0 {
		t.Fatalf("a product in stock: %v", err)
	}
	return prod.ID, prod.GroupID
}

// Every reader of the back office reads the portal; a write to it is
// refused (there is none to make); a period that does not parse gets a
// 400 page that says what to write, with the form kept.
func TestReview_ReadersReadNobodyWritesBadPeriodsAreExplained(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		prodID, _ := demoProduct(t, db)
		o := paidDemoOrder(t, ts, prodID, 2)
		if _, err := ts.Store.FulfillOrder(context.Background(), o.ID); err != nil {
			t.Fatal(err)
		}
		for _, role := range []models.Role{models.RoleAdmin, models.RoleStaff, models.RoleReviewer} {
			c, _ := ts.signInAs(t, role)
			c.Header.Set("Accept-Language", "en")
			res := c.Get("/review")
			if res.Status != http.StatusOK {
				t.Fatalf("%s GET /review: %d", role, res.Status)
			}
			for _, s := range []string{"Reviewers&#39; portal", `href="/review?`, "Owed at the end", "<svg", "/review/exports/months?"} {
				if !strings.Contains(res.Body, s) {
					t.Errorf("%s /review lacks %q", role, s)
				}
			}
			for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
				if res := c.Send(m, "/review", url.Values{"_csrf": {c.CSRFToken()}}); res.Status < 400 || res.Status >= 500 {
					t.Errorf("%s %s /review: %d, want refused", role, m, res.Status)
				}
			}
		}
		c, _ := ts.signInAs(t, models.RoleReviewer)
		c.Header.Set("Accept-Language", "en")
		for q, want := range map[string]string{
			"period=month&month=2026-13":                  "is not a month",
			"period=quarter&quarter=2026-Q5":              "is not a quarter",
			"period=year&year=19":                         "is not a year",
			"period=custom&from=2026-03-01&to=2026-02-01": "ends (2026-02-01) before it starts (2026-03-01)",
			"period=custom&from=2000-01-01&to=2026-02-01": "at most 120 months",
			"period=custom&from=yesterday&to=2026-02-01":  "is not a first day",
			"period=fortnight":                            "Choose a period",
			"period=year&year=2026&group=abc":             "Choose a producer group",
		} {
			res := c.Get("/review?" + q)
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, want) || !strings.Contains(res.Body, `id="rv-kind"`) {
				t.Errorf("/review?%s: %d, want 400 with %q and the form", q, res.Status, want)
			}
		}
		if res := c.Get("/review?group=999999"); res.Status != http.StatusNotFound {
			t.Errorf("unknown group: %d, want 404", res.Status)
		}
		// Every page is valid HTML in both languages, with no message key
		// left untranslated.
		for _, lang := range []string{"es", "en"} {
			for _, p := range reviewPages {
				res := c.Get(p + "&lang=" + lang)
				if res.Status != http.StatusOK {
					t.Errorf("%s (%s): %d", p, lang, res.Status)
					continue
				}
				checkPage(t, p+" "+lang, res)
				if regexp.MustCompile(`>[^<]*\breview\.[a-z_]+\.?[a-z_.]*<`).MatchString(res.Body) {
					t.Errorf("%s (%s): an untranslated message", p, lang)
				}
			}
		}
	}, demoCatalog)
}

// reviewShop is a demo shop with fulfilled sales of two groups, a refund,
// a payout and an advance: what the dashboard sums.
type reviewShop struct {
	ts             *testServer
	group1, group2 int64
	orders         []*models.Order
}

func newReviewShop(t *testing.T, db *gorm.DB) *reviewShop {
	t.Helper()
	ctx := context.Background()
	ts := newTestServer(t, db)
	var prods []struct{ ID, GroupID int64 }
	if err := db.Raw(`SELECT p.id, p.group_id FROM products p WHERE p.published AND p.stock >= 5
		AND p.id = (SELECT MIN(q.id) FROM products q WHERE q.group_id = p.group_id AND q.published AND q.stock >= 5)
		ORDER BY p.group_id LIMIT 2`).Scan(&prods).Error; err != nil || len(prods) != 2 {
		t.Fatalf("products of two groups: %v %v", prods, err)
	}
	rs := &reviewShop{ts: ts, group1: prods[0].GroupID, group2: prods[1].GroupID}
	for _, q := range []struct {
		prod int64
		n    int
	}{{prods[0].ID, 2}, {prods[1].ID, 1}, {prods[0].ID, 3}} {
		o := paidDemoOrder(t, ts, q.prod, q.n)
		if _, err := ts.Store.FulfillOrder(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		rs.orders = append(rs.orders, o)
	}
	// The last order is refunded whole: its sale is reversed in the ledger.
	if _, _, err := ts.Store.RefundOrder(ctx, models.RefundOrderInput{OrderID: rs.orders[2].ID,
		Reference: "re_review", Actor: "staff@example.com"}); err != nil {
		t.Fatal(err)
	}
	ed := ts.Store.Editor("staff@example.com")
	today := time.Now().In(time.FixedZone("PET", -5*3600))
	if _, err := ed.RecordPayout(ctx, models.PayoutInput{GroupID: rs.group1, PaidOn: today, Amount: models.Soles(1234),
		BankReference: "BCP-1", Covers: "first sales"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ed.RecordAdvance(ctx, models.AdvanceInput{GroupID: rs.group2, PaidOn: today, Amount: models.Soles(5000),
		Reference: "BCP-2"}); err != nil {
		t.Fatal(err)
	}
	return rs
}

// expected recomputes every group's figures from the ledger entries, the
// order lines behind them, the payouts and the advances, in Go.
func (rs *reviewShop) expected(t *testing.T, db *gorm.DB) map[int64]map[string]int64 {
	t.Helper()
	var entries []models.LedgerEntry
	var lines []models.OrderLine
	var payouts []models.Payout
	var advances []models.Advance
	for _, q := range []any{&entries, &lines, &payouts, &advances} {
		if err := db.Find(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	price := map[int64]int64{}
	for _, l := range lines {
		price[l.ID] = l.UnitPrice
	}
	out := map[int64]map[string]int64{}
	get := func(g int64) map[string]int64 {
		if out[g] == nil {
			out[g] = map[string]int64{}
		}
		return out[g]
	}
	for _, e := range entries {
		m := get(e.GroupID)
		m["pieces"] += int64(e.Quantity)
		m["sales"] += int64(e.Quantity) * price[e.OrderLineID]
		m["labour"] += e.ArtisanLabour
		m["materials"] += e.ArtisanMaterials
		m["community_fund"] += e.CommunityFund
		m["paid_to_artisans"] += e.PaidToArtisans
		m["local_market_price"] += e.LocalMarketPrice
		m["surplus"] += e.Surplus
	}
	for _, p := range payouts {
		get(p.GroupID)["payouts"] += p.Amount
	}
	for _, a := range advances {
		get(a.GroupID)["advances"] += a.Amount
	}
	for _, m := range out {
		m["owed_at_end"] = m["paid_to_artisans"] - m["payouts"] - m["advances"]
	}
	if len(entries) != 4 || out[rs.group1]["pieces"] != 2 || out[rs.group2]["pieces"] != 1 {
		t.Fatalf("the shop is not what the test meant: %d entries, %v", len(entries), out)
	}
	return out
}

// enSoles writes céntimos as the English pages do: S/ 1,234.50.
func enSoles(n int64) string {
	d := models.Soles(n).Decimal()
	whole, frac, _ := strings.Cut(d, ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return "S/ " + whole + "." + frac
}

// cents reads an exported amount in soles ("-12.50") as céntimos.
func cents(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if !ok || len(frac) != 2 || err != nil {
		t.Fatalf("amount %q is not soles with two decimals", s)
	}
	return n
}

// exportedGroups reads the groups export in a format as group → key → céntimos.
func exportedGroups(t *testing.T, c *testClient, query, format string) map[int64]map[string]int64 {
	t.Helper()
	res := c.Get("/review/exports/groups?format=" + format + "&" + query)
	if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("groups %s: %d %v", format, res.Status, res.Header)
	}
	keys := []string{"pieces", "sales", "labour", "materials", "community_fund", "paid_to_artisans",
		"local_market_price", "surplus", "payouts", "advances", "owed_at_start", "owed_at_end"}
	out := map[int64]map[string]int64{}
	add := func(id int64, val func(k string) string) {
		m := map[string]int64{}
		for _, k := range keys {
			if k == "pieces" {
				m[k], _ = strconv.ParseInt(val(k), 10, 64)
			} else {
				m[k] = cents(t, val(k))
			}
		}
		out[id] = m
	}
	if format == "csv" {
		recs, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("groups CSV: %v\n%s", err, res.Body)
		}
		if recs[0][0] != "Group number" || recs[0][7] != "Paid to the artisans" {
			t.Errorf("CSV header not in words: %v", recs[0])
		}
		for _, r := range recs[1:] {
			id, _ := strconv.ParseInt(r[0], 10, 64)
			add(id, func(k string) string { return r[2+slices.Index(keys, k)] })
		}
		return out
	}
	var doc struct {
		Currency string            `json:"currency"`
		Columns  map[string]string `json:"columns"`
		Rows     []map[string]any  `json:"rows"`
	}
	if err := json.Unmarshal([]byte(res.Body), &doc); err != nil || doc.Currency != "PEN" || doc.Columns["surplus"] == "" {
		t.Fatalf("groups JSON: %v\n%.300s", err, res.Body)
	}
	for _, r := range doc.Rows {
		add(int64(r["group_id"].(float64)), func(k string) string { return fmt.Sprint(r[k]) })
	}
	return out
}

// Every figure of the dashboard, as its CSV and JSON exports give it,
// equals what the ledger, the order lines, the payouts and the advances
// add up to; the months add up to the groups; a later period carries it
// all in what is owed at its start.
func TestReview_ExportsReconcileWithTheLedgerAndTheOrders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		rs := newReviewShop(t, db)
		want := rs.expected(t, db)
		c, _ := rs.ts.signInAs(t, models.RoleReviewer)
		c.Header.Set("Accept-Language", "en")
		now := time.Now().In(time.FixedZone("PET", -5*3600))
		thisYear := fmt.Sprintf("period=year&year=%d", now.Year())
		for _, format := range []string{"csv", "json"} {
			got := exportedGroups(t, c, thisYear, format)
			for g, w := range want {
				for k, n := range w {
					if got[g][k] != n {
						t.Errorf("%s: group %d %s = %d, the ledger says %d", format, g, k, got[g][k], n)
					}
				}
				if got[g]["owed_at_start"] != 0 {
					t.Errorf("%s: group %d owed at the start of this year %d", format, g, got[g]["owed_at_start"])
				}
			}
		}
		// The months of the chosen group add up to its row.
		res := c.Get(fmt.Sprintf("/review/exports/months?format=json&%s&group=%d", thisYear, rs.group1))
		var months struct{ Rows []map[string]any }
		if err := json.Unmarshal([]byte(res.Body), &months); err != nil || len(months.Rows) != 12 {
			t.Fatalf("months JSON: %d rows, %v", len(months.Rows), err)
		}
		var paid, owed int64
		for _, r := range months.Rows {
			paid += cents(t, r["paid_to_artisans"].(string))
			owed = cents(t, r["owed_at_end"].(string))
		}
		if paid != want[rs.group1]["paid_to_artisans"] || owed != want[rs.group1]["owed_at_end"] {
			t.Errorf("months add up to paid %d, owed %d; want %d, %d", paid, owed,
				want[rs.group1]["paid_to_artisans"], want[rs.group1]["owed_at_end"])
		}
		// The dashboard shows the same figures, in soles.
		page := c.Get(fmt.Sprintf("/review?%s&group=%d", thisYear, rs.group1))
		for _, k := range []string{"sales", "paid_to_artisans", "surplus", "owed_at_end"} {
			if s := "S/" + models.Soles(want[rs.group1][k]).Decimal(); !strings.Contains(strings.ReplaceAll(page.Body, "\u00a0", ""), s[:len(s)-3]) {
				t.Errorf("dashboard lacks %s %s", k, s)
			}
		}
		if !strings.Contains(page.Body, `id="review-split-t"`) || !strings.Contains(page.Body, `id="review-chart-t"`) {
			t.Error("the dashboard lacks its charts")
		}
		checkPage(t, "dashboard with sales", page)
		// The PDF report says the same, with the chain head and a clean
		// reconciliation for each group.
		head, err := rs.ts.Store.LedgerHead(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		from := fmt.Sprintf("%d-01-01", now.Year())
		text := pdfTextOf(t, c.Get("/review/report.pdf?"+thisYear), fmt.Sprintf("qhatu-transparency-%s-%d-12-31.pdf", from, now.Year()))
		text = strings.ReplaceAll(text, "\u00a0", " ")
		for _, want := range []string{"Transparency report", head.Hash, "Legal minimum wage (RMV)",
			enSoles(want[rs.group1]["paid_to_artisans"]), enSoles(want[rs.group2]["surplus"]),
			enSoles(want[rs.group1]["owed_at_end"]), "no difference"} {
			// Amounts as the PDF prints them: "S/339.20".
			if !strings.Contains(text, strings.Replace(want, "S/ ", "S/", 1)) {
				t.Errorf("the report lacks %q", want)
			}
		}
		if strings.Contains(text, "do not reconcile") {
			t.Error("the report finds differences in a clean ledger")
		}

		// Next month: nothing happens in it, everything is owed at its start.
		next := now.AddDate(0, 1, 0)
		got := exportedGroups(t, c, "period=month&month="+next.Format("2006-01"), "csv")
		for g, w := range want {
			if got[g]["owed_at_start"] != w["owed_at_end"] || got[g]["owed_at_end"] != w["owed_at_end"] || got[g]["sales"] != 0 {
				t.Errorf("next month, group %d: %v, want owed %d at start and end and no sales", g, got[g], w["owed_at_end"])
			}
		}
	}, demoCatalog)
}

// Staff record the living-wage reference (refused input explained, the
// reviewer reads it and cannot post); the price form keeps where the
// local market price comes from, the product page and the fair pay page
// and export show it, and a product under the living wage is flagged.
func TestReview_FairPayWithTheLivingWageAndTheLocalMarketSource(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		staff, _ := s.signInAs(t, models.RoleStaff)
		staff.Header.Set("Accept-Language", "en")
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		reviewer.Header.Set("Accept-Language", "en")
		today := time.Now().In(time.FixedZone("PET", -5*3600)).Format(time.DateOnly)
		lw := url.Values{"monthly": {"1,850.00"}, "hours_per_week": {"48"}, "source": {"WFTO living wage method, Huancayo"}, "as_of": {today}}
		for field, bad := range map[string]string{"monthly": "mil", "hours_per_week": "90", "source": "", "as_of": "2999-01-01"} {
			in := url.Values{}
			for k, v := range lw {
				in[k] = v
			}
			in.Set(field, bad)
			res := staff.PostForm("/admin/living-wage", in)
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "not recorded") || !strings.Contains(res.Body, `aria-invalid="true"`) {
				t.Errorf("living wage with %s=%q: %d", field, bad, res.Status)
			}
		}
		if res := staff.PostForm("/admin/living-wage", lw); res.Status != http.StatusSeeOther {
			t.Fatalf("record the living wage: %d %.300s", res.Status, res.Body)
		}
		res := reviewer.Get("/admin/living-wage")
		if res.Status != http.StatusOK || strings.Contains(res.Body, `action="/admin/living-wage"`) || !strings.Contains(res.Body, "8.89") {
			t.Errorf("reviewer reads the living wage: %d, form shown %v", res.Status, strings.Contains(res.Body, `method="post" action="/admin/living-wage"`))
		}
		checkPage(t, "living wage, reviewer", res)
		checkPage(t, "living wage, staff", staff.Get("/admin/living-wage"))
		if res := reviewer.PostForm("/admin/living-wage", lw); res.Status != http.StatusForbidden {
			t.Errorf("reviewer posts a living wage: %d", res.Status)
		}

		prices := retailPrices()
		prices.Set("reason", "Local market price documented")
		prices.Set("lock_version", strconv.FormatInt(s.product.LockVersion, 10))
		prices.Set("local_market_source", "Feria de Quinua")
		prices.Set("local_market_date", "2026-13-01")
		prices.Set("local_market_method", "=HYPERLINK(\"http://evil\")")
		if res := staff.PostForm(s.path("/prices"), prices); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, `id="f-local-market-date-error"`) {
			t.Errorf("bad local market date: %d", res.Status)
		}
		prices.Set("local_market_date", "2026-02-14")
		if res := staff.PostForm(s.path("/prices"), prices); res.Status != http.StatusSeeOther {
			t.Fatalf("save prices: %d %.500s", res.Status, res.Body)
		}
		if res := staff.Get(s.path("/prices")); !strings.Contains(res.Body, `value="Feria de Quinua"`) || !strings.Contains(res.Body, `value="2026-02-14"`) {
			t.Error("the price form does not show the saved source and date")
		}
		if res := reviewer.Get("/products/" + s.product.Slug); !strings.Contains(res.Body, "Local market price from Feria de Quinua, as of 2026-02-14.") {
			t.Error("the product page does not say where the local market price comes from")
		}

		// 35.00 of labour for 6 hours is 5.83 an hour: above the RMV
		// (5.43), under the living wage (8.89).
		res = reviewer.Get("/review/fair-pay")
		checkPage(t, "fair pay", res)
		for _, want := range []string{"Under the living wage", "Feria de Quinua", "Quinua church", "1 product pays under a line"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("fair pay page lacks %q", want)
			}
		}
		if strings.Contains(res.Body, "Under the RMV") {
			t.Error("a product above the RMV is marked under it")
		}
		csvRes := reviewer.Get("/review/exports/fair-pay?format=csv")
		recs, err := csv.NewReader(strings.NewReader(csvRes.Body)).ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("fair pay CSV: %v %d rows", err, len(recs))
		}
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = recs[1][i]
		}
		for col, want := range map[string]string{"Pay per hour": "5.83", "Under the legal minimum wage (RMV)": "no",
			"Under the living-wage reference": "yes", "Local market price: source": "Feria de Quinua",
			"Local market price: as of": "2026-02-14", "Local market price: method": `'=HYPERLINK("http://evil")`} {
			if row[col] != want {
				t.Errorf("fair pay CSV %s = %q, want %q", col, row[col], want)
			}
		}
		var doc struct {
			LivingWageHourly string           `json:"living_wage_hourly"`
			Rows             []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal([]byte(reviewer.Get("/review/exports/fair-pay?format=json").Body), &doc); err != nil ||
			doc.LivingWageHourly != "8.89" || len(doc.Rows) != 1 || doc.Rows[0]["local_market_source"] != "Feria de Quinua" {
			t.Errorf("fair pay JSON: %v %+v", err, doc)
		}

		// The price history: both versions of both channels, the new one
		// with its source; the audit log of this year, in words.
		hist, err := csv.NewReader(strings.NewReader(reviewer.Get("/review/exports/price-history?format=csv").Body)).ReadAll()
		if err != nil || len(hist) != 5 {
			t.Fatalf("price history CSV: %v, %d rows", err, len(hist))
		}
		var sourced int
		for _, r := range hist[1:] {
			if slices.Contains(r, "Feria de Quinua") && slices.Contains(r, `'=HYPERLINK("http://evil")`) && slices.Contains(r, "2") {
				sourced++
			}
		}
		if sourced != 2 {
			t.Errorf("price history: %d version 2 rows with the local market source, want 2:\n%v", sourced, hist)
		}
		var auditDoc struct{ Rows []map[string]any }
		year := strconv.Itoa(time.Now().In(time.FixedZone("PET", -5*3600)).Year())
		if err := json.Unmarshal([]byte(reviewer.Get("/review/exports/audit?format=json&period=year&year="+year).Body), &auditDoc); err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, r := range auditDoc.Rows {
			kinds[fmt.Sprint(r["record_type"], " / ", r["action"])] = true
			// A price change reads as on the audit log page, in words and
			// soles, never "retail v1 100.00 → v2 100.00".
			if r["action"] == "Changed prices" {
				if sum := fmt.Sprint(r["summary"]); !strings.Contains(sum, "Retail") || strings.Contains(sum, " v1 ") {
					t.Errorf("audit export's price summary: %q", sum)
				}
			}
		}
		for _, want := range []string{"Living-wage reference / Edited", "Product / Changed prices"} {
			if !kinds[want] {
				t.Errorf("audit export lacks %q: %v", want, kinds)
			}
		}
		if res := reviewer.Get("/review/exports/audit?format=xml"); res.Status != http.StatusBadRequest {
			t.Errorf("an unknown format: %d", res.Status)
		}
		if res := reviewer.Get("/review/exports/nothing?format=csv"); res.Status != http.StatusNotFound {
			t.Errorf("an unknown table: %d", res.Status)
		}
	})
}

// A reviewer reads every page and download of the portal; a write to any
// of its paths is refused, whatever the method.
func TestReview_ReviewerReadsEveryRouteAndWritesNone(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		c, _ := ts.signInAs(t, models.RoleReviewer)
		var paths []string
		for _, r := range ts.ProtectedRoutesForTest() {
			if underPortal := r.Path == "/review" || strings.HasPrefix(r.Path, "/review/"); underPortal {
				if r.Method != http.MethodGet {
					t.Errorf("%s %s: the portal has a write route", r.Method, r.Path)
				}
				paths = append(paths, concrete(r.Path))
			}
		}
		for _, table := range []string{"months", "groups", "fair-pay", "price-history", "audit"} {
			for _, format := range []string{"csv", "json"} {
				paths = append(paths, "/review/exports/"+table+"?format="+format)
			}
		}
		if len(paths) < 15 {
			t.Fatalf("only %d portal paths: %v", len(paths), paths)
		}
		for _, p := range paths {
			res := c.Get(p)
			if res.Status == http.StatusForbidden || res.Status == http.StatusUnauthorized || res.Status >= 500 {
				t.Errorf("reviewer GET %s: %d", p, res.Status)
			}
			if strings.Contains(p, "?format=") && res.Status != http.StatusOK {
				t.Errorf("reviewer GET %s: %d, want the download", p, res.Status)
			}
			for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
				if res := c.Send(m, p, url.Values{"_csrf": {c.CSRFToken()}}); res.Status < 400 || res.Status >= 500 {
					t.Errorf("reviewer %s %s: %d, want refused", m, p, res.Status)
				}
			}
		}
	}, demoCatalog)
}
