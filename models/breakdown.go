package models

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Channel is the sales channel a breakdown prices for.
type Channel string

// Sales channels.
const (
	ChannelRetail    Channel = "retail"
	ChannelWholesale Channel = "wholesale"
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return c == ChannelRetail || c == ChannelWholesale }

// ComponentKey names one of the eight parts a price is split into. The keys
// are part of the public API contract: never rename one.
type ComponentKey string

// The eight components, in the order DESIGN.md lists them.
const (
	ArtisanLabour    ComponentKey = "artisan_labour"
	ArtisanMaterials ComponentKey = "artisan_materials"
	CommunityFund    ComponentKey = "community_fund"
	CIAPOperations   ComponentKey = "ciap_operations"
	Logistics        ComponentKey = "logistics"
	PaymentFees      ComponentKey = "payment_fees"
	Taxes            ComponentKey = "taxes"
	Margin           ComponentKey = "margin"
)

// ComponentKeys lists the components in display order.
var ComponentKeys = []ComponentKey{ArtisanLabour, ArtisanMaterials, CommunityFund,
	CIAPOperations, Logistics, PaymentFees, Taxes, Margin}

// PaysArtisans reports whether the component is money that goes to the group.
func (k ComponentKey) PaysArtisans() bool {
	return k == ArtisanLabour || k == ArtisanMaterials || k == CommunityFund
}

// Component is one named amount of a breakdown.
type Component struct {
	Key    ComponentKey
	Amount Money
}

// Breakdown is one immutable version of how a product's price is split for
// one channel. The store only ever inserts breakdowns: a change is a new
// version with who, when and why.
type Breakdown struct {
	ID        int64    `gorm:"primaryKey"`
	ProductID int64    `gorm:"not null;uniqueIndex:ux_breakdown_version,priority:1"`
	Channel   Channel  `gorm:"size:12;not null;uniqueIndex:ux_breakdown_version,priority:2"`
	Version   int      `gorm:"not null;uniqueIndex:ux_breakdown_version,priority:3"`
	Currency  Currency `gorm:"size:3;not null"`
	Price     int64    `gorm:"not null"`

	ArtisanLabour    int64 `gorm:"not null"`
	ArtisanMaterials int64 `gorm:"not null"`
	CommunityFund    int64 `gorm:"not null"`
	CIAPOperations   int64 `gorm:"column:ciap_operations;not null"`
	Logistics        int64 `gorm:"not null"`
	PaymentFees      int64 `gorm:"not null"`
	Taxes            int64 `gorm:"not null"`
	Margin           int64 `gorm:"not null"`

	// LocalMarketPrice is what an intermediary would pay the artisans for
	// the same piece: a reference, not part of the price.
	LocalMarketPrice int64 `gorm:"not null"`
	// LabourMinutes is the work one piece takes, kept with the version so
	// an old version's hourly pay stays what it was.
	LabourMinutes int `gorm:"not null"`

	CreatedBy string    `gorm:"size:200;not null"`
	Reason    string    `gorm:"size:500;not null"`
	CreatedAt time.Time `gorm:"not null"` // effective from
}

// TableName keeps the table name explicit; it is part of the migration history.
func (Breakdown) TableName() string { return "price_breakdowns" }

// Components returns the eight amounts in display order.
func (b *Breakdown) Components() []Component {
	return []Component{
		{ArtisanLabour, b.money(b.ArtisanLabour)},
		{ArtisanMaterials, b.money(b.ArtisanMaterials)},
		{CommunityFund, b.money(b.CommunityFund)},
		{CIAPOperations, b.money(b.CIAPOperations)},
		{Logistics, b.money(b.Logistics)},
		{PaymentFees, b.money(b.PaymentFees)},
		{Taxes, b.money(b.Taxes)},
		{Margin, b.money(b.Margin)},
	}
}

// SetComponent sets one component by key; it reports false for an unknown key.
func (b *Breakdown) SetComponent(k ComponentKey, amount int64) bool {
	switch k {
	case ArtisanLabour:
		b.ArtisanLabour = amount
	case ArtisanMaterials:
		b.ArtisanMaterials = amount
	case CommunityFund:
		b.CommunityFund = amount
	case CIAPOperations:
		b.CIAPOperations = amount
	case Logistics:
		b.Logistics = amount
	case PaymentFees:
		b.PaymentFees = amount
	case Taxes:
		b.Taxes = amount
	case Margin:
		b.Margin = amount
	default:
		return false
	}
	return true
}

func (b *Breakdown) money(a int64) Money { return Money{Amount: a, Currency: b.Currency} }

// PriceMoney is the price this breakdown splits.
func (b *Breakdown) PriceMoney() Money { return b.money(b.Price) }

// Sum adds the eight components.
func (b *Breakdown) Sum() int64 {
	return b.ArtisanLabour + b.ArtisanMaterials + b.CommunityFund + b.CIAPOperations +
		b.Logistics + b.PaymentFees + b.Taxes + b.Margin
}

// PaidToArtisans = labour + materials + community fund.
func (b *Breakdown) PaidToArtisans() Money {
	return b.money(b.ArtisanLabour + b.ArtisanMaterials + b.CommunityFund)
}

// LocalMarket is the local market price as Money.
func (b *Breakdown) LocalMarket() Money { return b.money(b.LocalMarketPrice) }

// Surplus = paid to artisans − local market price.
func (b *Breakdown) Surplus() Money { return b.PaidToArtisans().Sub(b.LocalMarket()) }

// EffectiveHourlyPay = labour ÷ labour hours, in minor units per hour,
// rounded down so the shop never overstates it.
func (b *Breakdown) EffectiveHourlyPay() Money {
	if b.LabourMinutes <= 0 {
		return b.money(0)
	}
	return b.money(b.ArtisanLabour * 60 / int64(b.LabourMinutes))
}

// LabourHours is the labour per piece in hours, for display.
func (b *Breakdown) LabourHours() float64 { return float64(b.LabourMinutes) / 60 }

// SharePermille is the component's share of the price in thousandths.
func (b *Breakdown) SharePermille(amount int64) int64 {
	if b.Price <= 0 {
		return 0
	}
	return amount * 1000 / b.Price
}

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

// Validate checks the breakdown's own invariants: a known channel and
// currency, a positive price, no negative component, components that add
// up to the price exactly, labour time and a reason.
func (b *Breakdown) Validate() error {
	var v ValidationError
	if !b.Channel.Valid() {
		v.add("channel", CodeChannel)
	}
	if b.Currency != PEN {
		v.add("currency", CodeCurrency)
	}
	if b.Price <= 0 {
		v.add("price", CodePositive)
	}
	for _, c := range b.Components() {
		if c.Amount.Amount < 0 {
			v.add(string(c.Key), CodeNegative)
		}
	}
	if b.LocalMarketPrice < 0 {
		v.add("local_market_price", CodeNegative)
	}
	if b.LabourMinutes <= 0 {
		v.add("labour_minutes", CodePositive)
	}
	if strings.TrimSpace(b.Reason) == "" {
		v.add("reason", CodeReason)
	}
	if strings.TrimSpace(b.CreatedBy) == "" {
		v.add("created_by", CodeRequired)
	}
	if sum := b.Sum(); b.Price > 0 && sum != b.Price {
		v.add("components", CodeComponents, "Sum", Soles(sum), "Price", Soles(b.Price), "Difference", Soles(b.Price-sum))
	}
	return v.orNil()
}

// SameArtisanPay reports whether two breakdowns pay the artisans the same:
// equal labour, materials and community fund. Discounts come out of CIAP's
// side, never out of the artisans'.
func SameArtisanPay(a, b *Breakdown) bool {
	return a.ArtisanLabour == b.ArtisanLabour && a.ArtisanMaterials == b.ArtisanMaterials &&
		a.CommunityFund == b.CommunityFund
}
