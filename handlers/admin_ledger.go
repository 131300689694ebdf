package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The surplus ledger in the back office: its entries filtered by group,
// period (Peru days) and product, a page at a time, with the result of
// verifying the whole hash chain at the top.

// adminLedgerPerPage is the ledger's page size.
const adminLedgerPerPage = 100

// registerLedger adds the ledger page.
func (s *Server) registerLedger(g guarded) {
	g.GET("/admin/ledger", s.adminLedger)
}

// ledgerFilterForm is the filter as typed, shown back in the form.
type ledgerFilterForm struct {
	Group, Product, From, To string
}

// ledgerCheckView is what verifying the chain found.
type ledgerCheckView struct {
	OK       bool
	Entries  int64
	Head     string
	HeadSeq  int64
	BadSeq   int64
	Problem  string
	Verified string
}

type ledgerRowView struct {
	R       *models.LedgerRow
	When    string
	Product string
	Refund  bool
}

type adminLedgerView struct {
	adminView
	Check    ledgerCheckView
	Filter   ledgerFilterForm
	Groups   []formOption
	Products []formOption
	Rows     []ledgerRowView
	Totals   []models.LedgerTotal
	Total    int64
	Pager    pager
}

// parseLedgerFilter reads the query; a value that is not what it says is
// a 400 naming the parameter. Days are Peru's; "to" includes its day.
func parseLedgerFilter(c echo.Context) (models.LedgerFilter, ledgerFilterForm, error) {
	q := c.QueryParams()
	form := ledgerFilterForm{Group: q.Get("group"), Product: q.Get("product"), From: q.Get("from"), To: q.Get("to")}
	f := models.LedgerFilter{Page: 1, PerPage: adminLedgerPerPage}
	id := func(name, v string) (int64, error) {
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return 0, echo.NewHTTPError(http.StatusBadRequest, name+": not an id")
		}
		return n, nil
	}
	var err error
	if f.GroupID, err = id("group", form.Group); err != nil {
		return f, form, err
	}
	if f.ProductID, err = id("product", form.Product); err != nil {
		return f, form, err
	}
	day := func(name, v string) (time.Time, error) {
		if v == "" {
			return time.Time{}, nil
		}
		d, err := time.ParseInLocation(time.DateOnly, v, shopZone)
		if err != nil {
			return d, echo.NewHTTPError(http.StatusBadRequest, name+": a date as YYYY-MM-DD")
		}
		return d, nil
	}
	if f.From, err = day("from", form.From); err != nil {
		return f, form, err
	}
	if f.To, err = day("to", form.To); err != nil {
		return f, form, err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1)
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1_000_000 {
			return f, form, echo.NewHTTPError(http.StatusBadRequest, "page: a page number")
		}
		f.Page = n
	}
	return f, form, nil
}

// adminLedger shows the ledger, filtered, with the chain's verification.
func (s *Server) adminLedger(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	f, form, err := parseLedgerFilter(c)
	if err != nil {
		return err
	}
	v := adminLedgerView{adminView: s.newAdminView(c, l, "ledger"), Filter: form}
	check, err := s.store.VerifyLedger(ctx)
	var broken *models.LedgerBrokenError
	switch {
	case errors.As(err, &broken):
		v.Check = ledgerCheckView{Entries: check.Entries, Head: check.Head, HeadSeq: check.HeadSeq,
			BadSeq: broken.Seq, Problem: broken.Problem}
	case err != nil:
		return err
	default:
		v.Check = ledgerCheckView{OK: true, Entries: check.Entries, Head: check.Head, HeadSeq: check.HeadSeq}
	}
	v.Check.Verified = shopDateTime(s.acct.now())
	if v.Groups, _, err = s.groupOptions(c, f.GroupID, l); err != nil {
		return err
	}
	products, err := s.store.LedgerProducts(ctx)
	if err != nil {
		return err
	}
	v.Products = []formOption{{Value: "", Label: l.T("admin.ledger.all_products"), Selected: f.ProductID == 0}}
	for i := range products {
		p := &products[i]
		v.Products = append(v.Products, formOption{Value: strconv.FormatInt(p.ID, 10), Label: p.Name(l.Lang()),
			Selected: p.ID == f.ProductID})
	}
	page, err := s.store.ListLedger(ctx, f)
	if err != nil {
		return err
	}
	v.Totals, v.Total = page.Totals, page.Total
	for i := range page.Rows {
		r := &page.Rows[i]
		v.Rows = append(v.Rows, ledgerRowView{R: r, When: shopDateTime(r.CreatedAt), Product: r.ProductName(l.Lang()),
			Refund: r.Kind == models.LedgerRefund})
	}
	pages := int((page.Total + int64(page.PerPage) - 1) / int64(page.PerPage))
	query := url.Values{}
	for k, val := range map[string]string{"group": form.Group, "product": form.Product, "from": form.From, "to": form.To} {
		if val != "" {
			query.Set(k, val)
		}
	}
	v.Pager = newPager("/admin/ledger", query, f.Page, pages)
	return s.renderAdmin(c, http.StatusOK, "admin_ledger", l.T("admin.ledger.title"), l, v)
}
