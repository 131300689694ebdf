package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
)

// stripeWebhookPath is where Stripe delivers events (README, Payments).
const stripeWebhookPath = "/webhooks/stripe"

// maxStripeEvent bounds an event's body: Stripe's events are a few KiB.
const maxStripeEvent = 64 << 10

// registerStripeWebhook adds Stripe's endpoint. Its signature is its
// authentication, so it skips the CSRF check, and its body is read here,
// byte for byte as signed.
func (s *Server) registerStripeWebhook(e *echo.Echo) {
	e.POST(stripeWebhookPath, s.stripeWebhook)
	s.noCSRF(stripeWebhookPath)
	s.rawBody(stripeWebhookPath)
}

// webhookReply is the JSON body of every answer to Stripe.
type webhookReply struct {
	Received  bool                      `json:"received"`
	Duplicate bool                      `json:"duplicate,omitempty"`
	Outcome   models.StripeEventOutcome `json:"outcome,omitempty"`
	Error     string                    `json:"error,omitempty"`
}

// stripeWebhook verifies an event's signature and timestamp, then records
// and applies it in one transaction (stripeEffect). Stripe retries every
// answer but a 2xx, so: a request that is not a verified event is a 400
// that changes nothing; a verified event is a 200 whatever it did,
// duplicates, unknown orders and refused payments included; only a
// failing database is a 500, so that Stripe delivers it again.
func (s *Server) stripeWebhook(c echo.Context) error {
	secret := s.cfg.Payments.Stripe.WebhookSecret
	if secret == "" {
		// Not configured here: 503 so Stripe keeps the event and retries
		// once the secret is set.
		return c.JSON(http.StatusServiceUnavailable, webhookReply{Error: "stripe webhook secret not configured"})
	}
	r := c.Request()
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, maxStripeEvent))
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return c.JSON(http.StatusRequestEntityTooLarge, webhookReply{Error: "event too large"})
		}
		return c.JSON(http.StatusBadRequest, webhookReply{Error: "unreadable body"})
	}
	// The API version is not checked: the shop reads only the fields it
	// needs (stripeSession, stripeCharge), which have kept their shape
	// across versions; the README says to pin the endpoint to the
	// version stripe-go was built for all the same. The timestamp's
	// tolerance is measured against time.Now: stripe-go takes no clock.
	ev, err := webhook.ConstructEventWithOptions(body, r.Header.Get("Stripe-Signature"), secret,
		webhook.ConstructEventOptions{Tolerance: webhook.DefaultTolerance, IgnoreAPIVersionMismatch: true})
	if err != nil {
		s.log.Warn("stripe webhook refused", "err", err, "ip", c.RealIP())
		return c.JSON(http.StatusBadRequest, webhookReply{Error: "signature verification failed"})
	}
	eff, err := parseStripeEffect(string(ev.Type), ev.Data)
	if ev.ID == "" || err != nil {
		// Signed by Stripe but unreadable: worth an alarm, and a non-2xx
		// so Stripe keeps it until the shop can read it.
		s.log.Error("stripe event unreadable", "event", ev.ID, "type", ev.Type, "err", err)
		return c.JSON(http.StatusBadRequest, webhookReply{Error: "unreadable event"})
	}
	ctx := r.Context()
	expect := models.StripeEventResult{Outcome: models.EventReceived}
	if f, ok := eff.(foreseen); ok {
		expect = f.expect()
	}
	rec, dup, err := s.store.HandleStripeEventExpecting(ctx, ev.ID, string(ev.Type), expect,
		func(tx *models.Store) (models.StripeEventResult, error) { return eff.apply(ctx, tx, ev.ID) })
	if err != nil {
		s.log.Error("stripe event not recorded", "event", ev.ID, "type", ev.Type, "err", err)
		return c.JSON(http.StatusInternalServerError, webhookReply{Error: "not recorded, retry"})
	}
	s.log.Info("stripe event", "event", ev.ID, "type", ev.Type, "order", rec.OrderNumber,
		"outcome", rec.Outcome, "duplicate", dup)
	return c.JSON(http.StatusOK, webhookReply{Received: true, Duplicate: dup, Outcome: rec.Outcome})
}

// stripeEffect is what one event asks of the shop.
type stripeEffect interface {
	apply(ctx context.Context, tx *models.Store, eventID string) (models.StripeEventResult, error)
}

// foreseen is an effect whose usual result is known before it applies
// (HandleStripeEventExpecting).
type foreseen interface {
	expect() models.StripeEventResult
}

// parseStripeEffect reads the event's object for the types the shop acts
// on; every other type is recorded and ignored.
func parseStripeEffect(typ string, data *stripe.EventData) (stripeEffect, error) {
	switch typ {
	case "checkout.session.completed", "checkout.session.async_payment_succeeded":
		cs, err := decodeStripeObject[stripeSession](data)
		return sessionPaid{cs}, err
	case "checkout.session.async_payment_failed", "checkout.session.expired":
		cs, err := decodeStripeObject[stripeSession](data)
		return sessionUnpaid{session: cs, why: typ}, err
	case "charge.refunded":
		ch, err := decodeStripeObject[stripeCharge](data)
		return chargeRefunded{ch}, err
	}
	return ignoredEvent{}, nil
}

func decodeStripeObject[T any](data *stripe.EventData) (T, error) {
	var v T
	if data == nil || len(data.Raw) == 0 {
		return v, errors.New("event without data.object")
	}
	if err := json.Unmarshal(data.Raw, &v); err != nil {
		return v, fmt.Errorf("decode data.object: %w", err)
	}
	return v, nil
}

type ignoredEvent struct{}

func (ignoredEvent) apply(context.Context, *models.Store, string) (models.StripeEventResult, error) {
	return models.StripeEventResult{Outcome: models.EventIgnored}, nil
}

// sessionPaid pays the session's order (PayOrder: amount and currency
// must equal the order's total, else the order is flagged and stays
// unpaid). A session whose payment_status is not "paid" pays nothing.
type sessionPaid struct{ session stripeSession }

// expect: a paid session usually pays the order it names.
func (e sessionPaid) expect() models.StripeEventResult {
	number := strings.TrimSpace(e.session.ClientReferenceID)
	if number == "" {
		number = strings.TrimSpace(e.session.Metadata["order"])
	}
	if e.session.PaymentStatus != "paid" || number == "" {
		return models.StripeEventResult{Outcome: models.EventReceived}
	}
	return models.StripeEventResult{OrderNumber: number, Outcome: models.EventPaid}
}

func (e sessionPaid) apply(ctx context.Context, tx *models.Store, eventID string) (models.StripeEventResult, error) {
	cs := e.session
	o, res, err := sessionOrder(ctx, tx, cs)
	if o == nil || err != nil {
		return res, err
	}
	if cs.PaymentStatus != "paid" {
		res.Outcome = models.EventNotPaid
		return res, nil
	}
	_, changed, err := tx.PayOrder(ctx, models.PaymentInput{OrderID: o.ID, Method: models.PaymentCard,
		Amount:    models.Money{Amount: cs.AmountTotal, Currency: models.Currency(strings.ToUpper(cs.Currency))},
		Reference: cs.PaymentIntent.ID, ProviderSessionID: cs.ID, ProviderEventID: eventID,
		Actor: models.SystemActor, Note: "Stripe Checkout " + cs.ID})
	switch {
	case errors.Is(err, models.ErrPaymentRefused):
		res.Outcome = models.EventPaymentRefused // recorded and flagged by PayOrder
	case errors.Is(err, models.ErrInvalid):
		res.Outcome = models.EventPaymentRefused
		return res, tx.FlagOrder(ctx, o.ID, models.SystemActor,
			fmt.Sprintf("Stripe event %s reports a payment the shop cannot record (%v): check it in Stripe", eventID, err))
	case err != nil:
		return res, err
	case changed:
		res.Outcome = models.EventPaid
	default:
		res.Outcome = models.EventPaymentKnown
	}
	return res, nil
}

// sessionUnpaid cancels the session's order, releasing its stock, when
// the payment failed or the session expired, and only while the order is
// unpaid: a paid order is never touched.
type sessionUnpaid struct {
	session stripeSession
	why     string
}

func (e sessionUnpaid) apply(ctx context.Context, tx *models.Store, _ string) (models.StripeEventResult, error) {
	o, res, err := sessionOrder(ctx, tx, e.session)
	if o == nil || err != nil {
		return res, err
	}
	if o.Status != models.StatusPendingPayment {
		res.Outcome = models.EventNotPending
		return res, nil
	}
	note := "Stripe: checkout session expired"
	if e.why == "checkout.session.async_payment_failed" {
		note = "Stripe: the payment failed"
	}
	_, err = tx.CancelOrder(ctx, o.ID, models.SystemActor, note)
	switch {
	case errors.Is(err, models.ErrIllegalTransition): // paid meanwhile
		res.Outcome = models.EventNotPending
	case err != nil:
		return res, err
	default:
		res.Outcome = models.EventCancelled
	}
	return res, nil
}

// sessionOrder finds the order a Checkout Session pays. Its
// client_reference_id and metadata[order] name it (the checkout sets
// both); they must agree with each other and with the session the order
// recorded, if it recorded one. A disagreement flags the orders named
// for staff, and nothing else happens (o is nil).
func sessionOrder(ctx context.Context, tx *models.Store, cs stripeSession) (*models.Order, models.StripeEventResult, error) {
	var res models.StripeEventResult
	ref, meta := strings.TrimSpace(cs.ClientReferenceID), strings.TrimSpace(cs.Metadata["order"])
	if ref != "" && meta != "" && ref != meta {
		res.OrderNumber, res.Outcome = ref+" "+meta, models.EventOrderMismatch
		note := fmt.Sprintf("Stripe session %s names order %s (client_reference_id) and %s (metadata): not applied",
			cs.ID, ref, meta)
		return nil, res, flagNamed(ctx, tx, note, ref, meta)
	}
	number := ref
	if number == "" {
		number = meta
	}
	res.OrderNumber = number
	if number == "" { // a session the checkout made but could not label
		o, err := tx.OrderHeadByCheckoutSession(ctx, cs.ID)
		if errors.Is(err, models.ErrNotFound) {
			res.Outcome = models.EventUnknownOrder
			return nil, res, nil
		}
		if err != nil {
			return nil, res, err
		}
		res.OrderNumber = o.Number
		return o, res, nil
	}
	// Locked at the first look: paying it then reads it no more.
	o, err := tx.LockOrderByNumber(ctx, number)
	if errors.Is(err, models.ErrNotFound) {
		res.Outcome = models.EventUnknownOrder
		return nil, res, nil
	}
	if err != nil {
		return nil, res, err
	}
	// The session must be the order's: the one it recorded, or, when it
	// recorded none (the checkout stopped before), no other order's.
	flagged := []int64{o.ID}
	if recorded := o.CheckoutSessionID; recorded != nil && *recorded != "" {
		if *recorded == cs.ID {
			return o, res, nil
		}
	} else {
		other, err := tx.OrderHeadByCheckoutSession(ctx, cs.ID)
		if errors.Is(err, models.ErrNotFound) {
			return o, res, nil
		}
		if err != nil {
			return nil, res, err
		}
		flagged = append(flagged, other.ID) // not o: o recorded no session
	}
	res.Outcome = models.EventOrderMismatch
	note := fmt.Sprintf("Stripe session %s names order %s, which has another checkout session: not applied",
		cs.ID, number)
	for _, id := range flagged {
		if err := tx.FlagOrder(ctx, id, models.SystemActor, note); err != nil {
			return nil, res, err
		}
	}
	return nil, res, nil
}

// flagNamed flags each of the numbered orders that exists.
func flagNamed(ctx context.Context, tx *models.Store, note string, numbers ...string) error {
	for _, n := range numbers {
		o, err := tx.OrderHeadByNumber(ctx, n)
		if errors.Is(err, models.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := tx.FlagOrder(ctx, o.ID, models.SystemActor, note); err != nil {
			return err
		}
	}
	return nil
}

// chargeRefunded records what Stripe refunded of a charge since the last
// report: amount_refunded is cumulative. The order is the one the
// charge's payment intent paid (or metadata[order], when the checkout
// put it on the payment intent). A refund the order cannot take (more
// than it was paid, another currency) flags it for staff.
type chargeRefunded struct{ charge stripeCharge }

func (e chargeRefunded) apply(ctx context.Context, tx *models.Store, eventID string) (models.StripeEventResult, error) {
	ch := e.charge
	var res models.StripeEventResult
	o, err := tx.OrderHeadByPaymentReference(ctx, models.PaymentCard, ch.PaymentIntent.ID)
	if errors.Is(err, models.ErrNotFound) {
		if n := strings.TrimSpace(ch.Metadata["order"]); n != "" {
			res.OrderNumber = n
			o, err = tx.OrderHeadByNumber(ctx, n)
		}
	}
	switch {
	case errors.Is(err, models.ErrNotFound):
		res.Outcome = models.EventUnknownOrder
		return res, nil
	case err != nil:
		return res, err
	}
	res.OrderNumber = o.Number
	if ch.AmountRefunded <= 0 {
		res.Outcome = models.EventRefundKnown
		return res, nil
	}
	refunded := models.Money{Amount: ch.AmountRefunded, Currency: models.Currency(strings.ToUpper(ch.Currency))}
	_, refund, err := tx.RecordChargeRefund(ctx, models.ChargeRefundInput{OrderID: o.ID, Charge: ch.ID,
		PaymentIntent: ch.PaymentIntent.ID, Refunded: refunded, ProviderEventID: eventID, Actor: models.SystemActor, Note: "Stripe charge " + ch.ID})
	switch {
	case errors.Is(err, models.ErrInvalid):
		res.Outcome = models.EventRefundRefused
		return res, tx.FlagOrder(ctx, o.ID, models.SystemActor,
			fmt.Sprintf("Stripe refunded %s %s in all of charge %s, which the order cannot take (%v): check it in Stripe",
				refunded.Decimal(), refunded.Currency, ch.ID, err))
	case err != nil:
		return res, err
	case refund.Amount == 0:
		res.Outcome = models.EventRefundKnown
	default:
		res.Outcome = models.EventRefundRecorded
	}
	return res, nil
}
