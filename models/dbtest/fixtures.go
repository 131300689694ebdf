package dbtest

import "github.com/ciap/qhatu/models"

// Breakdown builds a valid retail breakdown paying artisans labour,
// materials and fund, with the rest of the price spread over CIAP's side,
// for tests of the figures derived from breakdowns.
func Breakdown(price, labour, materials, fund, local int64, minutes int) *models.Breakdown {
	rest := price - labour - materials - fund
	b := &models.Breakdown{Currency: models.PEN, Price: price, ArtisanLabour: labour,
		ArtisanMaterials: materials, CommunityFund: fund, LocalMarketPrice: local, LabourMinutes: minutes}
	b.CIAPOperations, b.Logistics, b.PaymentFees, b.Taxes = rest/5, rest/5, rest/5, rest/5
	b.Margin = rest - 4*(rest/5)
	return b
}
