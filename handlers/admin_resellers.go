package handlers

import (
	"errors"
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Wholesale applications in the back office (/admin/resellers): the list,
// filtered by status (pending first), one application with its
// applicant and the other applications giving the same RUC, and staff's
// approval or rejection with a message, each one models call (one
// transaction: status, role, audit entries, mail job). Reviewers read.

const adminResellersPath = "/admin/resellers"

// registerAdminResellers adds the applications' pages and decisions.
func (s *Server) registerAdminResellers(g guarded) {
	g.GET(adminResellersPath, s.adminResellers)
	g.GET(adminResellersPath+"/:id", s.adminReseller)
	g.POST(adminResellersPath+"/:id/approve", s.adminResellerDecide(true))
	g.POST(adminResellersPath+"/:id/reject", s.adminResellerDecide(false))
}

type adminResellersView struct {
	adminView
	Status   string
	Statuses []formOption
	Page     models.ApplicationPage
	Pager    pager
}

// adminResellers lists applications, the pending ones by default.
func (s *Server) adminResellers(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	status := string(models.ApplicationPending)
	if q := c.QueryParams(); q.Has("status") {
		status = q.Get("status")
	}
	if status != "" && !models.ApplicationStatus(status).Valid() {
		return badInput("error.param_unknown", "Param", "status", "Value", status)
	}
	pageN, err := intParam(c, "page", 1, 1, maxPage)
	if err != nil {
		return err
	}
	page, err := s.store.Applications(c.Request().Context(), models.ApplicationStatus(status), pageN, 50)
	if err != nil {
		return err
	}
	v := adminResellersView{adminView: s.newAdminView(c, l, "resellers"), Status: status, Page: page,
		Pager: newPager(adminResellersPath, c.QueryParams(), page.Page, page.Pages())}
	v.Statuses = []formOption{{Value: "", Label: l.T("admin.audit.any"), Selected: status == ""}}
	for _, st := range models.ApplicationStatuses {
		v.Statuses = append(v.Statuses, formOption{Value: string(st), Label: l.T("apply.status." + string(st)), Selected: string(st) == status})
	}
	return s.renderAdmin(c, http.StatusOK, "admin_resellers", l.T("admin.resellers.title"), l, v)
}

type adminResellerView struct {
	adminView
	A *models.ResellerApplication
	// SameRUC are other applications giving the same RUC.
	SameRUC []models.ResellerApplication
	// Message is the decision's message as typed, kept on a refusal.
	Message    string
	MaxMessage int
	Crumbs     []adminLink
}

// sameRUCShown bounds the other applications listed with the same RUC.
const sameRUCShown = 20

// adminReseller shows one application with the decision forms.
func (s *Server) adminReseller(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	v, err := s.resellerView(c, l, id)
	if err != nil {
		return err
	}
	return s.renderReseller(c, l, http.StatusOK, v)
}

func (s *Server) resellerView(c echo.Context, l *Localizer, id int64) (adminResellerView, error) {
	ctx := c.Request().Context()
	a, err := s.store.ApplicationByID(ctx, id)
	if err != nil {
		return adminResellerView{}, err
	}
	same, err := s.store.ApplicationsWithRUC(ctx, a, sameRUCShown)
	if err != nil {
		return adminResellerView{}, err
	}
	return adminResellerView{adminView: s.newAdminView(c, l, "resellers"), A: a, SameRUC: same,
		MaxMessage: models.MaxDecisionMessage,
		Crumbs:     []adminLink{{URL: adminResellersPath, Label: l.T("admin.resellers.title")}}}, nil
}

func (s *Server) renderReseller(c echo.Context, l *Localizer, status int, v adminResellerView) error {
	return s.renderAdmin(c, status, "admin_reseller", l.T("admin.reseller.title", "Business", v.A.BusinessName), l, v)
}

// adminResellerDecide approves or rejects an application from its page.
// A rejection needs a message; a page older than a decision already made
// (by someone else, or in another tab) is refused with who decided.
func (s *Server) adminResellerDecide(approve bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		l := s.tr.For(s.tr.Pick(c))
		id, seen, err := editTarget(c)
		if err != nil {
			return err
		}
		msg := c.FormValue("message")
		a, err := s.editor(c).DecideApplication(c.Request().Context(),
			models.Decision{ID: id, Version: seen, Approve: approve, Message: msg})
		if err == nil {
			s.log.Info("wholesale application decided", "application", id, "status", a.Status)
			s.flash(c, l.T("admin.reseller.done."+string(a.Status), "Business", a.BusinessName))
			return seeOther(c, idPath(adminResellersPath, id))
		}
		v, verr := s.resellerView(c, l, id)
		if verr != nil {
			return verr
		}
		v.Message = msg
		var (
			de *models.DecidedError
			ve *models.ValidationError
		)
		status := http.StatusConflict
		switch {
		case errors.As(err, &ve):
			status = http.StatusBadRequest
			v.Errors = newFormReader(l, nil).merge(err)
			v.Problem = l.T("admin.form.fix")
		case errors.As(err, &de):
			v.Problem = l.T("admin.reseller.already", "Status", l.T("apply.status."+string(de.Status)), "Who", de.By)
		case isStale(err):
			v.Problem = l.T("admin.reseller.stale")
			v.Conflict = s.conflictFor(c, l, models.EntityResellerApplication, id)
		case errors.Is(err, models.ErrNotApplicant) && v.A.User != nil:
			v.Problem = l.T("admin.reseller.not_customer", "Role", l.T("role."+string(v.A.User.Role)))
		default:
			return err
		}
		return s.renderReseller(c, l, status, v)
	}
}
