package models_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
)

func TestBreakdownReason_EachLanguageItsOwnOrTheOther(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		es, en, lang   string
		want, wantLang string
	}{
		{"acuerdo", "agreement", "es", "acuerdo", "es"},
		{"acuerdo", "agreement", "en", "agreement", "en"},
		{"acuerdo", "", "en", "acuerdo", "es"},
		{"", "agreement", "es", "agreement", "en"},
		{" acuerdo ", "  ", "en", "acuerdo", "es"},
	} {
		b := models.Breakdown{Reason: tc.es, ReasonEn: tc.en}
		if got := b.ReasonIn(tc.lang); got.Text != tc.want || got.Lang != tc.wantLang {
			t.Errorf("es %q en %q in %s: got %+v, want %q (%s)", tc.es, tc.en, tc.lang, got, tc.want, tc.wantLang)
		}
	}
}

func TestBreakdownValidate_AReasonInEitherLanguage(t *testing.T) {
	t.Parallel()
	valid := func(es, en string) error {
		b := models.Breakdown{Channel: models.ChannelRetail, Currency: models.PEN, Price: 1000, ArtisanLabour: 1000,
			LabourMinutes: 60, CreatedBy: "staff@ciap.example", Reason: es, ReasonEn: en}
		return b.Validate()
	}
	for _, tc := range []struct {
		es, en string
		field  string // "" when valid
	}{
		{"acuerdo", "", ""},
		{"", "agreement", ""},
		{" ", "", "reason"},
		{strings.Repeat("a", models.MaxReasonLen+1), "", "reason"},
		{"acuerdo", strings.Repeat("a", models.MaxReasonLen+1), "reason_en"},
	} {
		err := valid(tc.es, tc.en)
		var ve *models.ValidationError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("es %.10q en %.10q: %v", tc.es, tc.en, err)
		case tc.field != "" && !errors.As(err, &ve):
			t.Errorf("es %.10q en %.10q: %v, want a problem with %s", tc.es, tc.en, err, tc.field)
		case tc.field != "" && !hasField(ve, tc.field):
			t.Errorf("es %.10q en %.10q: %v, want a problem with %s", tc.es, tc.en, err, tc.field)
		}
	}
}

func hasField(ve *models.ValidationError, field string) bool {
	_, ok := ve.Fields[field]
	return ok
}
