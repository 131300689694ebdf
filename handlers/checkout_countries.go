package handlers

import (
	"sort"

	"github.com/ciap/qhatu/models"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// country is one choice of the checkout's country list.
type country struct {
	Code string // ISO 3166-1 alpha-2
	Name string
}

// countryLists are the checkout's countries per language: Peru first,
// then every other country by its name in that language, in that
// language's alphabetical order. Built once, from CLDR's names.
var countryLists = buildCountryLists()

func buildCountryLists() map[string][]country {
	var codes []language.Region
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code || code == models.CountryPeru {
				continue
			}
			codes = append(codes, r)
		}
	}
	out := map[string][]country{}
	for _, lang := range Languages {
		tag := language.Make(lang)
		names := display.Regions(tag)
		peru, _ := language.ParseRegion(models.CountryPeru)
		list := []country{{Code: models.CountryPeru, Name: names.Name(peru)}}
		rest := make([]country, 0, len(codes))
		for _, r := range codes {
			if name := names.Name(r); name != "" {
				rest = append(rest, country{Code: r.String(), Name: name})
			}
		}
		col := collate.New(tag)
		sort.SliceStable(rest, func(i, j int) bool { return col.CompareString(rest[i].Name, rest[j].Name) < 0 })
		out[lang] = append(list, rest...)
	}
	return out
}

// countriesFor is the country list in a language.
func countriesFor(lang string) []country {
	if l, ok := countryLists[lang]; ok {
		return l
	}
	return countryLists[Languages[0]]
}
