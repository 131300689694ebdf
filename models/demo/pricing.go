package demo

import (
	"fmt"

	"github.com/ciap/qhatu/models"
)

// minHourlyPay is Peru's minimum wage (RMV, S/ 1,130 a month since
// January 2025) as an hourly figure: 1,130 ÷ 208 hours ≈ S/ 5.43. The shop
// commits to paying at least this much per hour of work.
const minHourlyPay = 543

// shares is a craft's retail price split, in thousandths of the price.
// Taxes (IGV, included in the price) are price×18/118; the margin is what
// is left, reinvested by CIAP (a non-profit) in training and design.
type shares struct {
	labour, materials, fund int64 // paid to the group
	ops, logistics, fees    int64 // CIAP's side
}

// craftShares: artisans get 50–55 % of the retail price in every craft.
// Fragile pieces (ceramics, bulls, retablos) cost more to pack and ship;
// alpaca yarn and silver raise materials.
var craftShares = map[models.Craft]shares{
	models.CraftRetablo:      {labour: 400, materials: 100, fund: 30, ops: 100, logistics: 70, fees: 40},
	models.CraftTapestry:     {labour: 390, materials: 130, fund: 30, ops: 90, logistics: 50, fees: 40},
	models.CraftCeramics:     {labour: 380, materials: 90, fund: 30, ops: 100, logistics: 80, fees: 40},
	models.CraftStoneCarving: {labour: 390, materials: 80, fund: 30, ops: 100, logistics: 70, fees: 40},
	models.CraftGourd:        {labour: 420, materials: 60, fund: 30, ops: 100, logistics: 50, fees: 40},
	models.CraftKnitwear:     {labour: 400, materials: 120, fund: 30, ops: 90, logistics: 50, fees: 40},
	models.CraftPucaraBull:   {labour: 380, materials: 90, fund: 30, ops: 100, logistics: 80, fees: 40},
	models.CraftJewellery:    {labour: 360, materials: 150, fund: 30, ops: 100, logistics: 40, fees: 40},
	models.CraftNativity:     {labour: 400, materials: 90, fund: 30, ops: 100, logistics: 70, fees: 40},
	models.CraftWeaving:      {labour: 410, materials: 110, fund: 30, ops: 90, logistics: 50, fees: 40},
}

// Wholesale pricing. Artisans are paid exactly as in retail; the discount
// comes out of CIAP's side. The wholesale price is 75 % of retail, raised
// where needed so that what artisans get is at most 72 % of it, then
// rounded up to a whole sol. Wholesale buyers mostly pay by bank transfer:
// fees are 2 % (the card rate for the rest). What is left after artisans,
// taxes and fees goes 45 % to operations, 40 % to logistics (bulk
// shipping), and the rest is the margin.
const (
	wholesalePermille      = 750
	wholesaleMaxArtisanPct = 72
	wholesaleFeesPermille  = 20
)

// priceFor builds the retail and wholesale breakdowns of a product priced
// at price céntimos whose piece takes minutes of work, and checks them.
// Errors name the product.
func priceFor(slug string, craft models.Craft, price int64, minutes int) (retail, wholesale *models.Breakdown, err error) {
	sh, ok := craftShares[craft]
	if !ok {
		return nil, nil, fmt.Errorf("demo product %q: no price shares for craft %q", slug, craft)
	}
	if price <= 0 || minutes <= 0 {
		return nil, nil, fmt.Errorf("demo product %q: price and labour minutes must be positive", slug)
	}
	part := func(permille int64) int64 { return price * permille / 1000 }
	r := &models.Breakdown{
		Channel: models.ChannelRetail, Currency: models.PEN, Price: price,
		ArtisanLabour: part(sh.labour), ArtisanMaterials: part(sh.materials), CommunityFund: part(sh.fund),
		CIAPOperations: part(sh.ops), Logistics: part(sh.logistics), PaymentFees: part(sh.fees),
		Taxes:         price * 18 / 118,
		LabourMinutes: minutes, CreatedBy: models.SystemActor, Reason: Reason,
	}
	r.Margin = price - r.Sum()
	paid := r.PaidToArtisans().Amount
	// An intermediary pays 42–58 % of what the group gets here, varying
	// by piece; rounded down to 10 céntimos.
	r.LocalMarketPrice = paid * (420 + int64(hash(slug)%165)) / 1000 / 10 * 10

	wp := max(price*wholesalePermille/1000, ceilDiv(paid*100, wholesaleMaxArtisanPct))
	wp = ceilDiv(wp, 100) * 100
	w := &models.Breakdown{
		Channel: models.ChannelWholesale, Currency: models.PEN, Price: wp,
		ArtisanLabour: r.ArtisanLabour, ArtisanMaterials: r.ArtisanMaterials, CommunityFund: r.CommunityFund,
		PaymentFees: wp * wholesaleFeesPermille / 1000, Taxes: wp * 18 / 118,
		LocalMarketPrice: r.LocalMarketPrice, LabourMinutes: minutes, CreatedBy: models.SystemActor, Reason: Reason,
	}
	pool := wp - paid - w.PaymentFees - w.Taxes
	w.CIAPOperations = pool * 45 / 100
	w.Logistics = pool * 40 / 100
	w.Margin = pool - w.CIAPOperations - w.Logistics

	for _, b := range []*models.Breakdown{r, w} {
		if err := b.Validate(); err != nil {
			return nil, nil, fmt.Errorf("demo product %q: %s breakdown: %w", slug, b.Channel, err)
		}
		if b.Sum() != b.Price {
			return nil, nil, fmt.Errorf("demo product %q: %s breakdown adds up to %d, not %d", slug, b.Channel, b.Sum(), b.Price)
		}
	}
	switch {
	case !models.SameArtisanPay(r, w):
		return nil, nil, fmt.Errorf("demo product %q: wholesale pays artisans differently from retail", slug)
	case w.Price > r.Price:
		return nil, nil, fmt.Errorf("demo product %q: wholesale price %d above retail %d", slug, w.Price, r.Price)
	case r.Surplus().Amount <= 0:
		return nil, nil, fmt.Errorf("demo product %q: no surplus over the local market price", slug)
	case r.EffectiveHourlyPay().Amount < minHourlyPay:
		return nil, nil, fmt.Errorf("demo product %q: hourly pay %s is below the minimum wage (S/ 5.43): "+
			"raise the price or lower the minutes", slug, r.EffectiveHourlyPay().Decimal())
	}
	return r, w, nil
}

// VolumeTiers gives pieces sold by the half dozen one volume price: from
// four times the minimum, 5 % off the wholesale price w (rounded down to
// a sol), when CIAP's side can pay for it (models.TierBreakdown).
func (p ProductSpec) VolumeTiers(w *models.Breakdown) []models.VolumeTier {
	if p.PackStep < 6 {
		return nil
	}
	price := w.Price * 95 / 100 / 100 * 100
	if _, ok := models.TierBreakdown(w, price); !ok {
		return nil
	}
	return []models.VolumeTier{{MinQty: 4 * p.MinQty, Price: price, Currency: models.PEN}}
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// hash is FNV-1a, 64 bits: a stable number per slug for deterministic
// variation (local market price here, palettes in cmd/genart).
func hash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
