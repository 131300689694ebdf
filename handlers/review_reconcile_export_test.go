package handlers_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// The reconciliation is one of the portal's tables, so it downloads as
// CSV and JSON too: its totals agree with the ledger, and a paid order
// that never reached the ledger is listed line by line.
func TestReview_ReconciliationExportsAgreeWithTheLedgerAndListEveryDifference(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		rs := newReviewShop(t, db)
		want := rs.expected(t, db)
		// Paid but never fulfilled: no ledger entry for its line.
		stray := paidDemoOrder(t, rs.ts, rs.orders[1].Lines[0].ProductID, 1)
		c, _ := rs.ts.signInAs(t, models.RoleReviewer)
		c.Header.Set("Accept-Language", "en")
		year := fmt.Sprintf("period=year&year=%d", time.Now().In(time.FixedZone("PET", -5*3600)).Year())

		for _, format := range []string{"csv", "json"} {
			rows := exportRows(t, c, "/review/exports/reconciliation?format="+format+"&"+year, format)
			byGroup := map[int64]map[string]string{}
			for _, r := range rows {
				id, _ := strconv.ParseInt(r["group_id"], 10, 64)
				byGroup[id] = r
			}
			for g, w := range want {
				r := byGroup[g]
				if r == nil {
					t.Fatalf("%s: no reconciliation row for group %d", format, g)
				}
				if got := cents(t, r["ledger_paid"]); got != w["paid_to_artisans"] {
					t.Errorf("%s: group %d ledger paid %d, the ledger sums %d", format, g, got, w["paid_to_artisans"])
				}
				if got := cents(t, r["payouts"]); got != w["payouts"] {
					t.Errorf("%s: group %d payouts %d, want %d", format, g, got, w["payouts"])
				}
				if got := cents(t, r["advances"]); got != w["advances"] {
					t.Errorf("%s: group %d advances %d, want %d", format, g, got, w["advances"])
				}
			}
			if d := byGroup[rs.group2]["differences"]; d != "1" {
				t.Errorf("%s: group %d differences %q, want 1 (the unfulfilled order)", format, rs.group2, d)
			}
			if d := byGroup[rs.group1]["differences"]; d != "0" {
				t.Errorf("%s: group %d differences %q, want 0", format, rs.group1, d)
			}

			diffs := exportRows(t, c, "/review/exports/differences?format="+format+"&"+year, format)
			if len(diffs) != 1 || diffs[0]["order"] != stray.Number || diffs[0]["kind"] != string(models.ReconcileMissingEntry) ||
				diffs[0]["expected_quantity"] != "1" || diffs[0]["ledger_quantity"] != "0" {
				t.Errorf("%s differences: %v, want one missing entry for %s", format, diffs, stray.Number)
			}
		}
		// One group's download holds that group only.
		rows := exportRows(t, c, fmt.Sprintf("/review/exports/reconciliation?format=json&%s&group=%d", year, rs.group1), "json")
		if len(rows) != 1 || rows[0]["group_id"] != strconv.FormatInt(rs.group1, 10) {
			t.Errorf("one group's reconciliation: %v", rows)
		}
		if res := c.Get("/review/exports/reconciliation?format=csv&group=999999"); res.Status != http.StatusNotFound {
			t.Errorf("unknown group: %d, want 404", res.Status)
		}
		// The exports page offers both downloads.
		if page := c.Get("/review/exports?" + year); !strings.Contains(page.Body, "/review/exports/differences?") {
			t.Error("the exports page does not link the reconciliation's differences")
		}
	}, demoCatalog)
}

// exportRows downloads a portal table and returns its rows keyed by the
// JSON keys (a CSV's columns are matched to them by their names).
func exportRows(t *testing.T, c *testClient, path, format string) []map[string]string {
	t.Helper()
	res := c.Get(path)
	if res.Status != http.StatusOK {
		t.Fatalf("%s: %d\n%.300s", path, res.Status, res.Body)
	}
	if format == "csv" {
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\ufeff"))).ReadAll()
		if err != nil || len(recs) < 1 {
			t.Fatalf("%s: %v", path, err)
		}
		// The CSV's header is in words; the JSON download names each key's words.
		key := map[string]string{}
		for k, label := range exportDoc(t, c, strings.Replace(path, "format=csv", "format=json", 1)).Columns {
			key[label] = k
		}
		var out []map[string]string
		for _, r := range recs[1:] {
			m := map[string]string{}
			for i, label := range recs[0] {
				if key[label] == "" {
					t.Fatalf("%s: CSV column %q is not a JSON column", path, label)
				}
				m[key[label]] = r[i]
			}
			out = append(out, m)
		}
		return out
	}
	doc := exportDoc(t, c, path)
	var out []map[string]string
	for _, r := range doc.Rows {
		m := map[string]string{}
		for k, v := range r {
			m[k] = fmt.Sprint(v)
		}
		out = append(out, m)
	}
	return out
}

// exportDocument is a portal table's JSON download.
type exportDocument struct {
	Columns map[string]string
	Rows    []map[string]any
}

func exportDoc(t *testing.T, c *testClient, path string) exportDocument {
	t.Helper()
	res := c.Get(path)
	var doc exportDocument
	if res.Status != http.StatusOK {
		t.Fatalf("%s: %d", path, res.Status)
	}
	if err := json.Unmarshal([]byte(res.Body), &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}
