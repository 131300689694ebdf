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

// compileMessages splits the messages of mf that have one form and only
// plain placeholders.
func compileMessages(mf *i18n.MessageFile) map[string][]msgPart {
	out := map[string][]msgPart{}
	if mf == nil {
		return out
	}
	for _, m := range mf.Messages {
		if m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != "" ||
			m.LeftDelim != "" || m.RightDelim != "" || anyAction.MatchString(placeholderRE.ReplaceAllString(m.Other, "")) {
			continue
		}
		var parts []msgPart
		last := 0
		for _, loc := range placeholderRE.FindAllStringSubmatchIndex(m.Other, -1) {
			if loc[0] > last {
				parts = append(parts, msgPart{text: m.Other[last:loc[0]]})
			}
			parts = append(parts, msgPart{arg: m.Other[loc[2]:loc[3]]})
			last = loc[1]
		}
		if last < len(m.Other) {
			parts = append(parts, msgPart{text: m.Other[last:]})
		}
		out[m.ID] = parts
	}
	return out
}

// fill writes message id with args (name/value pairs) as go-i18n would
// (values printed as text/template prints them), or reports false when
// the message is not a plain one or an argument is missing.
func (l *Localizer) fill(id string, args []any) (string, bool) {
	parts, ok := l.filled[id]
	if !ok {
		return "", false
	}
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
