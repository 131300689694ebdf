package handlers

import (
	"errors"
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Users (admins only): list, change a role, deactivate. A deactivated
// user, or one whose role changed, loses every session at once: the
// change bumps their session epoch, which identify (accounts.go) checks on
// each request.

type adminUsersView struct {
	adminView
	Query  string
	Role   string
	Roles  []formOption
	Page   models.UserPage
	Pager  pager
	Rows   []adminUserRow
	Me     int64
	Filter bool
	// The invitation form: the email typed, the mail's language, and the
	// invitations not used yet.
	InviteEmail string
	MailLangs   []formOption
	Invitations []models.Invitation
}

// adminUserRow is one user with their change form.
type adminUserRow struct {
	U     models.User
	Roles []formOption
	Error string
}

func (s *Server) usersView(c echo.Context, l *Localizer, rowErr map[int64]string) (adminUsersView, error) {
	q, role := c.QueryParam("q"), c.QueryParam("role")
	if role != "" && !models.Role(role).Valid() {
		return adminUsersView{}, badInput("error.param_unknown", "Param", "role", "Value", role)
	}
	pageN, err := intParam(c, "page", 1, 1, maxPage)
	if err != nil {
		return adminUsersView{}, err
	}
	page, err := s.store.AdminUsers(c.Request().Context(), models.Role(role), q, pageN, 50)
	if err != nil {
		return adminUsersView{}, err
	}
	v := adminUsersView{adminView: s.newAdminView(c, l, "users"), Query: q, Role: role, Page: page,
		Pager: newPager("/admin/users", c.QueryParams(), page.Page, page.Pages()), Filter: q != "" || role != ""}
	v.Me = v.Viewer.UserID
	v.Roles = []formOption{{Value: "", Label: l.T("admin.audit.any")}}
	for _, r := range models.Roles {
		v.Roles = append(v.Roles, formOption{Value: string(r), Label: l.T("role." + string(r)), Selected: string(r) == role})
	}
	for _, lang := range Languages {
		v.MailLangs = append(v.MailLangs, formOption{Value: lang, Label: langNames[lang], Selected: lang == l.Lang()})
	}
	if v.Invitations, err = s.store.PendingInvitations(c.Request().Context(), s.acct.now()); err != nil {
		return adminUsersView{}, err
	}
	for _, u := range page.Items {
		row := adminUserRow{U: u, Error: rowErr[u.ID]}
		for _, r := range models.Roles {
			row.Roles = append(row.Roles, formOption{Value: string(r), Label: l.T("role." + string(r)), Selected: r == u.Role})
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// adminUsers lists accounts with a role and active switch for each.
func (s *Server) adminUsers(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	v, err := s.usersView(c, l, nil)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "admin_users", l.T("admin.users.title"), l, v)
}

// adminUserUpdate changes one account's role and active flag.
func (s *Server) adminUserUpdate(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, version, err := editTarget(c)
	if err != nil {
		return err
	}
	ch := models.UserChange{ID: id, Version: version, Role: models.Role(c.FormValue("role")),
		Active: checked(c.FormValue("active"))}
	_, _, err = s.editor(c).UpdateUser(c.Request().Context(), ch)
	if err == nil {
		return seeOther(c, "/admin/users?done=user")
	}
	var msg string
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, models.ErrLastAdmin):
		msg = l.T("admin.error.last_admin")
	case isStale(err):
		msg, status = l.T("admin.error.user_stale"), http.StatusConflict
	case errors.Is(err, models.ErrInvalid):
		msg = newFormReader(l, nil).merge(err)["role"]
	default:
		return err
	}
	v, verr := s.usersView(c, l, map[int64]string{id: msg})
	if verr != nil {
		return verr
	}
	v.Problem = msg
	if status == http.StatusConflict {
		v.Conflict = s.conflictFor(c, l, models.EntityUser, id)
	}
	return s.renderAdmin(c, status, "admin_users", l.T("admin.users.title"), l, v)
}
