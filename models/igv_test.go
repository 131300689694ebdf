package models_test

import (
	"testing"

	"github.com/ciap/qhatu/models"
)

func TestSplitIGV_BasePlusTaxIsTheTotalRoundedToTheCentimo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		total, base, igv int64
	}{
		{0, 0, 0},
		{1, 1, 0},     // 0.847… → 1
		{2, 2, 0},     // 1.694… → 2
		{59, 50, 9},   // exact
		{100, 85, 15}, // 84.745… → 85
		{11800, 10000, 1800},
		{50000, 42373, 7627},    // S/ 500.00: 42372.88… → 42373
		{123456, 104624, 18832}, // 104623.72… → 104624
		{-11800, -10000, -1800}, // a refund
		{-100, -85, -15},
	}
	for _, c := range cases {
		base, igv := models.SplitIGV(models.Soles(c.total))
		if base != models.Soles(c.base) || igv != models.Soles(c.igv) {
			t.Errorf("SplitIGV(%d) = %d + %d, want %d + %d", c.total, base.Amount, igv.Amount, c.base, c.igv)
		}
	}
	// Every total up to S/ 100: the parts add up, the base is the nearest
	// céntimo to total/1.18, and the tax is 18 % of the base within a céntimo.
	for total := int64(0); total <= 10000; total++ {
		base, igv := models.SplitIGV(models.Soles(total))
		if base.Add(igv).Amount != total {
			t.Fatalf("%d: %d + %d", total, base.Amount, igv.Amount)
		}
		if d := 118*base.Amount - 100*total; d < -59 || d > 59 {
			t.Fatalf("%d: base %d is not the nearest céntimo", total, base.Amount)
		}
		if d := 100*igv.Amount - 18*base.Amount; d < -100 || d > 100 {
			t.Fatalf("%d: IGV %d is not 18 %% of %d", total, igv.Amount, base.Amount)
		}
	}
}
