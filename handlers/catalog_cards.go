package handlers

import (
	"bytes"
	"html/template"
	"sync"

	"github.com/ciap/qhatu/models"
)

// A catalog page is two dozen product cards, and executing the card
// template for each was most of a miss's time. A listing kept by the
// catalog data memo (catalog_data.go) keeps its cards too, rendered once
// per language: the listing is read again, with new cards, once the
// catalog or one of its products' stock changes. Cards carrying a
// visitor's CSRF token, or a reseller's wholesale terms, are never kept.

// cardFragments are the rendered cards of one listing.
type cardFragments struct {
	mu    sync.Mutex
	cards map[cardKey]template.HTML
}

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
		keep := frags != nil && csrf == "" && !wholesale
		k := cardKey{id: p.ID, lang: l.Lang(), eager: eager}
		if keep {
			frags.mu.Lock()
			h, ok := frags.cards[k]
			frags.mu.Unlock()
			if ok {
				return h, nil
			}
		}
		var b bytes.Buffer
		err := (*base).ExecuteTemplate(&b, "product_card",
			map[string]any{"P": p, "L": l, "CSRF": csrf, "Eager": eager, "Wholesale": wholesale})
		if err != nil {
			return "", err
		}
		h := template.HTML(b.String()) // the partial's own output, escaped by html/template
		if keep {
			frags.mu.Lock()
			if frags.cards == nil {
				frags.cards = map[cardKey]template.HTML{}
			}
			frags.cards[k] = h
			frags.mu.Unlock()
		}
		return h, nil
	}
}
