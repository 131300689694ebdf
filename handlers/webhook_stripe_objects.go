package handlers

import (
	"encoding/json"
	"fmt"
)

// The parts of Stripe's objects the webhook reads. They are decoded here
// rather than into stripe-go's full types so that an event sent with
// another API version than stripe-go's still reads, as long as these
// fields keep their shape (they have, across versions).

// stripeSession is a Checkout Session (checkout.session.* events).
type stripeSession struct {
	ID                string            `json:"id"`
	ClientReferenceID string            `json:"client_reference_id"`
	Metadata          map[string]string `json:"metadata"`
	// PaymentStatus is "paid", "unpaid" (an asynchronous method still
	// pending) or "no_payment_required".
	PaymentStatus string    `json:"payment_status"`
	AmountTotal   int64     `json:"amount_total"` // minor units
	Currency      string    `json:"currency"`     // lower case, "pen"
	PaymentIntent stripeRef `json:"payment_intent"`
}

// stripeCharge is a charge (charge.refunded).
type stripeCharge struct {
	ID             string            `json:"id"`
	PaymentIntent  stripeRef         `json:"payment_intent"`
	AmountRefunded int64             `json:"amount_refunded"` // cumulative, minor units
	Currency       string            `json:"currency"`
	Metadata       map[string]string `json:"metadata"`
}

// stripeRef is an expandable reference: an id, or the object itself when
// expanded, or null.
type stripeRef struct{ ID string }

// UnmarshalJSON reads the three shapes.
func (r *stripeRef) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		r.ID = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &r.ID)
	}
	var obj struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return fmt.Errorf("stripe reference: %w", err)
	}
	r.ID = obj.ID
	return nil
}
