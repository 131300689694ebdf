package handlers

import (
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// apiGroups lists every active producer group (there are tens, not
// thousands: one page holds them all).
func (s *Server) apiGroups(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	groups, err := s.catalogGroups(c.Request().Context())
	if err != nil {
		return err
	}
	out := apiList[apiGroup]{Items: make([]apiGroup, len(groups)), Total: int64(len(groups)),
		Page: 1, PerPage: len(groups)}
	for i := range groups {
		out.Items[i] = s.toAPIGroup(l, &groups[i].Group)
		n := groups[i].Products
		out.Items[i].Products = &n
	}
	return c.JSON(http.StatusOK, out)
}

type apiGroupDetail struct {
	apiGroup
	ProductList []apiProduct `json:"product_list"`
	// Ledger is what real sales paid the group, net of refunds.
	Ledger *apiLedgerTotals `json:"ledger"`
}

// apiGroup shows a group with its story and its products.
func (s *Server) apiGroup(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	slug := c.Param("slug")
	ctx := c.Request().Context()
	g, err := s.store.GroupBySlug(ctx, slug)
	if err != nil {
		return err
	}
	page, err := s.listProducts(ctx, models.ProductFilter{GroupSlug: g.Slug, Lang: l.Lang(),
		PerPage: models.MaxPerPage, Sort: models.SortName, WithBreakdowns: true})
	if err != nil {
		return err
	}
	showsStock(c, productIDs(page.Items)...)
	t, err := s.store.LedgerTotals(ctx, g.ID)
	if err != nil {
		return err
	}
	showsLedger(c)
	out := apiGroupDetail{apiGroup: s.toAPIGroup(l, g), ProductList: make([]apiProduct, len(page.Items)),
		Ledger: toAPILedger(t)}
	out.Story = g.Story(l.Lang())
	n := page.Total
	out.Products = &n
	for i := range page.Items {
		out.ProductList[i] = s.toAPIProduct(l, &page.Items[i])
	}
	return c.JSON(http.StatusOK, out)
}
