package fulfillment_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ciap/qhatu/fulfillment"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/ciap/qhatu/models/demo"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"
)

var demoCatalog = dbtest.WithSeed(dbtest.NewSeed("demo", func(ctx context.Context, db *gorm.DB) error {
	return models.NewStore(db).Tx(ctx, func(tx *models.Store) error { return demo.Load(ctx, tx) })
}))

// twoGroupsOrder asks for one piece of two products for sale, of two groups.
func twoGroupsOrder(t *testing.T, db *gorm.DB) models.OrderInput {
	t.Helper()
	var ps []struct{ ID, GroupID int64 }
	if err := db.Raw(`SELECT id, group_id FROM products WHERE published AND stock > 0 ORDER BY id`).Scan(&ps).Error; err != nil {
		t.Fatal(err)
	}
	in := models.OrderInput{
		Customer: models.Customer{Email: "ana@example.com", Name: "Ana Quispe", Phone: "+51 987 654 321",
			Address: models.Address{Country: "PE", Region: "lima-metropolitana", City: "Lima", Line: "Jr. Junín 123"}},
		Method: models.PaymentCard, ExpiresAt: time.Now().Add(time.Hour)}
	seen := map[int64]bool{}
	for _, p := range ps {
		if !seen[p.GroupID] && len(in.Lines) < 2 {
			seen[p.GroupID] = true
			in.Lines = append(in.Lines, models.OrderLineInput{ProductID: p.ID, Quantity: 1})
		}
	}
	if len(in.Lines) != 2 {
		t.Fatalf("the demo catalog has no two groups with stock: %+v", ps)
	}
	return in
}

// A paid order's hand-off job, worked by River, fulfils the order: one
// work order per group, one ledger entry per line, a chain that verifies.
func TestWorker_FulfilsAPaidOrderFromTheQueue(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		store := models.NewStore(db)
		workers := river.NewWorkers()
		fulfillment.Register(workers, store, nil)
		jobs, err := models.NewJobs(db, workers, models.JobsConfig{Workers: 2, PollInterval: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		store.UseJobs(jobs)
		o, err := store.PlaceOrder(ctx, twoGroupsOrder(t, db), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, changed, err := store.PayOrder(ctx, models.PaymentInput{OrderID: o.ID, Method: models.PaymentCard,
			Amount: o.Total(), ProviderSessionID: "cs_test_worker", Actor: models.SystemActor})
		if err != nil || !changed {
			t.Fatalf("pay: changed %v, %v", changed, err)
		}
		if err := jobs.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_ = jobs.StopAndCancel(sctx)
		})
		job := waitForJob(t, jobs, rivertype.JobStateCompleted)
		if job.Queue != models.QueueFulfillment {
			t.Errorf("job on queue %q", job.Queue)
		}
		got, err := store.OrderByID(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != models.StatusInFulfillment {
			t.Fatalf("order is %s", got.Status)
		}
		wos, err := store.WorkOrdersOfOrder(ctx, o.ID)
		if err != nil || len(wos) != 2 {
			t.Fatalf("work orders %+v, %v", wos, err)
		}
		es, err := store.LedgerEntriesOfOrder(ctx, o.ID)
		if err != nil || len(es) != 2 {
			t.Fatalf("ledger entries %+v, %v", es, err)
		}
		paid := es[0].PaidToArtisans + es[1].PaidToArtisans
		if want := got.PaidToArtisans(); paid != want.Amount {
			t.Errorf("ledger pays %d, the order's lines %d", paid, want.Amount)
		}
		check, err := store.VerifyLedger(ctx)
		if err != nil || check.Entries != 2 || check.Head != es[1].Hash {
			t.Fatalf("verify: %+v, %v", check, err)
		}
	}, demoCatalog)
}

// waitForJob waits until the one fulfill_order job reaches state.
func waitForJob(t *testing.T, jobs *models.Jobs, state rivertype.JobState) *rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := jobs.JobList(context.Background(),
			river.NewJobListParams().Kinds(models.FulfillOrderArgs{}.Kind()).First(10))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Jobs) == 1 && res.Jobs[0].State == state {
			return res.Jobs[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("fulfill_order jobs %+v, waiting for one %s", res.Jobs, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// fakeStore answers FulfillOrders with a fixed result, or with batchErr
// when asked to take other orders along; it notes what it was asked.
type fakeStore struct {
	changed  bool
	others   []int64
	err      error
	batchErr error
	asked    *[]int
}

func (f fakeStore) FulfillOrders(_ context.Context, _ int64, more int) (models.Fulfilled, error) {
	if f.asked != nil {
		*f.asked = append(*f.asked, more)
	}
	if more > 0 && f.batchErr != nil {
		return models.Fulfilled{}, f.batchErr
	}
	return models.Fulfilled{Changed: f.changed, Others: f.others}, f.err
}

// The jobs of orders a batch took along end without asking the store.
func TestWorker_JobsOfOrdersTakenAlongAskNothing(t *testing.T) {
	t.Parallel()
	var asked []int
	w := fulfillment.NewWorker(fakeStore{changed: true, others: []int64{8, 9}, asked: &asked}, nil)
	workFirstAttempt(t, w, 7)
	workFirstAttempt(t, w, 8)
	workFirstAttempt(t, w, 9)
	if len(asked) != 1 {
		t.Errorf("the store was asked %d times, want once (for order 7's batch)", len(asked))
	}
	// A job seen again (River retried it, say) asks the store as usual.
	workFirstAttempt(t, w, 8)
	if len(asked) != 2 {
		t.Errorf("the store was asked %d times, want twice", len(asked))
	}
}

// A failure is returned for River to retry; an order that does not exist
// gives the job up at once; a batch that fails is retried at once with
// the job's own order alone, so another order's fault does not hold it.
func TestWorker_RetriesFailuresAndGivesUpUnknownOrders(t *testing.T) {
	t.Parallel()
	lost := errors.New("connection lost")
	cases := []struct {
		name      string
		store     fakeStore
		wantErr   error
		cancelled bool
		asked     []int
	}{
		{"fulfilled", fakeStore{changed: true}, nil, false, []int{fulfillment.Batch}},
		{"nothing to do", fakeStore{}, nil, false, []int{fulfillment.Batch}},
		{"database failure", fakeStore{err: lost}, lost, false, []int{fulfillment.Batch, 0}},
		{"unknown order", fakeStore{err: models.ErrNotFound}, models.ErrNotFound, true, []int{fulfillment.Batch}},
		{"batch fails, own order alone succeeds", fakeStore{changed: true, batchErr: lost}, nil, false,
			[]int{fulfillment.Batch, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var asked []int
			c.store.asked = &asked
			w := fulfillment.NewWorker(c.store, nil)
			err := w.Work(context.Background(), &river.Job[models.FulfillOrderArgs]{
				JobRow: &rivertype.JobRow{Attempt: 1}, Args: models.FulfillOrderArgs{OrderID: 7}})
			var cancel *river.JobCancelError
			if !errors.Is(err, c.wantErr) || (err == nil) != (c.wantErr == nil) || errors.As(err, &cancel) != c.cancelled {
				t.Errorf("got %v, want %v (cancelled %v)", err, c.wantErr, c.cancelled)
			}
			if !slices.Equal(asked, c.asked) {
				t.Errorf("asked to take along %v, want %v", asked, c.asked)
			}
		})
	}
}

// A batch that fails while the job's order alone succeeds means another
// waiting order fails: jobs then go alone for a while instead of failing
// a batch each, and batches resume after the pause.
func TestWorker_PausesBatchesWhileAWaitingOrderFails(t *testing.T) {
	t.Parallel()
	var asked []int
	w := fulfillment.NewWorker(fakeStore{changed: true, batchErr: errors.New("order 9 breaks a constraint"),
		asked: &asked}, nil)
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	fulfillment.SetClock(w, func() time.Time { return now })
	workFirstAttempt(t, w, 7)
	workFirstAttempt(t, w, 8)
	now = now.Add(2 * time.Minute)
	workFirstAttempt(t, w, 10)
	want := []int{fulfillment.Batch, 0, 0, fulfillment.Batch, 0}
	if !slices.Equal(asked, want) {
		t.Errorf("asked to take along %v, want %v", asked, want)
	}
}

// workFirstAttempt works a first attempt of order id's fulfillment job,
// which must succeed.
func workFirstAttempt(t *testing.T, w *fulfillment.Worker, id int64) {
	t.Helper()
	if err := w.Work(context.Background(), &river.Job[models.FulfillOrderArgs]{
		JobRow: &rivertype.JobRow{Attempt: 1}, Args: models.FulfillOrderArgs{OrderID: id}}); err != nil {
		t.Fatalf("job of order %d: %v", id, err)
	}
}
