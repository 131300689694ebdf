package models

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldSearch lowercases s and strips accents, so "ceramica" finds
// "Cerámica" and "nino" finds "Niño" on both databases: SQLite's LOWER
// folds only ASCII and neither database ignores accents by itself.
func foldSearch(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// productSearchText is what catalog search matches against: both names,
// both descriptions, technique and materials, folded.
func productSearchText(p *Product) string {
	return foldSearch(strings.Join([]string{p.NameES, p.NameEN, p.DescriptionES, p.DescriptionEN,
		p.TechniqueES, p.TechniqueEN, p.MaterialsES, p.MaterialsEN}, "\n"))
}
