package handlers

import "github.com/ciap/qhatu/models"

// The schema.org types of a product's offer (https://schema.org/Offer),
// as far as search engines read them.

type ldOffer struct {
	Type                    string              `json:"@type"`
	Price                   string              `json:"price"`
	PriceCurrency           string              `json:"priceCurrency"`
	Availability            string              `json:"availability"`
	URL                     string              `json:"url"`
	ShippingDetails         []ldShippingDetails `json:"shippingDetails,omitempty"`
	HasMerchantReturnPolicy ldReturnPolicy      `json:"hasMerchantReturnPolicy"`
}

type ldMoney struct {
	Type     string `json:"@type"`
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

type ldRegion struct {
	Type           string   `json:"@type"`
	AddressCountry string   `json:"addressCountry"`
	AddressRegion  []string `json:"addressRegion,omitempty"`
}

type ldDays struct {
	Type     string `json:"@type"`
	MinValue int    `json:"minValue"`
	MaxValue int    `json:"maxValue"`
	UnitCode string `json:"unitCode"`
}

type ldDeliveryTime struct {
	Type         string `json:"@type"`
	HandlingTime ldDays `json:"handlingTime"`
	TransitTime  ldDays `json:"transitTime"`
}

type ldShippingDetails struct {
	Type                 string         `json:"@type"`
	ShippingRate         ldMoney        `json:"shippingRate"`
	ShippingDestination  ldRegion       `json:"shippingDestination"`
	DeliveryTime         ldDeliveryTime `json:"deliveryTime"`
	ShippingSettingsLink string         `json:"shippingSettingsLink"`
}

type ldReturnPolicy struct {
	Type                 string `json:"@type"`
	ApplicableCountry    string `json:"applicableCountry"`
	ReturnPolicyCategory string `json:"returnPolicyCategory"`
	MerchantReturnDays   int    `json:"merchantReturnDays"`
	ReturnMethod         string `json:"returnMethod"`
	ReturnFees           string `json:"returnFees"`
	MerchantReturnLink   string `json:"merchantReturnLink"`
}

// Facts that the JSON-LD and the /shipping and /returns pages both state.
const (
	handlingDaysInStock = 2
	returnWindowDays    = 14
)

// offerAvailability says whether the piece can be bought now. When
// made-to-order pieces arrive, they answer https://schema.org/MadeToOrder
// (or PreOrder) here instead of SoldOut.
func offerAvailability(p *models.Product) string {
	if p.Stock > 0 {
		return "https://schema.org/InStock"
	}
	return "https://schema.org/SoldOut"
}

// ldShipping describes the zones schema.org can name: a destination needs
// a country, so the international zone is left to the linked page.
func (s *Server) ldShipping(zones []models.ShippingZone) []ldShippingDetails {
	var out []ldShippingDetails
	for i := range zones {
		z := &zones[i]
		dest := ldRegion{Type: "DefinedRegion", AddressCountry: models.CountryPeru}
		switch z.Code {
		case models.ZoneLima:
			dest.AddressRegion = []string{"LIM", "CAL"} // ISO 3166-2:PE, Lima Metropolitana and Callao
		case models.ZonePeru:
		default:
			continue
		}
		out = append(out, ldShippingDetails{Type: "OfferShippingDetails",
			ShippingRate:        ldMoney{Type: "MonetaryAmount", Value: z.Rate().Decimal(), Currency: string(z.Currency)},
			ShippingDestination: dest,
			DeliveryTime: ldDeliveryTime{Type: "ShippingDeliveryTime",
				HandlingTime: ldDays{Type: "QuantitativeValue", MinValue: 0, MaxValue: handlingDaysInStock, UnitCode: "DAY"},
				TransitTime:  ldDays{Type: "QuantitativeValue", MinValue: z.MinDays, MaxValue: z.MaxDays, UnitCode: "DAY"}},
			ShippingSettingsLink: s.absURL("/shipping")})
	}
	return out
}

// ldReturnPolicy is the policy of the /returns page: 14 days, by mail,
// return shipping paid by the buyer (CIAP pays when the piece arrived
// damaged, which schema.org has no field for; the page says so).
func (s *Server) ldReturnPolicy() ldReturnPolicy {
	return ldReturnPolicy{Type: "MerchantReturnPolicy", ApplicableCountry: models.CountryPeru,
		ReturnPolicyCategory: "https://schema.org/MerchantReturnFiniteReturnWindow",
		MerchantReturnDays:   returnWindowDays, ReturnMethod: "https://schema.org/ReturnByMail",
		ReturnFees: "https://schema.org/ReturnShippingFees", MerchantReturnLink: s.absURL("/returns")}
}
