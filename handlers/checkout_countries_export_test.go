package handlers

import (
	"html/template"
	"strings"
)

// plainCountryOptionsTmpl is the country <select>'s options as the
// checkout template ranged over them before they were pre-rendered: the
// reference countryOptions must match byte for byte.
var plainCountryOptionsTmpl = template.Must(template.New("plain").Parse(
	`{{range .Countries}}<option value="{{.Code}}"{{if eq .Code $.Selected}} selected{{end}}>{{.Name}}</option>
{{end}}`))

// PlainCountryOptions renders the options in lang with selected marked by
// executing the plain template over the country list.
func PlainCountryOptions(lang, selected string) string {
	var b strings.Builder
	if err := plainCountryOptionsTmpl.Execute(&b, map[string]any{"Countries": countriesFor(lang), "Selected": selected}); err != nil {
		panic(err)
	}
	return b.String()
}

// PlainCountryOptionParts renders, through the same plain template, each
// country of lang's list alone: unselected and selected. The template
// over the whole list writes its range body once per country, reading
// only that country and the selection, so its output for a selection is
// the unselected parts with the selected country's part in its place.
func PlainCountryOptionParts(lang string) (codes, plain, selected []string) {
	for _, ct := range countriesFor(lang) {
		codes = append(codes, ct.Code)
		one := []country{ct}
		for _, sel := range []string{"", ct.Code} {
			var b strings.Builder
			if err := plainCountryOptionsTmpl.Execute(&b, map[string]any{"Countries": one, "Selected": sel}); err != nil {
				panic(err)
			}
			if sel == "" {
				plain = append(plain, b.String())
			} else {
				selected = append(selected, b.String())
			}
		}
	}
	return codes, plain, selected
}

// CountryOptions is countryOptions for the tests.
func CountryOptions(lang, selected string) string { return string(countryOptions(lang, selected)) }

// CountryCodes are the codes of the checkout's countries.
func CountryCodes() []string {
	var codes []string
	for _, ct := range countriesFor(Languages[0]) {
		codes = append(codes, ct.Code)
	}
	return codes
}
