package models

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// ErrInvalid marks input that breaks a domain rule.
var ErrInvalid = errors.New("invalid")

// Code names what is wrong with a field. Codes are a stable contract: the
// JSON API answers them, and the edge shows each as the translated message
// "admin.error.<code>" filled with the field error's arguments. Never
// rename one.
type Code string

// The codes, with the arguments their messages take.
const (
	CodeRequired             Code = "required"
	CodeTooLong              Code = "too_long" // Max
	CodeNegative             Code = "negative"
	CodePositive             Code = "positive"
	CodeMinOne               Code = "min_one"
	CodeMaxQty               Code = "max_qty" // Max
	CodeSlug                 Code = "slug"
	CodeSlugTaken            Code = "slug_taken"
	CodeRegion               Code = "region"
	CodeCraft                Code = "craft"
	CodePercent              Code = "percent"
	CodeCadence              Code = "cadence"
	CodeAssociation          Code = "association"
	CodeGroup                Code = "group"
	CodeAssociationInactive  Code = "association_inactive"
	CodeAssociationHasGroups Code = "association_has_groups" // Count
	CodeGroupHasProducts     Code = "group_has_products"     // Count
	CodePublishWithoutPrices Code = "publish_without_prices"
	CodePublishInactiveGroup Code = "publish_inactive_group"
	CodeChannel              Code = "channel"
	CodeCurrency             Code = "currency"
	CodeReason               Code = "reason"
	CodeComponents           Code = "components" // Sum, Price, Difference (Money)
	CodeBothBreakdowns       Code = "both_breakdowns"
	CodeNothingChanged       Code = "nothing_changed"
	CodeWholesaleArtisans    Code = "wholesale_artisans"
	CodeWholesaleAboveRetail Code = "wholesale_above_retail"
	CodeStockReason          Code = "stock_reason"
	CodeStockZero            Code = "stock_zero"
	CodeStockBounds          Code = "stock_bounds" // Count
	CodeStockPositive        Code = "stock_positive"
	CodeStockNegative        Code = "stock_negative"
	CodeStockNote            Code = "stock_note"
	CodeImageMissing         Code = "image_missing"
	CodeImageTooLarge        Code = "image_too_large"
	CodeImageSVG             Code = "image_svg"
	CodeImageType            Code = "image_type"
	CodeImageBroken          Code = "image_broken"
	CodeImageSize            Code = "image_size"
	CodeImagePixels          Code = "image_pixels" // Max (megapixels)
	CodeRole                 Code = "role"
	CodeUserUnchanged        Code = "user_unchanged"
	CodeEmail                Code = "email"
	CodePasswordShort        Code = "password_short" // Min
	CodePasswordLong         Code = "password_long"  // Max
	CodeAtMost               Code = "at_most"        // Max
	CodeTooLarge             Code = "too_large"
	CodeBelowMinimum         Code = "below_minimum"
	CodePhone                Code = "phone"
	CodeCountry              Code = "country"
	CodeRetailOnly           Code = "retail_only"
	CodePaymentMethod        Code = "payment_method"
	CodeFuture               Code = "future"
	CodeQuantity             Code = "quantity" // Max
	CodeCartEmpty            Code = "cart_empty"
	CodeTooManyLines         Code = "too_many_lines" // Max
	CodeTransitionNote       Code = "transition_note"
	CodeBankReference        Code = "bank_reference"
	CodeRefund               Code = "refund"
	CodeRUCFormat            Code = "ruc_format"
	CodeOneLine              Code = "one_line"
	CodeRUCPrefix            Code = "ruc_prefix"
	CodeRUCCheckDigit        Code = "ruc_check_digit"
	CodeSKU                  Code = "sku"
	CodeSKUTaken             Code = "sku_taken"
	CodeLeadTime             Code = "lead_time" // Max
	CodeTierMinQty           Code = "tier_min_qty"
	CodeTierPrice            Code = "tier_price"
	CodeTierArtisans         Code = "tier_artisans"
	CodeTierNoPrices         Code = "tier_no_prices"
	CodeTooManyTiers         Code = "too_many_tiers"  // Max
	CodeBelowMinOrder        Code = "below_min_order" // Min (Money)
	// Problems of a wholesale line (WholesaleProblem).
	CodeUnknownProduct     Code = "unknown_product"
	CodeNotForSale         Code = "not_for_sale"
	CodeNotPackMultiple    Code = "not_pack_multiple" // Step
	CodeAboveStock         Code = "above_stock"       // Stock
	CodeDateFuture         Code = "date_future"
	CodeHoursPerWeek       Code = "hours_per_week" // Max
	CodeReferenceUnchanged Code = "reference_unchanged"
	CodeProductionOrder    Code = "production_order"
)

// FieldError is what is wrong with one field: a code and the values its
// message shows. A Money argument is formatted by the edge, in the
// reader's language.
type FieldError struct {
	Code Code
	Args map[string]any
}

// ValidationError lists what is wrong with an input, per field.
type ValidationError struct {
	Fields map[string]FieldError
}

// Invalid is a ValidationError on one field; args are name/value pairs.
func Invalid(field string, code Code, args ...any) *ValidationError {
	var v ValidationError
	v.add(field, code, args...)
	return &v
}

// Error names each field and code, for logs and the command line.
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k, fe := range e.Fields {
		s := k + ": " + string(fe.Code)
		if len(fe.Args) > 0 {
			args := make([]string, 0, len(fe.Args))
			for n, v := range fe.Args {
				args = append(args, fmt.Sprintf("%s=%v", n, v))
			}
			sort.Strings(args)
			s += " (" + strings.Join(args, ", ") + ")"
		}
		keys = append(keys, s)
	}
	sort.Strings(keys)
	return "invalid input: " + strings.Join(keys, "; ")
}

// Is lets errors.Is(err, ErrInvalid) match any ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// add records the first problem found on a field; args are name/value
// pairs.
func (e *ValidationError) add(field string, code Code, args ...any) {
	var m map[string]any
	if len(args) > 1 {
		m = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			m[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	e.addError(field, FieldError{Code: code, Args: m})
}

func (e *ValidationError) addError(field string, fe FieldError) {
	if e.Fields == nil {
		e.Fields = map[string]FieldError{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = fe
	}
}

// Has reports whether field has a problem.
func (e *ValidationError) Has(field string) bool {
	_, ok := e.Fields[field]
	return ok
}

// fieldErrors is err's field problems, to add more to, or err itself when
// it is not a ValidationError.
func fieldErrors(err error) (ValidationError, error) {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return *ve, nil
	}
	return ValidationError{}, err
}

func (e *ValidationError) orNil() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// ControlChar reports a character no text the shop reads takes, in a form
// field or an uploaded sheet: a C0 or C1 control or DEL, except tab, LF and
// CR; a line or paragraph separator; a bidi embedding, override or isolate.
// They garble mails, documents, logs and exports, or make text read
// otherwise than it is stored.
func ControlChar(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return false
	case unicode.IsControl(r), r == '\u2028', r == '\u2029':
		return true
	}
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069'
}
