package handlers

import (
	"net/url"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
)

// Where a breakdown's local market price comes from: source, date and
// method, typed once for both channels beside the price itself and kept
// on the breakdown version (migration 0020).

// localMarketField is one of the three inputs.
type localMarketField struct {
	priceInput
	Type, Hint string
	MaxLength  int
}

// localMarketNames are the inputs' names, as the form and the store say them.
var localMarketNames = []string{"local_market_source", "local_market_date", "local_market_method"}

// localMarketValues are a breakdown's three fields as form values.
func localMarketValues(v url.Values, b *models.Breakdown) {
	v.Set("local_market_source", b.LocalMarketSource)
	v.Set("local_market_date", optionalDay(b.LocalMarketDate))
	v.Set("local_market_method", b.LocalMarketMethod)
}

// readLocalMarket reads the three fields into both breakdowns; a date
// that does not parse, or has not come yet, is reported on its field.
func readLocalMarket(f *formReader, bs ...*models.Breakdown) {
	var day *time.Time
	if raw := f.str("local_market_date"); raw != "" {
		d, err := time.ParseInLocation(time.DateOnly, raw, shopZone)
		switch {
		case err != nil:
			f.fail("local_market_date", "admin.order.error.date")
		case d.After(time.Now().In(shopZone)):
			f.fail("local_market_date", "admin.error.date_future")
		default:
			day = &d
		}
	}
	for _, b := range bs {
		b.LocalMarketSource, b.LocalMarketMethod = f.str("local_market_source"), f.str("local_market_method")
		b.LocalMarketDate = day
	}
}

// localMarketFields builds the three inputs for the price form.
func localMarketFields(l *Localizer, values url.Values, errs map[string]string) []localMarketField {
	out := make([]localMarketField, len(localMarketNames))
	for i, name := range localMarketNames {
		out[i] = localMarketField{priceInput: priceInput{ID: "f-" + strings.ReplaceAll(name, "_", "-"), Name: name,
			Label: l.T("admin.prices." + name), Value: values.Get(name), Error: errs[name]}, Type: "text", MaxLength: 300}
		if name == "local_market_date" {
			out[i].Type, out[i].MaxLength = "date", 0
		} else {
			out[i].Hint = l.T("admin.prices." + name + "_hint")
		}
	}
	return out
}
