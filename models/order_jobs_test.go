package models_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

// The webhook, its retries and the success page may all report one
// payment at once, each with its own event: PayOrder changes the order
// once and queues one "paid" mail and one hand-off to fulfillment.
func TestPayOrder_TwentyConcurrentCallsQueueOneMailAndOneHandOff(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		o := c.order(t, line(c.prod.ID, 2))
		store, jobs := newJobStore(t, db)
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			changed int
			errs    []error
		)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := cardPayment(o, "cs_test_pay")
				p.ProviderEventID = fmt.Sprintf("evt_pay_%d", i)
				_, ch, err := store.PayOrder(ctx, p)
				mu.Lock()
				defer mu.Unlock()
				if ch {
					changed++
				}
				if err != nil {
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		if changed != 1 || len(errs) != 0 {
			t.Fatalf("changed %d times, errors %v", changed, errs)
		}
		if got := c.orderByID(t, o.ID); got.Status != models.StatusPaid || len(got.Payments) != 1 {
			t.Fatalf("order %s with %d payments", got.Status, len(got.Payments))
		}
		res, err := jobs.JobList(ctx, river.NewJobListParams().Kinds(models.OrderMailArgs{}.Kind()).First(100))
		if err != nil {
			t.Fatal(err)
		}
		paidMails := 0
		for _, j := range res.Jobs {
			var args models.OrderMailArgs
			if err := json.Unmarshal(j.EncodedArgs, &args); err != nil {
				t.Fatal(err)
			}
			if args.OrderID == o.ID && args.Mail == models.OrderMailPaid {
				paidMails++
			}
		}
		if paidMails != 1 {
			t.Errorf("%d paid mails queued, want 1", paidMails)
		}
		res, err = jobs.JobList(ctx, river.NewJobListParams().Kinds(models.FulfillOrderArgs{}.Kind()).First(100))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Jobs) != 1 || res.Jobs[0].Queue != models.QueueFulfillment {
			t.Fatalf("%d fulfillment jobs, want 1 on the %s queue", len(res.Jobs), models.QueueFulfillment)
		}
		var args models.FulfillOrderArgs
		if err := json.Unmarshal(res.Jobs[0].EncodedArgs, &args); err != nil || args.OrderID != o.ID {
			t.Errorf("hand-off %s: %v", res.Jobs[0].EncodedArgs, err)
		}
	})
}
