package models

import (
	"cmp"
	"slices"
)

// Catalog-wide transparency figures: the arithmetic behind the home page,
// the transparency page and /api/v1/transparency.

// ComponentShare is one component's part of the catalog's total price.
type ComponentShare struct {
	Key      ComponentKey
	Amount   int64 // céntimos, summed over the catalog
	Permille int64 // of the catalog's total price; the eight add up to 1000
}

// CatalogFigures are the catalog-wide transparency figures, computed from
// each published product's current retail breakdown as if one of each
// product were sold.
type CatalogFigures struct {
	Products int
	// MedianSharePermille is the median share of the retail price paid to
	// artisans (labour + materials + community fund); with an even count
	// it is the mean of the two middle shares, rounded down.
	MedianSharePermille int64
	MinSharePermille    int64
	MaxSharePermille    int64
	TotalPrice          Money
	TotalPaidToArtisans Money
	TotalLocalMarket    Money
	// TotalSurplus = paid to artisans − local market price, summed.
	TotalSurplus Money
	// AverageHourlyPay is the catalog's labour pay over its labour time
	// (one of each product), rounded down.
	AverageHourlyPay Money
	// AtOrAboveMinimum counts products whose effective hourly pay is at
	// least the minimum wage per hour.
	AtOrAboveMinimum int
	Shares           []ComponentShare
}

// ComputeCatalogFigures sums the current retail breakdowns of ps. Products
// without a retail breakdown are skipped. minHourly is the minimum wage per
// hour the products are compared with.
func ComputeCatalogFigures(ps []Product, minHourly Money) CatalogFigures {
	f := CatalogFigures{
		TotalPrice: Soles(0), TotalPaidToArtisans: Soles(0),
		TotalLocalMarket: Soles(0), TotalSurplus: Soles(0), AverageHourlyPay: Soles(0),
	}
	sums := make(map[ComponentKey]int64, len(ComponentKeys))
	var shares []int64
	var labour, minutes int64
	for i := range ps {
		b := ps[i].RetailBreakdown
		if b == nil || b.Price <= 0 {
			continue
		}
		f.Products++
		shares = append(shares, b.SharePermille(b.PaidToArtisans().Amount))
		f.TotalPrice.Amount += b.Price
		f.TotalPaidToArtisans.Amount += b.PaidToArtisans().Amount
		f.TotalLocalMarket.Amount += b.LocalMarketPrice
		f.TotalSurplus.Amount += b.Surplus().Amount
		labour += b.ArtisanLabour
		minutes += int64(b.LabourMinutes)
		if b.EffectiveHourlyPay().Amount >= minHourly.Amount {
			f.AtOrAboveMinimum++
		}
		for _, c := range b.Components() {
			sums[c.Key] += c.Amount.Amount
		}
	}
	f.MedianSharePermille = Median(shares)
	if len(shares) > 0 {
		f.MinSharePermille, f.MaxSharePermille = slices.Min(shares), slices.Max(shares)
	}
	if minutes > 0 {
		f.AverageHourlyPay.Amount = labour * 60 / minutes
	}
	f.Shares = shareOfTotal(sums, f.TotalPrice.Amount)
	return f
}

// Median of integers; with an even count, the mean of the two middle
// values rounded down; 0 for none. It does not reorder xs.
func Median(xs []int64) int64 {
	n := len(xs)
	if n == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// shareOfTotal splits 1000 ‰ among the components in proportion to their
// sums, by largest remainder, so the shown percentages add up to 100 %.
func shareOfTotal(sums map[ComponentKey]int64, total int64) []ComponentShare {
	out := make([]ComponentShare, len(ComponentKeys))
	amounts := make([]int64, len(out))
	for i, k := range ComponentKeys {
		out[i] = ComponentShare{Key: k, Amount: sums[k]}
		amounts[i] = sums[k]
	}
	if total <= 0 {
		return out
	}
	for i, p := range LargestRemainder(amounts, total, 1000) {
		out[i].Permille = p
	}
	return out
}

// LargestRemainder splits total thousandths among amounts in proportion
// to amount/whole: each gets its rounded-down share, and what is left goes
// one by one to the largest remainders (ties to the first listed).
func LargestRemainder(amounts []int64, whole, total int64) []int64 {
	out := make([]int64, len(amounts))
	rem := make([]int64, len(amounts))
	var given int64
	for i, a := range amounts {
		out[i], rem[i] = a*1000/whole, a*1000%whole
		given += out[i]
	}
	order := make([]int, len(amounts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for i := 0; given < total && len(order) > 0; i = (i + 1) % len(order) {
		out[order[i]]++
		given++
	}
	for i := len(order) - 1; given > total && i >= 0; i-- { // never: floors never exceed the total
		if out[order[i]] > 0 {
			out[order[i]]--
			given--
		}
	}
	return out
}
