package main

import (
	"context"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// `qhatu worker` works the fulfillment queue without serving HTTP, and
// returns cleanly when its context ends (SIGTERM in main).
func TestWorker_WorksTheFulfillmentQueueAndStops(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	dbtest.SQLiteFile(t, dir)
	db, err := models.Open(ctx, models.DBConfig{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	jobs, err := models.NewJobs(db, river.NewWorkers(), models.JobsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	store := models.NewStore(db)
	store.UseJobs(jobs)
	// An order that does not exist: the worker gives the job up at once,
	// which shows it was worked.
	if err := store.Enqueue(ctx, models.FulfillOrderArgs{OrderID: 424242}); err != nil {
		t.Fatal(err)
	}

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() {
		done <- run(runCtx, []string{"worker", "-data-dir", dir, "-database-url", "", "-log-level", "error"})
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := jobs.JobList(ctx, river.NewJobListParams().Kinds(models.FulfillOrderArgs{}.Kind()))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Jobs) == 1 && res.Jobs[0].State == rivertype.JobStateCancelled {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("worker returned before working the job: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("job not worked: %+v", res.Jobs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("worker: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("worker did not stop")
	}
}
