package models

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
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

// MaxTypedAmount is the largest amount a person may type: S/ 100,000,000.00,
// far above any price or bank transfer the shop sees, and far enough below
// int64 that sums and products of such amounts cannot overflow.
const MaxTypedAmount int64 = 100_000_000_00

// ErrAmount matches (errors.Is) every *AmountError.
var ErrAmount = errors.New("not an amount in soles")

// AmountProblem says why a typed amount was refused; the edge turns it
// into a translated message that says what to write instead.
type AmountProblem string

// The reasons ParseAmount refuses an amount.
const (
	AmountEmpty     AmountProblem = "empty"     // nothing typed
	AmountMalformed AmountProblem = "malformed" // not a number in any accepted form
	AmountAmbiguous AmountProblem = "ambiguous" // "1,234" or "1.234": thousands or decimals?
	AmountDecimals  AmountProblem = "decimals"  // more than two decimals
	AmountNegative  AmountProblem = "negative"  // a minus sign
	AmountTooLarge  AmountProblem = "too_large" // above MaxTypedAmount
)

// AmountError is ParseAmount's refusal: what was typed and why.
type AmountError struct {
	Input   string
	Problem AmountProblem
	// Whole is, for AmountAmbiguous, the digits read as whole soles
	// ("1234" for "1.234"), so the message can suggest what to write.
	Whole string
}

func (e *AmountError) Error() string {
	return fmt.Sprintf("amount %q: %s", e.Input, e.Problem)
}

// Unwrap makes errors.Is(err, ErrAmount) true.
func (e *AmountError) Unwrap() error { return ErrAmount }

// ParseAmount reads an amount in soles that a person typed and returns it
// in céntimos. Peru writes "1,234.50" in print, but many people type a
// decimal comma ("45,50"), so both separators are read, and whatever could
// be read two ways is refused rather than guessed:
//
//   - Spaces around the amount and an optional "S/" (or the older "S/.")
//     before it are ignored: " S/ 45.50 " is 4550. After the symbol the
//     number starts with a digit, so "S/.50" is S/ 50.00, and ".50" is
//     refused (write 0.50).
//   - Digits only, with no separator, are whole soles: "45" is 4500.
//   - One "," or "." followed by one or two digits is the decimal
//     separator: "45,5" and "45.50" are 4550 and 4550.
//   - One "," or "." followed by exactly three digits ("1,234", "1.234")
//     could be thousands or a typo for decimals: refused as ambiguous,
//     asking for 1234 or 1234,00. Where it cannot be thousands ("0.500",
//     "1234.567") or has four or more digits after it, it is too many
//     decimals.
//   - Thousands are grouped by threes with one kind of separator that is
//     not the decimal one: "1.234,50", "1,234.50", "1 234,50",
//     "1 234.50", "1 234", and "1,234,567" / "1.234.567" (a repeated
//     separator cannot be a decimal one). Anything else ("1,23,456",
//     "1.234.50", "1,234,50", "12 34") is refused.
//   - A decimal separator takes at most two digits: "12.345" and
//     "1.234,567" are refused.
//   - A minus sign (or "−") is refused as negative; any other character
//     (letters, "+", "e", "NaN", "Inf", "_", a trailing separator as in
//     "45.") makes it malformed; nothing at all is empty.
//   - Zero is accepted (a component may be zero); above MaxTypedAmount
//     is too large.
//
// Every refusal is an *AmountError carrying its AmountProblem.
func ParseAmount(s string) (int64, error) {
	fail := func(p AmountProblem) (int64, error) { return 0, &AmountError{Input: s, Problem: p} }
	rest := trimAmountSpace(s)
	if hasMinus(rest) {
		return fail(AmountNegative)
	}
	if len(rest) >= 2 && (rest[0] == 'S' || rest[0] == 's') && rest[1] == '/' {
		rest = trimAmountSpace(strings.TrimPrefix(rest[2:], "."))
		if hasMinus(rest) {
			return fail(AmountNegative)
		}
	}
	if rest == "" {
		return fail(AmountEmpty)
	}
	groups, seps, ok := splitAmount(rest)
	if !ok {
		return fail(AmountMalformed)
	}
	whole, frac := groups, ""
	if n := len(seps); n > 0 && seps[n-1] != ' ' {
		dec := seps[n-1]
		same := true
		for _, sep := range seps[:n-1] {
			same = same && sep == dec
		}
		last := groups[n]
		switch {
		case n == 1 && len(last) == 3 && len(groups[0]) <= 3 && groups[0][0] != '0':
			return 0, &AmountError{Input: s, Problem: AmountAmbiguous, Whole: groups[0] + last}
		case same && n > 1:
			// "1.234.567": a separator used twice groups thousands.
		case len(last) > 2:
			return fail(AmountDecimals)
		default:
			whole, frac, seps = groups[:n], last, seps[:n-1]
		}
	}
	if !groupedByThrees(whole, seps) {
		return fail(AmountMalformed)
	}
	digits := strings.TrimLeft(strings.Join(whole, ""), "0")
	if len(digits) > 12 {
		return fail(AmountTooLarge)
	}
	soles, _ := strconv.ParseInt("0"+digits, 10, 64)
	cents, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	amount := soles*100 + cents
	if amount > MaxTypedAmount {
		return fail(AmountTooLarge)
	}
	return amount, nil
}

// amountSpaces are the spaces people and spreadsheets put in amounts:
// plain, no-break and narrow no-break.
const amountSpaces = " \t\u00a0\u202f"

func trimAmountSpace(s string) string { return strings.Trim(s, amountSpaces) }

func hasMinus(s string) bool { return strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") }

// splitAmount cuts "1 234,50" into digit groups ["1" "234" "50"] and the
// single separators between them [' ' ',']. Anything else, two separators
// in a row, or a separator at either end is not an amount.
func splitAmount(s string) (groups []string, seps []rune, ok bool) {
	start := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			continue
		case r == ',' || r == '.' || strings.ContainsRune(amountSpaces, r):
			if i == start {
				return nil, nil, false
			}
			groups = append(groups, s[start:i])
			start = i + utf8.RuneLen(r)
			if r != ',' && r != '.' {
				r = ' '
			}
			seps = append(seps, r)
		default:
			return nil, nil, false
		}
	}
	if start == len(s) {
		return nil, nil, false
	}
	return append(groups, s[start:]), seps, true
}

// groupedByThrees reports whether digit groups joined by thousands
// separators are written as such: one kind of separator, a first group of
// one to three digits, then groups of exactly three.
func groupedByThrees(groups []string, seps []rune) bool {
	for i, sep := range seps {
		if sep != seps[0] || len(groups[i+1]) != 3 {
			return false
		}
	}
	return len(seps) == 0 || len(groups[0]) <= 3
}
