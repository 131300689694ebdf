package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Stock is changed only by recorded movements, each with a reason; the
// store's conditional update keeps it from ever going below zero.

var stockSpecs = []fieldsetSpec{{Legend: "admin.stock.legend", Fields: []fieldSpec{
	{Name: "reason", Label: "admin.field.stock_reason", Type: "select", Required: true, Options: stockReasonOptions},
	{Name: "delta", Label: "admin.field.delta", Hint: "admin.hint.delta", Type: "number", Required: true,
		Min: "-100000", Max: "100000", Step: "1"},
	{Name: "note", Label: "admin.field.note", Hint: "admin.hint.stock_note", Type: "textarea", Rows: 3, MaxLength: maxNote},
}}}

func stockReasonOptions(l *Localizer) []formOption {
	out := []formOption{{Value: "", Label: l.T("admin.choose")}}
	for _, r := range models.ManualStockReasons {
		out = append(out, formOption{Value: string(r), Label: l.T("admin.stock.reason." + string(r))})
	}
	return out
}

type adminStockView struct {
	adminView
	Product    *models.Product
	SeenStock  int
	Fieldsets  []fieldset
	Movements  []models.StockMovement
	Breadcrumb []adminLink
}

func (s *Server) stockView(c echo.Context, l *Localizer, p *models.Product, values url.Values, errs map[string]string) (adminStockView, error) {
	ms, err := s.store.StockMovements(c.Request().Context(), p.ID, 50)
	if err != nil {
		return adminStockView{}, err
	}
	return adminStockView{adminView: s.newAdminView(c, l, "products"), Product: p, SeenStock: p.Stock,
		Fieldsets: buildForm(l, stockSpecs, values, errs), Movements: ms,
		Breadcrumb: []adminLink{{"/admin", l.T("admin.title")}, {"/admin/products", l.T("admin.products.title")},
			{idPath("/admin/products", p.ID), p.Name(l.Lang())}}}, nil
}

// adminStockForm shows the stock, the adjustment form and the movements.
func (s *Server) adminStockForm(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	p, err := loadRecord(c, s.store.ProductByID)
	if err != nil {
		return err
	}
	v, err := s.stockView(c, l, p, url.Values{}, nil)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "admin_stock", l.T("admin.stock.title")+" · "+p.Name(l.Lang()), l, v)
}

// adminStockAdjust records one movement.
func (s *Server) adminStockAdjust(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	adj := models.StockAdjustment{ProductID: id, Delta: f.integer("delta", true),
		Reason: models.StockReason(f.str("reason")), Note: f.str("note")}
	if adj.Reason != "" && !adj.Reason.Manual() {
		f.fail("reason", "admin.error.stock_reason")
	}
	if adj.Reason == models.StockCorrection {
		// A correction is made against the count the editor saw.
		seen, serr := strconv.Atoi(posted.Get("seen_stock"))
		if serr != nil {
			return badInput("admin.error.lock_version")
		}
		adj.SeenStock = &seen
	}
	if len(f.errs) == 0 {
		_, err = s.editor(c).AdjustStock(ctx, adj)
		if err == nil {
			return seeOther(c, idPath("/admin/products", id)+"/stock?done=stock")
		}
	}
	var short *models.NotEnoughStockError
	switch {
	case err == nil, errors.Is(err, models.ErrInvalid), isStale(err):
	case errors.As(err, &short):
		f.fail("delta", "admin.error.stock_not_enough", "InStock", short.InStock)
	default:
		return err
	}
	p, lerr := s.store.ProductByID(ctx, id)
	if lerr != nil {
		return lerr
	}
	v, verr := s.stockView(c, l, p, formValues(posted, stockSpecs), f.merge(err))
	if verr != nil {
		return verr
	}
	v.Errors = f.errs
	if isStale(err) {
		v.Conflict = s.conflictFor(c, l, models.EntityProduct, id)
		v.Conflict.Diffs = []fieldDiff{{Label: l.T("admin.field.stock"), Saved: strconv.Itoa(p.Stock), Yours: posted.Get("seen_stock")}}
	}
	return s.renderAdmin(c, formStatus(v.Conflict), "admin_stock", l.T("admin.stock.title")+" · "+p.Name(l.Lang()), l, v)
}
