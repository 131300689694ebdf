package handlers

import (
	"bytes"
	"html/template"
)

// Rendering a product page's breakdown tables, chart and JSON-LD was most
// of a page cache miss's time, yet none of it depends on the visitor. A
// product kept by the catalog data memo (catalog_data.go) keeps its page
// view and the rendered parts of its page, per language, for as long as
// the product itself is kept: until the catalog version changes (a price
// change is a new breakdown version, a catalog change) or the product's
// stock moves (the in-stock line and the JSON-LD availability show it).
// The add-to-cart form, which carries the visitor's CSRF token, and the
// layout are rendered per request.

// productPages is what a kept product keeps of its page.
type productPages struct {
	views keptMap[string, *productView] // by language
	frags pageFragments
}

// view returns the product's page view in lang, built once by build.
// Without a memo (p nil) it builds it every time.
func (p *productPages) view(lang string, build func() (*productView, error)) (*productView, error) {
	if p == nil {
		return build()
	}
	return p.views.get(lang, func() (*productView, error) {
		v, err := build()
		if err != nil {
			return nil, err
		}
		v.Frags = &p.frags
		return v, nil
	})
}

// pageFragments are rendered parts of one page, by template and language.
type pageFragments = keptMap[fragKey, template.HTML]

type fragKey struct{ name, lang string }

// fragFunc is the "frag" template function: the partial name of *base (set
// once the templates are parsed) executed with page, from frags when it
// was rendered before (frags nil keeps nothing). The partial gets the page
// without its Viewer and Flash, so nothing a visitor sees alone is ever
// kept.
func fragFunc(base **template.Template) func(*pageFragments, string, Page) (template.HTML, error) {
	return func(frags *pageFragments, name string, page Page) (template.HTML, error) {
		render := func() (template.HTML, error) {
			page.Viewer, page.Flash = Viewer{}, ""
			var b bytes.Buffer
			if err := (*base).ExecuteTemplate(&b, name, page); err != nil {
				return "", err
			}
			return template.HTML(b.String()), nil // the partial's own output, escaped by html/template
		}
		if frags == nil {
			return render()
		}
		return frags.get(fragKey{name: name, lang: page.L.Lang()}, render)
	}
}
