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
