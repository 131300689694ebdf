package models

// IGV (Impuesto General a las Ventas) is Peru's 18 % sales tax. Shop
// prices include it, so documents that show it (the wholesale pro-forma
// invoice) take it out of a total rather than add it.

// IGVPercent is the IGV rate in percent (18 % since 2011: 16 % IGV plus
// the 2 % municipal promotion tax, charged together).
const IGVPercent = 18

// SplitIGV splits a total that includes IGV into its taxable base and the
// IGV, in integer céntimos:
//
//	base = total × 100 / 118, rounded to the nearest céntimo
//	IGV  = total − base
//
// so base + IGV is the total exactly, whatever the rounding. A half
// céntimo cannot happen (100 × total is even and 118 × ½ = 59 is odd), so
// "nearest" needs no tie rule. Negative totals (refunds) are split the
// same way around zero.
func SplitIGV(total Money) (base, igv Money) {
	t := total.Amount
	neg := t < 0
	if neg {
		t = -t
	}
	b := (t*100 + (100+IGVPercent)/2) / (100 + IGVPercent)
	if neg {
		b = -b
	}
	base = Money{Amount: b, Currency: total.Currency}
	return base, total.Sub(base)
}
