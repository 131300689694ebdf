package models

import (
	"fmt"
	"strconv"
	"strings"
)

// Currency is an ISO 4217 code. The shop sells in soles (PEN).
type Currency string

// PEN is the shop currency: Peruvian sol, 2 minor digits (céntimos).
const PEN Currency = "PEN"

// Money is an amount in minor units (céntimos) of a currency. Never a float.
type Money struct {
	Amount   int64    `json:"amount"`
	Currency Currency `json:"currency"`
}

// Soles builds a PEN amount from céntimos.
func Soles(cents int64) Money { return Money{Amount: cents, Currency: PEN} }

// Add returns m+o; both must share a currency (checked by callers that mix
// currencies, which the shop never does today).
func (m Money) Add(o Money) Money { return Money{Amount: m.Amount + o.Amount, Currency: m.Currency} }

// Sub returns m-o.
func (m Money) Sub(o Money) Money { return Money{Amount: m.Amount - o.Amount, Currency: m.Currency} }

// Mul returns m×n.
func (m Money) Mul(n int64) Money { return Money{Amount: m.Amount * n, Currency: m.Currency} }

// Decimal renders the amount as a plain decimal string ("1234.50"), the
// form used in CSV exports and form fields.
func (m Money) Decimal() string {
	sign := ""
	a := m.Amount
	if a < 0 {
		sign, a = "-", -a
	}
	return fmt.Sprintf("%s%d.%02d", sign, a/100, a%100)
}

// ParseDecimal reads "12", "12.5", "12.50" or "1,234.50" as céntimos. It
// rejects more than two decimals, signs and anything that is not a number,
// so a typo never becomes a silently rounded price.
func ParseDecimal(s string) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q is not an amount", s)
		}
	}
	if hasFrac && (len(frac) == 0 || len(frac) > 2) {
		return 0, fmt.Errorf("%q: use at most two decimals", s)
	}
	if len(whole) > 12 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}
