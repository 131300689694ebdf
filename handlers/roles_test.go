package handlers

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

func bareServer() *Server {
	s := &Server{echo: echo.New()}
	s.acct.formPages, s.acct.csrfExempt = map[string]bool{}, map[string]bool{}
	return s
}

func ok(c echo.Context) error { return c.NoContent(http.StatusOK) }

func TestAccessTable_StartUpRefusesUnprotectedRoutes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		register func(s *Server)
		want     string // in the error; "" means no error
	}{
		{"through the table", func(s *Server) {
			g := s.guard(s.echo)
			g.GET("/admin/things", ok)
			g.POST("/admin/things/:id", ok)
			s.echo.GET("/products", ok)
			// A group with middleware adds 404 fallbacks; they serve nothing.
			s.echo.Group("/admin/x", func(next echo.HandlerFunc) echo.HandlerFunc { return next })
		}, ""},
		{"bypassing protect under /admin", func(s *Server) {
			s.echo.POST("/admin/things", ok)
		}, "POST /admin/things is under /admin but not registered through protect"},
		{"bypassing protect under /account", func(s *Server) {
			s.echo.GET("/account/orders", ok)
		}, "GET /account/orders is under /account"},
		{"a route the table does not know", func(s *Server) {
			s.guard(s.echo).GET("/reports", ok)
		}, "route GET /reports has no entry in the access table"},
		{"the same path, the other method, unprotected", func(s *Server) {
			s.guard(s.echo).GET("/admin/things", ok)
			s.echo.POST("/admin/things", ok)
		}, "POST /admin/things is under /admin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := bareServer()
			tc.register(s)
			err := s.checkAccess()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestAccessTable_NoRuleLetsAReviewerWrite(t *testing.T) {
	for _, r := range accessRules {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if r.allows(models.RoleReviewer, m) {
				t.Errorf("rule %s %s lets a reviewer %s", r.Method, r.Path, m)
			}
		}
	}
	saved := accessRules
	defer func() { accessRules = saved }()
	accessRules = append([]accessRule{{http.MethodPost, "/admin/*", []models.Role{models.RoleReviewer}}}, saved...)
	if err := bareServer().checkAccess(); err == nil || !strings.Contains(err.Error(), "lets reviewers write") {
		t.Fatalf("a rule letting reviewers write passed the start-up check: %v", err)
	}
}

func TestAccessTable_PatternsMatchWholeSegments(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"/admin/users/*", "/admin/users", true},
		{"/admin/users/*", "/admin/users/:id", true},
		{"/admin/users/*", "/admin/usersettings", false},
		{"/admin/*", "/administration", false},
		{"/account", "/account", true},
		{"/account", "/account/x", false},
	} {
		if got := underPattern(tc.pattern, tc.path); got != tc.want {
			t.Errorf("underPattern(%q, %q) = %v", tc.pattern, tc.path, got)
		}
	}
}

func TestLocalPath_OnlyPathsOnThisSite(t *testing.T) {
	for in, want := range map[string]string{
		"/admin/products?page=2": "/admin/products?page=2",
		"/":                      "/",
		"":                       "",
		"//evil.example":         "",
		"/\\evil.example":        "",
		"https://evil.example/":  "",
		"javascript:alert(1)":    "",
		"admin":                  "",
		"/a\r\nSet-Cookie: x=1":  "",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAccountNav_RendersForAnonymousAndSignedIn(t *testing.T) {
	p := testParts(t)
	tr, views := p.tr, p.views
	tmpl := views.pages["account"]
	type navPage struct {
		L      *Localizer
		Viewer Viewer
	}
	for _, tc := range []struct {
		name string
		v    Viewer
		want []string
		not  []string
	}{
		{"anonymous", Viewer{}, []string{`href="/signin"`, "Sign in"}, []string{"/signout", "/admin"}},
		{"customer", Viewer{SignedIn: true, Email: "ana@example.org", Role: models.RoleCustomer, CSRF: "tok"},
			[]string{"ana@example.org", `action="/signout"`, `name="_csrf" value="tok"`}, []string{`href="/admin"`}},
		{"reviewer", Viewer{SignedIn: true, Email: "wfto@example.org", Role: models.RoleReviewer, CSRF: "tok"},
			[]string{`href="/admin"`, "WFTO reviewer"}, nil},
	} {
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, "account_nav", navPage{L: tr.For("en"), Viewer: tc.v}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: lacks %q in %s", tc.name, w, b.String())
			}
		}
		for _, n := range tc.not {
			if strings.Contains(b.String(), n) {
				t.Errorf("%s: shows %q", tc.name, n)
			}
		}
	}
}
