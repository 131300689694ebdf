package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// retablo is the example: S/ 320.00, S/ 169.60 to the artisans,
// S/ 127.50 of it for labour.
func retablo(minutes int) (r, w *models.Breakdown) {
	r = &models.Breakdown{Price: 32000, ArtisanLabour: 12750, ArtisanMaterials: 3210, CommunityFund: 1000,
		CIAPOperations: 4000, Logistics: 3000, PaymentFees: 1280, Taxes: 4881, Margin: 1879,
		LocalMarketPrice: 9000, LabourMinutes: minutes}
	w = &models.Breakdown{Price: 28000, ArtisanLabour: 12750, ArtisanMaterials: 3210, CommunityFund: 1000,
		CIAPOperations: 3000, Logistics: 2500, PaymentFees: 560, Taxes: 4271, Margin: 709,
		LocalMarketPrice: 9000, LabourMinutes: minutes}
	return r, w
}

// Raising a retablo's labour time from 1,200 to 9,000 minutes at the same
// price reads, in the audit log, as hourly pay dropping to S/ 0.85 and is
// marked under the minimum wage, in the reader's language, with amounts in
// soles and no raw keys or céntimos.
func TestAuditLog_PriceChangeReadsAsHourlyPayAndIsMarkedUnderTheRMV(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		ctx := context.Background()
		ed := s.Store.Editor("precios@ciap.example")
		p := s.product
		r, w := retablo(1200)
		ch, err := ed.SaveBreakdownsWithReasons(ctx, p.ID, p.LockVersion, r, w, models.PriceReasons{ES: "precio del retablo"})
		if err != nil {
			t.Fatal(err)
		}
		r, w = retablo(9000)
		if _, err := ed.SaveBreakdownsWithReasons(ctx, p.ID, ch.LockVersion, r, w,
			models.PriceReasons{ES: "tiempo medido de nuevo", EN: "time measured again"}); err != nil {
			t.Fatal(err)
		}
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		entries, _ := s.Store.ListAudit(ctx, models.AuditFilter{EntityType: models.EntityProduct, Action: models.ActionPrice})
		latest := "/admin/audit/" + strconv.FormatInt(entries.Items[0].ID, 10)
		cases := []struct {
			path string
			want []string
		}{
			{"/admin/audit?lang=en", []string{"Effective hourly pay: S/6.37 an hour → S/0.85 an hour",
				"Hourly pay under the legal minimum wage (RMV, S/5.43 an hour)", "Labour time per piece: 20 h → 150 h",
				"Paid to the artisans: S/169.60 (53.0 % of the price) → S/169.60 (53.0 % of the price)",
				"time measured again"}},
			{"/admin/audit?lang=es", []string{"S/ 6.37 la hora → S/ 0.85 la hora", "por debajo de la remuneración mínima vital",
				"Tiempo de trabajo por pieza: 20 h → 150 h", "tiempo medido de nuevo"}},
			{latest + "?lang=en", []string{"S/0.85 an hour", "Retail: Artisan labour", "S/127.50",
				"Labour time per piece"}},
			{"/admin?lang=en", []string{"S/0.85 an hour"}},
		}
		for _, tc := range cases {
			res := reviewer.Get(tc.path)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d", tc.path, res.Status)
			}
			body := html.UnescapeString(res.Body)
			for _, want := range tc.want {
				if !strings.Contains(strings.ReplaceAll(body, "\u00a0", " "), want) {
					t.Errorf("%s lacks %q in %.600s", tc.path, want, cells(body))
				}
			}
			cells := cells(body)
			for _, raw := range []string{"artisan_labour", "labour_minutes", "12750", "16960", "retail.price"} {
				if strings.Contains(cells, raw) {
					t.Errorf("%s shows the raw %q", tc.path, raw)
				}
			}
			checkPage(t, tc.path, res)
		}
		// The earlier change (to 1,200 minutes, S/ 6.37 an hour) is not marked.
		res := reviewer.Get("/admin/audit?lang=en")
		if n := strings.Count(res.Body, `class="audit-below"`); n != 1 {
			t.Errorf("%d entries marked under the RMV, want 1", n)
		}
	})
}

// The local market price's source, date and method, entered with the
// breakdown, are named in the reader's language in the audit log, not as
// "Local market source" on a Spanish page.
func TestAuditLog_LocalMarketSourceNamedInWords(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := newAdminShop(t, db)
		ctx := context.Background()
		p := s.product
		r, w := retablo(1200)
		day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
		for _, b := range []*models.Breakdown{r, w} {
			b.LocalMarketSource, b.LocalMarketDate, b.LocalMarketMethod = "feria de Huamanga", &day, "tres puestos"
		}
		if _, err := s.Store.Editor("precios@ciap.example").SaveBreakdownsWithReasons(ctx, p.ID, p.LockVersion, r, w,
			models.PriceReasons{ES: "fuente del precio local"}); err != nil {
			t.Fatal(err)
		}
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		entries, _ := s.Store.ListAudit(ctx, models.AuditFilter{EntityType: models.EntityProduct, Action: models.ActionPrice})
		entry := "/admin/audit/" + strconv.FormatInt(entries.Items[0].ID, 10)
		for lang, want := range map[string][]string{
			"es": {"Precio del mercado local: fuente", "Precio del mercado local: fecha", "Precio del mercado local: método"},
			"en": {"Local market price: source", "Local market price: date", "Local market price: method"},
		} {
			res := reviewer.Get(entry + "?lang=" + lang)
			body := html.UnescapeString(res.Body)
			body = body[strings.Index(body, "<main"):]
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: the audit log lacks %q in %.1500s", lang, w, body)
				}
			}
			if lang == "es" && strings.Contains(body, "Local market") {
				t.Errorf("es: English field names in %.1500s", body)
			}
		}
		// The demo shop's stock movements: their reason and movement in
		// words, not received_from_group or "Movement id".
		list := html.UnescapeString(cells(reviewer.Get("/admin/audit?lang=es").Body))
		if !strings.Contains(list, "Motivo: Recibido del grupo") || !strings.Contains(list, "Movimiento de stock: ") {
			t.Errorf("stock movement in the audit log: %.1500s", list)
		}
		for _, raw := range []string{"received_from_group", "Movement id"} {
			if strings.Contains(list, raw) {
				t.Errorf("the audit log shows %q", raw)
			}
		}
	})
}

// cells is the audit summaries and before/after rows of a page.
func cells(body string) string {
	return strings.Join(regexp.MustCompile(`(?s)<td class="audit-summary">.*?</td>|<tbody>.*?</tbody>`).FindAllString(body, -1), "")
}

// Any other change reads as its fields named in words: a role change in
// Spanish and English, with the roles' names, never "role" or "customer".
func TestAuditLog_OtherChangesNameTheirFieldsInWords(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		admin, _ := ts.signInAs(t, models.RoleAdmin)
		u := ts.createUser(t, models.RoleCustomer)
		res := admin.PostForm("/admin/users/"+strconv.FormatInt(u.ID, 10), url.Values{
			"lock_version": {strconv.FormatInt(u.Version, 10)}, "role": {"reviewer"}, "active": {"on"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("role change: %d", res.Status)
		}
		for lang, want := range map[string]string{"en": "Role: customer → WFTO reviewer", "es": "Rol: cliente → revisor de la WFTO"} {
			body := html.UnescapeString(admin.Get("/admin/audit?lang=" + lang).Body)
			if !strings.Contains(body, want) {
				t.Errorf("%s audit log lacks %q: %.400s", lang, want, cells(body))
			}
			if c := cells(body); strings.Contains(c, "role:") || strings.Contains(c, ">customer") {
				t.Errorf("%s audit log shows raw keys or values: %.400s", lang, c)
			}
		}
	})
}
