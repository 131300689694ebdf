package handlers

import (
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Every message T fills by concatenation reads exactly as go-i18n writes
// it, in both languages, with text and numbers as arguments.
func TestLocalizer_PlainMessagesFilledAsGoI18nDoes(t *testing.T) {
	tr, err := NewTranslations()
	if err != nil {
		t.Fatal(err)
	}
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
	tr, err := NewTranslations()
	if err != nil {
		t.Fatal(err)
	}
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
