package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The back office at /admin: CIAP staff run the catalog, prices and stock;
// reviewers read everything; admins also manage users. Every route goes
// through the access table (roles.go); every page with a form is marked
// with formPage so it carries a CSRF token. Handlers parse a form, call
// one models.Editor method (one transaction with its audit entry), and
// either redirect (303) or re-render the form with the input kept and a
// message next to each wrong field.

// registerAdmin adds the back office under /admin and the public route of
// the pictures it uploads.
func (s *Server) registerAdmin(e *echo.Echo) {
	e.GET("/media/:name", s.media)

	g := s.guard(e)
	// form registers a GET page that carries a form (and so a CSRF token).
	form := func(path string, h echo.HandlerFunc) {
		s.formPage(path)
		g.GET(path, h)
	}
	g.GET("/admin", s.adminDashboard)

	g.GET("/admin/associations", s.adminAssociations)
	s.associationKind().register(g, form)
	g.GET("/admin/groups", s.adminGroups)
	s.groupKind().register(g, form)
	g.GET("/admin/products", s.adminProducts)
	s.productKind().register(g, form)
	form("/admin/products/:id/image", s.adminImageForm)
	g.POST("/admin/products/:id/image", s.adminImageUpload)
	form("/admin/products/:id/prices", s.adminPricesForm)
	g.POST("/admin/products/:id/prices", s.adminPricesSave)
	g.GET("/admin/products/:id/prices/:bid", s.adminBreakdownVersion)
	form("/admin/products/:id/stock", s.adminStockForm)
	g.POST("/admin/products/:id/stock", s.adminStockAdjust)

	s.registerAdminOrders(g)
	s.registerFulfillment(g)
	s.registerLedger(g)
	s.registerBalances(g, form)
	g.GET("/admin/production", s.adminProduction)
	g.POST("/admin/production/:id", s.adminProductionMove)

	form("/admin/living-wage", s.adminLivingWage)
	g.POST("/admin/living-wage", s.adminLivingWageSave)
	g.GET(adminReconcileArea.Base, s.reconcilePage(adminReconcileArea))
	g.GET("/admin/audit", s.adminAudit)
	g.GET("/admin/audit/:id", s.adminAuditEntry)
	s.registerAdminResellers(g)

	form("/admin/users", s.adminUsers)
	g.POST("/admin/users/:id", s.adminUserUpdate)
	g.POST("/admin/users/invitations", s.adminInvite)
}

// adminView starts the Data of every back-office page.
type adminView struct {
	Viewer Viewer
	// Nav is the back-office section, for aria-current in the sub-menu.
	Nav string
	// Review: the page is in the reviewers' portal (/review), under its
	// menu; its Nav starts with "review".
	Review bool
	// Notice is good news (after a redirect); Problem is about the whole
	// form; Conflict explains a refused stale edit.
	Notice   string
	Problem  string
	Conflict *conflictView
	// Errors maps a form field to its translated message.
	Errors map[string]string
}

// conflictView explains why a save was refused: who changed the record
// since the form was opened, and where the saved record differs from what
// the editor typed.
type conflictView struct {
	Who, When, Summary string
	Diffs              []fieldDiff
}

type fieldDiff struct{ Label, Saved, Yours string }

// notices are the good news a redirect can announce (?done=…).
var notices = map[string]string{
	"saved":       "admin.notice.saved",
	"created":     "admin.notice.created",
	"prices":      "admin.notice.prices",
	"stock":       "admin.notice.stock",
	"image":       "admin.notice.image",
	"published":   "admin.notice.published",
	"unpublished": "admin.notice.unpublished",
	"activated":   "admin.notice.activated",
	"deactivated": "admin.notice.deactivated",
	"user":        "admin.notice.user",
	"invited":     "admin.notice.invited",
	"welcome":     "admin.notice.welcome",
}

// newAdminView fills what every page needs.
func (s *Server) newAdminView(c echo.Context, l *Localizer, nav string) adminView {
	v := adminView{Viewer: s.viewer(c), Nav: nav, Review: strings.HasPrefix(nav, "review")}
	if id, ok := notices[c.QueryParam("done")]; ok {
		v.Notice = l.T(id)
	}
	return v
}

// Link is path: a back-office page has no period to keep in the portal's
// links (reviewView keeps its own).
func (v adminView) Link(path string) string { return path }

// renderAdmin renders a back-office page; a refused form gets its status.
func (s *Server) renderAdmin(c echo.Context, status int, page, title string, l *Localizer, data any) error {
	return s.render(c, status, page, Page{L: l, Title: title, NoIndex: true, Section: "admin", Data: data})
}

// editor is the signed-in user's back-office editor.
func (s *Server) editor(c echo.Context) *models.Editor { return s.store.Editor(s.actor(c)) }

// idParam reads a positive numeric path parameter; anything else is 404.
func idParam(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// lockVersion reads the hidden lock_version field of an edit form.
func lockVersion(c echo.Context) (int64, error) {
	v, err := strconv.ParseInt(c.FormValue("lock_version"), 10, 64)
	if err != nil || v <= 0 {
		return 0, badInput("admin.error.lock_version")
	}
	return v, nil
}

// conflictFor describes the newest change of a record, for the 409 page.
func (s *Server) conflictFor(c echo.Context, l *Localizer, entity string, id int64) *conflictView {
	cv := &conflictView{Who: l.T("admin.conflict.someone")}
	if e, err := s.store.LatestAudit(c.Request().Context(), entity, id); err == nil {
		cv.Who, cv.When, cv.Summary = e.Actor, e.CreatedAt.UTC().Format(time.DateTime+" UTC"), e.Summary
	}
	return cv
}

// isStale reports whether err is a refused stale edit.
func isStale(err error) bool { return errors.Is(err, models.ErrStale) }

// formStatus is the status of a re-rendered form: 409 for a stale edit,
// 400 for wrong input (as the account forms answer).
func formStatus(cv *conflictView) int {
	if cv != nil {
		return http.StatusConflict
	}
	return http.StatusBadRequest
}
