package handlers

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The quick-order grid (/wholesale): every product in one table for an
// approved reseller, with minimum, pack step, stock, lead time and
// wholesale price (and volume tiers), a quantity input per row and a
// made-to-order choice. static/js/wholesale-grid.js keeps a running
// total while the reseller types; without it, "Update total" posts the
// grid and the server computes the same figures. "Add to cart" puts every
// line in the cart through Store.AddWholesaleLines: all or nothing, each
// refused row shown with its problems and the quantities kept. Nothing
// price-like the browser posts is read.

// registerWholesale adds the grid. Only resellers may use it; a
// signed-in person without the role asking for the page is sent to apply
// (refusedGoTo in roles.go), anonymous visitors to sign in; the guard
// refuses anyone else's post.
func (s *Server) registerWholesale(e *echo.Echo) {
	g := s.guard(e)
	g.GET("/wholesale", s.wholesaleGrid)
	g.POST("/wholesale", s.wholesaleGridPost)
}

// wholesaleMinOrder is the smallest wholesale order (its lines' total).
func (s *Server) wholesaleMinOrder() models.Money {
	if m := s.cfg.Payments.WholesaleMinOrder; m > 0 {
		return models.Soles(m)
	}
	return models.Soles(DefaultWholesaleMinOrder)
}

// wholesaleProblems says every problem of a line.
func wholesaleProblems(l *Localizer, c *models.WholesaleLineCheck) []string {
	out := make([]string, 0, len(c.Problems))
	for _, p := range c.Problems {
		out = append(out, wholesaleProblemText(l, p))
	}
	return out
}

// gridRow is one product of the grid.
type gridRow struct {
	P     *models.Product
	Tiers []models.VolumeTier
	// Qty and MadeToOrder are what the reseller typed (kept on refusal).
	Qty         string
	MadeToOrder bool
	// Unit and Total are the server's figures for Qty (tier applied),
	// once the grid was posted.
	Unit, Total models.Money
	Problems    []string
}

// TiersData is the tiers for the script: "12:8000 24:7500" (quantity:céntimos).
func (r gridRow) TiersData() string {
	parts := make([]string, len(r.Tiers))
	for i, t := range r.Tiers {
		parts[i] = strconv.Itoa(t.MinQty) + ":" + strconv.FormatInt(t.Price, 10)
	}
	return strings.Join(parts, " ")
}

// gridView is what page_wholesale.html shows.
type gridView struct {
	Rows     []gridRow
	F        models.ProductFilter
	Action   string // the form's action, with the filter
	Filtered bool
	Crafts   []models.Craft
	Regions  []models.Region
	Groups   []models.GroupSummary
	// Pager pages a catalog larger than one table (models.MaxPerPage rows).
	Pager    pager
	MinOrder models.Money
	// Total is the server's total of the posted lines; Computed says it
	// was computed (a POST).
	Total    models.Money
	Pieces   int
	Computed bool
	// Below is how much is missing to reach the minimum order, when short.
	Below models.Money
	// Problem is about the whole grid.
	Problem string
}

// wholesaleGrid shows the grid (GET /wholesale).
func (s *Server) wholesaleGrid(c echo.Context) error {
	return s.renderGrid(c, http.StatusOK, nil, nil, "")
}

// gridInput is the grid's posted quantities, by product.
type gridInput struct {
	typed map[int64]string // as typed
	mto   map[int64]bool
	lines []models.WholesaleLineInput // the rows with a quantity
	bad   map[int64]string            // rows whose quantity did not parse: message ID
}

// readGrid reads qty.<id> and mto.<id> fields; an empty or 0 quantity is
// a row left out. Nothing else of the form is read.
func readGrid(c echo.Context) (gridInput, error) {
	in := gridInput{typed: map[int64]string{}, mto: map[int64]bool{}, bad: map[int64]string{}}
	form, err := c.FormParams()
	if err != nil {
		return in, badInput("error.bad_request")
	}
	var ids []int64
	for key, vals := range form {
		raw, ok := strings.CutPrefix(key, "qty.")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 || len(vals) != 1 {
			return in, badInput("error.bad_request")
		}
		if len(ids) >= models.MaxWholesaleInputs {
			return in, badInput("error.bad_request")
		}
		ids = append(ids, id)
		in.typed[id] = vals[0]
		in.mto[id] = form.Get("mto."+raw) != ""
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		v := strings.TrimSpace(in.typed[id])
		if v == "" || strings.Trim(v, "0") == "" {
			continue
		}
		qty, msgID := parseQuantity(v)
		if msgID != "" {
			in.bad[id] = msgID
			continue
		}
		in.lines = append(in.lines, models.WholesaleLineInput{ProductID: id, Quantity: qty, MadeToOrder: in.mto[id]})
	}
	return in, nil
}

// wholesaleGridPost computes the posted grid (action=total) or adds its
// lines to the cart (POST /wholesale).
func (s *Server) wholesaleGridPost(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	in, err := readGrid(c)
	if err != nil {
		return err
	}
	var checks []models.WholesaleLineCheck
	if len(in.lines) > 0 {
		if checks, err = s.store.CheckWholesaleLines(ctx, in.lines); err != nil {
			return err
		}
	}
	bad := len(in.bad) > 0
	for i := range checks {
		bad = bad || !checks[i].OK()
	}
	if c.FormValue("action") != "add" {
		return s.renderGrid(c, http.StatusOK, &in, checks, "")
	}
	problem := ""
	switch {
	case len(in.lines) == 0 && !bad:
		problem = l.T("wholesale.error.empty")
	case bad:
		problem = l.T("wholesale.error.rows")
	}
	if problem == "" {
		// The minimum order value holds for the cart as it will be: the
		// posted lines replace the cart's lines of the same products.
		total, err := s.cartTotalWith(c, checks)
		if err != nil {
			return err
		}
		if total.Amount < s.wholesaleMinOrder().Amount {
			problem = l.T("wholesale.error.min_order", "Min", l.Money(s.wholesaleMinOrder()), "Total", l.Money(total))
		}
	}
	if problem == "" {
		k, _ := s.cartKey(c)
		err := s.store.AddWholesaleLines(ctx, k, in.lines)
		var we *models.WholesaleLinesError
		switch {
		case errors.As(err, &we):
			checks, problem = we.Checks, l.T("wholesale.error.rows")
		case errors.Is(err, models.ErrWholesaleOnly):
			return &userError{Status: http.StatusForbidden, ID: "error.forbidden"}
		case errors.Is(err, models.ErrInvalid):
			var ve *models.ValidationError
			if !errors.As(err, &ve) {
				return err
			}
			problem = l.T("wholesale.error.too_many", "Max", models.MaxWholesaleLines)
		case err != nil:
			return err
		}
	}
	if problem != "" {
		return s.renderGrid(c, http.StatusUnprocessableEntity, &in, checks, problem)
	}
	s.flash(c, l.T("wholesale.added", "Count", len(in.lines)))
	return seeOther(c, "/cart")
}

// cartTotalWith is the reseller's cart total once the checked lines
// replace its lines of the same products.
func (s *Server) cartTotalWith(c echo.Context, checks []models.WholesaleLineCheck) (models.Money, error) {
	total := models.Soles(0)
	posted := map[int64]bool{}
	for i := range checks {
		total = total.Add(checks[i].Total)
		if checks[i].Product != nil {
			posted[checks[i].Product.ID] = true
		}
	}
	k, ok := s.cartKey(c)
	if !ok {
		return total, nil
	}
	cart, err := s.store.Cart(c.Request().Context(), k)
	if err != nil {
		return total, err
	}
	for _, it := range cart.Items {
		if !posted[it.Product.ID] {
			total = total.Add(it.Total())
		}
	}
	return total, nil
}

// renderGrid shows the grid, filtered by the query (craft, region,
// group, q), with what was posted and its checks when there are some,
// and problem about the whole grid.
func (s *Server) renderGrid(c echo.Context, status int, in *gridInput, checks []models.WholesaleLineCheck, problem string) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	f, err := parseProductFilter(c, l.Lang())
	if err != nil {
		return err
	}
	f.Sort, f.PerPage, f.MinPrice, f.MaxPrice = models.SortName, models.MaxPerPage, 0, 0
	v := gridView{F: f, Problem: problem, Crafts: models.Crafts, Regions: models.Regions, MinOrder: s.wholesaleMinOrder(),
		Filtered: f.Craft != "" || f.Region != "" || f.GroupSlug != "" || f.Query != ""}
	if v.Groups, err = s.catalogGroups(ctx); err != nil {
		return err
	}
	q := filterQuery(f)
	q.Del("sort")
	q.Del("per_page")
	page, err := s.store.ListProducts(ctx, f)
	if err != nil {
		return err
	}
	v.Pager = newPager("/wholesale", q, page.Page, page.Pages())
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	v.Action = "/wholesale"
	if enc := q.Encode(); enc != "" {
		v.Action += "?" + enc
	}
	// Only the tiers an order is charged (a tier a later price change made
	// impossible is skipped by pricing, and so is not offered).
	tiers, err := s.store.ApplicableVolumeTiers(ctx, productIDs(page.Items)...)
	if err != nil {
		return err
	}
	byID := map[int64]*models.WholesaleLineCheck{}
	for i := range checks {
		if p := checks[i].Product; p != nil {
			byID[p.ID] = &checks[i]
		}
	}
	for i := range page.Items {
		p := &page.Items[i]
		row := gridRow{P: p, Tiers: tiers[p.ID]}
		if in != nil {
			row.Qty, row.MadeToOrder = in.typed[p.ID], in.mto[p.ID]
			if id, ok := in.bad[p.ID]; ok {
				row.Problems = []string{l.T(id)}
			}
		}
		if ch := byID[p.ID]; ch != nil {
			row.Unit, row.Total = ch.UnitPrice, ch.Total
			row.Problems = append(row.Problems, wholesaleProblems(l, ch)...)
		}
		v.Rows = append(v.Rows, row)
	}
	if in != nil {
		v.Computed = true
		v.Total = models.Soles(0)
		for i := range checks {
			v.Total = v.Total.Add(checks[i].Total)
			v.Pieces += checks[i].Input.Quantity
		}
		if v.Total.Amount < v.MinOrder.Amount {
			v.Below = v.MinOrder.Sub(v.Total)
		}
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "private, no-store")
	return s.render(c, status, "wholesale", Page{L: l, Title: l.T("wholesale.title"), NoIndex: true, Data: v})
}
