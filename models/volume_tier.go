package models

import (
	"context"
	"fmt"
	"math/bits"
	"sort"
	"time"

	"gorm.io/gorm"
)

// Volume tiers: a product may sell cheaper to resellers from a quantity
// up (from 24 pieces, S/ 40.00 each). A tier is a price only; the line
// sold under it snapshots TierBreakdown of the product's current
// wholesale breakdown, which keeps what artisans are paid exactly:
//
//   - artisan labour, materials and community fund: unchanged;
//   - taxes (IGV, included in the price): the wholesale breakdown's share
//     of the price kept at the tier price (taxes × tier price ÷ wholesale
//     price, rounded down), so a breakdown carrying 18/118 of its price
//     as IGV still does;
//   - the rest of the reduction comes out of CIAP's side, in this order:
//     margin, CIAP operations, logistics, payment fees.
//
// The store refuses a tier those four cannot pay for (it would pay the
// artisans less), a tier not below the wholesale price and tiers whose
// price does not fall as the quantity grows. A tier that a later price
// change made impossible is skipped when pricing (the line is sold at
// the plain wholesale price), never split out of the artisans' share.

// VolumeTier is a product's price per piece from MinQty pieces up.
type VolumeTier struct {
	ID        int64    `gorm:"primaryKey"`
	ProductID int64    `gorm:"not null"`
	MinQty    int      `gorm:"not null"`
	Currency  Currency `gorm:"size:3;not null"`
	Price     int64    `gorm:"not null"`
	CreatedAt time.Time
}

// TableName is part of the migration history.
func (VolumeTier) TableName() string { return "volume_tiers" }

// PriceMoney is the tier's price per piece.
func (t *VolumeTier) PriceMoney() Money { return Money{Amount: t.Price, Currency: t.Currency} }

// MaxVolumeTiers bounds a product's tiers.
const MaxVolumeTiers = 5

// TierBreakdown splits price, a tier's price per piece, the way the
// wholesale breakdown w splits its own (see the comment above): the
// result is a copy of w at the new price, not stored; false when price
// is not below w's or CIAP's side cannot pay for the reduction.
func TierBreakdown(w *Breakdown, price int64) (*Breakdown, bool) {
	if w == nil || price <= 0 || price >= w.Price {
		return nil, false
	}
	b := *w
	b.Price = price
	b.Taxes = mulDiv(w.Taxes, price, w.Price)
	cut := (w.Price - price) - (w.Taxes - b.Taxes)
	for _, c := range []*int64{&b.Margin, &b.CIAPOperations, &b.Logistics, &b.PaymentFees} {
		take := min(*c, cut)
		*c -= take
		cut -= take
	}
	if cut > 0 {
		return nil, false
	}
	return &b, true
}

// mulDiv is a×b÷c rounded down, for 0 ≤ b < c, without overflow.
func mulDiv(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int64(q)
}

// ValidateTiers checks a product's tiers against its wholesale breakdown
// w: at most MaxVolumeTiers, quantities from 2 up and distinct, prices
// below the wholesale price, falling as the quantity grows, each one
// splittable without touching the artisans' share. Fields are
// "tiers.<n>" (0-based, in quantity order). tiers is sorted in place.
func ValidateTiers(w *Breakdown, tiers []VolumeTier) error {
	var v ValidationError
	if len(tiers) > MaxVolumeTiers {
		v.add("tiers", CodeTooManyTiers, "Max", MaxVolumeTiers)
		return &v
	}
	if len(tiers) > 0 && w == nil {
		v.add("tiers", CodeTierNoPrices)
		return &v
	}
	sort.SliceStable(tiers, func(i, j int) bool { return tiers[i].MinQty < tiers[j].MinQty })
	for i, t := range tiers {
		f := fmt.Sprintf("tiers.%d", i)
		switch {
		case t.MinQty < 2 || t.MinQty > MaxStockDelta || (i > 0 && t.MinQty == tiers[i-1].MinQty):
			v.add(f, CodeTierMinQty)
		case t.Price <= 0 || t.Price >= w.Price || (i > 0 && t.Price >= tiers[i-1].Price):
			v.add(f, CodeTierPrice)
		default:
			if _, ok := TierBreakdown(w, t.Price); !ok {
				v.add(f, CodeTierArtisans)
			}
		}
	}
	return v.orNil()
}

// setVolumeTiers replaces a product's tiers inside the product's edit
// transaction, after checking them against its current wholesale
// breakdown.
func setVolumeTiers(tx *gorm.DB, productID int64, tiers []VolumeTier) error {
	var p Product
	if err := tx.Preload("WholesaleBreakdown").Take(&p, productID).Error; err != nil {
		return dbError(err, fmt.Sprintf("product %d", productID))
	}
	if err := ValidateTiers(p.WholesaleBreakdown, tiers); err != nil {
		return tierFieldError(err)
	}
	if err := tx.Where("product_id = ?", productID).Delete(&VolumeTier{}).Error; err != nil {
		return fmt.Errorf("replace tiers of product %d: %w", productID, err)
	}
	now := time.Now().UTC()
	for i := range tiers {
		tiers[i].ID, tiers[i].ProductID, tiers[i].Currency, tiers[i].CreatedAt = 0, productID, PEN, now
	}
	if len(tiers) > 0 {
		if err := tx.Create(&tiers).Error; err != nil {
			return fmt.Errorf("save tiers of product %d: %w", productID, err)
		}
	}
	return nil
}

// tierFieldError names a tier's problem the way the product form does:
// one "tiers" field, with the tier's row (1-based) as Row.
func tierFieldError(err error) error {
	ve, _ := fieldErrors(err)
	if fe, ok := ve.Fields["tiers"]; ok {
		return Invalid("tiers", fe.Code, "Max", MaxVolumeTiers)
	}
	for i := 0; i < MaxVolumeTiers; i++ {
		if fe, ok := ve.Fields[fmt.Sprintf("tiers.%d", i)]; ok {
			return Invalid("tiers", fe.Code, "Row", i+1)
		}
	}
	return err
}

// VolumeTiers loads the tiers of the given products, lowest quantity
// first, by product.
func (s *Store) VolumeTiers(ctx context.Context, productIDs ...int64) (map[int64][]VolumeTier, error) {
	return volumeTiers(s.db.WithContext(ctx), productIDs)
}

func volumeTiers(tx *gorm.DB, ids []int64) (map[int64][]VolumeTier, error) {
	out := map[int64][]VolumeTier{}
	if len(ids) == 0 {
		return out, nil
	}
	var ts []VolumeTier
	if err := tx.Where("product_id IN ?", ids).Order("product_id, min_qty").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("volume tiers: %w", err)
	}
	for _, t := range ts {
		out[t.ProductID] = append(out[t.ProductID], t)
	}
	return out, nil
}

// ApplicableTiers keeps the tiers (lowest quantity first) that pricing
// applies over the wholesale breakdown w: those TierBreakdown can split,
// the rule wholesaleTerms follows. What a price list shows is then what
// an order is charged.
func ApplicableTiers(w *Breakdown, tiers []VolumeTier) []VolumeTier {
	var out []VolumeTier
	for _, t := range tiers {
		if _, ok := TierBreakdown(w, t.Price); ok {
			out = append(out, t)
		}
	}
	return out
}

// ApplicableVolumeTiers loads the given products' tiers that apply today
// (ApplicableTiers over each product's current wholesale breakdown),
// lowest quantity first, by product.
func (s *Store) ApplicableVolumeTiers(ctx context.Context, productIDs ...int64) (map[int64][]VolumeTier, error) {
	tx := s.db.WithContext(ctx)
	all, err := volumeTiers(tx, productIDs)
	if err != nil || len(all) == 0 {
		return all, err
	}
	ids := make([]int64, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	var ps []Product
	err = tx.Select("id", "wholesale_breakdown_id").Preload("WholesaleBreakdown").Where("id IN ?", ids).Find(&ps).Error
	if err != nil {
		return nil, fmt.Errorf("wholesale breakdowns of tiered products: %w", err)
	}
	out := make(map[int64][]VolumeTier, len(ps))
	for i := range ps {
		if ts := ApplicableTiers(ps[i].WholesaleBreakdown, all[ps[i].ID]); len(ts) > 0 {
			out[ps[i].ID] = ts
		}
	}
	return out, nil
}

// WholesaleTerms is how a wholesale line of some pieces is sold: the
// breakdown its snapshot copies and the tier applied, if any.
type WholesaleTerms struct {
	Breakdown *Breakdown  // the wholesale breakdown, or its split at the tier price
	Tier      *VolumeTier // nil at the plain wholesale price
}

// wholesaleTerms prices qty pieces of p (with its wholesale breakdown)
// under the highest tier qty reaches that can be split; nil when p has
// no wholesale price.
func wholesaleTerms(p *Product, tiers []VolumeTier, qty int) *WholesaleTerms {
	w := p.WholesaleBreakdown
	if w == nil {
		return nil
	}
	for i := len(tiers) - 1; i >= 0; i-- {
		if qty < tiers[i].MinQty {
			continue
		}
		if b, ok := TierBreakdown(w, tiers[i].Price); ok {
			return &WholesaleTerms{Breakdown: b, Tier: &tiers[i]}
		}
	}
	return &WholesaleTerms{Breakdown: w}
}
