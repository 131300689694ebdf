package mailer

import (
	"context"
	"errors"

	"github.com/riverqueue/river"
)

// JobKind names the mail job in the queue.
const JobKind = "mail"

// MaxAttempts is how often a mail is tried before it is given up and shown
// to admins as failed. River waits about attempt⁴ seconds between tries,
// so eight attempts span a little over an hour.
const MaxAttempts = 8

// Job sends one message from the job queue. Enqueue it (Store.Enqueue) in
// the transaction of the change the mail tells about, so the mail goes
// out if and only if the change commits. It has no Secrets: a message
// holding a secret is composed and sent by its own job, so the secret
// never sits in the job table.
type Job struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Kind is the job's kind.
func (Job) Kind() string { return JobKind }

// InsertOpts gives mail its number of attempts.
func (Job) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: MaxAttempts} }

// Worker sends mail jobs through a Sender.
type Worker struct {
	river.WorkerDefaults[Job]
	Sender Sender
}

// Work sends the message; an error makes River retry it later, except for
// a message that can never be sent (a bad address), which is cancelled.
func (w *Worker) Work(ctx context.Context, job *river.Job[Job]) error {
	err := w.Sender.Send(ctx, Message{To: job.Args.To, Subject: job.Args.Subject, Body: job.Args.Body})
	if errors.Is(err, ErrBadMessage) {
		return river.JobCancel(err)
	}
	return err
}
