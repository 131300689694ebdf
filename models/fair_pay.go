package models

import "sort"

// FairPay is one product's fair pay under its current retail breakdown:
// the effective hourly pay (labour ÷ labour hours) against Peru's legal
// minimum wage (RMV) and the living-wage reference, and the surplus over
// the local market price.
type FairPay struct {
	Product   *Product
	Breakdown *Breakdown
	Hourly    Money
	// BelowRMV and BelowLiving: the hourly pay is under the line (never
	// BelowLiving while no living-wage reference is recorded).
	BelowRMV, BelowLiving bool
	// NoSurplus: the artisans get no more than the local market pays.
	NoSurplus bool
	// Undocumented: the local market price says nothing of its source or date.
	Undocumented bool
}

// Flagged reports whether the product is under either line or pays no
// surplus: such products are listed first.
func (f *FairPay) Flagged() bool { return f.BelowRMV || f.BelowLiving || f.NoSurplus }

// GroupName is the name of the product's producer group, or "" when the
// product was loaded without it.
func (f *FairPay) GroupName() string {
	if f.Product.Group == nil {
		return ""
	}
	return f.Product.Group.Name
}

// FairPayOf computes every product's fair pay (of groupID only, unless 0)
// and orders them: flagged products first, then by hourly pay, lowest
// first, then by slug. Products without a retail breakdown are left out.
func FairPayOf(ps []Product, groupID int64, rmvHourly Money, living *LivingWage) []FairPay {
	out := make([]FairPay, 0, len(ps))
	for i := range ps {
		p := &ps[i]
		b := p.RetailBreakdown
		if b == nil || (groupID != 0 && p.GroupID != groupID) {
			continue
		}
		f := FairPay{Product: p, Breakdown: b, Hourly: b.EffectiveHourlyPay()}
		f.BelowRMV = f.Hourly.Amount < rmvHourly.Amount
		f.BelowLiving = living != nil && f.Hourly.Amount < living.Hourly().Amount
		f.NoSurplus = b.Surplus().Amount <= 0
		f.Undocumented = !b.LocalMarketDocumented()
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.Flagged() != b.Flagged() {
			return a.Flagged()
		}
		if a.Hourly.Amount != b.Hourly.Amount {
			return a.Hourly.Amount < b.Hourly.Amount
		}
		return a.Product.Slug < b.Product.Slug
	})
	return out
}
