package handlers

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Every message T fills by concatenation reads exactly as go-i18n writes
// it, in both languages, with text and numbers as arguments.
func TestLocalizer_PlainMessagesFilledAsGoI18nDoes(t *testing.T) {
	tr := testTranslations(t)
	for _, lang := range Languages {
		l := tr.For(lang)
		if len(l.filled) < 100 {
			t.Fatalf("%s: only %d plain messages", lang, len(l.filled))
		}
		for id, parts := range l.filled {
			for _, val := range []any{"S/ 1,234.50", 42, int64(-7)} {
				var args []any
				data := map[string]any{}
				for _, p := range parts {
					if p.arg != "" {
						args = append(args, p.arg, val)
						data[p.arg] = val
					}
				}
				if len(args) == 0 {
					continue
				}
				want, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
				if err != nil {
					t.Fatalf("%s %s: %v", lang, id, err)
				}
				if got := l.T(id, args...); got != want {
					t.Errorf("%s %s(%v): %q, go-i18n %q", lang, id, val, got, want)
				}
			}
		}
		// A missing argument goes the slow way and shows go-i18n's "<no value>".
		if got := l.T("product.in_stock", "Other", 1); got == "" {
			t.Errorf("%s: a message without its argument is empty", lang)
		}
	}
}

// Remembered amounts read as freshly formatted ones.
func TestLocalizer_MoneyMemoFormatsAsTheFormatter(t *testing.T) {
	tr := testTranslations(t)
	for _, lang := range Languages {
		l := tr.For(lang)
		for _, a := range []int64{0, 5, 1250, 123456, -9900, 100000000} {
			m := models.Soles(a)
			first, again := l.Money(m), l.Money(m)
			if first != l.formatMoney(m) || again != first {
				t.Errorf("%s %d: %q then %q, formatter %q", lang, a, first, again, l.formatMoney(m))
			}
		}
	}
}

// Every message with "one" and "other" forms reads in the singular for 1
// and in the plural for 2, in both languages, through T (a "Count"
// argument) and Plural, exactly as go-i18n writes it with a PluralCount.
func TestLocalizer_PluralMessagesAgreeWithTheirCount(t *testing.T) {
	tr := testTranslations(t)
	// "1 pedidos": a 1 followed by a plural noun the shop counts.
	onePlural := map[string]*regexp.Regexp{
		"es": regexp.MustCompile(`(^|[^0-9.,])1 (productos|piezas|pedidos|grupos|solicitudes|cuentas|correos|cambios|asientos|líneas|días|horas|minutos|activos|artesanos|artesanas)\b`),
		"en": regexp.MustCompile(`(^|[^0-9.,])1 (products|pieces|orders|groups|applications|accounts|emails|changes|entries|lines|days|working days|hours|minutes|artisans)\b`),
	}
	for _, lang := range Languages {
		l := tr.For(lang)
		if len(l.plurals) < 25 {
			t.Fatalf("%s: only %d plural messages", lang, len(l.plurals))
		}
		for id, forms := range l.plurals {
			for _, n := range []int{1, 2} {
				var args []any
				data := map[string]any{}
				hasCount := false
				for _, form := range forms {
					for _, p := range form {
						if p.arg != "" && data[p.arg] == nil {
							args = append(args, p.arg, n)
							data[p.arg] = n
							hasCount = hasCount || p.arg == "Count"
						}
					}
				}
				want, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: n})
				if err != nil {
					t.Fatalf("%s %s(%d): %v", lang, id, n, err)
				}
				got := l.Plural(id, n, args...)
				if got != want {
					t.Errorf("%s Plural %s(%d): %q, go-i18n %q", lang, id, n, got, want)
				}
				if hasCount {
					if viaT := l.T(id, args...); viaT != want {
						t.Errorf("%s T %s(%d): %q, go-i18n %q", lang, id, n, viaT, want)
					}
				}
				if n == 1 && onePlural[lang].MatchString(got) {
					t.Errorf("%s %s: %q puts a plural noun after 1", lang, id, got)
				}
				if n == 2 && got == l.Plural(id, 1, args...) {
					t.Errorf("%s %s: the same text for 1 and 2: %q", lang, id, got)
				}
			}
		}
	}
	// The count messages pages use, in the singular.
	for _, tc := range []struct{ lang, id, want string }{
		{"es", "admin.resellers.count", "1 solicitud"},
		{"es", "admin.orders.count", "1 pedido"},
		{"en", "admin.orders.count", "1 order"},
		{"es", "products.results", "1 producto"},
		{"en", "duration.days", "1 day"},
	} {
		if got := tr.For(tc.lang).T(tc.id, "Count", 1); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.lang, tc.id, got, tc.want)
		}
		if got := tr.For(tc.lang).T(tc.id, "Count", int64(3)); got == tc.want {
			t.Errorf("%s %s with 3: still %q", tc.lang, tc.id, got)
		}
	}
	// A lead time of one day, where the message also counts the stock.
	for lang, want := range map[string]string{"es": "(1 día).", "en": "(1 day)."} {
		p := models.WholesaleProblem{Code: models.CodeAboveStock, Stock: 5, LeadTime: 1}
		if got := wholesaleProblemText(tr.For(lang), p); !strings.HasSuffix(got, want) {
			t.Errorf("%s above stock, lead time 1: %q", lang, got)
		}
		p.LeadTime = 30
		if got := wholesaleProblemText(tr.For(lang), p); !strings.Contains(got, "30 d") || strings.HasSuffix(got, want) {
			t.Errorf("%s above stock, lead time 30: %q", lang, got)
		}
	}
	if got := deliveryEstimate(tr.For("es"), 1, 1); got != "1 día hábil" {
		t.Errorf("delivery in one day: %q", got)
	}
	if got := deliveryEstimate(tr.For("en"), 4, 4); got != "4 working days" {
		t.Errorf("delivery in four days: %q", got)
	}
}
