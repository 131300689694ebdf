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
	for _, table := range []string{"users", "associations", "audit_log", "rate_events", "outbox"} {
		var c int64
		if err := db.Table(table).Count(&c).Error; err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		n[table] = c
	}
	return n
}

func TestInput_NULAndInvalidUTF8AreA400(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		admin, _ := ts.signInAs(t, models.RoleAdmin)
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
		for _, tc := range []struct {
			name string
			send func() *testResponse
		}{
			{"catalog search", func() *testResponse { return anon.Get("/products?q=%00") }},
			{"catalog search, invalid UTF-8", func() *testResponse { return anon.Get("/products?q=%C3%28") }},
			{"catalog, NUL in a parameter's name", func() *testResponse { return anon.Get("/products?a%00=1") }},
			{"API search", func() *testResponse { return anon.Get("/api/v1/products?q=%00") }},
			{"API search, invalid UTF-8", func() *testResponse { return anon.Get("/api/v1/products?q=%FF") }},
			{"sign-in email", func() *testResponse {
				return anon.PostForm("/signin", url.Values{"email": {"ana\x00@example.org"}, "password": {"whatever it is"}})
			}},
			{"sign-up name", func() *testResponse {
				return anon.PostForm("/signup", url.Values{"email": {"ana@example.org"}, "name": {"A\x00na"},
					"password": {"a long enough password"}})
			}},
			{"sign-up email, invalid UTF-8", func() *testResponse {
				return anon.PostForm("/signup", url.Values{"email": {"ana\xff@example.org"}, "name": {"Ana"},
					"password": {"a long enough password"}})
			}},
			{"reset request", func() *testResponse { return anon.PostForm("/reset", url.Values{"email": {"\x00"}}) }},
			{"back-office product search", func() *testResponse { return admin.Get("/admin/products?q=%00") }},
			{"back-office user search", func() *testResponse { return admin.Get("/admin/users?q=%E2%82") }},
			{"back-office outbox search", func() *testResponse { return admin.Get("/admin/outbox?to=%00") }},
			{"back-office record field", func() *testResponse {
				return admin.PostForm("/admin/associations", assoc("Asociación\x00 Puno"))
			}},
			{"back-office record field, invalid UTF-8", func() *testResponse {
				return admin.PostForm("/admin/associations", assoc("Asociaci\xf3n Puno"))
			}},
			{"back-office multipart text field", func() *testResponse {
				return multipartForm(admin, "/admin/associations", assoc("Asociación\x00 Puno"))
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				// The CSRF tokens are fetched before counting.
				anon.CSRFToken()
				admin.CSRFToken()
				before := storedRows(t, db)
				res := tc.send()
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "not text") {
					t.Fatalf("status %d, want 400 saying why: %.300s", res.Status, res.Body)
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
		// Text that is text still goes through, accents and all.
		if res := anon.Get("/products?q=cer%C3%A1mica"); res.Status != http.StatusOK {
			t.Fatalf("accented search: %d", res.Status)
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
