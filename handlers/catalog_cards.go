package handlers

import (
	"bytes"
	"html/template"

	"github.com/ciap/qhatu/models"
)

// A catalog page is two dozen product cards, and executing the card
// template for each was most of a miss's time. A listing kept by the
// catalog data memo (catalog_data.go) keeps its cards too, rendered once
// per language: the listing is read again, with new cards, once the
// catalog or one of its products' stock changes. Cards carrying a
// visitor's CSRF token, or a reseller's wholesale terms, are never kept.

// cardFragments are the rendered cards of one listing.
type cardFragments = keptMap[cardKey, template.HTML]

type cardKey struct {
	id    int64
	lang  string
	eager bool
}

// cardFunc is the "card" template function: the "product_card" partial of
// *base (set once the templates are parsed) for p, from frags when it was
// rendered before.
func cardFunc(base **template.Template) func(*cardFragments, *models.Product, *Localizer, string, bool, bool) (template.HTML, error) {
	return func(frags *cardFragments, p *models.Product, l *Localizer, csrf string, eager, wholesale bool) (template.HTML, error) {
		render := func() (template.HTML, error) {
			var b bytes.Buffer
			if err := (*base).ExecuteTemplate(&b, "product_card",
				map[string]any{"P": p, "L": l, "CSRF": csrf, "Eager": eager, "Wholesale": wholesale}); err != nil {
				return "", err
			}
			return template.HTML(b.String()), nil // the partial's own output, escaped by html/template
		}
		if frags == nil || csrf != "" || wholesale {
			return render()
		}
		return frags.get(cardKey{id: p.ID, lang: l.Lang(), eager: eager}, render)
	}
}
