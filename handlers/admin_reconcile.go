package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// adminReconcileView is what page_admin_reconcile.html shows.
type adminReconcileView struct {
	adminView
	Groups   []formOption
	From, To string // the period as the form shows it (YYYY-MM-DD)
	Problem  string // why the asked period was not reconciled
	Group    *models.Group
	Result   *models.Reconciliation
}

// adminReconcile reconciles a group's ledger with its paid orders, refunds,
// payouts and advances for a period (GET form: reviewers read it too).
// Without a group it shows the form; dates that do not parse fall back to
// this month, and the form says which period it used.
func (s *Server) adminReconcile(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	lima := time.FixedZone("PET", -5*3600)
	now := time.Now().In(lima)
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, lima)
	to := now
	if t, err := time.ParseInLocation(time.DateOnly, c.QueryParam("from"), lima); err == nil {
		from = t
	}
	if t, err := time.ParseInLocation(time.DateOnly, c.QueryParam("to"), lima); err == nil {
		to = t
	}
	groupID, _ := strconv.ParseInt(c.QueryParam("group"), 10, 64)
	groups, err := s.catalogGroups(ctx)
	if err != nil {
		return err
	}
	v := adminReconcileView{adminView: s.newAdminView(c, l, "reconciliation"),
		From: from.Format(time.DateOnly), To: to.Format(time.DateOnly)}
	v.Groups = []formOption{{Value: "", Label: l.T("admin.reconcile.choose_group")}}
	for i := range groups {
		g := &groups[i].Group
		v.Groups = append(v.Groups, formOption{Value: strconv.FormatInt(g.ID, 10), Label: g.Name, Selected: g.ID == groupID})
		if g.ID == groupID {
			v.Group = g
		}
	}
	switch {
	case groupID != 0 && v.Group == nil:
		v.Problem = l.T("admin.reconcile.no_such_group")
	case v.Group != nil && to.Before(from):
		v.Problem = l.T("admin.reconcile.bad_period")
	case v.Group != nil:
		if v.Result, err = s.store.Reconcile(ctx, v.Group.ID, from, to); err != nil {
			return err
		}
	}
	return s.renderAdmin(c, http.StatusOK, "admin_reconcile", l.T("admin.reconcile.title"), l, v)
}
