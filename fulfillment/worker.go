// Package fulfillment is the module that takes paid orders off the
// fulfillment queue: for each, the store prepares one work order per
// producing group and records in the surplus ledger what every line paid
// the artisans, in one transaction (models.Store.FulfillOrder). It knows
// nothing of HTTP and needs only the small Store interface below, so it
// runs in every `qhatu serve` and alone in `qhatu worker`.
package fulfillment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/riverqueue/river"
)

// Store is what fulfillment needs from the shop's storage.
type Store interface {
	// FulfillOrders hands a paid order to fulfillment once, however
	// often it is called, and in the same transaction up to more other
	// paid orders waiting for theirs (models.Store.FulfillOrders).
	FulfillOrders(ctx context.Context, orderID int64, more int) (models.Fulfilled, error)
}

// Batch is how many waiting orders a job takes along with its own. Every
// fulfillment waits for the one before it to reach the disk (the chain
// head is locked until then), so under a backlog orders go through in
// batches rather than one flush each; with no backlog a job does its own
// order alone, as before.
const Batch = 31

// Worker works models.FulfillOrderArgs jobs. A job that fails (the
// database gone, a deadlock, the worker stopped mid-way) rolled its
// transaction back and is retried by River, here or on another instance.
type Worker struct {
	river.WorkerDefaults[models.FulfillOrderArgs]
	store Store
	log   *slog.Logger
	batch int
	taken *takenOrders
	// batchOffUntil (Unix nanoseconds): after a batch failed where the
	// job's order alone succeeded, another waiting order is failing; every
	// batch would take it along and fail, so jobs go alone until then.
	batchOffUntil atomic.Int64
	now           func() time.Time
}

// batchPause is how long jobs go alone after a batch failed because of an
// order taken along.
const batchPause = time.Minute

// NewWorker returns the worker; a nil log discards its lines.
func NewWorker(store Store, log *slog.Logger) *Worker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{store: store, log: log, batch: Batch, taken: newTakenOrders(64 * (Batch + 1)), now: time.Now}
}

// Register adds the fulfillment worker to the shop's workers.
func Register(workers *river.Workers, store Store, log *slog.Logger) {
	river.AddWorker(workers, NewWorker(store, log))
}

// Work fulfils the job's order, and other paid orders waiting with it.
func (w *Worker) Work(ctx context.Context, job *river.Job[models.FulfillOrderArgs]) error {
	id := job.Args.OrderID
	if w.taken.take(id) {
		w.log.Debug("order went with another job's batch: nothing to do", "order_id", id)
		return nil
	}
	more := w.batch
	if w.now().UnixNano() < w.batchOffUntil.Load() {
		more = 0
	}
	f, err := w.store.FulfillOrders(ctx, id, more)
	if err != nil && more > 0 && !errors.Is(err, models.ErrNotFound) && ctx.Err() == nil {
		// One of the orders taken along may be what failed: the job's
		// own order alone, so a bad order holds back no other.
		w.log.Warn("fulfilling a batch failed: the job's order alone", "order_id", id, "err", err)
		if f, err = w.store.FulfillOrders(ctx, id, 0); err == nil {
			w.batchOffUntil.Store(w.now().Add(batchPause).UnixNano())
		}
	}
	switch {
	case errors.Is(err, models.ErrNotFound):
		// No retry can find it: give the job up at once, for staff to see.
		return river.JobCancel(fmt.Errorf("fulfil order %d: %w", id, err))
	case err != nil:
		return fmt.Errorf("fulfil order %d: %w", id, err)
	case f.Changed || len(f.Others) > 0:
		w.taken.add(f.Others)
		w.log.Info("orders handed to fulfillment", "order_id", id, "fulfilled", f.Changed,
			"others", len(f.Others), "attempt", job.Attempt)
	default:
		w.log.Debug("order not waiting for fulfillment: nothing to do", "order_id", id)
	}
	return nil
}

// takenOrders remembers the last orders this worker fulfilled along with
// another job's, so their own jobs end without asking the database. An
// order past paid never waits for fulfillment again, so a job answered
// from here is one the database would have answered the same; one
// forgotten (or run on another instance) costs a read.
type takenOrders struct {
	mu   sync.Mutex
	ids  map[int64]struct{}
	ring []int64
	next int
}

func newTakenOrders(n int) *takenOrders {
	return &takenOrders{ids: make(map[int64]struct{}, n), ring: make([]int64, n)}
}

// add notes ids, forgetting the oldest beyond the capacity.
func (t *takenOrders) add(ids []int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range ids {
		if old := t.ring[t.next]; old != 0 {
			delete(t.ids, old)
		}
		t.ring[t.next] = id
		t.ids[id] = struct{}{}
		t.next = (t.next + 1) % len(t.ring)
	}
}

// take reports whether id was noted; its own job comes once, so it is
// forgotten (its slot in the ring is reused in turn).
func (t *takenOrders) take(id int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.ids[id]
	delete(t.ids, id)
	return ok
}
