package handlers

import (
	"net/http"
	"strconv"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The work orders waiting, per producing group, and the pick list each
// group prints: the lines to pick or make, with the order they go to.

// workOrderRowView is a work order in the list.
type workOrderRowView struct {
	R      *models.WorkOrderRow
	Status string
	Since  string
	Picks  []pickView
}

// pickView is one line to pick.
type pickView struct {
	Name, Slug, Order, Group string
	OrderID                  int64
	Quantity                 int
}

type adminWorkOrdersView struct {
	adminView
	Groups     []formOption
	Statuses   []formOption
	GroupID    int64
	Rows       []workOrderRowView
	Breadcrumb []adminLink
}

// pickListGroup is one group's printed page.
type pickListGroup struct {
	Name   string
	Picks  []pickView
	Pieces int
}

type adminPickListView struct {
	adminView
	Groups  []pickListGroup
	Printed string
	GroupID int64
}

// workOrderFilter reads ?group= and ?status=; a value that is not one is
// a 400 naming it.
func workOrderFilter(c echo.Context) (models.WorkOrderFilter, error) {
	var f models.WorkOrderFilter
	if g := c.QueryParam("group"); g != "" {
		id, err := strconv.ParseInt(g, 10, 64)
		if err != nil || id <= 0 {
			return f, echo.NewHTTPError(http.StatusBadRequest, "group: not a group")
		}
		f.GroupID = id
	}
	switch st := models.WorkOrderStatus(c.QueryParam("status")); st {
	case "", models.WorkOrderOpen, models.WorkOrderReady:
		f.Status = st
	default:
		return f, echo.NewHTTPError(http.StatusBadRequest, "status: open or ready")
	}
	return f, nil
}

func picksOf(l *Localizer, r *models.WorkOrderRow) []pickView {
	out := make([]pickView, 0, len(r.Picks))
	for i := range r.Picks {
		p := &r.Picks[i]
		out = append(out, pickView{Name: p.Name(l.Lang()), Slug: p.ProductSlug, Order: r.OrderNumber,
			OrderID: r.OrderID, Group: r.GroupName, Quantity: p.Quantity})
	}
	return out
}

// adminWorkOrders lists the work orders of orders being prepared.
func (s *Server) adminWorkOrders(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	f, err := workOrderFilter(c)
	if err != nil {
		return err
	}
	rows, err := s.store.ListWorkOrders(c.Request().Context(), f)
	if err != nil {
		return err
	}
	groups, _, err := s.groupOptions(c, f.GroupID, l)
	if err != nil {
		return err
	}
	v := adminWorkOrdersView{adminView: s.newAdminView(c, l, "work_orders"), Groups: groups, GroupID: f.GroupID,
		Breadcrumb: []adminLink{{"/admin", l.T("admin.title")}}}
	v.Statuses = []formOption{{Value: "", Label: l.T("admin.work_orders.status.any"), Selected: f.Status == ""}}
	for _, st := range []models.WorkOrderStatus{models.WorkOrderOpen, models.WorkOrderReady} {
		v.Statuses = append(v.Statuses, formOption{Value: string(st), Label: l.T("admin.work_orders.status." + string(st)),
			Selected: f.Status == st})
	}
	for i := range rows {
		r := &rows[i]
		v.Rows = append(v.Rows, workOrderRowView{R: r, Status: l.T("admin.work_orders.status." + string(r.Status)),
			Since: shopDateTime(r.CreatedAt), Picks: picksOf(l, r)})
	}
	return s.renderAdmin(c, http.StatusOK, "admin_work_orders", l.T("admin.work_orders.title"), l, v)
}

// adminPickList prints what each group picks for the open work orders:
// one page per group (?group= for one).
func (s *Server) adminPickList(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	f, err := workOrderFilter(c)
	if err != nil {
		return err
	}
	if f.Status == "" {
		f.Status = models.WorkOrderOpen
	}
	rows, err := s.store.ListWorkOrders(c.Request().Context(), f)
	if err != nil {
		return err
	}
	v := adminPickListView{adminView: s.newAdminView(c, l, "work_orders"), GroupID: f.GroupID,
		Printed: shopDateTime(s.acct.now())}
	at := map[int64]int{}
	for i := range rows {
		r := &rows[i]
		k, ok := at[r.GroupID]
		if !ok {
			k = len(v.Groups)
			at[r.GroupID] = k
			v.Groups = append(v.Groups, pickListGroup{Name: r.GroupName})
		}
		g := &v.Groups[k]
		for _, p := range picksOf(l, r) {
			g.Picks = append(g.Picks, p)
			g.Pieces += p.Quantity
		}
	}
	return s.renderAdmin(c, http.StatusOK, "admin_picklist", l.T("admin.picklist.title"), l, v)
}
