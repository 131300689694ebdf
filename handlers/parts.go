package handlers

import "github.com/ciap/qhatu/static"

// parts are what New loads from the embedded files: translations, static
// files and templates. They never change once loaded, so one set may
// serve any number of servers.
type parts struct {
	tr     *Translations
	assets *Assets
	views  *Views
}

// loadParts reads and checks the embedded files: a broken one fails here.
func loadParts() (parts, error) {
	tr, err := NewTranslations()
	if err != nil {
		return parts{}, err
	}
	assets, err := NewAssets(static.FS)
	if err != nil {
		return parts{}, err
	}
	views, err := NewViews(assets)
	if err != nil {
		return parts{}, err
	}
	return parts{tr: tr, assets: assets, views: views}, nil
}

// newParts is how New gets its parts. Tests load them once per test
// binary (testserver_test.go): parsing every template again for each of
// hundreds of test servers was a tenth of the handlers tests' time.
var newParts = loadParts
