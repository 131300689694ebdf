package models

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/spanish"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
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
// both descriptions, technique and materials, folded, one field a line;
// then the same fields as word stems (see searchStems), so "retablos"
// finds "Retablo" and "rugs" finds "rug".
func productSearchText(p *Product) string {
	fields := []string{p.NameES, p.NameEN, p.DescriptionES, p.DescriptionEN,
		p.TechniqueES, p.TechniqueEN, p.MaterialsES, p.MaterialsEN}
	var b strings.Builder
	for i, f := range fields {
		fields[i] = foldSearch(f)
	}
	b.WriteString(strings.Join(fields, "\n"))
	for _, f := range fields {
		for _, stems := range searchStems(f) {
			if stems != "" {
				b.WriteString("\n " + stems + " ")
			}
		}
	}
	return b.String()
}

// searchStems reduces each word of folded text to its Snowball stem, once
// with the Spanish and once with the English stemmer (names and
// descriptions mix both: an English text says "retablos", "ponchos"), and
// returns the two phrases. Stemming both the stored text and the query
// makes singular and plural meet: retablo/retablos, cerámica/cerámicas,
// poncho/ponchos, flor/flores, collar/collares, rug/rugs,
// tapestry/tapestries, box/boxes, church/churches. Before the Spanish
// stemmer a final "z" becomes "c", so the -z/-ces plurals meet too:
// tapiz/tapices, luz/luces, lápiz/lápices. Not handled: irregular English
// plurals (knife/knives, woman/women) and plurals whose stem the
// algorithm changes in other ways; the plain folded text still matches
// any part of a word, as before.
func searchStems(folded string) [2]string {
	words := strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	es, en := make([]string, len(words)), make([]string, len(words))
	for i, w := range words {
		if z, ok := strings.CutSuffix(w, "z"); ok {
			w = z + "c"
		}
		es[i] = spanish.Stem(w, false)
		en[i] = english.Stem(words[i], false)
	}
	return [2]string{strings.Join(es, " "), strings.Join(en, " ")}
}

// whereSearchMatches keeps the products whose text contains the query
// (folded: any part of a word, as typed), or whose stems contain the
// query's stems as whole words in the same order, or whose group's name
// contains it. Every pattern is a bound, escaped parameter.
func whereSearchMatches(q *gorm.DB, query string) *gorm.DB {
	folded := foldSearch(query)
	pat := "%" + likeEscaper.Replace(folded) + "%"
	cond := `products.search_text LIKE ? ESCAPE '\' OR LOWER("Group".name) LIKE ? ESCAPE '\'`
	args := []any{pat, pat}
	for _, stems := range searchStems(folded) {
		if stems != "" {
			cond += ` OR products.search_text LIKE ? ESCAPE '\'`
			args = append(args, "% "+likeEscaper.Replace(stems)+" %")
		}
	}
	return q.Where("("+cond+")", args...)
}

// migrateSearchStems recomputes every product's search text in the form
// productSearchText now writes (with word stems), so products stored
// before it find their plurals too. The column is derived, so running
// today's productSearchText here is right even if it changes later (that
// change adds its own recomputing step).
func migrateSearchStems(tx *gorm.DB) error {
	var ps []Product
	err := tx.Model(&Product{}).Select("id", "name_es", "name_en", "description_es", "description_en",
		"technique_es", "technique_en", "materials_es", "materials_en").Order("id").Find(&ps).Error
	if err != nil {
		return fmt.Errorf("read products' text: %w", err)
	}
	for i := range ps {
		if err := tx.Exec("UPDATE products SET search_text = ? WHERE id = ?", productSearchText(&ps[i]), ps[i].ID).Error; err != nil {
			return fmt.Errorf("recompute search text of product %d: %w", ps[i].ID, err)
		}
	}
	return nil
}
