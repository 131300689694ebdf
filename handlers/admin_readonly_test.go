package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

var (
	// getForms are search and filter forms: the only fields a reader may type in.
	getForms = regexp.MustCompile(`(?is)<form\b[^>]*\bmethod="get"[^>]*>.*?</form>`)
	// signOut is the header's sign-out button, on every signed-in page.
	signOut    = regexp.MustCompile(`(?is)<form\b[^>]*\baction="/signout"[^>]*>.*?</form>`)
	postForm   = regexp.MustCompile(`(?i)<form\b[^>]*\bmethod="post"`)
	editable   = regexp.MustCompile(`(?i)<(textarea|select)\b|<input\b[^>]*>`)
	inputType  = regexp.MustCompile(`(?i)\btype="([a-z]+)"`)
	paramNames = regexp.MustCompile(`:[a-z]+`)
)

// editableFields lists the form fields of a page outside search and
// filter forms and the sign-out button.
func editableFields(body string) []string {
	rest := signOut.ReplaceAllString(getForms.ReplaceAllString(body, ""), "")
	var out []string
	for _, m := range editable.FindAllString(rest, -1) {
		if t := inputType.FindStringSubmatch(m); t != nil && strings.EqualFold(t[1], "hidden") {
			continue
		}
		out = append(out, m)
	}
	return out
}

// A reviewer reads every back-office page as values, never as a form:
// no page they can open carries a form that posts or a field to type in,
// except search and filter forms (GET).
func TestReviewer_EveryBackOfficePageIsReadOnly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := orderShop(t, db)
		o := s.place(t, "buyer@example.org", 1, models.PaymentBankTransfer)
		ctx := context.Background()
		ver, err := s.Store.BreakdownHistory(ctx, s.product.ID, models.ChannelRetail)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := s.Store.ListAudit(ctx, models.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		// Real records for the routes' parameters, by the route's first
		// part and the parameter's name.
		params := map[string]string{
			"products:id": id(s.product.ID), "groups:id": id(s.group.ID), "associations:id": id(s.assoc.ID),
			"orders:id": id(o.ID), "audit:id": id(entries.Items[0].ID), "products:bid": id(ver[0].ID),
			"orders:number": o.Number, "ledger:seq": "1",
		}
		reviewer, _ := s.signInAs(t, models.RoleReviewer)
		walked := 0
		for _, r := range s.ProtectedRoutesForTest() {
			if r.Method != http.MethodGet || !slices.Contains(r.Roles, models.RoleReviewer) ||
				!strings.HasPrefix(r.Path, "/admin") && !strings.HasPrefix(r.Path, "/review") {
				continue
			}
			section := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
			path, ok := r.Path, true
			path = paramNames.ReplaceAllStringFunc(path, func(p string) string {
				v, found := params[section[1%len(section)]+p]
				if !found {
					ok = false
				}
				return v
			})
			if !ok {
				t.Logf("%s: no record to fill its parameters; not walked", r.Path)
				continue
			}
			res := reviewer.Get(path + "?lang=en")
			if res.Status == http.StatusNotFound {
				t.Logf("%s: 404 (no such record in this shop); not walked", path)
				continue
			}
			if res.Status != http.StatusOK {
				t.Errorf("reviewer GET %s: %d", path, res.Status)
				continue
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				continue // an export, not a page
			}
			walked++
			checkPage(t, "reviewer "+path, res)
			if postForm.MatchString(signOut.ReplaceAllString(res.Body, "")) {
				t.Errorf("%s: a form that posts, shown to a reviewer", r.Path)
			}
			if f := editableFields(res.Body); len(f) > 0 {
				t.Errorf("%s: %d fields a reviewer could type in, first %s", r.Path, len(f), f[0])
			}
		}
		// The values are there, as text.
		res := reviewer.Get(s.path("") + "?lang=en")
		if !strings.Contains(res.Body, `<dd lang="es">Iglesia de Quinua</dd>`) {
			t.Error("the product's name is not shown as a value to the reviewer")
		}
		prices := reviewer.Get(s.path("/prices") + "?lang=en")
		if !strings.Contains(prices.Body, "S/100.00") || !strings.Contains(prices.Body, "6 h") {
			t.Error("the current breakdown is not shown as values to the reviewer")
		}
		if walked < 15 {
			t.Errorf("only %d back-office pages walked", walked)
		}
		t.Logf("%d back-office pages walked as a reviewer", walked)
	})
}
