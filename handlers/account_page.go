package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// accountView is what the account page shows.
type accountView struct {
	Viewer Viewer
	Since  string // account creation date, YYYY-MM-DD
}

// accountPage shows who is signed in, with their role (GET /account).
func (s *Server) accountPage(c echo.Context) error {
	u := s.currentUser(c)
	l := s.tr.For(s.tr.Pick(c))
	v := accountView{Viewer: s.viewer(c), Since: u.CreatedAt.UTC().Format("2006-01-02")}
	return s.render(c, http.StatusOK, "account", Page{L: l, Title: l.T("accounts.account_title"), NoIndex: true, Data: v})
}
