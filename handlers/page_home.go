package handlers

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// homeFeatured is how many featured products the home page shows.
const homeFeatured = 8

// homeView is what page_home.html shows.
type homeView struct {
	Featured []models.Product
	Regions  []regionGroups
	Fig      models.CatalogFigures
	Chart    template.HTML
}

// homePage says what CIAP is, shows featured products, the groups and
// where the money goes.
func (s *Server) homePage(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	featured, err := s.listProducts(ctx, models.ProductFilter{Sort: models.SortFeatured,
		PerPage: homeFeatured, Lang: l.Lang()})
	if err != nil {
		return err
	}
	showsStock(c, productIDs(featured.Items)...)
	groups, err := s.catalogGroups(ctx)
	if err != nil {
		return err
	}
	fig, err := s.catalogFiguresNow(ctx)
	if err != nil {
		return err
	}
	v := homeView{Featured: featuredOnly(featured.Items), Regions: byRegion(groups), Fig: fig,
		Chart: sharesChart(l, "home-chart", fig.Shares)}
	return s.render(c, http.StatusOK, "home", Page{L: l, Title: l.T("home.title"),
		Description: l.T("home.meta"), Section: "home", Data: v})
}

// featuredOnly keeps the featured products of a list sorted featured
// first; if none is featured, the list is shown as it is.
func featuredOnly(ps []models.Product) []models.Product {
	var out []models.Product
	for _, p := range ps {
		if p.Featured {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return ps
	}
	return out
}

// firstSentence shortens a text for a meta description.
func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}
