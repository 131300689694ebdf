package handlers

import (
	"errors"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// maxPage bounds ?page= so an absurd page number is a cheap empty page.
const maxPage = 100000

// parseProductFilter reads the catalog's query parameters, shared by the
// /products page and /api/v1/products. Out-of-range paging is clamped;
// anything that is not what it claims to be is a 400 naming the parameter.
func parseProductFilter(c echo.Context, lang string) (models.ProductFilter, error) {
	f := models.ProductFilter{Lang: lang}
	var err error
	if f.Page, err = intParam(c, "page", 1, 1, maxPage); err != nil {
		return f, err
	}
	if f.PerPage, err = intParam(c, "per_page", models.DefaultPerPage, 1, models.MaxPerPage); err != nil {
		return f, err
	}
	if v := c.QueryParam("craft"); v != "" {
		if !models.Craft(v).Valid() {
			return f, badInput("error.param_unknown", "Param", "craft", "Value", v)
		}
		f.Craft = models.Craft(v)
	}
	if v := c.QueryParam("region"); v != "" {
		if !models.Region(v).Valid() {
			return f, badInput("error.param_unknown", "Param", "region", "Value", v)
		}
		f.Region = models.Region(v)
	}
	if v := c.QueryParam("group"); v != "" {
		if !models.ValidSlug(v) {
			return f, badInput("error.param_unknown", "Param", "group", "Value", v)
		}
		f.GroupSlug = v
	}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"min_price", &f.MinPrice}, {"max_price", &f.MaxPrice}} {
		v := c.QueryParam(p.name)
		if v == "" {
			continue
		}
		amount, perr := models.ParseAmount(v)
		if perr != nil {
			id, args := amountMessage(perr)
			return f, badInput(id, args...)
		}
		*p.dst = amount
	}
	if f.MinPrice > 0 && f.MaxPrice > 0 && f.MinPrice > f.MaxPrice {
		return f, badInput("error.price_range")
	}
	f.Query = c.QueryParam("q")
	if utf8.RuneCountInString(f.Query) > models.MaxQueryLen {
		return f, badInput("error.query_too_long", "Max", models.MaxQueryLen)
	}
	if v := c.QueryParam("sort"); v != "" {
		f.Sort = v
		f.Normalize()
		if f.Sort != v {
			return f, badInput("error.param_unknown", "Param", "sort", "Value", v)
		}
	}
	f.Normalize()
	return f, nil
}

// intParam parses an integer query parameter, clamped to [lo, hi].
func intParam(c echo.Context, name string, def, lo, hi int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if errors.Is(err, strconv.ErrRange) {
		return hi, nil // too many digits for an int: clamp like any large number
	}
	if err != nil {
		return 0, badInput("error.param_integer", "Param", name)
	}
	return min(max(n, lo), hi), nil
}

// catalogParams are the query parameters of the catalog listings.
var catalogParams = map[string]bool{"craft": true, "region": true, "group": true, "min_price": true,
	"max_price": true, "q": true, "sort": true, "page": true, "per_page": true}

// catalogFilterKey is the page cache's name for a catalog request: the
// canonical query of its parsed filter. ok is false, and the request is
// served uncached, when a parameter is unknown or repeated (only one value
// would be read, the others would only make the key unique) or when the
// filter does not parse (the handler answers 400).
func catalogFilterKey(c echo.Context, lang string) (key string, ok bool) {
	if !singleValued(c.QueryParams(), catalogParams) {
		return "", false
	}
	f, err := parseProductFilter(c, lang)
	if err != nil {
		return "", false
	}
	q := filterQuery(f)
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	return q.Encode(), true
}

// filterQuery writes a parsed filter back as a query, without its page and
// without defaults: the catalog's links are built from it, so a page shows
// only what was parsed, never the raw query a visitor typed.
func filterQuery(f models.ProductFilter) url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("craft", string(f.Craft))
	set("region", string(f.Region))
	set("group", f.GroupSlug)
	if f.MinPrice > 0 {
		q.Set("min_price", models.Soles(f.MinPrice).Decimal())
	}
	if f.MaxPrice > 0 {
		q.Set("max_price", models.Soles(f.MaxPrice).Decimal())
	}
	set("q", f.Query)
	if f.Sort != models.SortFeatured {
		q.Set("sort", f.Sort)
	}
	if f.PerPage != models.DefaultPerPage {
		q.Set("per_page", strconv.Itoa(f.PerPage))
	}
	return q
}
