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

	"github.com/ciap/qhatu/models"
	"github.com/riverqueue/river"
)

// Store is what fulfillment needs from the shop's storage.
type Store interface {
	// FulfillOrder hands a paid order to fulfillment once, however often
	// it is called; changed is false when there was nothing to do.
	FulfillOrder(ctx context.Context, orderID int64) (changed bool, err error)
}

// Worker works models.FulfillOrderArgs jobs. A job that fails (the
// database gone, a deadlock, the worker stopped mid-way) rolled its
// transaction back and is retried by River, here or on another instance.
type Worker struct {
	river.WorkerDefaults[models.FulfillOrderArgs]
	store Store
	log   *slog.Logger
}

// NewWorker returns the worker; a nil log discards its lines.
func NewWorker(store Store, log *slog.Logger) *Worker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{store: store, log: log}
}

// Register adds the fulfillment worker to the shop's workers.
func Register(workers *river.Workers, store Store, log *slog.Logger) {
	river.AddWorker(workers, NewWorker(store, log))
}

// Work fulfils the job's order.
func (w *Worker) Work(ctx context.Context, job *river.Job[models.FulfillOrderArgs]) error {
	id := job.Args.OrderID
	changed, err := w.store.FulfillOrder(ctx, id)
	switch {
	case errors.Is(err, models.ErrNotFound):
		// No retry can find it: give the job up at once, for staff to see.
		return river.JobCancel(fmt.Errorf("fulfil order %d: %w", id, err))
	case err != nil:
		return fmt.Errorf("fulfil order %d: %w", id, err)
	case changed:
		w.log.Info("order handed to fulfillment", "order_id", id, "attempt", job.Attempt)
	default:
		w.log.Debug("order not waiting for fulfillment: nothing to do", "order_id", id)
	}
	return nil
}
