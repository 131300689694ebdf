package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// PriceChange is what SaveBreakdowns did.
type PriceChange struct {
	Retail, Wholesale       *Breakdown // the current versions now
	NewRetail, NewWholesale bool       // whether a new version was recorded
	LockVersion             int64      // the product's new lock version
}

// sameTerms reports whether two breakdowns split the same price the same
// way, with the same reference figures: saving such a form again records
// no new version.
func sameTerms(a, b *Breakdown) bool {
	return a.Currency == b.Currency && a.Price == b.Price &&
		a.ArtisanLabour == b.ArtisanLabour && a.ArtisanMaterials == b.ArtisanMaterials &&
		a.CommunityFund == b.CommunityFund && a.CIAPOperations == b.CIAPOperations &&
		a.Logistics == b.Logistics && a.PaymentFees == b.PaymentFees && a.Taxes == b.Taxes &&
		a.Margin == b.Margin && a.LocalMarketPrice == b.LocalMarketPrice && a.LabourMinutes == b.LabourMinutes &&
		a.LocalMarketSource == b.LocalMarketSource && a.LocalMarketMethod == b.LocalMarketMethod &&
		sameDay(a.LocalMarketDate, b.LocalMarketDate)
}

// sameDay compares two optional dates by their day.
func sameDay(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Format(time.DateOnly) == b.Format(time.DateOnly)
}

func breakdownAudit(b *Breakdown) map[string]any {
	if b == nil {
		return nil
	}
	m := map[string]any{"version": b.Version, "price": b.Price, "local_market_price": b.LocalMarketPrice,
		"labour_minutes": b.LabourMinutes}
	if b.LocalMarketSource != "" || b.LocalMarketMethod != "" || b.LocalMarketDate != nil {
		m["local_market_source"], m["local_market_method"] = b.LocalMarketSource, b.LocalMarketMethod
		if b.LocalMarketDate != nil {
			m["local_market_date"] = b.LocalMarketDate.Format(time.DateOnly)
		}
	}
	for _, c := range b.Components() {
		m[string(c.Key)] = c.Amount.Amount
	}
	return m
}

func pricesAudit(retail, wholesale *Breakdown) map[string]any {
	m := map[string]any{}
	if retail != nil {
		m["retail"] = breakdownAudit(retail)
	}
	if wholesale != nil {
		m["wholesale"] = breakdownAudit(wholesale)
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// MaxReasonLen is the longest reason for a price change, in each language.
const MaxReasonLen = 500

// PriceReasons is why prices change, in Spanish and in English; one may
// be empty.
type PriceReasons struct{ ES, EN string }

// LocalText is a text and the language it is written in.
type LocalText struct{ Text, Lang string }

// ReasonIn is the version's reason in lang ("es" or "en"), or the other
// language's when that one is empty; Lang says which it is, so a page
// can mark a fallback with a lang attribute.
func (b *Breakdown) ReasonIn(lang string) LocalText {
	return Bilingual(b.Reason, b.ReasonEn, lang)
}

// Bilingual picks the Spanish or English text for lang, falling back to
// the other when it is empty.
func Bilingual(es, en, lang string) LocalText {
	es, en = strings.TrimSpace(es), strings.TrimSpace(en)
	if lang == "en" && en != "" || es == "" {
		return LocalText{Text: en, Lang: "en"}
	}
	return LocalText{Text: es, Lang: "es"}
}

// SaveBreakdowns is SaveBreakdownsWithReasons with the reason in Spanish
// only.
func (e *Editor) SaveBreakdowns(ctx context.Context, productID, seen int64, retail, wholesale *Breakdown, reason string) (*PriceChange, error) {
	return e.SaveBreakdownsWithReasons(ctx, productID, seen, retail, wholesale, PriceReasons{ES: reason})
}

// SaveBreakdownsWithReasons records the product's retail and wholesale breakdowns as
// the editor submitted them, with the reason for the change. seen is the
// product's lock version when the form was opened. A channel whose
// breakdown is unchanged keeps its current version; the other gets a new
// one (old versions are kept, unchanged). Both are checked together: they
// must add up, and the wholesale one must pay artisans exactly what the
// retail one does. The audit entry records both before and after, and
// the reasons.
func (e *Editor) SaveBreakdownsWithReasons(ctx context.Context, productID, seen int64, retail, wholesale *Breakdown, reasons PriceReasons) (*PriceChange, error) {
	reasons.ES, reasons.EN = strings.TrimSpace(reasons.ES), strings.TrimSpace(reasons.EN)
	if retail == nil || wholesale == nil {
		return nil, Invalid("breakdown", CodeBothBreakdowns)
	}
	var out *PriceChange
	err := e.tx(ctx, func(tx *gorm.DB) error {
		// Lock the row and check the version; setBreakdowns bumps it.
		var p Product
		if err := forUpdate(tx).Preload("RetailBreakdown").Preload("WholesaleBreakdown").Take(&p, productID).Error; err != nil {
			return dbError(err, fmt.Sprintf("product %d", productID))
		}
		if p.LockVersion != seen {
			return staleError(EntityProduct, productID, seen, p.LockVersion)
		}
		oldR, oldW := p.RetailBreakdown, p.WholesaleBreakdown
		out = &PriceChange{LockVersion: p.LockVersion + 1}
		pick := func(cur, sub *Breakdown, ch Channel) (*Breakdown, bool) {
			sub.Channel, sub.Currency = ch, PEN
			if cur != nil && sameTerms(cur, sub) {
				return cur, false
			}
			nb := *sub
			nb.ID, nb.ProductID, nb.Version, nb.CreatedBy = 0, productID, 0, e.actor
			nb.Reason, nb.ReasonEn = reasons.ES, reasons.EN
			nb.CreatedAt = time.Time{}
			return &nb, true
		}
		r, newR := pick(oldR, retail, ChannelRetail)
		w, newW := pick(oldW, wholesale, ChannelWholesale)
		if !newR && !newW {
			return Invalid("breakdown", CodeNothingChanged)
		}
		if err := setBreakdowns(tx, &p, r, w); err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				return priceFieldErrors(ve)
			}
			return err
		}
		out.Retail, out.Wholesale, out.NewRetail, out.NewWholesale = r, w, newR, newW
		after := pricesAudit(r, w)
		after["reason"] = map[string]any{"es": reasons.ES, "en": reasons.EN}
		reason := reasons.ES
		if reasons.EN != "" {
			reason = strings.TrimSpace(reason + " / " + reasons.EN)
		}
		return writeAudit(tx, e.actor, ActionPrice, EntityProduct, productID,
			priceSummary(&p, oldR, oldW, r, w, strings.TrimPrefix(reason, "/ ")), pricesAudit(oldR, oldW), after)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// priceFieldErrors names the fields the way the price form does: the
// reason is one field for both channels, and who made the change is not
// something the editor types.
func priceFieldErrors(ve *ValidationError) error {
	var v ValidationError
	for f, fe := range ve.Fields {
		switch f {
		case "retail.reason", "wholesale.reason":
			v.addError("reason", fe)
		case "retail.reason_en", "wholesale.reason_en":
			v.addError("reason_en", fe)
		case "retail.created_by", "wholesale.created_by":
			// the actor is checked before any change is made
		default:
			v.addError(f, fe)
		}
	}
	return v.orNil()
}

func priceSummary(p *Product, oldR, oldW, r, w *Breakdown, reason string) string {
	part := func(name string, old, cur *Breakdown) string {
		switch {
		case old == nil:
			return fmt.Sprintf("%s v%d %s", name, cur.Version, Soles(cur.Price).Decimal())
		case old.ID == cur.ID:
			return fmt.Sprintf("%s unchanged (v%d)", name, cur.Version)
		default:
			return fmt.Sprintf("%s v%d %s → v%d %s (paid to artisans %s → %s)", name, old.Version,
				Soles(old.Price).Decimal(), cur.Version, Soles(cur.Price).Decimal(),
				old.PaidToArtisans().Decimal(), cur.PaidToArtisans().Decimal())
		}
	}
	return fmt.Sprintf("prices of %s: %s; %s; reason: %s", p.Slug, part("retail", oldR, r),
		part("wholesale", oldW, w), reason)
}

// BreakdownByID loads one breakdown version of a product.
func (s *Store) BreakdownByID(ctx context.Context, productID, id int64) (*Breakdown, error) {
	var b Breakdown
	if err := s.db.WithContext(ctx).Where("product_id = ?", productID).Take(&b, id).Error; err != nil {
		return nil, dbError(err, fmt.Sprintf("breakdown %d of product %d", id, productID))
	}
	return &b, nil
}

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
	// Where the local market price comes from (migration 0020): who or
	// what was asked, the day it is of, and how it was found. Empty on
	// versions recorded before they were asked for.
	LocalMarketSource string     `gorm:"size:300;not null"`
	LocalMarketDate   *time.Time `gorm:"type:date"`
	LocalMarketMethod string     `gorm:"size:300;not null"`

	CreatedBy string `gorm:"size:200;not null"`
	// Reason is why the version was made, in Spanish (older versions:
	// as written); ReasonEn the same in English. One may be empty.
	Reason    string    `gorm:"size:500;not null"`
	ReasonEn  string    `gorm:"column:reason_en;size:500;not null"`
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
	validateLocalMarket(&v, b)
	if strings.TrimSpace(b.Reason) == "" && strings.TrimSpace(b.ReasonEn) == "" {
		v.add("reason", CodeReason)
	}
	if len([]rune(b.Reason)) > MaxReasonLen {
		v.add("reason", CodeTooLong, "Max", MaxReasonLen)
	}
	if len([]rune(b.ReasonEn)) > MaxReasonLen {
		v.add("reason_en", CodeTooLong, "Max", MaxReasonLen)
	}
	if strings.TrimSpace(b.CreatedBy) == "" {
		v.add("created_by", CodeRequired)
	}
	if sum := b.Sum(); b.Price > 0 && sum != b.Price {
		v.add("components", CodeComponents, "Sum", Soles(sum), "Price", Soles(b.Price), "Difference", Soles(b.Price-sum))
	}
	return v.orNil()
}

// maxLocalMarketText bounds the local market price's source and method.
const maxLocalMarketText = 300

// validateLocalMarket checks where the local market price comes from:
// optional (older versions have none), but not too long, and a day that
// has come.
func validateLocalMarket(v *ValidationError, b *Breakdown) {
	if len([]rune(b.LocalMarketSource)) > maxLocalMarketText {
		v.add("local_market_source", CodeTooLong, "Max", maxLocalMarketText)
	}
	if len([]rune(b.LocalMarketMethod)) > maxLocalMarketText {
		v.add("local_market_method", CodeTooLong, "Max", maxLocalMarketText)
	}
	if d := b.LocalMarketDate; d != nil && d.After(time.Now().Add(24*time.Hour)) {
		v.add("local_market_date", CodeDateFuture)
	}
}

// LocalMarketDocumented reports whether the local market price says where
// it comes from (source and date at least).
func (b *Breakdown) LocalMarketDocumented() bool {
	return strings.TrimSpace(b.LocalMarketSource) != "" && b.LocalMarketDate != nil
}

// SameArtisanPay reports whether two breakdowns pay the artisans the same:
// equal labour, materials and community fund. Discounts come out of CIAP's
// side, never out of the artisans'.
func SameArtisanPay(a, b *Breakdown) bool {
	return a.ArtisanLabour == b.ArtisanLabour && a.ArtisanMaterials == b.ArtisanMaterials &&
		a.CommunityFund == b.CommunityFund
}

// BreakdownHistory lists every version of a product's breakdowns for a
// channel, oldest first.
func (s *Store) BreakdownHistory(ctx context.Context, productID int64, ch Channel) ([]Breakdown, error) {
	var bs []Breakdown
	err := s.db.WithContext(ctx).Where("product_id = ? AND channel = ?", productID, ch).
		Order("version").Find(&bs).Error
	if err != nil {
		return nil, fmt.Errorf("breakdown history of product %d: %w", productID, err)
	}
	return bs, nil
}

// setBreakdowns checks the pair and inserts whichever of the two is new
// (ID 0), then points the product at them. It must run inside a transaction.
func setBreakdowns(tx *gorm.DB, p *Product, retail, wholesale *Breakdown) error {
	if retail == nil || wholesale == nil {
		return Invalid("breakdown", CodeBothBreakdowns)
	}
	retail.Channel, wholesale.Channel = ChannelRetail, ChannelWholesale
	var v ValidationError
	for _, b := range []*Breakdown{retail, wholesale} {
		if b.ID != 0 {
			continue
		}
		var bv *ValidationError
		if errors.As(b.Validate(), &bv) {
			for f, fe := range bv.Fields {
				v.addError(string(b.Channel)+"."+f, fe)
			}
		}
	}
	if !SameArtisanPay(retail, wholesale) {
		v.add("wholesale", CodeWholesaleArtisans)
	}
	if wholesale.Price > retail.Price {
		v.add("wholesale.price", CodeWholesaleAboveRetail)
	}
	if err := v.orNil(); err != nil {
		return err
	}
	for _, b := range []*Breakdown{retail, wholesale} {
		if b.ID != 0 {
			continue
		}
		var last int
		err := tx.Model(&Breakdown{}).Where("product_id = ? AND channel = ?", p.ID, b.Channel).
			Select("COALESCE(MAX(version), 0)").Scan(&last).Error
		if err != nil {
			return fmt.Errorf("next %s version of product %d: %w", b.Channel, p.ID, err)
		}
		b.ProductID, b.Version = p.ID, last+1
		if err := tx.Create(b).Error; err != nil {
			return dbError(err, fmt.Sprintf("insert %s breakdown v%d of product %d", b.Channel, b.Version, p.ID))
		}
	}
	err := tx.Model(&Product{}).Where("id = ?", p.ID).Updates(map[string]any{
		"retail_breakdown_id":     retail.ID,
		"wholesale_breakdown_id":  wholesale.ID,
		"price_amount":            retail.Price,
		"wholesale_price_amount":  wholesale.Price,
		"paid_to_artisans_amount": retail.PaidToArtisans().Amount,
		"lock_version":            gorm.Expr("lock_version + 1"), // an open back-office form is now stale
	}).Error
	if err != nil {
		return fmt.Errorf("point product %d at its breakdowns: %w", p.ID, err)
	}
	p.RetailBreakdownID, p.WholesaleBreakdownID = &retail.ID, &wholesale.ID
	p.RetailBreakdown, p.WholesaleBreakdown = retail, wholesale
	p.PriceAmount, p.WholesalePriceAmount = retail.Price, wholesale.Price
	p.PaidToArtisansAmount = retail.PaidToArtisans().Amount
	return nil
}
