package handlers

import (
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// regionGroups is one region's producer groups.
type regionGroups struct {
	Region models.Region
	Groups []models.GroupSummary
}

// byRegion sorts groups into the regions' display order, dropping empty
// regions; within a region the store's order (by name) is kept.
func byRegion(gs []models.GroupSummary) []regionGroups {
	var out []regionGroups
	for _, r := range models.Regions {
		rg := regionGroups{Region: r}
		for _, g := range gs {
			if g.Region == r {
				rg.Groups = append(rg.Groups, g)
			}
		}
		if len(rg.Groups) > 0 {
			out = append(out, rg)
		}
	}
	return out
}

// groupsView is what page_groups.html shows.
type groupsView struct {
	Regions  []regionGroups
	Groups   int
	Artisans int
}

// groupsPage lists the producer groups by region.
func (s *Server) groupsPage(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	gs, err := s.catalogGroups(c.Request().Context())
	if err != nil {
		return err
	}
	v := groupsView{Regions: byRegion(gs), Groups: len(gs)}
	for _, g := range gs {
		v.Artisans += g.Artisans
	}
	return s.render(c, http.StatusOK, "groups", Page{L: l, Title: l.T("groups.title"),
		Description: l.T("groups.meta"), Section: "groups", Data: v})
}
