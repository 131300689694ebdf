package handlers

import (
	"errors"
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
		amount, perr := models.ParseDecimal(v)
		if perr != nil {
			return f, badInput("error.param_amount", "Param", p.name)
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
