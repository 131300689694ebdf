package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/ciap/qhatu/mailer"
	"github.com/ciap/qhatu/models"
	"github.com/riverqueue/river"
)

// The mail telling an applicant staff's decision on their wholesale
// application. Like an order's mails (order_mail.go), the job
// (models.ResellerMailArgs) carries only the application's ID, is
// enqueued in the decision's transaction, and the mail is composed when
// sent, in the language the applicant wrote in.

// resellerMailWorker sends models.ResellerMailArgs.
type resellerMailWorker struct {
	river.WorkerDefaults[models.ResellerMailArgs]
	s *Server
}

// Work composes and sends the mail (sendJobMail).
func (w *resellerMailWorker) Work(ctx context.Context, job *river.Job[models.ResellerMailArgs]) error {
	s := w.s
	return s.sendJobMail(ctx, fmt.Sprintf("decision on wholesale application %d", job.Args.ApplicationID), func() (mailer.Message, error) {
		a, err := s.store.ApplicationByID(ctx, job.Args.ApplicationID)
		if err != nil {
			return mailer.Message{}, err
		}
		msg, err := s.resellerMail(a)
		if err != nil {
			return msg, river.JobCancel(err)
		}
		return msg, nil
	})
}

// resellerMail composes the decision's mail in the applicant's language.
func (s *Server) resellerMail(a *models.ResellerApplication) (mailer.Message, error) {
	if a.User == nil || a.Status == models.ApplicationPending {
		return mailer.Message{}, fmt.Errorf("wholesale application %d: no decision to tell", a.ID)
	}
	l := s.tr.For(a.Lang)
	var b strings.Builder
	line := func(id string, args ...any) { b.WriteString(l.T(id, args...) + "\n") }
	name := a.User.Name
	if name == "" {
		name = a.BusinessName
	}
	line("order.mail.greeting", "Name", name)
	b.WriteString("\n")
	st := string(a.Status)
	subject := l.T("apply.mail.subject."+st, "Business", a.BusinessName)
	line("apply.mail.intro."+st, "Business", a.BusinessName, "RUC", a.RUC)
	if a.Message != "" {
		b.WriteString("\n")
		line("apply.mail.message")
		b.WriteString(a.Message + "\n")
	}
	b.WriteString("\n")
	if a.Status == models.ApplicationApproved {
		line("apply.mail.next.approved", "Link", s.absURL("/wholesale"))
	} else {
		line("apply.mail.next.rejected", "Link", s.absURL(wholesaleApplyPath))
	}
	b.WriteString("\n")
	line("order.mail.signature")
	return mailer.Message{To: a.User.Email, Subject: subject, Body: b.String()}, nil
}
