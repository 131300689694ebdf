package handlers

// The reseller area (/account/wholesale): a reseller's wholesale orders
// with their status and documents. The routes and who may use them are in
// the access table (roles.go): the area is the resellers'; an order's
// documents are also the back office's to read (wholesale_docs.go).

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// registerWholesaleArea adds the reseller area's routes.
func (s *Server) registerWholesaleArea(e *echo.Echo) {
	g := s.guard(e)
	g.GET("/account/wholesale", s.wholesaleArea)
	g.GET("/account/wholesale/orders/:number/proforma.pdf", s.wholesaleProforma)
	g.GET("/account/wholesale/orders/:number/receipt.pdf", s.wholesaleReceipt)
}

// wholesaleAreaView is what page_wholesale_area.html shows.
type wholesaleAreaView struct {
	Orders []wholesaleOrderRow
	Total  int64
	Pager  pager
}

// wholesaleOrderRow is one order of the reseller area's list.
type wholesaleOrderRow struct {
	Number   string
	Path     string // the order's page
	Placed   time.Time
	Status   string
	Total    models.Money
	Proforma string
	Receipt  string // empty until paid
}

// wholesaleArea lists the reseller's wholesale orders, newest first (GET
// /account/wholesale).
func (s *Server) wholesaleArea(c echo.Context) error {
	u := s.currentUser(c)
	l := s.tr.For(s.tr.Pick(c))
	page, _ := strconv.Atoi(c.QueryParam("page"))
	res, err := s.store.UserWholesaleOrders(c.Request().Context(), u.ID, page, accountOrdersPerPage)
	if err != nil {
		return err
	}
	v := wholesaleAreaView{Total: res.Total,
		Pager: newPager("/account/wholesale", c.QueryParams(), res.Page, res.Pages())}
	for i := range res.Items {
		o := &res.Items[i]
		row := wholesaleOrderRow{Number: o.Number, Path: orderPath(o), Placed: o.CreatedAt,
			Status: l.T("order.status." + string(o.Status)), Total: o.Total(), Proforma: proformaPath(o.Number)}
		if o.PaidAt != nil {
			row.Receipt = receiptPath(o.Number)
		}
		v.Orders = append(v.Orders, row)
	}
	privatePage(c)
	return s.render(c, http.StatusOK, "wholesale_area", Page{L: l, Title: l.T("warea.title"), NoIndex: true, Data: v})
}
