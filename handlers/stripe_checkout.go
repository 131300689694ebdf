package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/stripe/stripe-go/v76"
	checkoutsession "github.com/stripe/stripe-go/v76/checkout/session"
)

// Stripe Checkout for orders paid by card. Each server has its own client
// (no global stripe.Key), pointed at Config.Payments.Stripe.APIURL, which
// tests aim at stripe-mock. A session is created only after the order's
// transaction committed, never inside it: a slow Stripe must not hold the
// order's stock rows. Its idempotency key is derived from the order, so a
// retry (a double click, "try paying again") gets the session Stripe made
// the first time.

// stripeTimeout bounds one call to Stripe.
const stripeTimeout = 15 * time.Second

// stripeMinSession and stripeMaxSession are the lifetimes Stripe accepts
// for a Checkout Session (expires_at); a minute of margin is kept on each
// side for the request's own time.
const (
	stripeMinSession = 31 * time.Minute
	stripeMaxSession = 23*time.Hour + 59*time.Minute
)

// errCardDisabled: the shop has no Stripe key, card payment is off.
var errCardDisabled = errors.New("card payment is not configured")

// stripeClient talks to Stripe's Checkout Sessions API.
type stripeClient struct {
	sessions *checkoutsession.Client // nil when card payment is off
}

// newStripeClient builds the server's Stripe client, or one that refuses
// every call when no secret key is configured.
func newStripeClient(cfg StripeConfig, log *slog.Logger) *stripeClient {
	if !cfg.CardEnabled() {
		return &stripeClient{}
	}
	bc := &stripe.BackendConfig{
		HTTPClient: &http.Client{Timeout: stripeTimeout},
		// Retries are safe: creations carry an idempotency key.
		MaxNetworkRetries: stripe.Int64(2),
		LeveledLogger:     stripeLogger{log: log},
	}
	if cfg.APIURL != "" {
		bc.URL = stripe.String(cfg.APIURL)
	}
	return &stripeClient{sessions: &checkoutsession.Client{
		B: stripe.GetBackendWithConfig(stripe.APIBackend, bc), Key: cfg.SecretKey}}
}

// stripeLogger sends stripe-go's log lines to the shop's log.
type stripeLogger struct{ log *slog.Logger }

func (l stripeLogger) Debugf(string, ...any) {}
func (l stripeLogger) Infof(string, ...any)  {}
func (l stripeLogger) Warnf(f string, v ...any) {
	l.log.Warn("stripe", "msg", fmt.Sprintf(f, v...))
}
func (l stripeLogger) Errorf(f string, v ...any) {
	l.log.Error("stripe", "msg", fmt.Sprintf(f, v...))
}

// checkoutIdempotencyKey is the fixed key of an order's session creation.
func checkoutIdempotencyKey(o *models.Order) string { return "checkout-session:" + o.Number }

// sessionExpiry is when an order's Checkout Session closes: at the
// order's own expiry, within what Stripe accepts. It depends on the order
// alone, so a retry sends the very parameters of the first try (Stripe
// refuses an idempotency key reused with other parameters).
func sessionExpiry(o *models.Order) time.Time {
	exp := o.ExpiresAt
	if minExp := o.CreatedAt.Add(stripeMinSession); exp.Before(minExp) {
		exp = minExp
	}
	if maxExp := o.CreatedAt.Add(stripeMaxSession); exp.After(maxExp) {
		exp = maxExp
	}
	return exp
}

// sessionParams describes an order's Checkout Session: its snapshotted
// lines and its shipping as price_data in the order's currency, the order
// number as client_reference_id and metadata["order"], and the order's
// private page to come back to.
func (s *Server) sessionParams(ctx context.Context, o *models.Order) *stripe.CheckoutSessionParams {
	l := s.tr.For(o.Lang)
	cur := strings.ToLower(string(o.Currency))
	page := s.absURL(orderPath(o))
	p := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(o.Number),
		CustomerEmail:     stripe.String(o.Customer.Email),
		SuccessURL:        stripe.String(page),
		CancelURL:         stripe.String(page),
		Locale:            stripe.String(l.Lang()),
		ExpiresAt:         stripe.Int64(sessionExpiry(o).Unix()),
	}
	for i := range o.Lines {
		line := &o.Lines[i]
		p.LineItems = append(p.LineItems, &stripe.CheckoutSessionLineItemParams{
			Quantity: stripe.Int64(int64(line.Quantity)),
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(cur),
				UnitAmount:  stripe.Int64(line.UnitPrice),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(line.Name(l.Lang()))},
			},
		})
	}
	if o.ShippingAmount > 0 {
		p.LineItems = append(p.LineItems, &stripe.CheckoutSessionLineItemParams{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:   stripe.String(cur),
				UnitAmount: stripe.Int64(o.ShippingAmount),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{
					Name: stripe.String(l.T("order.shipping_line", "Zone", l.T("zone."+string(o.ShippingZoneCode))))},
			},
		})
	}
	p.AddMetadata("order", o.Number)
	p.SetIdempotencyKey(checkoutIdempotencyKey(o))
	p.Context = ctx
	return p
}

// startCardPayment returns the URL of the order's Checkout Session: the
// one already recorded when it is still open, else the one Stripe creates
// (or, for a retry, made already) under the order's idempotency key, which
// is then recorded on the order. The order must be a pending card order.
func (s *Server) startCardPayment(ctx context.Context, o *models.Order) (string, error) {
	sc := s.stripe.sessions
	if sc == nil {
		return "", errCardDisabled
	}
	ctx, cancel := context.WithTimeout(ctx, stripeTimeout)
	defer cancel()
	if o.CheckoutSessionID != nil {
		sess, err := s.stripeSession(ctx, *o.CheckoutSessionID)
		if err != nil {
			return "", err
		}
		if sess.Status != stripe.CheckoutSessionStatusOpen || sess.URL == "" {
			return "", fmt.Errorf("checkout session of order %s is %s", o.Number, sess.Status)
		}
		return sess.URL, nil
	}
	sess, err := sc.New(s.sessionParams(ctx, o))
	if err != nil {
		return "", fmt.Errorf("create checkout session for order %s: %w", o.Number, err)
	}
	err = s.store.SetCheckoutSession(ctx, o.ID, sess.ID)
	if errors.Is(err, models.ErrConflict) {
		// Another request recorded a session first (with Stripe's
		// idempotency it is this very one): that is the one to pay.
		cur, lerr := s.store.OrderByID(ctx, o.ID)
		if lerr != nil {
			return "", lerr
		}
		*o = *cur
		if o.CheckoutSessionID != nil && *o.CheckoutSessionID != sess.ID {
			return s.startCardPayment(ctx, o)
		}
		err = nil
	}
	if err != nil {
		return "", err
	}
	o.CheckoutSessionID = &sess.ID
	return sess.URL, nil
}

// stripeSession retrieves a Checkout Session.
func (s *Server) stripeSession(ctx context.Context, id string) (*stripe.CheckoutSession, error) {
	if s.stripe.sessions == nil {
		return nil, errCardDisabled
	}
	p := &stripe.CheckoutSessionParams{}
	p.Context = ctx
	sess, err := s.stripe.sessions.Get(id, p)
	if err != nil {
		return nil, fmt.Errorf("retrieve checkout session %s: %w", id, err)
	}
	return sess, nil
}

// confirmCardPayment is the success page's check: for a pending card
// order with a recorded Checkout Session (the order's own, never an ID
// from the URL), it asks Stripe about the session and, when it is this
// order's (client_reference_id), paid, and for the order's exact amount
// and currency, records the payment through Store.PayOrder, the function
// the webhook uses, so whichever comes first marks the order paid and the
// other changes nothing. It returns the order as it is afterwards; a
// failure to reach Stripe leaves it as it was (the webhook will come).
func (s *Server) confirmCardPayment(ctx context.Context, o *models.Order) *models.Order {
	if o.Status != models.StatusPendingPayment || o.Method != models.PaymentCard ||
		o.CheckoutSessionID == nil || s.stripe.sessions == nil {
		return o
	}
	ctx, cancel := context.WithTimeout(ctx, stripeTimeout)
	defer cancel()
	sess, err := s.stripeSession(ctx, *o.CheckoutSessionID)
	if err != nil {
		s.log.Warn("success page: checkout session not read", "order", o.Number, "err", err)
		return o
	}
	if sess.ClientReferenceID != o.Number || sess.PaymentStatus != stripe.CheckoutSessionPaymentStatusPaid ||
		sess.AmountTotal != o.TotalAmount || !strings.EqualFold(string(sess.Currency), string(o.Currency)) {
		return o
	}
	in := models.PaymentInput{OrderID: o.ID, Method: models.PaymentCard,
		Amount:            models.Money{Amount: sess.AmountTotal, Currency: o.Currency},
		ProviderSessionID: sess.ID, Actor: models.SystemActor, Note: "confirmed on the order's page"}
	if sess.PaymentIntent != nil {
		in.Reference = sess.PaymentIntent.ID
	}
	if _, _, err := s.store.PayOrder(ctx, in); err != nil {
		if errors.Is(err, models.ErrPaymentRefused) {
			s.log.Warn("success page: payment refused", "order", o.Number, "err", err)
		} else {
			s.log.Error("success page: record payment", "order", o.Number, "err", err)
			return o
		}
	}
	cur, err := s.store.OrderByID(ctx, o.ID)
	if err != nil {
		s.log.Error("success page: reload order", "order", o.Number, "err", err)
		return o
	}
	return cur
}
