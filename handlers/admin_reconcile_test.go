package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// paidDemoOrder places and pays an order of pieces of a demo product.
func paidDemoOrder(t *testing.T, ts *testServer, productID int64, n int) *models.Order {
	t.Helper()
	ctx := context.Background()
	o, err := ts.Store.CreateOrder(ctx, models.OrderInput{
		Customer: models.Customer{Email: "ana@example.com", Name: "Ana Quispe", Phone: "+51 987 654 321",
			Address: models.Address{Country: "PE", Region: "lima-metropolitana", City: "Lima",
				Line: "Jr. Junín 123", PostalCode: "15001"}},
		Method: models.PaymentCard, ExpiresAt: time.Now().Add(time.Hour),
		Lines: []models.OrderLineInput{{ProductID: productID, Quantity: n}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sess := fmt.Sprintf("cs_reconcile_%d", o.ID)
	if _, _, err := ts.Store.PayOrder(ctx, models.PaymentInput{Number: o.Number, Method: models.PaymentCard,
		Amount: o.Total(), ProviderSessionID: sess, ProviderEventID: "evt_" + sess, Actor: models.SystemActor}); err != nil {
		t.Fatal(err)
	}
	return o
}

// A reviewer reconciles a group's month: clean once the paid order is
// fulfilled; a paid order whose fulfillment never ran is listed by number.
func TestAdminReconcile_CleanPeriodThenAPaidOrderNeverFulfilled(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		var prod struct{ ID, GroupID int64 }
		if err := db.Raw(`SELECT id, group_id FROM products WHERE published AND stock >= 3 ORDER BY id LIMIT 1`).
			Scan(&prod).Error; err != nil || prod.ID == 0 {
			t.Fatalf("a product in stock: %v", err)
		}
		c, _ := ts.signInAs(t, models.RoleReviewer)
		c.Header.Set("Accept-Language", "en")
		day := time.Now().In(time.FixedZone("", -5*3600)).Format(time.DateOnly)
		path := fmt.Sprintf("/admin/reconciliation?group=%d&from=%s&to=%s", prod.GroupID, day, day)

		done := paidDemoOrder(t, ts, prod.ID, 1)
		// Fulfilled as its job would; the job queue is never started, so
		// the next order's fulfillment never runs.
		if _, err := ts.Store.FulfillOrder(context.Background(), done.ID); err != nil {
			t.Fatal(err)
		}
		res := c.Get(path)
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.Status)
		}
		if !strings.Contains(res.Body, "no difference") || strings.Contains(res.Body, done.Number) {
			t.Fatalf("clean period not reported clean:\n%s", res.Body)
		}
		if !strings.Contains(res.Body, `href="/admin/reconciliation" aria-current="page"`) {
			t.Error("the admin nav does not mark the reconciliation page")
		}

		stuck := paidDemoOrder(t, ts, prod.ID, 2) // its fulfillment job is never run
		res = c.Get(path)
		for _, s := range []string{"1 line does not reconcile", stuck.Number, "Paid, but no ledger entry"} {
			if !strings.Contains(res.Body, s) {
				t.Errorf("page lacks %q", s)
			}
		}
		if strings.Contains(res.Body, done.Number) {
			t.Error("the fulfilled order is listed as a difference")
		}
		// No group chosen: every group, the stuck order's among them.
		res = c.Get(fmt.Sprintf("/admin/reconciliation?period=custom&from=%s&to=%s", day, day))
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "1 line does not reconcile, in ") ||
			!strings.Contains(res.Body, stuck.Number) {
			t.Errorf("every group: %d", res.Status)
		}
		checkPage(t, "reconciliation of every group", res)
		// The reviewers' portal shows the same, under its menu, linking
		// the order to its trail; a bad period is a 400 naming it.
		res = c.Get(strings.Replace(path, "/admin/", "/review/", 1))
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `href="/review/orders/`+stuck.Number+`"`) ||
			!strings.Contains(res.Body, `aria-current="page">Reconciliation`) {
			t.Errorf("review reconciliation: %d", res.Status)
		}
		checkPage(t, "review reconciliation", res)
		for _, q := range []string{"period=month&month=2026-13", "period=custom&from=2026-03-02&to=2026-03-01", "group=x"} {
			if res := c.Get("/review/reconciliation?" + q); res.Status != http.StatusBadRequest {
				t.Errorf("review reconciliation?%s: %d", q, res.Status)
			}
		}
		if res := c.Get("/review/reconciliation?group=999999"); res.Status != http.StatusNotFound {
			t.Errorf("unknown group: %d", res.Status)
		}
	}, demoCatalog)
}
