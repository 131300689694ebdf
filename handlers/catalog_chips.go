package handlers

import (
	"github.com/ciap/qhatu/models"
)

// filterChip is one active catalog filter, shown above the results as a
// link to the same listing without it: on a phone the filter form is
// folded away, and the chips say what is narrowing the list.
type filterChip struct {
	Name  string // what the filter is ("Craft")
	Value string // what it is set to ("Retablos")
	URL   string // the listing without this filter, from page 1
}

// filterChips lists f's active filters in the form's order. Each link is
// the canonical query of the parsed filter minus one parameter (sort and
// page size kept, page dropped), so a chip never echoes raw input.
func filterChips(l *Localizer, path string, f models.ProductFilter, groups []models.GroupSummary) []filterChip {
	q := filterQuery(f)
	without := func(key string) string {
		v := filterQuery(f)
		v.Del(key)
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	var out []filterChip
	add := func(key, name, value string) {
		if q.Get(key) != "" {
			out = append(out, filterChip{Name: name, Value: value, URL: without(key)})
		}
	}
	add("q", l.T("filters.search"), f.Query)
	add("craft", l.T("filters.craft"), l.Craft(f.Craft))
	add("region", l.T("filters.region"), l.Region(f.Region))
	group := f.GroupSlug
	for i := range groups {
		if groups[i].Slug == f.GroupSlug {
			group = groups[i].Name
		}
	}
	add("group", l.T("filters.group"), group)
	add("min_price", l.T("filters.chip_min_price"), l.Money(models.Soles(f.MinPrice)))
	add("max_price", l.T("filters.chip_max_price"), l.Money(models.Soles(f.MaxPrice)))
	return out
}
