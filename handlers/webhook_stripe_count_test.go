package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// webhookRoundTrips is the most statements one paid
// checkout.session.completed may cost (issue 7's 1,000 events/s rests on
// it), and a replay of it, per engine. On PostgreSQL every round trip
// counts, BEGIN, COMMIT and the job queue's insert included; on SQLite
// the statements GORM runs.
var webhookRoundTrips = map[string]struct{ paid, replay int }{
	"postgres": {paid: 5, replay: 4},
	"sqlite":   {paid: 5, replay: 2},
}

// A paid event costs a fixed, small number of round trips: a change that
// adds one fails here, with the statements listed.
func TestStripeWebhook_PaidEventRoundTrips(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		counted, c := dbtest.Counted(t, db)
		w := newWebhookShop(t, counted)
		// The first event prepares the statements on the connection.
		w.mustDeliver(t, "evt_warm", "checkout.session.completed", w.checkoutSession(nil), models.EventPaid)
		w.order = w.place(t, 1)
		w.session = "cs_test_" + w.order.Token[:12]
		if err := w.Store.SetCheckoutSession(ctx, w.order.ID, w.session); err != nil {
			t.Fatal(err)
		}
		want := webhookRoundTrips[counted.Dialector.Name()]
		for _, step := range []struct {
			name    string
			outcome models.StripeEventOutcome
			max     int
		}{{"paid", models.EventPaid, want.paid}, {"replay", models.EventPaid, want.replay}} {
			c.Reset()
			a := w.deliver(t, "evt_counted", "checkout.session.completed", w.checkoutSession(nil))
			stmts := c.Statements()
			if a.Outcome != step.outcome || a.Duplicate != (step.name == "replay") {
				t.Fatalf("%s: %+v", step.name, a)
			}
			t.Logf("%s event: %d statements:\n%s", step.name, len(stmts), strings.Join(stmts, "\n"))
			if len(stmts) > step.max {
				t.Errorf("%s event: %d statements, want at most %d", step.name, len(stmts), step.max)
			}
		}
		if o := w.reload(t); o.Status != models.StatusPaid || len(o.Payments) != 1 {
			t.Errorf("order %s with %d payments", o.Status, len(o.Payments))
		}
		if n := w.mailJobs(t, models.OrderMailPaid); n != 1 {
			t.Errorf("%d paid mails queued", n)
		}
	}, demoCatalog)
}
