package handlers

import (
	"net/http"
	"strconv"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Production orders in the back office: what wholesale orders asked the
// groups to make beyond stock, soonest due first, each with a link to
// record the advance paid to its group for it (the balances page's
// advance form, with the production order filled in).

// adminProductionView is page_admin_production.html's data.
type adminProductionView struct {
	adminView
	Groups   []formOption
	Statuses []formOption
	Page     models.ProductionOrderPage
	Pager    pager
}

// adminProduction lists production orders (GET /admin/production),
// filtered by ?group= and ?status= (open by default; "all" for every one).
func (s *Server) adminProduction(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	f := models.ProductionFilter{Status: models.ProductionOpen, PerPage: 50}
	var err error
	if g := c.QueryParam("group"); g != "" {
		if f.GroupID, err = strconv.ParseInt(g, 10, 64); err != nil || f.GroupID <= 0 {
			return badInput("error.param_unknown", "Param", "group", "Value", g)
		}
	}
	status := c.QueryParam("status")
	switch models.ProductionStatus(status) {
	case "":
	case models.ProductionOpen, models.ProductionCancelled:
		f.Status = models.ProductionStatus(status)
	default:
		if status != "all" {
			return badInput("error.param_unknown", "Param", "status", "Value", status)
		}
		f.Status = ""
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
	for _, st := range []string{string(models.ProductionOpen), string(models.ProductionCancelled), "all"} {
		v.Statuses = append(v.Statuses, formOption{Value: st, Label: l.T("admin.production.status." + st),
			Selected: st == string(f.Status) || (st == "all" && f.Status == "")})
	}
	return s.renderAdmin(c, http.StatusOK, "admin_production", l.T("admin.production.title"), l, v)
}
