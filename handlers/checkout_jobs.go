package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/riverqueue/river"
)

// expireOrderWorker cancels an order still unpaid at its expiry and gives
// its stock back (models.ExpireOrderArgs, scheduled at the expiry).
type expireOrderWorker struct {
	river.WorkerDefaults[models.ExpireOrderArgs]
	s *Server
}

// Work runs Store.ExpireOrder, which changes the order at most once
// however often it runs, and loses cleanly to a payment that locked the
// order first. A job that runs before the order's expiry (clocks of
// several instances disagree) waits for it instead of doing nothing.
func (w *expireOrderWorker) Work(ctx context.Context, job *river.Job[models.ExpireOrderArgs]) error {
	s := w.s
	now := s.acct.now()
	expired, err := s.store.ExpireOrder(ctx, job.Args.OrderID, now)
	if errors.Is(err, models.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if expired {
		s.log.Info("unpaid order expired", "order_id", job.Args.OrderID)
		return nil
	}
	o, err := s.store.OrderByID(ctx, job.Args.OrderID)
	if err != nil {
		return err
	}
	if o.Status == models.StatusPendingPayment && o.ExpiresAt.After(now) {
		return river.JobSnooze(o.ExpiresAt.Sub(now) + time.Second)
	}
	return nil
}
