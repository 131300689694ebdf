package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The surplus ledger, in the back office (/admin/ledger) and in the
// reviewers' portal (/review/ledger), one handler: its entries filtered by
// group, period (Peru days) and product, a page at a time. Browsing reads
// the recorded chain head only; verifying the whole chain (every hash
// recomputed) is an explicit action, ?verify=1, so paging stays cheap.

// adminLedgerPerPage is the ledger's page size.
const adminLedgerPerPage = 100

// backArea is where a page shared by the back office and the reviewers'
// portal is shown: its path and its menu.
type backArea struct {
	Base   string // the page's path, e.g. "/admin/ledger"
	Nav    string // the menu entry
	Review bool   // the reviewers' portal (its menu, its links)
}

var (
	adminLedgerArea  = backArea{Base: "/admin/ledger", Nav: "ledger"}
	reviewLedgerArea = backArea{Base: "/review/ledger", Nav: "review_ledger", Review: true}
)

// registerLedger adds the ledger page.
func (s *Server) registerLedger(g guarded) {
	g.GET(adminLedgerArea.Base, s.ledgerPage(adminLedgerArea))
}

// ledgerFilterForm is the filter as typed, shown back in the form.
type ledgerFilterForm struct {
	Group, Product, From, To string
}

// ledgerCheckView is what verifying the chain found; before Run, only the
// recorded head.
type ledgerCheckView struct {
	Run      bool // the chain was verified on this request
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
	// OrderURL and EntryURL are the order's and the entry's pages in the
	// area the ledger is shown in.
	OrderURL, EntryURL string
}

type adminLedgerView struct {
	adminView
	Area  backArea
	Check ledgerCheckView
	// VerifyURL runs the verification on the page as filtered.
	VerifyURL string
	Filter    ledgerFilterForm
	Groups    []formOption
	Products  []formOption
	Rows      []ledgerRowView
	Totals    []models.LedgerTotal
	Total     int64
	Pager     pager
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

// ledgerPage shows the ledger, filtered, in an area; with ?verify=1 it
// verifies the whole chain first.
func (s *Server) ledgerPage(area backArea) echo.HandlerFunc {
	return func(c echo.Context) error {
		l := s.tr.For(s.tr.Pick(c))
		ctx := c.Request().Context()
		f, form, err := parseLedgerFilter(c)
		if err != nil {
			return err
		}
		v := adminLedgerView{adminView: s.newAdminView(c, l, area.Nav), Area: area, Filter: form}
		if v.Check, err = s.ledgerCheck(ctx, c.QueryParam("verify") == "1"); err != nil {
			return err
		}
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
			row := ledgerRowView{R: r, When: shopDateTime(r.CreatedAt), Product: r.ProductName(l.Lang()),
				Refund: r.Kind == models.LedgerRefund, OrderURL: "/admin/orders/" + strconv.FormatInt(r.OrderID, 10)}
			if area.Review {
				row.OrderURL = reviewOrderURL(r.OrderNumber)
				row.EntryURL = reviewEntryURL(r.Seq)
			}
			v.Rows = append(v.Rows, row)
		}
		pages := int((page.Total + int64(page.PerPage) - 1) / int64(page.PerPage))
		query := url.Values{}
		for k, val := range map[string]string{"group": form.Group, "product": form.Product, "from": form.From, "to": form.To} {
			if val != "" {
				query.Set(k, val)
			}
		}
		v.Pager = newPager(area.Base, query, f.Page, pages)
		query.Set("verify", "1")
		if f.Page > 1 {
			query.Set("page", strconv.Itoa(f.Page))
		}
		v.VerifyURL = area.Base + "?" + query.Encode() + "#check-title"
		return s.renderArea(c, area, http.StatusOK, "admin_ledger", l.T("admin.ledger.title"), l, v)
	}
}

// ledgerCheck reads the recorded chain head, and with run verifies the
// whole chain against it (every hash recomputed).
func (s *Server) ledgerCheck(ctx context.Context, run bool) (ledgerCheckView, error) {
	if !run {
		h, err := s.store.LedgerHead(ctx)
		if err != nil {
			return ledgerCheckView{}, err
		}
		return ledgerCheckView{Entries: h.Seq, Head: h.Hash, HeadSeq: h.Seq}, nil
	}
	check, err := s.store.VerifyLedger(ctx)
	v := ledgerCheckView{Run: true, OK: true, Entries: check.Entries, Head: check.Head, HeadSeq: check.HeadSeq,
		Verified: shopDateTime(s.acct.now())}
	var broken *models.LedgerBrokenError
	switch {
	case errors.As(err, &broken):
		v.OK, v.BadSeq, v.Problem = false, broken.Seq, broken.Problem
	case err != nil:
		return v, err
	}
	return v, nil
}
