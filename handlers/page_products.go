package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// productsView is what page_products.html shows.
type productsView struct {
	F        models.ProductFilter
	Result   models.ProductPage
	Cards    *cardFragments // the listing's kept cards (catalog_cards.go)
	Groups   []models.GroupSummary
	Crafts   []models.Craft
	Regions  []models.Region
	Sorts    []string
	MinPrice string // as a plain decimal, for the form
	MaxPrice string
	Filtered bool
	Chips    []filterChip // the active filters, each removable
	Pager    pager
}

// productsPage is the catalog: filters, one page of cards, pagination.
func (s *Server) productsPage(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	f, err := parseProductFilter(c, l.Lang())
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	res, cards, err := s.listProductCards(ctx, f)
	if err != nil {
		return err
	}
	showsStock(c, productIDs(res.Items)...)
	groups, err := s.catalogGroups(ctx)
	if err != nil {
		return err
	}
	v := productsView{F: f, Result: res, Cards: cards, Groups: groups, Crafts: models.Crafts, Regions: models.Regions,
		Sorts: models.SortOrders,
		Filtered: f.Craft != "" || f.Region != "" || f.GroupSlug != "" || f.MinPrice > 0 ||
			f.MaxPrice > 0 || f.Query != "",
		Pager: newPager(c.Request().URL.Path, filterQuery(f), res.Page, res.Pages()),
	}
	v.Chips = filterChips(l, c.Request().URL.Path, f, groups)
	if f.MinPrice > 0 {
		v.MinPrice = models.Soles(f.MinPrice).Decimal()
	}
	if f.MaxPrice > 0 {
		v.MaxPrice = models.Soles(f.MaxPrice).Decimal()
	}
	title := l.T("products.title")
	if f.Craft != "" {
		title = l.Craft(f.Craft)
	}
	return s.render(c, http.StatusOK, "products", Page{L: l, Title: title,
		Description: l.T("products.meta"), Section: "products",
		NoIndex: v.Filtered || f.Page > 1, Data: v})
}

// pager is the pagination of a listing: links keep every filter.
type pager struct {
	Page, Pages int
	Prev, Next  string // empty when there is none
	Links       []pageLink
}

// pageLink is one numbered link, or a gap ("…") when Gap is set.
type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// newPager builds the links for page of pages: the first and last pages,
// and two on each side of the current one.
func newPager(path string, q url.Values, page, pages int) pager {
	p := pager{Page: page, Pages: pages}
	if pages <= 1 && page <= 1 {
		return p
	}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			if k == "page" || k == "lang" {
				continue
			}
			for _, x := range vs {
				if x != "" { // an empty form field filters nothing
					v.Add(k, x)
				}
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if page > 1 {
		p.Prev = link(min(page-1, max(pages, 1)))
	}
	if page < pages {
		p.Next = link(page + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < page-2 || n > page+2) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Links = append(p.Links, pageLink{Gap: true})
		}
		p.Links = append(p.Links, pageLink{N: n, URL: link(n), Current: n == page})
		last = n
	}
	return p
}
