package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// authForm is what the sign-in, sign-up and reset pages show: the input
// kept, a message per wrong field and one for the whole form.
type authForm struct {
	Viewer Viewer
	Email  string
	Name   string
	// Next is where to go after signing in (a local path).
	Next string
	// Token is the reset link's token.
	Token string
	// Errors maps a field name to its translated message.
	Errors map[string]string
	// Problem is a message about the whole form; Notice good news.
	Problem string
	Notice  string
	// MinPassword is the minimum password length, for the hint.
	MinPassword int
}

func (f *authForm) fail(field, msg string) {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	if _, ok := f.Errors[field]; !ok {
		f.Errors[field] = msg
	}
}

// renderForm renders an account page. Pages with a password field are
// never cached by the browser or a proxy.
func (s *Server) renderForm(c echo.Context, status int, page, titleID string, f authForm) error {
	f.Viewer = s.viewer(c)
	l := s.tr.For(s.tr.Pick(c))
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return s.render(c, status, page, Page{L: l, Title: l.T(titleID), NoIndex: true, Data: f})
}

// localPath accepts only a path on this site ("/products?page=2"), so a
// crafted ?next= cannot send a signed-in visitor elsewhere.
func localPath(next string) string {
	if next == "" || len(next) > 1000 || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" {
		return ""
	}
	return next
}

// homeFor is where a user lands after signing in without a ?next=.
func homeFor(v Viewer) string {
	if v.CanReadBackOffice() {
		return "/admin"
	}
	return "/account"
}

// seeOther redirects after a successful form post.
func seeOther(c echo.Context, to string) error { return c.Redirect(http.StatusSeeOther, to) }
