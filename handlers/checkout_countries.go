package handlers

import (
	"fmt"
	"html/template"
	"sort"
	"strings"

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

// notAPlace are codes CLDR counts as countries that nobody ships to.
var notAPlace = map[string]bool{"UN": true, "EZ": true}

func buildCountryLists() map[string][]country {
	var codes []language.Region
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code || code == models.CountryPeru || notAPlace[code] {
				continue
			}
			// A withdrawn code (DD, UK, ZR…) would list its country twice.
			if r.Canonicalize() != r {
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

// countryOptionTmpl is one <option> of the checkout's country <select>,
// escaped by html/template in the same context as the page puts it.
var countryOptionTmpl = template.Must(template.New("country_option").Parse(
	`<option value="{{.Code}}"{{if .Selected}} selected{{end}}>{{.Name}}</option>` + "\n"))

// countryOptionList is a language's country options rendered once: the
// whole list with none selected, and for each country where its option
// sits in it and that option marked selected. The ~250 options were a
// third of a checkout's CPU when the template ranged over them per page.
type countryOptionList struct {
	plain    string
	index    map[string]int // country code → position in spans
	spans    [][2]int       // each option's [start, end) in plain
	selected []string       // each option marked selected
}

var countryOptionLists = map[string]*countryOptionList{}

func init() {
	for lang, list := range countryLists {
		countryOptionLists[lang] = buildCountryOptions(list)
	}
}

func buildCountryOptions(list []country) *countryOptionList {
	o := &countryOptionList{index: make(map[string]int, len(list))}
	var plain, one strings.Builder
	for i, ct := range list {
		data := struct {
			Code, Name string
			Selected   bool
		}{ct.Code, ct.Name, false}
		start := plain.Len()
		if err := countryOptionTmpl.Execute(&plain, data); err != nil {
			panic(fmt.Sprintf("checkout country option %s: %v", ct.Code, err))
		}
		data.Selected = true
		one.Reset()
		if err := countryOptionTmpl.Execute(&one, data); err != nil {
			panic(fmt.Sprintf("checkout country option %s: %v", ct.Code, err))
		}
		o.index[ct.Code] = i
		o.spans = append(o.spans, [2]int{start, plain.Len()})
		o.selected = append(o.selected, one.String())
	}
	o.plain = plain.String()
	return o
}

// countryOptions is the country <select>'s options in a language with
// code's option selected (none when code is not in the list).
func countryOptions(lang, code string) template.HTML {
	o, ok := countryOptionLists[lang]
	if !ok {
		o = countryOptionLists[Languages[0]]
	}
	i, ok := o.index[code]
	if !ok {
		return template.HTML(o.plain) //nolint:gosec // rendered by html/template above
	}
	sp := o.spans[i]
	return template.HTML(o.plain[:sp[0]] + o.selected[i] + o.plain[sp[1]:]) //nolint:gosec // rendered by html/template above
}
