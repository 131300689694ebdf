package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"
)

// The job queue is River on the shop's own database, so a job commits or
// rolls back with the change that causes it, and several instances share
// the queue. Job kinds (their args and workers) live with the code they
// serve — mail in mailer/, the reset mail in handlers/ — and are
// registered on one river.Workers that cmd/qhatu hands to NewJobs.

// JobQueue is what the store needs from the River client.
type JobQueue interface {
	InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

// Jobs is the River client of the shop's database.
type Jobs = river.Client[*sql.Tx]

// JobsConfig configures NewJobs.
type JobsConfig struct {
	// Workers is how many jobs of each queue (the default one and the
	// fulfillment one) this instance works at once; 0 makes a client that
	// only enqueues.
	Workers int
	// Logger receives River's logs; nil discards them.
	Logger *slog.Logger
	// PollInterval is how often workers look for jobs enqueued elsewhere
	// (other instances, or before this one started); zero is River's
	// default, a second. Tests shorten it.
	PollInterval time.Duration
}

// NewJobs returns the River client for db with the shop's workers. Start
// it to work jobs; it enqueues without being started.
func NewJobs(db *gorm.DB, workers *river.Workers, cfg JobsConfig) (*Jobs, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("database handle for the job queue: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rc := &river.Config{Workers: workers, Logger: log, JobTimeout: time.Minute, FetchPollInterval: cfg.PollInterval,
		// REINDEX needs the tables' owner, which the app should not be
		// (README, database rights).
		ReindexerIndexNames: []string{},
		// The fulfillment queue's worker is the fulfillment module, which
		// a client that only enqueues need not register: River's check
		// that an inserted kind has a worker here would refuse the hand-off.
		SkipUnknownJobCheck: true}
	if cfg.Workers > 0 {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers},
			QueueFulfillment: {MaxWorkers: cfg.Workers}}
	}
	if db.Dialector.Name() == "sqlite" {
		// River's SQLite listener polls every 50 ms on the one connection;
		// jobs inserted by this (single) instance wake the fetcher anyway.
		rc.PollOnly = true
	}
	client, err := river.NewClient(riverDriver(db.Dialector.Name(), sqlDB), rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return client, nil
}

func riverDriver(dialect string, sqlDB *sql.DB) riverdriver.Driver[*sql.Tx] {
	if dialect == "sqlite" {
		return riversqlite.New(sqlDB)
	}
	return riverdatabasesql.New(sqlDB)
}

// UseJobs makes Enqueue write into q, on this store and on every
// transaction-scoped store made from it.
func (s *Store) UseJobs(q JobQueue) { s.hooks.jobs = q }

// errNoJobQueue: the store was never given a queue (a wiring mistake).
var errNoJobQueue = errors.New("no job queue configured")

// Enqueue queues jobs in the store's transaction, so they exist if and
// only if the change that causes them commits; outside a transaction it
// opens one of its own. Several jobs go in one statement: a checkout's or
// a payment's two jobs cost one round trip. (On SQLite's single connection
// only the transaction may be used while it is open: River's own Insert
// would wait for it forever.)
func (s *Store) Enqueue(ctx context.Context, jobs ...river.JobArgs) error {
	if len(jobs) == 0 {
		return nil
	}
	kinds := jobs[0].Kind()
	for _, a := range jobs[1:] {
		kinds += ", " + a.Kind()
	}
	if s.hooks.jobs == nil {
		return fmt.Errorf("enqueue %s job: %w", kinds, errNoJobQueue)
	}
	if !s.InTx() {
		return s.Tx(ctx, func(tx *Store) error { return tx.Enqueue(ctx, jobs...) })
	}
	tx, err := sqlTx(s.db)
	if err != nil {
		return fmt.Errorf("enqueue %s job: %w", kinds, err)
	}
	params := make([]river.InsertManyParams, len(jobs))
	for i, a := range jobs {
		params[i] = river.InsertManyParams{Args: a}
	}
	if _, err := s.hooks.jobs.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("enqueue %s job: %w", kinds, err)
	}
	return nil
}

// sqlTx is the *sql.Tx under a GORM transaction.
func sqlTx(db *gorm.DB) (*sql.Tx, error) {
	switch p := db.Statement.ConnPool.(type) {
	case *sql.Tx:
		return p, nil
	case *gorm.PreparedStmtTX:
		if tx, ok := p.Tx.(*sql.Tx); ok {
			return tx, nil
		}
	}
	return nil, fmt.Errorf("not in a database/sql transaction (%T)", db.Statement.ConnPool)
}

// FailedJobs lists, newest first, up to limit jobs of the kinds that River
// gave up on (discarded after their last attempt, or cancelled because
// they can never succeed).
func (s *Store) FailedJobs(ctx context.Context, limit int, kinds ...string) ([]*rivertype.JobRow, error) {
	if s.hooks.jobs == nil {
		return nil, nil
	}
	p := river.NewJobListParams().Kinds(kinds...).
		States(rivertype.JobStateDiscarded, rivertype.JobStateCancelled).
		OrderBy(river.JobListOrderByFinalizedAt, river.SortOrderDesc).First(limit)
	res, err := s.hooks.jobs.JobList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("list failed jobs: %w", err)
	}
	return res.Jobs, nil
}
