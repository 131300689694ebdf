package handlers

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/mailer"
	"github.com/ciap/qhatu/models"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// MailRecorder is the test server's mailer: it keeps every message as
// its recipient would get it (secrets included) and passes it on to the
// outbox, as the shop does without SMTP. A non-nil err makes every send
// fail instead.
type MailRecorder struct {
	outbox mailer.Sender
	mu     sync.Mutex
	sent   []mailer.Message
	err    error
}

// Send records msg and writes it to the outbox.
func (m *MailRecorder) Send(ctx context.Context, msg mailer.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	if err := m.outbox.Send(ctx, msg); err != nil {
		return err
	}
	m.sent = append(m.sent, msg)
	return nil
}

// Fail makes every later send fail with err.
func (m *MailRecorder) Fail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.err = err
}

// To lists the messages sent to an address, oldest first.
func (m *MailRecorder) To(addr string) []mailer.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []mailer.Message
	for _, msg := range m.sent {
		if msg.To == addr {
			out = append(out, msg)
		}
	}
	return out
}

// newTestJobs gives the store the server's job queue, not started: jobs
// wait in the table until a test calls runJobs.
func newTestJobs(tb testing.TB, srv *Server, store *models.Store) *models.Jobs {
	tb.Helper()
	w := river.NewWorkers()
	srv.RegisterWorkers(w)
	jobs, err := models.NewJobs(store.DB(), w, models.JobsConfig{Workers: 2, PollInterval: 100 * time.Millisecond})
	if err != nil {
		tb.Fatalf("job queue: %v", err)
	}
	store.UseJobs(jobs)
	return jobs
}

// RunJobs starts the workers (once) and returns when no job is waiting or
// running: every queued job has completed, or failed and waits for a
// retry, or was given up.
func (ts *TestServer) RunJobs(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	if !ts.jobsStarted {
		ts.jobsStarted = true
		if err := ts.Jobs.Start(ctx); err != nil {
			t.Fatalf("start jobs: %v", err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_ = ts.Jobs.StopAndCancel(sctx)
		})
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := ts.Jobs.JobList(ctx, river.NewJobListParams().
			States(rivertype.JobStateAvailable, rivertype.JobStateRunning).First(1))
		if err != nil {
			t.Fatalf("list jobs: %v", err)
		}
		if len(res.Jobs) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d (%s) still %s", res.Jobs[0].ID, res.Jobs[0].Kind, res.Jobs[0].State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
