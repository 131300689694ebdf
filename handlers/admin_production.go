package handlers

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Production orders in the back office: what wholesale orders asked the
// groups to make beyond stock, soonest due first, each with a link to
// record the advance paid to its group for it (the balances page's
// advance form, with the production order filled in). Staff move each
// one on as the group works (ordered → in production → ready, or
// cancelled) with a small form per row that names the stage they saw, so
// a stale page is refused (409) instead of skipping a step.

// adminProductionView is page_admin_production.html's data.
type adminProductionView struct {
	adminView
	Groups   []formOption
	Statuses []formOption
	Page     models.ProductionOrderPage
	Pager    pager
}

// adminProduction lists production orders (GET /admin/production),
// filtered by ?group= and ?status= (open by default: every one that
// stands; a stage; or "all").
func (s *Server) adminProduction(c echo.Context) error {
	return s.renderProduction(c, http.StatusOK, "")
}

// renderProduction renders the list with status and a problem ("" none).
func (s *Server) renderProduction(c echo.Context, status int, problem string) error {
	l := s.tr.For(s.tr.Pick(c))
	f := models.ProductionFilter{Status: models.ProductionOpen, PerPage: 50}
	var err error
	if g := c.QueryParam("group"); g != "" {
		if f.GroupID, err = strconv.ParseInt(g, 10, 64); err != nil || f.GroupID <= 0 {
			return badInput("error.param_unknown", "Param", "group", "Value", g)
		}
	}
	st := c.QueryParam("status")
	switch {
	case st == "" || st == string(models.ProductionOpen):
	case st == "all":
		f.Status = ""
	case models.ProductionStage(st).Valid():
		f.Status, f.Stage = "", models.ProductionStage(st)
	default:
		return badInput("error.param_unknown", "Param", "status", "Value", st)
	}
	if f.Page, err = intParam(c, "page", 1, 1, maxPage); err != nil {
		return err
	}
	page, err := s.store.ProductionOrders(c.Request().Context(), f)
	if err != nil {
		return err
	}
	groups, _, err := s.groupOptions(c, f.GroupID, l)
	if err != nil {
		return err
	}
	v := adminProductionView{adminView: s.newAdminView(c, l, "production"), Groups: groups, Page: page,
		Pager: newPager("/admin/production", c.QueryParams(), page.Page, page.Pages())}
	v.Problem = problem
	options := []string{string(models.ProductionOpen)}
	for _, stage := range models.ProductionStages {
		options = append(options, string(stage))
	}
	shown := cmp.Or(st, string(models.ProductionOpen)) // the filter's value, checked above
	for _, o := range append(options, "all") {
		v.Statuses = append(v.Statuses, formOption{Value: o, Label: l.T("admin.production.status." + o),
			Selected: o == shown})
	}
	return s.renderAdmin(c, status, "admin_production", l.T("admin.production.title"), l, v)
}

// adminProductionMove moves a production order from the stage the form
// was made at (from) to the one asked (to): POST /admin/production/:id.
func (s *Server) adminProductionMove(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	from, to := models.ProductionStage(c.FormValue("from")), models.ProductionStage(c.FormValue("to"))
	for name, st := range map[string]models.ProductionStage{"from": from, "to": to} {
		if !st.Valid() {
			return badInput("error.param_unknown", "Param", name, "Value", string(st))
		}
	}
	po, err := s.store.MoveProductionOrder(c.Request().Context(), id, from, to, s.actor(c))
	var unpaid *models.ProductionUnpaidError
	switch {
	case errors.As(err, &unpaid):
		return s.renderProduction(c, http.StatusConflict, l.T("admin.production.unpaid", "ID", id,
			"Status", l.T("order.status."+string(unpaid.OrderStatus))))
	case errors.Is(err, models.ErrNotFound):
		return errNotFound
	case errors.Is(err, models.ErrConflict):
		return s.renderProduction(c, http.StatusConflict, l.T("admin.production.conflict", "ID", id))
	case err != nil:
		return err
	}
	s.flash(c, l.T("admin.production.moved", "ID", po.ID, "Stage", l.T("admin.production.status."+string(po.Stage()))))
	return seeOther(c, "/admin/production?status=all&group="+strconv.FormatInt(po.GroupID, 10))
}
