package models_test

import (
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
)

func TestMedian(t *testing.T) {
	cases := []struct {
		in   []int64
		want int64
	}{
		{nil, 0},
		{[]int64{7}, 7},
		{[]int64{5, 1, 3}, 3},
		{[]int64{4, 1, 3, 2}, 2}, // (2+3)/2 rounded down
		{[]int64{500, 600}, 550},
		{[]int64{10, 10, 30, 30}, 20},
	}
	for _, tc := range cases {
		if got := models.Median(tc.in); got != tc.want {
			t.Errorf("Median(%v) = %d, want %d", tc.in, got, tc.want)
		}
	}
	in := []int64{3, 1, 2}
	models.Median(in)
	if in[0] != 3 {
		t.Error("median reordered its input")
	}
}

func TestComputeCatalogFigures(t *testing.T) {
	t.Parallel()
	ps := []models.Product{
		{Slug: "a", RetailBreakdown: dbtest.Breakdown(10000, 4000, 1000, 500, 3000, 600)}, // 55.0 %, 40/h
		{Slug: "b", RetailBreakdown: dbtest.Breakdown(20000, 6000, 2000, 0, 5000, 240)},   // 40.0 %, 150/h... 6000*60/240
		{Slug: "c", RetailBreakdown: dbtest.Breakdown(5000, 2000, 500, 500, 4000, 60)},    // 60.0 %
		{Slug: "d", RetailBreakdown: dbtest.Breakdown(8000, 3000, 1000, 200, 2000, 90)},   // 52.5 %
		{Slug: "no-breakdown"},
	}
	f := models.ComputeCatalogFigures(ps, models.Soles(2500))
	if f.Products != 4 {
		t.Errorf("products %d, want 4", f.Products)
	}
	// Shares 550, 400, 600, 525 → sorted 400 525 550 600 → (525+550)/2 = 537.
	if f.MedianSharePermille != 537 || f.MinSharePermille != 400 || f.MaxSharePermille != 600 {
		t.Errorf("median %d min %d max %d, want 537 400 600", f.MedianSharePermille, f.MinSharePermille, f.MaxSharePermille)
	}
	if f.TotalPrice.Amount != 43000 || f.TotalPaidToArtisans.Amount != 5500+8000+3000+4200 {
		t.Errorf("totals %d %d", f.TotalPrice.Amount, f.TotalPaidToArtisans.Amount)
	}
	if want := int64(5500 - 3000 + 8000 - 5000 + 3000 - 4000 + 4200 - 2000); f.TotalSurplus.Amount != want {
		t.Errorf("surplus %d, want %d", f.TotalSurplus.Amount, want)
	}
	// Labour 15000 over 990 minutes → 15000*60/990 = 909 céntimos an hour.
	if f.AverageHourlyPay.Amount != 909 {
		t.Errorf("average hourly %d, want 909", f.AverageHourlyPay.Amount)
	}
	// Hourly: a 400, b 1500, c 2000, d 2000 → three at or above 2500? none; at 1500: b, c, d.
	if f.AtOrAboveMinimum != 0 {
		t.Errorf("at or above 25.00/h: %d, want 0", f.AtOrAboveMinimum)
	}
	if g := models.ComputeCatalogFigures(ps, models.Soles(1500)); g.AtOrAboveMinimum != 3 {
		t.Errorf("at or above 15.00/h: %d, want 3", g.AtOrAboveMinimum)
	}
	var sum, amounts int64
	for _, s := range f.Shares {
		sum += s.Permille
		amounts += s.Amount
	}
	if sum != 1000 || amounts != f.TotalPrice.Amount || len(f.Shares) != 8 {
		t.Errorf("shares add up to %d ‰ and %d, want 1000 and %d", sum, amounts, f.TotalPrice.Amount)
	}
	// 15000/43000 = 348.8 ‰: rounded down, then given the largest remainder's extra ‰.
	if f.Shares[0].Key != models.ArtisanLabour || f.Shares[0].Permille != 349 {
		t.Errorf("labour share %+v", f.Shares[0])
	}
	if empty := models.ComputeCatalogFigures(nil, models.Soles(500)); empty.Products != 0 || empty.MedianSharePermille != 0 {
		t.Errorf("empty catalog: %+v", empty)
	}
}

func TestComputeCatalogFigures_SharesAddUpTo1000(t *testing.T) {
	// Awkward amounts whose exact shares are all fractions of a permille.
	b := &models.Breakdown{Currency: models.PEN, ArtisanLabour: 1, ArtisanMaterials: 8, CommunityFund: 15,
		CIAPOperations: 22, Logistics: 29, PaymentFees: 36, Taxes: 43, Margin: 50, LabourMinutes: 60}
	b.Price = b.Sum()
	f := models.ComputeCatalogFigures([]models.Product{{Slug: "x", RetailBreakdown: b}}, models.Soles(1))
	var got int64
	for _, s := range f.Shares {
		got += s.Permille
	}
	if got != 1000 {
		t.Errorf("shares add up to %d", got)
	}
}
