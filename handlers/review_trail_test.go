package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// A reviewer follows an order from its lines to the breakdown each was
// sold under, its ledger entries (a refund's reversing entries too) and
// the payouts that name it; and back from an entry to the order.
func TestReviewTrail_OrderToEntriesAndPayoutsAndBack(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newFulfilShop(t, db)
		ctx := context.Background()
		o := s.fulfilled(t, "rosa@example.org", 2, 1)
		other := s.fulfilled(t, "juan@example.org", 1, 0)
		if _, _, err := s.Store.RefundOrder(ctx, models.RefundOrderInput{OrderID: o.ID, Reference: "BCP-R9",
			Actor: "staff@example.org", Note: "broken"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Store.Editor("staff@example.org").RecordPayout(ctx, models.PayoutInput{GroupID: s.group2.ID,
			PaidOn: time.Now(), Amount: models.Soles(3000), BankReference: "BCP-777", Covers: "retablos",
			OrderIDs: []int64{o.ID}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Store.Editor("staff@example.org").RecordPayout(ctx, models.PayoutInput{GroupID: s.group.ID,
			PaidOn: time.Now(), Amount: models.Soles(1000), BankReference: "BCP-888", Covers: "others",
			OrderIDs: []int64{other.ID}}); err != nil {
			t.Fatal(err)
		}
		entries, err := s.Store.LedgerEntriesOfOrder(ctx, o.ID)
		if err != nil || len(entries) != 4 {
			t.Fatalf("entries of %s: %d %v", o.Number, len(entries), err)
		}
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		reviewer.Header.Set("Accept-Language", "en")

		// Found by number from the portal's order list.
		res := reviewer.Get("/review/orders?q=" + url.QueryEscape(o.Number))
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `href="/review/orders/`+o.Number+`"`) ||
			strings.Contains(res.Body, other.Number) || !strings.Contains(res.Body, `aria-current="page">Orders and trail`) {
			t.Fatalf("order list: %d %.2000s", res.Status, text(res))
		}
		checkPage(t, "review orders", res)

		res = reviewer.Get("/review/orders/" + o.Number)
		page := text(res)
		if res.Status != http.StatusOK {
			t.Fatalf("trail: %d %.2000s", res.Status, page)
		}
		checkPage(t, "trail", res)
		want := []string{"Trail of order " + o.Number, "Refund", "BCP-777", "retablos"}
		for _, k := range models.ComponentKeys {
			want = append(want, `component.`+string(k)) // replaced below by the label
		}
		for i := range want {
			if strings.HasPrefix(want[i], "component.") {
				want[i] = componentLabels[models.ComponentKey(strings.TrimPrefix(want[i], "component."))]
			}
		}
		for _, ln := range o.Lines {
			want = append(want, fmt.Sprintf(`href="/admin/products/%d/prices/%d"`, ln.ProductID, ln.BreakdownID),
				fmt.Sprintf("version %d", ln.BreakdownVersion))
		}
		for _, e := range entries {
			want = append(want, fmt.Sprintf(`href="/review/ledger/%d"`, e.Seq), e.Hash)
		}
		for _, w := range want {
			if !strings.Contains(res.Body, w) && !strings.Contains(page, w) {
				t.Errorf("trail lacks %q", w)
			}
		}
		if strings.Contains(page, "BCP-888") {
			t.Error("the trail shows a payout that does not name the order")
		}
		// The local market price and surplus of the retablo as sold.
		if !strings.Contains(page, "Local market price") || !strings.Contains(page, "15.00") {
			t.Errorf("trail lacks the local market price: %.3000s", page)
		}

		// Back from the refund's entry to its order and the sale it reverses.
		refund := entries[3]
		res = reviewer.Get(fmt.Sprintf("/review/ledger/%d", refund.Seq))
		page = text(res)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `href="/review/orders/`+o.Number+`"`) ||
			!strings.Contains(res.Body, fmt.Sprintf(`href="/review/ledger/%d"`, *refund.ReversesSeq)) ||
			!strings.Contains(page, refund.Canonical()) || !strings.Contains(page, refund.Hash) {
			t.Fatalf("entry %d: %d %.2000s", refund.Seq, res.Status, page)
		}
		checkPage(t, "ledger entry", res)

		for _, p := range []string{"/review/orders/Q-1999-000001", "/review/orders/nonsense", "/review/ledger/999", "/review/ledger/x"} {
			if res := reviewer.Get(p); res.Status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, res.Status)
			}
		}
		// The back office's order page leads to the trail.
		if res := reviewer.Get(fmt.Sprintf("/admin/orders/%d", o.ID)); !strings.Contains(res.Body, `href="/review/orders/`+o.Number+`"`) {
			t.Errorf("the back office's order page does not link its trail: %d", res.Status)
		}
		// The public order page still needs the private token: a number
		// opens nothing there.
		if res := s.client(t).Get("/orders/" + o.Number); res.Status != http.StatusNotFound {
			t.Errorf("public /orders/%s: %d", o.Number, res.Status)
		}
	})
}

// componentLabels are the English names of the eight components.
var componentLabels = map[models.ComponentKey]string{
	models.ArtisanLabour: "Artisan labour", models.ArtisanMaterials: "Artisan materials",
	models.CommunityFund: "Community fund", models.CIAPOperations: "CIAP operations",
	models.Logistics: "Logistics and packaging", models.PaymentFees: "Payment and platform fees",
	models.Taxes: "Taxes (IGV 18%)", models.Margin: "Margin (reinvested)",
}

// The reviewers' ledger: browsing reads the head only, verifying is an
// explicit link, the export verifies offline to the same head, and the
// day's chain head is published on /transparency and in the API.
func TestReviewLedger_VerifyOnAskExportAndDailyHeads(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newFulfilShop(t, db)
		ctx := context.Background()
		s.fulfilled(t, "rosa@example.org", 1, 1)
		s.fulfilled(t, "juan@example.org", 2, 0)
		head, err := s.Store.LedgerHead(ctx)
		if err != nil || head.Seq != 3 {
			t.Fatalf("head %+v %v", head, err)
		}
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		reviewer.Header.Set("Accept-Language", "en")

		res := reviewer.Get("/review/ledger?group=" + fmt.Sprint(s.group2.ID))
		page := text(res)
		if res.Status != http.StatusOK || strings.Contains(page, "The chain verifies") || !strings.Contains(page, head.Hash) ||
			!strings.Contains(page, "1 entry") || !strings.Contains(res.Body, `href="/review/ledger/`) ||
			!strings.Contains(res.Body, `aria-current="page">Ledger`) {
			t.Fatalf("ledger: %d %.3000s", res.Status, page)
		}
		checkPage(t, "review ledger", res)
		verify := regexp.MustCompile(`href="(/review/ledger\?[^"]*verify=1[^"]*)"`).FindStringSubmatch(res.Body)
		if verify == nil || !strings.Contains(verify[1], "group=") {
			t.Fatalf("no verify link keeping the filter: %v", verify)
		}
		res = reviewer.Get(strings.ReplaceAll(verify[1], "&amp;", "&"))
		if page := text(res); res.Status != http.StatusOK || !strings.Contains(page, "The chain verifies: 3 entries checked") {
			t.Fatalf("verified: %d %.2000s", res.Status, page)
		}

		res = reviewer.Get("/review/ledger/export.jsonl")
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/jsonl") ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "qhatu-ledger.jsonl") {
			t.Fatalf("export: %d %v", res.Status, res.Header)
		}
		check, err := models.VerifyLedgerExport(strings.NewReader(res.Body), models.LedgerHead{Seq: head.Seq, Hash: head.Hash})
		if err != nil || check.Entries != 3 || check.Head != head.Hash {
			t.Fatalf("export verifies to %+v %v, want head %+v", check, err, head)
		}

		// Today's head, in Lima's days, in the API and on /transparency.
		today := time.Now().In(time.FixedZone("", -5*3600)).Format(time.DateOnly)
		api := s.client(t).Get("/api/v1/ledger/heads")
		var heads struct {
			TimeZone string `json:"time_zone"`
			Current  struct {
				Seq  int64  `json:"seq"`
				Hash string `json:"hash"`
			} `json:"current"`
			Days []struct {
				Day     string `json:"day"`
				Seq     int64  `json:"seq"`
				Hash    string `json:"hash"`
				Entries int64  `json:"entries"`
			} `json:"days"`
		}
		if err := json.Unmarshal([]byte(api.Body), &heads); err != nil || api.Status != http.StatusOK {
			t.Fatalf("heads API: %d %v %s", api.Status, err, api.Body)
		}
		if heads.TimeZone != "America/Lima" || heads.Current.Hash != head.Hash || len(heads.Days) != 1 ||
			heads.Days[0].Day != today || heads.Days[0].Seq != 3 || heads.Days[0].Hash != head.Hash || heads.Days[0].Entries != 3 {
			t.Fatalf("heads API: %+v, want today %s at %+v", heads, today, head)
		}
		tp := s.client(t).Get("/transparency")
		if tp.Status != http.StatusOK || !strings.Contains(tp.Body, `<time datetime="`+today+`">`) ||
			strings.Count(tp.Body, head.Hash) < 2 {
			t.Fatalf("transparency lacks today's head: %d", tp.Status)
		}
		// A new entry moves today's head in the API (the cache follows the
		// chain head).
		s.fulfilled(t, "ines@example.org", 1, 0)
		time.Sleep(1100 * time.Millisecond)
		api = s.client(t).Get("/api/v1/ledger/heads")
		if err := json.Unmarshal([]byte(api.Body), &heads); err != nil || len(heads.Days) != 1 || heads.Days[0].Seq != 4 {
			t.Fatalf("heads after a new entry: %+v %v", heads, err)
		}
	})
}

// The sample page: a seed in the link draws the same orders every time,
// the ones models.SampleOrders ranks first; without a seed it offers a
// fresh one; a bad seed or size is a 400 that says what to write.
func TestReviewSample_TheLinkDrawsTheSameOrders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newFulfilShop(t, db)
		ctx := context.Background()
		for i := range 6 {
			s.fulfilled(t, fmt.Sprintf("buyer%d@example.org", i), 1, 0)
		}
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		reviewer.Header.Set("Accept-Language", "en")
		day := time.Now().In(time.FixedZone("", -5*3600))
		d := day.Format(time.DateOnly)

		res := reviewer.Get("/review/sample")
		fresh := regexp.MustCompile(`href="(/review/sample\?[^"]*seed=[0-9a-f]{16}[^"]*)"`).FindStringSubmatch(res.Body)
		if res.Status != http.StatusOK || fresh == nil || strings.Contains(res.Body, "orders drawn out of") {
			t.Fatalf("sample form: %d %v", res.Status, fresh)
		}
		checkPage(t, "sample form", res)
		if again := reviewer.Get("/review/sample"); strings.Contains(again.Body, fresh[1]) {
			t.Error("the fresh seed is the same on two visits")
		}

		link := "/review/sample?seed=audit-7&n=4&from=" + d + "&to=" + d
		drawn := func(body string) []string {
			var ns []string
			for _, m := range regexp.MustCompile(`<th scope="row"><a href="/review/orders/(Q-[0-9-]+)">`).FindAllStringSubmatch(body, -1) {
				ns = append(ns, m[1])
			}
			return ns
		}
		first := reviewer.Get(link)
		if first.Status != http.StatusOK || !strings.Contains(text(first), "4 orders drawn out of 6") {
			t.Fatalf("sample: %d %.3000s", first.Status, text(first))
		}
		checkPage(t, "sample", first)
		want, err := s.Store.SampleOrders(ctx, "audit-7", 4, day, day)
		if err != nil {
			t.Fatal(err)
		}
		var wantNumbers []string
		for _, o := range want.Orders {
			wantNumbers = append(wantNumbers, o.Number)
			if !strings.Contains(first.Body, o.Rank) {
				t.Errorf("rank of %s not shown", o.Number)
			}
		}
		if got := drawn(first.Body); !slices.Equal(got, wantNumbers) {
			t.Fatalf("drawn %v, want %v", got, wantNumbers)
		}
		if !strings.Contains(first.Body, "openssl dgst -sha256 -hmac audit-7") {
			t.Error("the page does not show how to recompute a rank")
		}
		// Another reader, another visit: the same link, the same orders.
		staff, _ := s.signInAs(t, models.RoleStaff)
		if got := drawn(staff.Get(link).Body); !slices.Equal(got, wantNumbers) {
			t.Errorf("second visit drew %v, want %v", got, wantNumbers)
		}
		for _, q := range []string{"seed=a%20b", "seed=" + strings.Repeat("x", 65), "seed=ok&n=0", "seed=ok&n=501",
			"seed=ok&from=2026-13-01", "seed=ok&from=2026-03-02&to=2026-03-01",
			// Days outside the years the portal shows (SQLite compared
			// the year 10000 as text and drew nothing, silently).
			"seed=ok&from=0001-01-01&to=" + d, "seed=ok&from=" + d + "&to=9999-12-31"} {
			if res := reviewer.Get("/review/sample?" + q); res.Status != http.StatusBadRequest {
				t.Errorf("sample?%s: %d, want 400", q, res.Status)
			}
		}
	})
}
