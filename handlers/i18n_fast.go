package handlers

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Rendering a catalog page calls T with arguments and Money dozens of
// times (every card's share, every price). Through go-i18n each T runs a
// text/template, and each Money a decimal formatter: a miss's profile was
// dominated by them. So messages whose placeholders are plain {{.Name}}
// are split once at start-up and filled by concatenation, and formatted
// amounts are remembered (a catalog has a bounded set of prices).

// maxMoneyMemo bounds the amounts remembered per language; past it, new
// amounts are formatted each time.
const maxMoneyMemo = 50000

// msgPart is literal text, or (arg set) the value of one argument.
type msgPart struct {
	text, arg string
}

var (
	placeholderRE = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)
	// anyAction finds template actions left once the plain placeholders
	// are removed: such a message goes through go-i18n.
	anyAction = regexp.MustCompile(`\{\{|\}\}`)
)

// compileMessages splits the messages of mf that have only plain
// placeholders: filled holds those with one form, plurals those with just
// "one" and "other" forms (index 0 and 1).
func compileMessages(mf *i18n.MessageFile) (filled map[string][]msgPart, plurals map[string][2][]msgPart) {
	filled, plurals = map[string][]msgPart{}, map[string][2][]msgPart{}
	if mf == nil {
		return filled, plurals
	}
	for _, m := range mf.Messages {
		if m.Zero != "" || m.Two != "" || m.Few != "" || m.Many != "" || m.LeftDelim != "" || m.RightDelim != "" {
			continue
		}
		other, ok := splitMessage(m.Other)
		if !ok {
			continue
		}
		if m.One == "" {
			filled[m.ID] = other
			continue
		}
		if one, ok := splitMessage(m.One); ok {
			plurals[m.ID] = [2][]msgPart{one, other}
		}
	}
	return filled, plurals
}

// splitMessage cuts s into text and {{.Name}} parts, or reports false when
// s has any other template action.
func splitMessage(s string) ([]msgPart, bool) {
	if anyAction.MatchString(placeholderRE.ReplaceAllString(s, "")) {
		return nil, false
	}
	var parts []msgPart
	last := 0
	for _, loc := range placeholderRE.FindAllStringSubmatchIndex(s, -1) {
		if loc[0] > last {
			parts = append(parts, msgPart{text: s[last:loc[0]]})
		}
		parts = append(parts, msgPart{arg: s[loc[2]:loc[3]]})
		last = loc[1]
	}
	if last < len(s) {
		parts = append(parts, msgPart{text: s[last:]})
	}
	return parts, true
}

// pluralForm picks the "one" (0) or "other" (1) form for a whole count.
// Spanish and English agree: "one" is exactly 1 (CLDR's Spanish "many"
// for exact millions is not used by any message).
func pluralForm(n int64) int {
	if n == 1 {
		return 0
	}
	return 1
}

// countOf reads a whole number argument (the PluralCount).
func countOf(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case int32:
		return int64(n), true
	case int16:
		return int64(n), true
	case int8:
		return int64(n), true
	case uint:
		return int64(n), true
	case uint64:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint8:
		return int64(n), true
	}
	return 0, false
}

// countArg finds the "Count" argument among name/value pairs: T uses it
// as the plural count of a message with plural forms.
func countArg(args []any) (int64, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if name, _ := args[i].(string); name == "Count" {
			return countOf(args[i+1])
		}
	}
	return 0, false
}

// fill writes message id with args (name/value pairs) as go-i18n would
// (values printed as text/template prints them), or reports false when
// the message is not a plain one or an argument is missing. A message
// with plural forms takes its form from the "Count" argument.
func (l *Localizer) fill(id string, args []any) (string, bool) {
	if parts, ok := l.filled[id]; ok {
		return fillParts(parts, args)
	}
	if _, ok := l.plurals[id]; ok {
		if n, ok := countArg(args); ok {
			return l.fillPlural(id, n, args)
		}
	}
	return "", false
}

// fillPlural writes the form of plural message id that count n takes.
func (l *Localizer) fillPlural(id string, n int64, args []any) (string, bool) {
	forms, ok := l.plurals[id]
	if !ok {
		return "", false
	}
	return fillParts(forms[pluralForm(n)], args)
}

func fillParts(parts []msgPart, args []any) (string, bool) {
	var b strings.Builder
	for _, p := range parts {
		if p.arg == "" {
			b.WriteString(p.text)
			continue
		}
		found := false
		for i := 0; i+1 < len(args); i += 2 {
			if name, _ := args[i].(string); name == p.arg {
				fmt.Fprint(&b, args[i+1])
				found = true
				break
			}
		}
		if !found {
			return "", false
		}
	}
	return b.String(), true
}
