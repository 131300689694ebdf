package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/stripe/stripe-go/v76/webhook"
)

// BenchmarkStripeWebhookPaid delivers one signed, paid
// checkout.session.completed per order, as Stripe does, on each engine
// (PostgreSQL when QHATU_TEST_DATABASE_URL is set): the cost of paying an
// order by webhook (event recorded, order paid, mail and hand-off queued).
// The orders are placed before the timer starts.
func BenchmarkStripeWebhookPaid(b *testing.B) {
	for _, engine := range dbtest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			const secret = "whsec_bench"
			db := dbtest.Open(b, engine, DemoCatalog)
			ts := NewTestServer(b, db, WithConfig(func(c *Config) { c.Payments.Stripe.WebhookSecret = secret }))
			ctx := context.Background()
			var p models.Product
			if err := db.Where("published = ? AND retail_breakdown_id IS NOT NULL", true).Order("id").First(&p).Error; err != nil {
				b.Fatal(err)
			}
			if err := db.Model(&p).Update("stock", b.N+1).Error; err != nil {
				b.Fatal(err)
			}
			orders := make([]*models.Order, b.N)
			for i := range orders {
				o, err := ts.Store.PlaceOrder(ctx, models.OrderInput{
					Customer: models.Customer{Email: "bench@example.org", Name: "Bench", Phone: "+51 987 654 321",
						Address: models.Address{Country: "PE", Region: "lima-metropolitana", City: "Lima", Line: "Jr. 1"}},
					Method: models.PaymentCard, ExpiresAt: time.Now().Add(time.Hour),
					Lines: []models.OrderLineInput{{ProductID: p.ID, Quantity: 1}},
				}, nil)
				if err != nil {
					b.Fatal(err)
				}
				orders[i] = o
			}
			var next atomic.Int64
			// Stripe delivers several events at once.
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					o := orders[next.Add(1)-1]
					payload, _ := json.Marshal(map[string]any{"id": "evt_" + o.Number, "object": "event",
						"type": "checkout.session.completed", "data": map[string]any{"object": map[string]any{
							"id": "cs_" + o.Number, "client_reference_id": o.Number, "metadata": map[string]any{"order": o.Number},
							"payment_status": "paid", "amount_total": o.TotalAmount, "currency": strings.ToLower(string(o.Currency)),
							"payment_intent": "pi_" + o.Number}}})
					req := httptest.NewRequest(http.MethodPost, stripeWebhookPath, bytes.NewReader(payload))
					req.Header.Set("Stripe-Signature", webhook.GenerateTestSignedPayload(
						&webhook.UnsignedPayload{Payload: payload, Secret: secret}).Header)
					rec := httptest.NewRecorder()
					ts.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"paid"`) {
						panic(fmt.Sprintf("%s: %d %s", o.Number, rec.Code, rec.Body))
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
