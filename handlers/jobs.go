package handlers

import (
	"github.com/ciap/qhatu/fulfillment"
	"github.com/ciap/qhatu/mailer"
	"github.com/riverqueue/river"
)

// RegisterWorkers adds the workers of the shop's jobs: the reset mail,
// the plain mail job (mailer.Job), an order's mails and expiry
// (order_mail.go, checkout_jobs.go), the decision on a wholesale
// application (reseller_mail.go), and the hand-off of paid orders to
// fulfillment, which every instance works.
func (s *Server) RegisterWorkers(w *river.Workers) {
	river.AddWorker(w, &resetWorker{s: s})
	river.AddWorker(w, &invitationWorker{s: s})
	river.AddWorker(w, &mailer.Worker{Sender: s.acct.mail})
	river.AddWorker(w, &orderMailWorker{s: s})
	river.AddWorker(w, &resellerMailWorker{s: s})
	river.AddWorker(w, &expireOrderWorker{s: s})
	fulfillment.Register(w, fulfillmentStore{s}, s.log.With("part", "fulfillment"))
}
