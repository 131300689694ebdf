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

// ErrInvalid marks input that breaks a domain rule; its message says what
// to fix and is safe to show to the user.
var ErrInvalid = errors.New("invalid")

// ValidationError lists what is wrong with an input, per field.
type ValidationError struct {
	Fields map[string]string // field → message
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k, v := range e.Fields {
		keys = append(keys, k+": "+v)
	}
	sort.Strings(keys)
	return "invalid input: " + strings.Join(keys, "; ")
}

// Is lets errors.Is(err, ErrInvalid) match any ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

func (e *ValidationError) add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// Has reports whether field has a message.
func (e *ValidationError) Has(field string) bool {
	_, ok := e.Fields[field]
	return ok
}

// fieldErrors is err's field messages, to add more to, or err itself when
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
		v.add("channel", "must be retail or wholesale")
	}
	if b.Currency != PEN {
		v.add("currency", "must be PEN")
	}
	if b.Price <= 0 {
		v.add("price", "must be greater than zero")
	}
	for _, c := range b.Components() {
		if c.Amount.Amount < 0 {
			v.add(string(c.Key), "must not be negative")
		}
	}
	if b.LocalMarketPrice < 0 {
		v.add("local_market_price", "must not be negative")
	}
	if b.LabourMinutes <= 0 {
		v.add("labour_minutes", "must be greater than zero")
	}
	if strings.TrimSpace(b.Reason) == "" {
		v.add("reason", "say why the price is set or changed")
	}
	if strings.TrimSpace(b.CreatedBy) == "" {
		v.add("created_by", "must name who made the change")
	}
	if sum := b.Sum(); b.Price > 0 && sum != b.Price {
		v.add("components", fmt.Sprintf("add up to %s but the price is %s (difference %s)",
			Soles(sum).Decimal(), Soles(b.Price).Decimal(), Soles(b.Price-sum).Decimal()))
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
