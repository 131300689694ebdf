package handlers

import (
	"embed"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/bojanz/currency"
	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var localeFS embed.FS

// Languages the shop speaks; the first is the default.
var Languages = []string{"es", "en"}

const langCookie = "lang"

// Translations holds the message bundle and one formatter per language.
// It is built once at start-up; a missing message file fails there.
type Translations struct {
	bundle     *i18n.Bundle
	matcher    language.Matcher
	localizers map[string]*Localizer
}

// NewTranslations loads the embedded message files.
func NewTranslations() (*Translations, error) {
	b := i18n.NewBundle(language.Spanish)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files := map[string]*i18n.MessageFile{}
	for _, lang := range Languages {
		mf, err := b.LoadMessageFileFS(localeFS, "locales/"+lang+".toml")
		if err != nil {
			return nil, fmt.Errorf("load %s messages: %w", lang, err)
		}
		files[lang] = mf
	}
	tr := &Translations{bundle: b, localizers: map[string]*Localizer{},
		matcher: language.NewMatcher([]language.Tag{language.Spanish, language.English})}
	for _, lang := range Languages {
		filled, plurals := compileMessages(files[lang])
		f := currency.NewFormatter(currency.NewLocale(lang + "-PE"))
		f.SymbolMap = map[string]string{"PEN": "S/"}
		tr.localizers[lang] = &Localizer{lang: lang, l: i18n.NewLocalizer(b, lang), money: f,
			cache: map[string]string{}, filled: filled, plurals: plurals, moneyMemo: map[models.Money]string{}}
	}
	return tr, nil
}

// For returns the localizer of a supported language (Spanish otherwise).
func (t *Translations) For(lang string) *Localizer {
	if l, ok := t.localizers[lang]; ok {
		return l
	}
	return t.localizers[Languages[0]]
}

// Pick chooses the request's language: an explicit ?lang= (remembered in a
// cookie), then the cookie, then Accept-Language.
func (t *Translations) Pick(c echo.Context) string {
	if q := c.QueryParam("lang"); q != "" {
		if _, ok := t.localizers[q]; ok {
			c.SetCookie(&http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.IsTLS()})
			return q
		}
	}
	if ck, err := c.Cookie(langCookie); err == nil {
		if _, ok := t.localizers[ck.Value]; ok {
			return ck.Value
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(c.Request().Header.Get("Accept-Language"))
	_, idx, conf := t.matcher.Match(tags...)
	if conf == language.No {
		return Languages[0]
	}
	return Languages[idx]
}

// Localizer translates messages and formats money for one language.
type Localizer struct {
	lang  string
	l     *i18n.Localizer
	money *currency.Formatter

	mu    sync.RWMutex
	cache map[string]string // messages without arguments, looked up once
	// filled are the messages whose arguments are plain {{.Name}}
	// placeholders, split once so T fills them without a template
	// (i18n_fast.go).
	filled map[string][]msgPart
	// plurals are the plain messages with "one" and "other" forms.
	plurals map[string][2][]msgPart
	// moneyMemo keeps formatted amounts: a catalog shows the same prices
	// on every page (i18n_fast.go).
	moneyMu   sync.RWMutex
	moneyMemo map[models.Money]string
}

// Lang is "es" or "en".
func (l *Localizer) Lang() string { return l.lang }

// T translates a message ID. Arguments come in name/value pairs for the
// message's {{.Name}} placeholders; a message with plural forms takes its
// form from the "Count" argument (see Plural for other counts). An unknown
// ID shows the ID itself, so a missing translation is visible, never a blank.
func (l *Localizer) T(id string, args ...any) string {
	if len(args) == 0 {
		l.mu.RLock()
		s, ok := l.cache[id]
		l.mu.RUnlock()
		if ok {
			return s
		}
	} else if s, ok := l.fill(id, args); ok {
		return s
	}
	var count any
	if n, ok := countArg(args); ok {
		count = n
	}
	s := l.localize(id, count, args)
	if len(args) == 0 {
		l.mu.Lock()
		l.cache[id] = s
		l.mu.Unlock()
	}
	return s
}

// Plural translates a message with "one" and "other" forms, choosing the
// form by count n: for messages whose number is not named Count
// ("{{.Days}} días"). Arguments are name/value pairs as for T.
func (l *Localizer) Plural(id string, n int, args ...any) string {
	if s, ok := l.fillPlural(id, int64(n), args); ok {
		return s
	}
	return l.localize(id, n, args)
}

// localize runs message id through go-i18n (the slow path): args are
// name/value pairs, count the plural count or nil.
func (l *Localizer) localize(id string, count any, args []any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	s, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil && s == "" {
		s = id
	}
	return s
}

// Money formats an amount the way the language writes soles: "S/ 1,234.50".
func (l *Localizer) Money(m models.Money) string {
	l.moneyMu.RLock()
	s, ok := l.moneyMemo[m]
	l.moneyMu.RUnlock()
	if ok {
		return s
	}
	s = l.formatMoney(m)
	l.moneyMu.Lock()
	if len(l.moneyMemo) < maxMoneyMemo {
		l.moneyMemo[m] = s
	}
	l.moneyMu.Unlock()
	return s
}

func (l *Localizer) formatMoney(m models.Money) string {
	cur := string(m.Currency)
	if cur == "" {
		cur = string(models.PEN)
	}
	a, err := currency.NewAmountFromInt64(m.Amount, cur)
	if err != nil {
		return m.Decimal() + " " + cur
	}
	return l.money.Format(a)
}

// Permille formats thousandths as a percentage with one decimal: 523 → "52.3 %".
func (l *Localizer) Permille(p int64) string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	return fmt.Sprintf("%s%d%s%d %%", sign, p/10, decimalSep(l.lang), p%10)
}

// ComponentLabel is the translated name of a breakdown component.
func (l *Localizer) ComponentLabel(k models.ComponentKey) string {
	return l.T("component." + string(k))
}

// Region is the translated name of a region.
func (l *Localizer) Region(r models.Region) string { return l.T("region." + string(r)) }

// Craft is the translated name of a craft.
func (l *Localizer) Craft(c models.Craft) string {
	return l.T("craft." + strings.ReplaceAll(string(c), "-", "_"))
}
