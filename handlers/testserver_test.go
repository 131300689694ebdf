package handlers

// The one way every test of this package and of handlers_test builds a
// shop: NewTestServer (external tests call it through newTestServer in
// testhelpers_test.go). Typical use:
//
//	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
//		ts := NewTestServer(t, db, WithPageCache(100))
//		res, _ := http.Get(ts.URL + "/products")
//	}, DemoCatalog)

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/mailer"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/ciap/qhatu/models/demo"
	"gorm.io/gorm"
)

// testBaseURL is the shop's public URL in tests.
const testBaseURL = "https://qhatu.test"

// testMinimumWage is Peru's RMV of 2025, as the deployment configures it.
var testMinimumWage = MinimumWage{Monthly: 113000, HoursPerWeek: 48,
	Source: "Decreto Supremo N.° 006-2024-TR", Since: "2025-01-01"}

// cheapArgon2 keeps password hashing fast in tests: the production cost
// (models.DefaultArgon2, 64 MiB) under the race detector took most of the
// package's time, if only for the hasher's timing dummy.
var cheapArgon2 = models.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Every test server shares one set of parts (parts.go), loaded by the
// first: they never change, and parsing the templates for each server
// was a tenth of this package's time.
func init() {
	var (
		once   sync.Once
		shared parts
		err    error
	)
	newParts = func() (parts, error) {
		once.Do(func() { shared, err = loadParts() })
		return shared, err
	}
}

// testParts is the set of parts every test server shares.
func testParts(tb testing.TB) parts {
	tb.Helper()
	p, err := newParts()
	if err != nil {
		tb.Fatalf("load parts: %v", err)
	}
	return p
}

// testTranslations is the test servers' translations, for tests that
// format or translate without a server: loading the message files again
// for each such test cost more than the test.
func testTranslations(tb testing.TB) *Translations { return testParts(tb).tr }

// SharedTranslations is testTranslations for the external tests.
func SharedTranslations(tb testing.TB) *Translations { return testTranslations(tb) }

// TestServer is the real server (New) on a test database, served over
// HTTP at URL, with a settable clock and no real sleeping.
type TestServer struct {
	*Server
	Store *models.Store
	URL   string
	Clock *TestClock
	// Sleeps records the sign-in slow-down's waits (nothing really waits).
	Sleeps *SleepRecorder
	// Jobs is the server's job queue, not started: RunJobs works what is
	// queued (jobs_test.go).
	Jobs *models.Jobs
	// Mail records every mail as its recipient gets it, and writes it to
	// the outbox as the shop does without SMTP.
	Mail        *MailRecorder
	jobsStarted bool
}

// TestOption changes how NewTestServer builds the shop.
type TestOption func(*testSetup)

type testSetup struct{ cfg Config }

// DemoCatalog makes a test database start with the demo catalog. It is
// loaded once per engine and test binary (copied for each SQLite test):
// loading it for every test took much of the package's time.
var DemoCatalog = dbtest.WithSeed(dbtest.NewSeed("demo", func(ctx context.Context, db *gorm.DB) error {
	// One transaction: on PostgreSQL, where each test loads it, one
	// commit instead of one per record.
	return models.NewStore(db).Tx(ctx, func(tx *models.Store) error { return demo.Load(ctx, tx) })
}))

// WithPageCache turns the rendered-page cache on with n entries (it is
// off by default, so most tests see every change at once).
func WithPageCache(n int) TestOption { return func(s *testSetup) { s.cfg.PageCacheEntries = n } }

// WithConfig changes the server's configuration.
func WithConfig(f func(*Config)) TestOption { return func(s *testSetup) { f(&s.cfg) } }

// NewTestServer builds the shop on db with cheap password hashing.
func NewTestServer(tb testing.TB, db *gorm.DB, opts ...TestOption) *TestServer {
	tb.Helper()
	store := models.NewStore(db)
	setup := testSetup{cfg: Config{
		BaseURL:     testBaseURL,
		MinimumWage: testMinimumWage,
		Accounts:    AccountsConfig{Argon2: cheapArgon2},
	}}
	mail := &MailRecorder{outbox: mailer.OutboxSender{Outbox: store}}
	setup.cfg.Accounts.Mailer = mail
	for _, o := range opts {
		o(&setup)
	}
	srv, err := New(store, setup.cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatalf("new server: %v", err)
	}
	ts := &TestServer{Server: srv, Store: store, Clock: newTestClock(), Sleeps: &SleepRecorder{}, Mail: mail}
	ts.Jobs = newTestJobs(tb, srv, store)
	srv.SetClockForTest(ts.Clock.Now)
	srv.SetSleepForTest(ts.Sleeps.sleep)
	hs := httptest.NewServer(srv)
	tb.Cleanup(hs.Close)
	ts.URL = hs.URL
	return ts
}

// TestClock is a settable clock.
type TestClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *TestClock {
	return &TestClock{now: time.Now().UTC().Truncate(time.Second)}
}

// Now is the clock's time.
func (c *TestClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *TestClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// SleepRecorder stands in for time.Sleep.
type SleepRecorder struct {
	mu     sync.Mutex
	waited []time.Duration
}

func (s *SleepRecorder) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waited = append(s.waited, d)
	s.mu.Unlock()
	return nil
}

// Waits returns the recorded waits.
func (s *SleepRecorder) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waited...)
}
