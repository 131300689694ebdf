package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"
)

// CSRF: two layers, both required on every write.
//
//  1. A token bound to the visitor's server-side session: a random value
//     kept in the session (sessCSRF), sent back in the form field _csrf or
//     the header X-CSRF-Token, and compared in constant time. It is never
//     read from the query string (where it would leak into logs and
//     Referer headers), and a token from another session, say the
//     attacker's own, is worthless with the victim's.
//  2. net/http's CrossOriginProtection: a browser's Sec-Fetch-Site (or,
//     from older browsers, Origin) must say the request comes from this
//     site.
//
// A token is handed out only where a form is shown, when the page is
// rendered (csrfToken): on the form pages (formPage) and on every page of
// a signed-in visitor (the header has the sign-out form). An anonymous
// visitor's form page starts a session to hold it; anonymous catalog
// pages get none, so they set no cookie and stay in the page cache.

const (
	// sessCSRF is the session key of the token.
	sessCSRF = "csrf"
	// csrfKey is where the middleware leaves the token for the page.
	csrfKey = "csrf"
	// csrfField and csrfHeader are where a write carries the token.
	csrfField  = "_csrf"
	csrfHeader = echo.HeaderXCSRFToken
)

// formSessionLifetime is how long a session started by a form page for an
// anonymous visitor lasts.
const formSessionLifetime = 12 * time.Hour

var errCSRF = &userError{Status: http.StatusForbidden, ID: "error.csrf"}

// csrf checks every write but the routes of noCSRF. It runs after
// checkInput, which parsed the form.
func (s *Server) csrf() (echo.MiddlewareFunc, error) {
	cop := http.NewCrossOriginProtection()
	// Behind a proxy that rewrites Host, the shop's public origin is
	// still its own.
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("base URL as a trusted origin: %w", err)
		}
	}
	sm := s.acct.sessions
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if safeMethod(r.Method) || r.Method == http.MethodOptions {
				return next(c)
			}
			if s.acct.csrfExempt[c.Path()] {
				return next(c)
			}
			if err := cop.Check(r); err != nil {
				return fmt.Errorf("%w: %w", errCSRF, err)
			}
			want := sm.GetString(r.Context(), sessCSRF)
			if want == "" && s.acct.firstWrites[c.Path()] && sameOriginProven(r) {
				return next(c) // no session to forge a request for (firstWrite)
			}
			got := r.Header.Get(csrfHeader)
			if got == "" && r.PostForm != nil {
				// The body's form only, never the query: PostForm, not Form.
				got = r.PostForm.Get(csrfField)
			}
			if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
				return errCSRF
			}
			return next(c)
		}
	}, nil
}

// csrfToken is the token for the page's forms: on the form pages
// (formPage) and on every page of a signed-in visitor, else "". It is
// made when the session has none, on a GET only (and so, for an anonymous
// visitor, the session with it): a refused write or a redirect starts no
// session. A page with a token is the visitor's alone.
func (s *Server) csrfToken(c echo.Context) string {
	if tok, ok := c.Get(csrfKey).(string); ok {
		return tok
	}
	// A session that holds a token (a cart's, say) gets it on every page.
	if !s.acct.formPages[c.Path()] && s.currentUser(c) == nil && s.sessionString(c, sessCSRF) == "" {
		return ""
	}
	ctx := c.Request().Context()
	sm := s.acct.sessions
	tok := sm.GetString(ctx, sessCSRF)
	if tok == "" && safeMethod(c.Request().Method) {
		if sm.Token(ctx) == "" {
			// A new session, made to hold this token: it need not outlive
			// a form left open, and a crawler's are soon purged. Signing
			// in renews the token and with it the full lifetime.
			sm.SetDeadline(ctx, time.Now().Add(formSessionLifetime))
		}
		tok = s.newCSRFToken(c)
		h := c.Response().Header()
		h.Add(echo.HeaderVary, echo.HeaderCookie)
		h.Set(echo.HeaderCacheControl, "private, no-cache")
	}
	c.Set(csrfKey, tok)
	return tok
}

// newCSRFToken is the one place a token is made: it puts a fresh one in
// the session and leaves it for this request's page. Signing in calls it
// so that a token seen before (on a shared computer, say) is worthless
// after; a guest's first cart write, so the pages after carry one.
func (s *Server) newCSRFToken(c echo.Context) string {
	tok := rand.Text()
	s.acct.sessions.Put(c.Request().Context(), sessCSRF, tok)
	c.Set(csrfKey, tok)
	return tok
}

// formPage marks a GET route whose page has a form: it gets a CSRF token.
// Call it for the route pattern as registered ("/cart").
func (s *Server) formPage(path string) { s.acct.formPages[path] = true }

// noCSRF lets a write route skip the CSRF check: only for requests that
// authenticate otherwise (a webhook's signature).
func (s *Server) noCSRF(path string) { s.acct.csrfExempt[path] = true }

// firstWrite lets a write route run without a token for a visitor who
// has no session yet (so no token could be on the cached page they
// posted from), when the browser proves the request comes from the shop
// itself: there is no session to ride, and an old browser that sends
// neither Sec-Fetch-Site nor Origin is refused. The route must start the
// session and its token (cart_session.go).
func (s *Server) firstWrite(path string) { s.acct.firstWrites[path] = true }

// sameOriginProven: Sec-Fetch-Site says same-origin, or, from a browser
// without it, an Origin header is present (CrossOriginProtection has
// already checked that it is this site).
func sameOriginProven(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	return r.Header.Get("Origin") != ""
}
