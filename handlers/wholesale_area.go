package handlers

// The reseller area (/account/wholesale): a reseller's wholesale orders
// with their status and documents, reordering one, and the current
// wholesale price list as CSV and PDF. The routes and who may use them are
// in the access table (roles.go): the area is the resellers'; an order's
// documents are also the back office's to read (wholesale_docs.go).

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
	g.POST("/account/wholesale/orders/:number/reorder", s.wholesaleReorder)
	g.GET("/account/wholesale/prices.csv", s.wholesalePricesCSV)
	g.GET("/account/wholesale/prices.pdf", s.wholesalePricesPDF)
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
	Reorder  string // the reorder form's action
	// Production is where each of its made-to-order batches stands.
	Production []models.ProductionOrder
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
	ids := make([]int64, len(res.Items))
	for i := range res.Items {
		ids[i] = res.Items[i].ID
	}
	made, err := s.store.ProductionOrdersOfOrders(c.Request().Context(), ids...)
	if err != nil {
		return err
	}
	v := wholesaleAreaView{Total: res.Total,
		Pager: newPager("/account/wholesale", c.QueryParams(), res.Page, res.Pages())}
	for i := range res.Items {
		o := &res.Items[i]
		row := wholesaleOrderRow{Number: o.Number, Path: orderPath(o), Placed: o.CreatedAt,
			Status: l.T("order.status." + string(o.Status)), Total: o.Total(), Proforma: proformaPath(o.Number),
			Reorder: wholesaleOrderPath(o.Number) + "/reorder", Production: made[o.ID]}
		if o.PaidAt != nil {
			row.Receipt = receiptPath(o.Number)
		}
		v.Orders = append(v.Orders, row)
	}
	privatePage(c)
	return s.render(c, http.StatusOK, "wholesale_area", Page{L: l, Title: l.T("warea.title"), NoIndex: true, Data: v})
}

// reorderView is what page_wholesale_reorder.html shows: what a reorder
// did (Added) or why it added nothing, and the notices per line.
type reorderView struct {
	Number  string
	Added   int
	Notices []string
	// Refused lists each line that kept the reorder from adding anything.
	Refused []reorderRefusal
}

// reorderRefusal is one line with its problems.
type reorderRefusal struct {
	Name     string
	Problems []string
}

// wholesaleReorder puts the lines of one of the reseller's orders in their
// cart at today's wholesale prices (POST
// /account/wholesale/orders/:number/reorder). A product no longer sold at
// wholesale is left out with a notice, and so is each price that changed;
// the other lines go in through Store.AddWholesaleLines, all or nothing
// (a line now below the minimum, off the pack step or above stock refuses
// the whole reorder, with every problem named). A line that was made to
// order is asked made to order again. Resubmitting changes nothing more: a
// product already in the cart takes the order's quantity.
func (s *Server) wholesaleReorder(c echo.Context) error {
	o, err := s.wholesaleOrderOf(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	l := s.tr.For(s.tr.Pick(c))
	made, err := s.store.ProductionOrdersOf(ctx, o.ID)
	if err != nil {
		return err
	}
	madeToOrder := map[int64]bool{}
	for _, po := range made {
		for _, pl := range po.Lines {
			madeToOrder[pl.ProductID] = true
		}
	}
	in := make([]models.WholesaleLineInput, len(o.Lines))
	for i, line := range o.Lines {
		in[i] = models.WholesaleLineInput{Row: line.LineNo, ProductID: line.ProductID, Quantity: line.Quantity,
			MadeToOrder: madeToOrder[line.ProductID]}
	}
	checks, err := s.store.CheckWholesaleLines(ctx, in)
	if err != nil {
		return err
	}
	v := reorderView{Number: o.Number}
	var keep []models.WholesaleLineInput
	for i := range checks {
		ch := &checks[i]
		line := orderLineOf(o, ch.Input.ProductID)
		name := line.Name(l.Lang())
		if ch.Product == nil || ch.Has(models.CodeNotForSale) {
			v.Notices = append(v.Notices, l.T("warea.reorder.unavailable", "Name", name))
			continue
		}
		if ch.UnitPrice != line.Unit() {
			v.Notices = append(v.Notices, l.T("warea.reorder.price_changed", "Name", name,
				"Old", l.Money(line.Unit()), "New", l.Money(ch.UnitPrice)))
		}
		keep = append(keep, ch.Input)
	}
	if len(keep) == 0 {
		return s.renderReorder(c, l, http.StatusConflict, v)
	}
	k, _ := s.cartKey(c) // a reseller's: wholesale (the access table lets no one else here)
	var refused *models.WholesaleLinesError
	switch err := s.store.AddWholesaleLines(ctx, k, keep); {
	case errors.As(err, &refused):
		for _, ch := range refused.Bad() {
			v.Refused = append(v.Refused, reorderRefusal{Name: orderLineOf(o, ch.Input.ProductID).Name(l.Lang()),
				Problems: wholesaleProblems(l, &ch)})
		}
		return s.renderReorder(c, l, http.StatusConflict, v)
	case errors.Is(err, models.ErrInvalid):
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			v.Notices = append(v.Notices, l.Invalid(ve))
		}
		return s.renderReorder(c, l, http.StatusConflict, v)
	case err != nil:
		return fmt.Errorf("reorder %s: %w", o.Number, err)
	}
	v.Added = len(keep)
	if len(v.Notices) == 0 {
		s.flash(c, l.T("warea.reorder.added", "Count", v.Added, "Number", o.Number))
		return seeOther(c, "/cart")
	}
	return s.renderReorder(c, l, http.StatusOK, v)
}

// orderLineOf is the order's line of a product.
func orderLineOf(o *models.Order, productID int64) *models.OrderLine {
	for i := range o.Lines {
		if o.Lines[i].ProductID == productID {
			return &o.Lines[i]
		}
	}
	return &models.OrderLine{ProductID: productID}
}

func (s *Server) renderReorder(c echo.Context, l *Localizer, status int, v reorderView) error {
	privatePage(c)
	return s.render(c, status, "wholesale_reorder", Page{L: l, Title: l.T("warea.reorder.title", "Number", v.Number),
		NoIndex: true, Data: v})
}

// priceListColumns is the price list's CSV header.
var priceListColumns = []string{"slug", "sku", "name", "group", "wholesale_price", "currency", "minimum",
	"pack_step", "stock", "lead_time_days", "volume_tiers"}

// priceList loads today's wholesale price list with the volume tiers
// that apply to each product: what both its CSV and its PDF show.
func (s *Server) priceList(c echo.Context) ([]models.Product, map[int64][]models.VolumeTier, error) {
	ctx := c.Request().Context()
	ps, err := s.store.WholesalePriceList(ctx)
	if err != nil {
		return nil, nil, err
	}
	tiers, err := s.store.ApplicableVolumeTiers(ctx, productIDs(ps)...)
	if err != nil {
		return nil, nil, err
	}
	return ps, tiers, nil
}

// tiersShown is a product's tiers in the reader's language.
func tiersShown(l *Localizer, ts []models.VolumeTier) string {
	parts := make([]string, len(ts))
	for i := range ts {
		parts[i] = l.T("wholesale.tier", "Min", ts[i].MinQty, "Price", l.Money(ts[i].PriceMoney()))
	}
	return strings.Join(parts, "; ")
}

// wholesalePricesCSV downloads today's wholesale price list (GET
// /account/wholesale/prices.csv): one row per product a reseller can
// order, prices in soles with a decimal point, names in the reader's
// language. UTF-8 with a byte-order mark, so spreadsheets read the
// accents; text cells are kept from being read as formulas.
func (s *Server) wholesalePricesCSV(c echo.Context) error {
	ps, tiers, err := s.priceList(c)
	if err != nil {
		return err
	}
	lang := s.tr.Pick(c)
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	_ = w.Write(priceListColumns)
	for i := range ps {
		p := &ps[i]
		_ = w.Write([]string{csvText(p.Slug), csvText(p.SKU), csvText(p.Name(lang)), csvText(p.Group.Name),
			p.WholesalePrice().Decimal(), string(p.Currency), strconv.Itoa(p.WholesaleMinQty),
			strconv.Itoa(max(p.WholesalePackStep, 1)), strconv.Itoa(p.Stock), strconv.Itoa(p.Group.LeadTimeDays),
			tiersText(tiers[p.ID], "; ")})
	}
	if w.Flush(); w.Error() != nil {
		return fmt.Errorf("price list csv: %w", w.Error())
	}
	privatePage(c)
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+priceListFile(s.acct.now())+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// priceListFile names a price list by its Peru date.
func priceListFile(now time.Time) string { return "qhatu-precios-mayoristas-" + docDate(now) }

// wholesalePricesPDF is the same list as a printable PDF (GET
// /account/wholesale/prices.pdf).
func (s *Server) wholesalePricesPDF(c echo.Context) error {
	ps, tiers, err := s.priceList(c)
	if err != nil {
		return err
	}
	l := s.tr.For(s.tr.Pick(c))
	now := s.acct.now()
	is := s.cfg.Issuer
	d := newPDFDoc(l, pdfMeta{Title: l.T("warea.prices.title"), Created: now, Landscape: true,
		Footer: is.Name + " · RUC " + is.RUC})
	d.Title(l.T("warea.prices.title"), l.T("warea.prices.as_of", "Date", docDate(now)))
	d.Note(l.T("warea.prices.note"))
	t := pdfTable{Columns: []pdfColumn{{Header: "SKU", Width: 1.4}, {Header: l.T("doc.product"), Width: 4.2},
		{Header: l.T("warea.prices.group"), Width: 2.6}, {Header: l.T("warea.prices.price"), Width: 1.5, Align: pdfRight},
		{Header: l.T("warea.prices.tiers"), Width: 2.2},
		{Header: l.T("warea.prices.minimum"), Width: 1.1, Align: pdfRight}, {Header: l.T("warea.prices.pack_step"), Width: 1.1, Align: pdfRight},
		{Header: l.T("warea.prices.stock"), Width: 1.1, Align: pdfRight}, {Header: l.T("warea.prices.lead_time"), Width: 1.4, Align: pdfRight}}}
	for i := range ps {
		p := &ps[i]
		t.Rows = append(t.Rows, []string{p.SKU, p.Name(l.Lang()) + " (" + p.Slug + ")", p.Group.Name, l.Money(p.WholesalePrice()),
			tiersShown(l, tiers[p.ID]),
			strconv.Itoa(p.WholesaleMinQty), strconv.Itoa(max(p.WholesalePackStep, 1)), strconv.Itoa(p.Stock),
			l.Plural("warea.prices.days", p.Group.LeadTimeDays, "Days", p.Group.LeadTimeDays)})
	}
	d.Table(t)
	privatePage(c)
	return s.sendPDF(c, priceListFile(now)+".pdf", d)
}
