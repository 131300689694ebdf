package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiProducts lists products with the catalog's filters. Each item carries
// its current retail breakdown, so a reviewer can check a whole page of
// prices with one request.
func (s *Server) apiProducts(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	f, err := parseProductFilter(c, l.Lang())
	if err != nil {
		return err
	}
	f.WithBreakdowns = true
	page, err := s.listProducts(c.Request().Context(), f)
	if err != nil {
		return err
	}
	showsStock(c, productIDs(page.Items)...)
	out := apiList[apiProduct]{Items: make([]apiProduct, len(page.Items)), Total: page.Total,
		Page: page.Page, PerPage: page.PerPage}
	for i := range page.Items {
		out.Items[i] = s.toAPIProduct(l, &page.Items[i])
	}
	return c.JSON(http.StatusOK, out)
}

// apiProduct shows one product with its retail and wholesale breakdowns.
func (s *Server) apiProduct(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	slug := c.Param("slug")
	p, err := s.productBySlug(c.Request().Context(), slug)
	if err != nil {
		return err
	}
	showsStock(c, p.ID)
	out := s.toAPIProduct(l, p)
	wp := p.WholesalePrice()
	out.Description, out.Technique, out.Materials = p.Description(l.Lang()), p.Technique(l.Lang()), p.Materials(l.Lang())
	out.WholesalePrice, out.WholesaleMinQty = &wp, p.WholesaleMinQty
	out.WholesaleBreakdown = s.toAPIBreakdown(l, p.WholesaleBreakdown)
	return c.JSON(http.StatusOK, out)
}
