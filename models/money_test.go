package models_test

import (
	"errors"
	"testing"

	"github.com/ciap/qhatu/models"
)

func TestParseAmount_ReadsWhatPeopleType(t *testing.T) {
	cases := []struct {
		in   string
		want int64
	}{
		{"45", 4500},
		{"45,50", 4550},
		{"45.50", 4550},
		{"45,5", 4550},
		{"45.5", 4550},
		{"12,50", 1250}, // once read as S/ 1,250.00
		{"0,05", 5},
		{"0.5", 50},
		{"0", 0},
		{"0,00", 0},
		{"007", 700},
		{"000000000000000000045", 4500}, // leading zeros are not size
		{" 45,50 ", 4550},
		{"\t45\u00a0", 4500},
		{"S/ 45.50", 4550},
		{"S/45,50", 4550},
		{"s/ 45", 4500},
		{"S/. 45.50", 4550}, // the symbol before 2016
		{"S/.45.50", 4550},
		{"S/.50", 5000}, // a number never starts with a separator: this is the old symbol
		{"S/\u00a01,234.50", 123450},
		{"1,234.50", 123450},
		{"1.234,50", 123450},
		{"1 234,50", 123450},
		{"1 234.50", 123450},
		{"1\u202f234,50", 123450},
		{"1 234", 123400},
		{"12 345 678", 1234567800},
		{"1,234.5", 123450},
		{"1,234,567", 123456700},
		{"1.234.567", 123456700},
		{"1.234.567,89", 123456789},
		{"1,234,567.89", 123456789},
		{"1234", 123400},
		{"1234,00", 123400},
		{"100000000", models.MaxTypedAmount},
		{"100.000.000,00", models.MaxTypedAmount},
	}
	for _, tc := range cases {
		got, err := models.ParseAmount(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestParseAmount_RefusesWhatItWouldHaveToGuess(t *testing.T) {
	cases := []struct {
		in    string
		want  models.AmountProblem
		whole string
	}{
		{"", models.AmountEmpty, ""},
		{"   ", models.AmountEmpty, ""},
		{"S/", models.AmountEmpty, ""},
		{"S/. ", models.AmountEmpty, ""},
		{"1,234", models.AmountAmbiguous, "1234"},
		{"1.234", models.AmountAmbiguous, "1234"},
		{"45.123", models.AmountAmbiguous, "45123"},
		{"S/ 999,999", models.AmountAmbiguous, "999999"},
		{"0.500", models.AmountDecimals, ""},
		{"1234.567", models.AmountDecimals, ""},
		{"10.1234", models.AmountDecimals, ""},
		{"1.234,567", models.AmountDecimals, ""},
		{"1,234.567", models.AmountDecimals, ""},
		{"1 234,567", models.AmountDecimals, ""},
		{"-5", models.AmountNegative, ""},
		{"-0", models.AmountNegative, ""},
		{" -45,50", models.AmountNegative, ""},
		{"−45", models.AmountNegative, ""},
		{"S/ -45", models.AmountNegative, ""},
		{"-S/ 45", models.AmountNegative, ""},
		{"100000000,01", models.AmountTooLarge, ""},
		{"100000001", models.AmountTooLarge, ""},
		{"9223372036854775807", models.AmountTooLarge, ""},
		{"99999999999999999999999999", models.AmountTooLarge, ""},
		{"abc", models.AmountMalformed, ""},
		{"NaN", models.AmountMalformed, ""},
		{"Inf", models.AmountMalformed, ""},
		{"1e5", models.AmountMalformed, ""},
		{"0x10", models.AmountMalformed, ""},
		{"+5", models.AmountMalformed, ""},
		{"1_000", models.AmountMalformed, ""},
		{"45.", models.AmountMalformed, ""},
		{"45,", models.AmountMalformed, ""},
		{".50", models.AmountMalformed, ""},
		{",5", models.AmountMalformed, ""},
		{"S/ .50", models.AmountMalformed, ""},
		{"4 5", models.AmountMalformed, ""},
		{"45 ,50", models.AmountMalformed, ""},
		{"45,,50", models.AmountMalformed, ""},
		{"45.50.30", models.AmountMalformed, ""},
		{"1.234.50", models.AmountMalformed, ""},
		{"1,234,50", models.AmountMalformed, ""},
		{"1,23,456.00", models.AmountMalformed, ""},
		{"1234,567.00", models.AmountMalformed, ""},
		{"1.234 567", models.AmountMalformed, ""},
		{"1 234.567,50", models.AmountMalformed, ""},
		{"1,234 567,50", models.AmountMalformed, ""},
		{"45 soles", models.AmountMalformed, ""},
		{"PEN 45", models.AmountMalformed, ""},
		{"$45", models.AmountMalformed, ""},
		{"４５", models.AmountMalformed, ""},
		{"45%", models.AmountMalformed, ""},
	}
	for _, tc := range cases {
		got, err := models.ParseAmount(tc.in)
		var ae *models.AmountError
		if !errors.As(err, &ae) {
			t.Errorf("ParseAmount(%q) = %d, %v; want an *AmountError %s", tc.in, got, err, tc.want)
			continue
		}
		if ae.Problem != tc.want || ae.Whole != tc.whole || ae.Input != tc.in || got != 0 {
			t.Errorf("ParseAmount(%q) = %d, %+v; want %s (whole %q)", tc.in, got, ae, tc.want, tc.whole)
		}
		if !errors.Is(err, models.ErrAmount) {
			t.Errorf("ParseAmount(%q): %v is not ErrAmount", tc.in, err)
		}
	}
}

// What the shop writes in its own forms and exports reads back unchanged.
func TestParseAmount_ReadsBackDecimal(t *testing.T) {
	for _, c := range []int64{0, 1, 5, 10, 99, 100, 4550, 123456, models.MaxTypedAmount} {
		s := models.Soles(c).Decimal()
		got, err := models.ParseAmount(s)
		if err != nil || got != c {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", s, got, err, c)
		}
	}
}
