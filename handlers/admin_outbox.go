package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ciap/qhatu/mailer"
	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
	"github.com/riverqueue/river/rivertype"
)

// outboxView is the admin's list of emails written to the outbox, with the
// mail the job queue gave up on.
type outboxView struct {
	Viewer Viewer
	models.OutboxPage
	Failed []failedMail
	To     string
	Prev   string
	Next   string
}

// failedMail is a mail job River discarded after its last attempt (or
// cancelled: it can never be sent). It shows who and what, never the body.
type failedMail struct {
	ID int64
	// Reset and Invitation mark mail whose link is made by its job (the
	// job holds no subject).
	Reset, Invitation bool
	To                string
	Subject           string
	Attempts          int
	Error             string
	At                time.Time
}

// failedMailLimit bounds the failed mail shown; River deletes discarded
// jobs after a week.
const failedMailLimit = 50

// adminOutbox lists the emails the shop wrote to its outbox because no
// SMTP server is configured, and the mail that could not be sent (GET
// /admin/outbox, admins only).
func (s *Server) adminOutbox(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	page, _ := strconv.Atoi(c.QueryParam("page"))
	to := c.QueryParam("to")
	p, err := s.store.ListOutbox(ctx, to, page, 50)
	if err != nil {
		return err
	}
	jobs, err := s.store.FailedJobs(ctx, failedMailLimit, mailer.JobKind, resetJobKind, invitationJobKind)
	if err != nil {
		return err
	}
	v := outboxView{Viewer: s.viewer(c), OutboxPage: p, To: to}
	for _, j := range jobs {
		v.Failed = append(v.Failed, failedMailOf(j))
	}
	link := func(n int) string {
		q := "/admin/outbox?page=" + strconv.Itoa(n)
		if to != "" {
			q += "&to=" + url.QueryEscape(to)
		}
		return q
	}
	if p.Page > 1 {
		v.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages() {
		v.Next = link(p.Page + 1)
	}
	return s.render(c, http.StatusOK, "admin_outbox", Page{L: l, Title: l.T("outbox.title"), NoIndex: true, Data: v})
}

func failedMailOf(j *rivertype.JobRow) failedMail {
	// Every mail kind names the recipient "to"; only the mail job has a
	// subject.
	var args struct {
		To      string `json:"to"`
		Subject string `json:"subject"`
	}
	_ = json.Unmarshal(j.EncodedArgs, &args)
	f := failedMail{ID: j.ID, Reset: j.Kind == resetJobKind, Invitation: j.Kind == invitationJobKind,
		To: args.To, Subject: args.Subject, Attempts: j.Attempt}
	if n := len(j.Errors); n > 0 {
		f.Error = j.Errors[n-1].Error
	}
	if j.FinalizedAt != nil {
		f.At = *j.FinalizedAt
	}
	return f
}
