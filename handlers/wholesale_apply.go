package handlers

import (
	"errors"
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// A signed-in customer applies for wholesale at /wholesale/apply and
// follows their application there: pending, approved (an approved
// reseller is sent on to /wholesale) or rejected with staff's message,
// with the form to apply again. A visitor is sent to sign in (or sign up)
// and back here by the access table; staff and reviewers see the page
// without a form, since only customer accounts apply.

// wholesaleApplyPath is the application page.
const wholesaleApplyPath = "/wholesale/apply"

// applyView is the application page's Data.
type applyView struct {
	Viewer Viewer
	// Latest is the account's newest application, nil when none.
	Latest *models.ResellerApplication
	// CanApply: a customer with nothing pending sees the form.
	CanApply bool
	Form     models.ApplicationInput
	Errors   map[string]string
	Problem  string
	// Limits are the fields' maximum lengths, for maxlength.
	Limits applyLimits
}

type applyLimits struct{ BusinessName, Address, Market int }

// registerWholesaleApply adds the application page and its form.
func (s *Server) registerWholesaleApply(e *echo.Echo) {
	g := s.guard(e)
	g.GET(wholesaleApplyPath, s.wholesaleApplyPage)
	g.POST(wholesaleApplyPath, s.wholesaleApply)
}

// wholesaleApplyPage shows the application's status and, when the account
// may apply, the form (GET /wholesale/apply).
func (s *Server) wholesaleApplyPage(c echo.Context) error {
	u := s.currentUser(c)
	if u.Role == models.RoleReseller {
		return seeOther(c, "/wholesale")
	}
	v, err := s.applyView(c, u)
	if err != nil {
		return err
	}
	if v.Latest != nil && v.Latest.Status == models.ApplicationRejected {
		// Applying again starts from what was sent last time.
		a := v.Latest
		v.Form = models.ApplicationInput{BusinessName: a.BusinessName, RUC: a.RUC, Address: a.Address,
			Market: a.Market, Phone: a.Phone}
	}
	return s.renderApply(c, http.StatusOK, v)
}

// wholesaleApply stores an application (POST /wholesale/apply): 303 back
// to the page, which then shows it pending; a wrong field re-renders the
// form with the input kept and a message next to it.
func (s *Server) wholesaleApply(c echo.Context) error {
	u := s.currentUser(c)
	l := s.tr.For(s.tr.Pick(c))
	in := models.ApplicationInput{BusinessName: c.FormValue("business_name"), RUC: c.FormValue("ruc"),
		Address: c.FormValue("address"), Market: c.FormValue("market"), Phone: c.FormValue("phone"), Lang: l.Lang()}
	_, err := s.store.ApplyForWholesale(c.Request().Context(), u.ID, in)
	if err == nil {
		s.log.Info("wholesale application", "user", u.ID)
		s.flash(c, l.T("apply.sent"))
		return seeOther(c, wholesaleApplyPath)
	}
	v, verr := s.applyView(c, u)
	if verr != nil {
		return verr
	}
	v.Form = in
	var ve *models.ValidationError
	status := http.StatusBadRequest
	switch {
	case errors.As(err, &ve):
		v.Errors = newFormReader(l, nil).merge(err)
		v.Problem = l.T("apply.fix")
	case errors.Is(err, models.ErrApplicationPending):
		status, v.Problem = http.StatusConflict, l.T("apply.already_pending")
	case errors.Is(err, models.ErrNotApplicant):
		status, v.Problem = http.StatusForbidden, l.T("apply.customers_only")
	default:
		return err
	}
	return s.renderApply(c, status, v)
}

// applyView reads the account's latest application.
func (s *Server) applyView(c echo.Context, u *models.User) (applyView, error) {
	v := applyView{Limits: applyLimits{models.MaxBusinessNameLen, models.MaxAddressLen, models.MaxMarketLen}}
	a, err := s.store.LatestApplication(c.Request().Context(), u.ID)
	switch {
	case errors.Is(err, models.ErrNotFound):
	case err != nil:
		return v, err
	default:
		v.Latest = a
	}
	v.CanApply = u.Role == models.RoleCustomer && u.Active && (a == nil || a.Status != models.ApplicationPending)
	return v, nil
}

func (s *Server) renderApply(c echo.Context, status int, v applyView) error {
	l := s.tr.For(s.tr.Pick(c))
	v.Viewer = s.viewer(c)
	return s.render(c, status, "wholesale_apply", Page{L: l, Title: l.T("apply.title"), NoIndex: true, Data: v})
}
