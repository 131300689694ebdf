package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

type noteArgs struct {
	Note string `json:"note"`
}

func (noteArgs) Kind() string { return "test_note" }

type noteWorker struct {
	river.WorkerDefaults[noteArgs]
}

func (noteWorker) Work(context.Context, *river.Job[noteArgs]) error { return nil }

// newJobStore gives a store with a job queue that enqueues (not started).
func newJobStore(t *testing.T, db *gorm.DB) (*models.Store, *models.Jobs) {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, &noteWorker{})
	jobs, err := models.NewJobs(db, workers, models.JobsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	store := models.NewStore(db)
	store.UseJobs(jobs)
	return store, jobs
}

// storeWithQueue gives a store whose jobs are enqueued and never worked:
// order changes queue mail and fulfillment jobs in their transaction.
func storeWithQueue(tb testing.TB, db *gorm.DB) *models.Store {
	tb.Helper()
	jobs, err := models.NewJobs(db, river.NewWorkers(), models.JobsConfig{})
	if err != nil {
		tb.Fatal(err)
	}
	store := models.NewStore(db)
	store.UseJobs(jobs)
	return store
}

func countJobs(t *testing.T, jobs *models.Jobs, kind string) int {
	t.Helper()
	res, err := jobs.JobList(context.Background(), river.NewJobListParams().Kinds(kind).First(100))
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Jobs)
}

// A job is enqueued in the transaction of the change that causes it: a
// rollback leaves no job, a commit leaves exactly one.
func TestEnqueue_JobCommitsAndRollsBackWithItsTransaction(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		store, jobs := newJobStore(t, db)
		boom := errors.New("a later step failed")
		err := store.Tx(ctx, func(tx *models.Store) error {
			if err := tx.Enqueue(ctx, noteArgs{Note: "rolled back"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("tx: %v", err)
		}
		if n := countJobs(t, jobs, "test_note"); n != 0 {
			t.Fatalf("%d jobs after a rollback, want 0", n)
		}
		err = store.Tx(ctx, func(tx *models.Store) error {
			// A nested Tx (a savepoint) still enqueues in the one transaction.
			return tx.Tx(ctx, func(inner *models.Store) error {
				return inner.Enqueue(ctx, noteArgs{Note: "committed"})
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := countJobs(t, jobs, "test_note"); n != 1 {
			t.Fatalf("%d jobs after a commit, want 1", n)
		}
		// Outside a transaction Enqueue opens its own.
		if err := store.Enqueue(ctx, noteArgs{Note: "alone"}); err != nil {
			t.Fatal(err)
		}
		if n := countJobs(t, jobs, "test_note"); n != 2 {
			t.Fatalf("%d jobs, want 2", n)
		}
	})
}

// River's tables are part of the shop's migration history.
func TestMigrate_CreatesTheJobQueue(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		for _, table := range []string{"river_job", "river_leader", "river_migration", "river_queue"} {
			if !db.Migrator().HasTable(table) {
				t.Errorf("no table %s", table)
			}
		}
		pending, err := models.Pending(context.Background(), db)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending %v, %v", pending, err)
		}
	})
}

// Append-only tables refuse TRUNCATE on PostgreSQL (row triggers alone do
// not fire on it); SQLite has no TRUNCATE, and its DELETE without WHERE
// meets the row triggers.
func TestAppendOnly_RefusesTruncate(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		newBOCatalog(t, db, 5) // writes rows to every append-only table
		tables := []string{"price_breakdowns", "audit_log", "stock_movements"}
		for _, table := range tables {
			var before int64
			db.Table(table).Count(&before)
			if before == 0 {
				t.Fatalf("%s is empty: the test proves nothing", table)
			}
			stmt := "DELETE FROM " + table
			if db.Dialector.Name() == "postgres" {
				stmt = "TRUNCATE " + table + " CASCADE"
			}
			if err := db.Exec(stmt).Error; err == nil {
				t.Errorf("%s succeeded", stmt)
			}
			var after int64
			db.Table(table).Count(&after)
			if after != before {
				t.Errorf("%s: %d rows, then %d", table, before, after)
			}
		}
		if db.Dialector.Name() == "postgres" {
			// The order records refuse it even while empty (a statement
			// trigger fires whatever the rows).
			for _, table := range []string{"order_lines", "order_status_history", "payments"} {
				if err := db.Exec("TRUNCATE " + table + " CASCADE").Error; err == nil {
					t.Errorf("TRUNCATE %s succeeded", table)
				}
			}
			// Nor by cascading from the table they reference.
			if err := db.Exec("TRUNCATE products CASCADE").Error; err == nil {
				t.Error("TRUNCATE products CASCADE succeeded")
			}
			if err := db.Exec("TRUNCATE audit_log, stock_movements").Error; err == nil {
				t.Error("TRUNCATE audit_log, stock_movements succeeded")
			}
		}
	})
}
