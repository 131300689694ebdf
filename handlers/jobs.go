package handlers

import (
	"github.com/ciap/qhatu/mailer"
	"github.com/riverqueue/river"
)

// RegisterWorkers adds the workers of the jobs the shop's edge enqueues:
// the reset mail and the plain mail job (mailer.Job).
func (s *Server) RegisterWorkers(w *river.Workers) {
	river.AddWorker(w, &resetWorker{s: s})
	river.AddWorker(w, &mailer.Worker{Sender: s.acct.mail})
}
