package handlers_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// storedRows counts the rows a refused request must not add to.
func storedRows(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	n := map[string]int64{}
	for _, table := range []string{"users", "associations", "reseller_applications", "audit_log", "rate_events", "outbox"} {
		var c int64
		if err := db.Table(table).Count(&c).Error; err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		n[table] = c
	}
	return n
}

// controlCharacters are the characters no form field takes besides NUL,
// one of each class the edge refuses.
var controlCharacters = []struct{ name, char string }{
	{"C0 control", "\x01"},
	{"escape", "\x1b[31m"},
	{"DEL", "\x7f"},
	{"C1 control", "\u0085"},
	{"C1 CSI", "\u009b"},
	{"line separator", "\u2028"},
	{"paragraph separator", "\u2029"},
	{"right-to-left override", "\u202e"},
	{"left-to-right embedding", "\u202a"},
	{"first strong isolate", "\u2068"},
	{"pop directional isolate", "\u2069"},
}

func TestInput_NotTextIsA400(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		admin, _ := ts.signInAs(t, models.RoleAdmin)
		customer, _ := ts.signInAs(t, models.RoleCustomer)
		customer.Header.Set("Accept-Language", "en")
		anon := ts.client(t)
		anon.Header.Set("Accept-Language", "en")
		admin.Header.Set("Accept-Language", "en")
		multipartForm := func(c *testClient, path string, fields url.Values) *testResponse {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			_ = mw.WriteField("_csrf", c.CSRFToken())
			for k, vs := range fields {
				for _, v := range vs {
					_ = mw.WriteField(k, v)
				}
			}
			_ = mw.Close()
			req, _ := http.NewRequest(http.MethodPost, c.base+path, &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return c.Do(req)
		}
		assoc := func(name string) url.Values {
			return url.Values{"name": {name}, "slug": {"asoc-nueva"}, "region": {"puno"}}
		}
		type inputCase struct {
			name string
			send func() *testResponse
			want string // in the message (English)
		}
		cases := []inputCase{
			{"catalog search", func() *testResponse { return anon.Get("/products?q=%00") }, "not text"},
			{"catalog search, invalid UTF-8", func() *testResponse { return anon.Get("/products?q=%C3%28") }, "not text"},
			{"catalog, NUL in a parameter's name", func() *testResponse { return anon.Get("/products?a%00=1") }, "not text"},
			{"API search", func() *testResponse { return anon.Get("/api/v1/products?q=%00") }, "not text"},
			{"API search, invalid UTF-8", func() *testResponse { return anon.Get("/api/v1/products?q=%FF") }, "not text"},
			{"sign-in email", func() *testResponse {
				return anon.PostForm("/signin", url.Values{"email": {"ana\x00@example.org"}, "password": {"whatever it is"}})
			}, "not text"},
			{"sign-up name", func() *testResponse {
				return anon.PostForm("/signup", url.Values{"email": {"ana@example.org"}, "name": {"A\x00na"},
					"password": {"a long enough password"}})
			}, "not text"},
			{"sign-up email, invalid UTF-8", func() *testResponse {
				return anon.PostForm("/signup", url.Values{"email": {"ana\xff@example.org"}, "name": {"Ana"},
					"password": {"a long enough password"}})
			}, "not text"},
			{"reset request", func() *testResponse { return anon.PostForm("/reset", url.Values{"email": {"\x00"}}) }, "not text"},
			{"back-office product search", func() *testResponse { return admin.Get("/admin/products?q=%00") }, "not text"},
			{"back-office user search", func() *testResponse { return admin.Get("/admin/users?q=%E2%82") }, "not text"},
			{"back-office outbox search", func() *testResponse { return admin.Get("/admin/outbox?to=%00") }, "not text"},
			{"back-office record field", func() *testResponse {
				return admin.PostForm("/admin/associations", assoc("Asociación\x00 Puno"))
			}, "not text"},
			{"back-office record field, invalid UTF-8", func() *testResponse {
				return admin.PostForm("/admin/associations", assoc("Asociaci\xf3n Puno"))
			}, "not text"},
			{"back-office multipart text field", func() *testResponse {
				return multipartForm(admin, "/admin/associations", assoc("Asociación\x00 Puno"))
			}, "not text"},
		}
		const notControl = "invisible control characters"
		for _, cc := range controlCharacters {
			cases = append(cases,
				inputCase{"catalog search, " + cc.name, func() *testResponse {
					return anon.Get("/products?q=" + url.QueryEscape("cer"+cc.char+"ámica"))
				}, notControl},
				inputCase{"API search, " + cc.name, func() *testResponse {
					return anon.Get("/api/v1/products?q=" + url.QueryEscape(cc.char))
				}, notControl},
				inputCase{"sign-up name, " + cc.name, func() *testResponse {
					return anon.PostForm("/signup", url.Values{"email": {"ana@example.org"}, "name": {"A" + cc.char + "na"},
						"password": {"a long enough password"}})
				}, notControl},
				inputCase{"back-office record field, " + cc.name, func() *testResponse {
					return admin.PostForm("/admin/associations", assoc("Asociación"+cc.char+" Puno"))
				}, notControl},
				inputCase{"back-office multipart text field, " + cc.name, func() *testResponse {
					return multipartForm(admin, "/admin/associations", assoc("Asociación"+cc.char+" Puno"))
				}, notControl},
				inputCase{"wholesale application address, " + cc.name, func() *testResponse {
					f := applicationForm()
					f.Set("address", "Jr. Huancavelica"+cc.char+" 123")
					return customer.PostForm("/wholesale/apply", f)
				}, notControl},
			)
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				// The CSRF tokens are fetched before counting.
				anon.CSRFToken()
				admin.CSRFToken()
				customer.CSRFToken()
				before := storedRows(t, db)
				res := tc.send()
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, tc.want) {
					t.Fatalf("status %d, want 400 saying %q: %.300s", res.Status, tc.want, res.Body)
				}
				if strings.Contains(res.Header.Get("Content-Type"), "json") {
					var body struct{ Error string }
					if err := json.Unmarshal([]byte(res.Body), &body); err != nil || body.Error == "" {
						t.Fatalf("API error body %q: %v", res.Body, err)
					}
				} else if !strings.Contains(res.Body, "<html") {
					t.Fatalf("not an error page: %.300s", res.Body)
				}
				if after := storedRows(t, db); !mapsEqual(before, after) {
					t.Fatalf("rows before %v, after %v", before, after)
				}
			})
		}
		// The message names the field.
		if res := admin.PostForm("/admin/associations", assoc("Asociación\x1b Puno")); !strings.Contains(res.Body, "“name”") {
			t.Errorf("message does not name the field: %.300s", res.Body)
		}
		// Text that is text still goes through, accents and all.
		if res := anon.Get("/products?q=cer%C3%A1mica"); res.Status != http.StatusOK {
			t.Fatalf("accented search: %d", res.Status)
		}
	})
}

// Multi-line fields keep their line breaks and tabs: an address typed on
// two lines, with a tab, places the order as typed.
func TestInput_AddressWithCRLFAndTabPasses(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts, _, c, id := cartShop(t, db, 5)
		addToCart(t, c, id, 1)
		v := checkoutValues("bank_transfer")
		address := "Av. Larco 123\r\ndpto. 4\tinterior B"
		v.Set("address", address)
		o := placedOrder(t, ts, c.PostForm("/checkout", v))
		if o.Customer.Address.Line != address {
			t.Errorf("address stored as %q, want %q", o.Customer.Address.Line, address)
		}
	}, demoCatalog)
}

// An uploaded file is not a form value: a spreadsheet holding control
// characters gets the sheet's own answer, not the edge's 400.
func TestInput_UploadedFileContentIsNotChecked(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, c, _ := resellerShop(t, db)
		for _, cc := range controlCharacters {
			res := c.uploadSheet("order.csv", []byte("retablo-herranza"+cc.char+";4\n"))
			if res.Status == http.StatusBadRequest || strings.Contains(res.Body, "invisible control characters") {
				t.Errorf("%s in the file: status %d, refused at the edge: %s", cc.name, res.Status, pageText(res.Body))
			}
		}
	})
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
