package handlers

import "time"

// PaymentsConfig is how buyers pay: by card on Stripe Checkout when a
// secret key is set, by bank transfer always.
type PaymentsConfig struct {
	Stripe StripeConfig
	Bank   BankConfig
	// CardExpiry and TransferExpiry are how long an unpaid order keeps
	// its pieces before the expiry job cancels it.
	CardExpiry     time.Duration
	TransferExpiry time.Duration
	// WholesaleMinOrder is the smallest wholesale order, in céntimos, its
	// lines' total before shipping; 0 means DefaultWholesaleMinOrder.
	WholesaleMinOrder int64
}

// StripeConfig configures Stripe Checkout and its webhook.
type StripeConfig struct {
	SecretKey     string // empty: card payment is not offered
	WebhookSecret string // whsec_…, verifies POST /webhooks/stripe
	APIURL        string // Stripe's API; tests point it at stripe-mock
}

// CardEnabled reports whether checkout offers card payment.
func (c StripeConfig) CardEnabled() bool { return c.SecretKey != "" }

// BankConfig is the account buyers transfer to, shown on the order's page
// and in its mail with the order number as the reference.
type BankConfig struct {
	Bank    string // e.g. "BCP"
	Holder  string // account holder
	Account string // account number
	CCI     string // Código de Cuenta Interbancario, for transfers from other banks
	// Placeholder marks the demo's defaults, so pages say they are not real.
	Placeholder bool
}

// DefaultWholesaleMinOrder is the smallest wholesale order: S/ 500.00.
const DefaultWholesaleMinOrder = 50000

// Default expiries of unpaid orders.
const (
	DefaultCardExpiry     = 60 * time.Minute
	DefaultTransferExpiry = 7 * 24 * time.Hour
)
