package models

import "strings"

// RUC (Registro Único de Contribuyentes) is Peru's taxpayer number, which
// a wholesale applicant gives for their business: 11 digits, the first two
// saying the kind of taxpayer (10 a person, 15 and 17 other persons and
// non-residents, 20 a company), the last a check digit SUNAT computes from
// the first ten.

// rucLen is the number of digits of a RUC.
const rucLen = 11

// rucPrefixes are the kinds of taxpayer a RUC may start with.
var rucPrefixes = []string{"10", "15", "17", "20"}

// rucWeights multiply the first ten digits for SUNAT's check digit.
var rucWeights = [rucLen - 1]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}

// RUCCheckDigit computes SUNAT's check digit of the first ten digits of
// a RUC (modulo 11: 11 − sum % 11, where 10 becomes 0 and 11 becomes 1).
// ten must be ten ASCII digits.
func RUCCheckDigit(ten string) byte {
	sum := 0
	for i, w := range rucWeights {
		sum += int(ten[i]-'0') * w
	}
	d := 11 - sum%11
	switch d {
	case 10:
		d = 0
	case 11:
		d = 1
	}
	return byte('0' + d)
}

// ParseRUC reads a RUC as typed: spaces are dropped; what is left must be
// 11 digits, start with a known prefix and end with the right check
// digit. The problem is a ValidationError on the field "ruc".
func ParseRUC(s string) (string, error) {
	ruc := strings.Join(strings.Fields(s), "")
	if ruc == "" {
		return "", Invalid("ruc", CodeRequired)
	}
	if len(ruc) != rucLen || strings.Trim(ruc, "0123456789") != "" {
		return "", Invalid("ruc", CodeRUCFormat)
	}
	prefixOK := false
	for _, p := range rucPrefixes {
		prefixOK = prefixOK || strings.HasPrefix(ruc, p)
	}
	if !prefixOK {
		return "", Invalid("ruc", CodeRUCPrefix)
	}
	if RUCCheckDigit(ruc[:rucLen-1]) != ruc[rucLen-1] {
		return "", Invalid("ruc", CodeRUCCheckDigit)
	}
	return ruc, nil
}
