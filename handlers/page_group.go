package handlers

import (
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// groupView is what page_group.html shows.
type groupView struct {
	G        *models.Group
	Products models.ProductPage
	Ledger   groupLedgerView
}

// groupPage shows a producer group, its story and its products.
func (s *Server) groupPage(c echo.Context) error {
	slug := c.Param("slug")
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	g, err := s.store.GroupBySlug(ctx, slug)
	if err != nil {
		return err
	}
	ps, err := s.listProducts(ctx, models.ProductFilter{GroupSlug: g.Slug, Lang: l.Lang(),
		Sort: models.SortFeatured, PerPage: models.MaxPerPage})
	if err != nil {
		return err
	}
	showsStock(c, productIDs(ps.Items)...)
	lv, err := s.groupLedger(ctx, l, g)
	if err != nil {
		return err
	}
	showsLedger(c)
	return s.render(c, http.StatusOK, "group", Page{L: l, Title: g.Name,
		Description: firstSentence(g.Story(l.Lang())), Section: "groups",
		Data: groupView{G: g, Products: ps, Ledger: lv}})
}
