package handlers

import (
	"errors"
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// accountView is what the account page shows: who is signed in, where
// their wholesale application stands, and the change-password form.
type accountView struct {
	Viewer Viewer
	Since  string // account creation date, YYYY-MM-DD
	// Wholesale: the account may buy wholesale or apply to (customers and
	// resellers); Application is its latest application, if any.
	Wholesale   bool
	Application *models.ResellerApplication
	authForm
}

// accountPage shows who is signed in, with their role (GET /account).
func (s *Server) accountPage(c echo.Context) error {
	var f authForm
	if c.QueryParam("done") == "password" {
		f.Notice = s.tr.For(s.tr.Pick(c)).T("accounts.password_changed")
	}
	return s.renderAccount(c, http.StatusOK, f)
}

func (s *Server) renderAccount(c echo.Context, status int, f authForm) error {
	u := s.currentUser(c)
	l := s.tr.For(s.tr.Pick(c))
	f.MinPassword = minPassword
	v := accountView{Viewer: s.viewer(c), Since: u.CreatedAt.UTC().Format("2006-01-02"), authForm: f,
		Wholesale: u.Role == models.RoleCustomer || u.Role == models.RoleReseller}
	if v.Wholesale {
		a, err := s.store.LatestApplication(c.Request().Context(), u.ID)
		switch {
		case err == nil:
			v.Application = a
		case !errors.Is(err, models.ErrNotFound):
			return err
		}
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return s.render(c, status, "account", Page{L: l, Title: l.T("accounts.account_title"), NoIndex: true, Data: v})
}
