package handlers

import "github.com/ciap/qhatu/models"

// artisanShare is the buy box's one plain sentence: how much of the price
// goes to the artisans and how that compares with what an intermediary
// would pay them. Both figures are the breakdown's own (paid to artisans,
// and the surplus over the local market price), never recomputed: the
// long explanation below the buy box shows the same amounts.
type artisanShare struct {
	Message    string       // the sentence's message ID: more, the same or less than an intermediary
	Paid       models.Money // labour + materials + community fund
	Difference models.Money // the surplus, as a positive amount
}

// newArtisanShare words the retail breakdown's surplus honestly: a
// breakdown that pays no more than the local market says so.
func newArtisanShare(t *breakdownTable) *artisanShare {
	if t == nil {
		return nil
	}
	s := &artisanShare{Paid: t.PaidToArtisans, Difference: t.Surplus}
	switch {
	case t.Surplus.Amount > 0:
		s.Message = "product.share_more"
	case t.Surplus.Amount == 0:
		s.Message = "product.share_same"
	default:
		s.Message = "product.share_less"
		s.Difference.Amount = -t.Surplus.Amount
	}
	return s
}
