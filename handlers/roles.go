package handlers

// Access control: the route × role table.
//
// Every route that needs a signed-in person is registered through the
// access table, never with e.GET/e.POST directly:
//
//	g := s.guard(e)                                  // in registerAdmin(e)
//	g.GET("/admin/products", s.adminProducts)        // admin, staff, reviewer
//	g.POST("/admin/products/:id", s.adminProductSave) // admin, staff
//	g.GET("/admin/users", s.adminUsers)              // admin only
//
// or, the same thing spelled out:
//
//	s.protect(e, http.MethodPost, "/admin/stock/:id", h, optionalMiddleware...) *echo.Route
//
// protect looks the method and route pattern up in accessRules (first
// match wins) and wraps the handler with the check of that rule, so the
// table IS what is enforced. New fails at start-up when
//   - a protected route matches no rule,
//   - any route under a protected prefix (/admin, /account, /review) was registered
//     without protect,
//   - a rule lets a reviewer write.
//
// What a request gets when the rule refuses it:
//   - anonymous: 303 to /signin?next=<path> (401 JSON under /api/),
//   - signed in without the role: 403 page (403 JSON under /api/),
//   - a reviewer on any method but GET/HEAD: 403, whatever the table says.
//
// The signed-in user is s.currentUser(c) (nil when anonymous; never nil
// behind protect) and s.actor(c) their email, for audit records.
//
// CSRF (csrf.go): every non-GET request needs the session's token (form
// field _csrf or header X-CSRF-Token, never the query) and must not come
// from another origin (Sec-Fetch-Site / Origin); s.noCSRF(path) exempts a
// webhook. GET routes registered through protect
// are form pages and get a token, s.viewer(c).CSRF, for the hidden field
// ({{template "csrf_field" .Viewer.CSRF}}); other GET pages with a form
// call s.formPage(path). Public pages get no token and no cookie, so the
// page cache keeps working.
//
// Tests: handlers/testhelpers_test.go has newTestServer, ts.signInAs(t,
// role) and a testClient that keeps cookies and adds the CSRF token; the
// matrix test (accounts_test.go) walks every protected route × every
// role + anonymous against the rules.

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// anyMethod in an access rule matches every HTTP method.
const anyMethod = "*"

// accessRule says who may call the routes matching Method and Path.
// Path is a route pattern as registered ("/admin/products/:id"); a pattern
// ending in "/*" matches its prefix itself and everything below it
// ("/admin/users/*" matches "/admin/users" and "/admin/users/:id/role").
type accessRule struct {
	Method string
	Path   string
	Roles  []models.Role
}

var (
	everyone             = models.Roles
	everyoneButReviewers = []models.Role{models.RoleAdmin, models.RoleStaff, models.RoleReseller, models.RoleCustomer}
	adminOnly            = []models.Role{models.RoleAdmin}
	backOfficeReaders    = []models.Role{models.RoleAdmin, models.RoleStaff, models.RoleReviewer}
	backOfficeWriters    = []models.Role{models.RoleAdmin, models.RoleStaff}
	customersOnly        = []models.Role{models.RoleCustomer}
	resellersOnly        = []models.Role{models.RoleReseller}
	wholesaleDocReaders  = []models.Role{models.RoleReseller, models.RoleAdmin, models.RoleStaff, models.RoleReviewer}
)

// accessRules is the route × role table, first match wins.
var accessRules = []accessRule{
	// The reseller area is the resellers'; a wholesale order's documents
	// (pro-forma, receipt) are also the back office's to read
	// (wholesale_area.go, wholesale_docs.go).
	{http.MethodGet, "/account/wholesale/orders/:number/*", wholesaleDocReaders},
	{anyMethod, "/account/wholesale/*", resellersOnly},

	// "My orders": every role that has an account has orders to see.
	{http.MethodGet, "/account/orders", everyone},
	{http.MethodGet, "/account/*", everyone},
	{anyMethod, "/account/*", everyoneButReviewers},

	// Applying for wholesale: every account sees where it stands (an
	// approved reseller is sent on to /wholesale, staff are told only
	// customers apply); only a customer account applies. These stay
	// above any "/wholesale/*" rule (first match wins).
	{http.MethodGet, "/wholesale/apply", everyone},
	{anyMethod, "/wholesale/apply", customersOnly},

	// Wholesale ordering from a spreadsheet: approved resellers only.
	{anyMethod, "/wholesale/csv/*", resellersOnly},

	// Staff decide wholesale applications; reviewers read them.
	{http.MethodGet, "/admin/resellers/*", backOfficeReaders},
	{anyMethod, "/admin/resellers/*", backOfficeWriters},

	// Users and the mail outbox are the admin's alone, reading included.
	{anyMethod, "/admin/users/*", adminOnly},
	{anyMethod, "/admin/outbox/*", adminOnly},

	// The rest of the back office: reviewers read, staff and admins write.
	{http.MethodGet, "/admin/*", backOfficeReaders},
	{anyMethod, "/admin/*", backOfficeWriters},

	// Wholesale: the quick-order grid is approved resellers' alone
	// (others asking for the page are sent to apply, see refusedGoTo).
	{anyMethod, "/wholesale", resellersOnly},

	// The reviewers' portal only reads: no write route may be added
	// under /review (a POST there matches no rule and New refuses it).
	{http.MethodGet, "/review/*", backOfficeReaders},
}

// refusedGoTo sends a signed-in person whom a rule refuses a page (GET)
// to where they can get access, instead of a 403: the wholesale grid and
// the spreadsheet upload to the reseller application. Keyed by the rule's path.
var refusedGoTo = map[string]string{"/wholesale": "/wholesale/apply", "/wholesale/csv/*": "/wholesale/apply"}

// shopWrites are the public routes that fill a cart or place or pay an
// order. Guests and every other role use them; a signed-in reviewer, who
// changes nothing anywhere, is refused them with a page that says why
// (noReviewer). The list is what the test walks.
var shopWrites = []struct{ Method, Path string }{
	{http.MethodPost, "/cart/add"},
	{http.MethodPost, "/cart/update"},
	{http.MethodPost, "/cart/remove"},
	{http.MethodGet, "/checkout"},
	{http.MethodPost, "/checkout"},
	{http.MethodPost, "/orders/:token/pay"},
}

// noReviewer refuses a signed-in reviewer (403 with a message saying a
// reviewer's account cannot place orders); anyone else passes.
func (s *Server) noReviewer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if u := s.currentUser(c); u != nil && u.Role == models.RoleReviewer {
			return &userError{Status: http.StatusForbidden, ID: "error.reviewer_orders"}
		}
		return next(c)
	}
}

// shopWrite registers one of shopWrites; a route missing from the list
// makes New fail, so the list and the routes cannot drift apart.
func (s *Server) shopWrite(e *echo.Echo, method, path string, h echo.HandlerFunc) {
	if !slices.Contains(shopWrites, struct{ Method, Path string }{method, path}) {
		s.access.errs = append(s.access.errs, fmt.Errorf("shop write %s %s is not in shopWrites (handlers/roles.go)", method, path))
	}
	e.Add(method, path, h, s.noReviewer)
}

// protectedPrefixes are where every route must go through protect.
var protectedPrefixes = []string{"/admin", "/account", "/review", "/wholesale"}

// accessState is what protect collected while routes were registered.
type accessState struct {
	routes []protectedRoute
	errs   []error
}

// protectedRoute is one route registered through protect, with its rule.
type protectedRoute struct {
	Method string
	Path   string
	Rule   accessRule
}

// matches reports whether the rule covers method and route pattern.
func (r accessRule) matches(method, path string) bool {
	if r.Method != anyMethod && r.Method != method {
		return false
	}
	return underPattern(r.Path, path)
}

// underPattern matches a route pattern against a rule's path.
func underPattern(pattern, path string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "/*"); ok {
		return path == prefix || strings.HasPrefix(path, prefix+"/")
	}
	return pattern == path
}

// ruleFor finds the first rule for method and path.
func ruleFor(method, path string) (accessRule, bool) {
	for _, r := range accessRules {
		if r.matches(method, path) {
			return r, true
		}
	}
	return accessRule{}, false
}

// allows reports whether role may use the rule's routes with method.
func (r accessRule) allows(role models.Role, method string) bool {
	if role == models.RoleReviewer && !safeMethod(method) {
		return false
	}
	return slices.Contains(r.Roles, role)
}

func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// guarded registers routes through protect; it mirrors Echo's methods.
type guarded struct {
	s *Server
	e *echo.Echo
}

// guard returns a registrar whose routes are all checked against the table.
func (s *Server) guard(e *echo.Echo) guarded { return guarded{s: s, e: e} }

// GET registers a protected GET route.
func (g guarded) GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.s.protect(g.e, http.MethodGet, path, h, m...)
}

// POST registers a protected POST route.
func (g guarded) POST(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.s.protect(g.e, http.MethodPost, path, h, m...)
}

// protect registers h for method and path behind the access rule that
// matches them. A route without a rule is refused for everyone and makes
// New fail, so it can never ship unprotected.
func (s *Server) protect(e *echo.Echo, method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	rule, ok := ruleFor(method, path)
	if !ok {
		s.access.errs = append(s.access.errs, fmt.Errorf("route %s %s has no entry in the access table (handlers/roles.go)", method, path))
		rule = accessRule{Method: method, Path: path} // nobody
	}
	s.access.routes = append(s.access.routes, protectedRoute{Method: method, Path: path, Rule: rule})
	if method == http.MethodGet {
		s.formPage(path)
	}
	return e.Add(method, path, h, append([]echo.MiddlewareFunc{s.requireRule(rule)}, m...)...)
}

// requireRule is the middleware that enforces one rule.
func (s *Server) requireRule(rule accessRule) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := s.currentUser(c)
			method := c.Request().Method
			if u == nil {
				if isAPI(c) {
					return &userError{Status: http.StatusUnauthorized, ID: "error.unauthorized"}
				}
				return c.Redirect(http.StatusSeeOther, signInURL(c))
			}
			if !rule.allows(u.Role, method) {
				if to, ok := refusedGoTo[rule.Path]; ok && method == http.MethodGet {
					return c.Redirect(http.StatusSeeOther, to)
				}
				return &userError{Status: http.StatusForbidden, ID: "error.forbidden"}
			}
			// Pages behind a sign-in are personal: never stored by a
			// shared cache or the browser's back-forward cache.
			c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
			return next(c)
		}
	}
}

// signInURL sends the visitor to sign in and back here afterwards (GET
// only: a form post cannot be replayed by a redirect).
func signInURL(c echo.Context) string {
	if c.Request().Method != http.MethodGet {
		return "/signin"
	}
	return "/signin?next=" + url.QueryEscape(c.Request().URL.RequestURI())
}

// checkAccess is run by New after the routes are registered.
func (s *Server) checkAccess() error {
	errs := append([]error(nil), s.access.errs...)
	for _, r := range accessRules {
		if !safeMethod(r.Method) && slices.Contains(r.Roles, models.RoleReviewer) {
			errs = append(errs, fmt.Errorf("access rule %s %s lets reviewers write", r.Method, r.Path))
		}
	}
	registered := map[string]bool{}
	for _, p := range s.access.routes {
		registered[p.Method+" "+p.Path] = true
	}
	for _, r := range s.echo.Routes() {
		if r.Method == echo.RouteNotFound {
			continue // a group's 404 fallback serves nothing
		}
		for _, prefix := range protectedPrefixes {
			if underPattern(prefix+"/*", r.Path) && !registered[r.Method+" "+r.Path] {
				errs = append(errs, fmt.Errorf("route %s %s is under %s but not registered through protect (handlers/roles.go)", r.Method, r.Path, prefix))
			}
		}
	}
	return errors.Join(errs...)
}
