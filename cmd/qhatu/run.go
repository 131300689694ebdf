package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/demo"
	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

const usage = `usage: qhatu [command] [flags]

commands:
  serve     serve the shop (the default)
  migrate   apply database migrations and exit
  seed      load the demo catalog into an empty database and exit
  worker    work background jobs (fulfillment, mail) without serving HTTP
  admin     manage accounts: qhatu admin create --email you@example.org [--role admin]
  ledger    verify the surplus ledger's hash chain, or export it: qhatu ledger verify [--file FILE]

Run "qhatu <command> -h" for the flags; each has a QHATU_* variable too.`

func run(ctx context.Context, args []string) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve", "migrate", "seed", "worker":
	case "admin":
		return adminCommand(ctx, args, os.Stdin, os.Stderr)
	case "ledger":
		return ledgerCommand(ctx, args, os.Stdout, os.Stderr)
	case "help":
		fmt.Println(usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
	cfg, _, err := parseConfig(cmd, args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	store, log, closeStore, err := openStore(ctx, cfg, os.Stderr)
	if err != nil {
		return err
	}
	defer closeStore()

	switch cmd {
	case "migrate":
		log.Info("schema is current")
		return nil
	case "seed":
		return seed(ctx, store, log, true)
	case "worker":
		return work(ctx, cfg, store, log)
	}
	if cfg.SeedDemo {
		if err := seed(ctx, store, log, false); err != nil {
			return err
		}
	}
	return serve(ctx, cfg, store, log)
}

// openStore starts what every command that touches the data needs: the
// logger (to w) and the migrated database. closeStore closes the database.
func openStore(ctx context.Context, cfg *config, w io.Writer) (store *models.Store, log *slog.Logger, closeStore func(), err error) {
	if log, err = cfg.logger(w); err != nil {
		return nil, nil, nil, err
	}
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	return models.NewStore(db), log, func() { closeDB(db, log) }, nil
}

func openMigrated(ctx context.Context, cfg *config, log *slog.Logger) (*gorm.DB, error) {
	db, err := models.Open(ctx, cfg.db(log))
	if err != nil {
		return nil, err
	}
	if err := models.Migrate(ctx, db); err != nil {
		closeDB(db, log)
		return nil, err
	}
	if err := importMedia(ctx, models.NewStore(db), cfg.DataDir, log); err != nil {
		closeDB(db, log)
		return nil, err
	}
	where := "sqlite:" + cfg.DataDir
	if cfg.DatabaseURL != "" {
		where = "postgres"
	}
	log.Info("database ready", "database", where)
	return db, nil
}

// importMedia copies pictures uploaded when they were kept on disk
// (<data-dir>/media) into the database, where every instance serves them.
func importMedia(ctx context.Context, store *models.Store, dataDir string, log *slog.Logger) error {
	res, err := store.ImportMediaFiles(ctx, dataDir)
	if err != nil {
		return fmt.Errorf("copy uploaded pictures into the database: %w", err)
	}
	if res.Imported > 0 {
		log.Info("uploaded pictures copied into the database", "pictures", res.Imported, "from", dataDir+"/media")
	}
	if len(res.Missing) > 0 {
		// Not fatal: another instance may hold the files and copy them.
		log.Warn("uploaded pictures not in the database and not found intact here", "count", len(res.Missing),
			"first", res.Missing[0], "folder", dataDir+"/media")
	}
	return nil
}

func closeDB(db *gorm.DB, log *slog.Logger) {
	if sqlDB, err := db.DB(); err == nil {
		if err := sqlDB.Close(); err != nil {
			log.Warn("close database", "err", err)
		}
	}
}

// seed loads the demo catalog when the database has no products. With
// explicit set (the seed command), a non-empty database is an error.
func seed(ctx context.Context, store *models.Store, log *slog.Logger, explicit bool) error {
	n, err := store.CountProducts(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		if explicit {
			return fmt.Errorf("the database already has %d products: seed only fills an empty catalog", n)
		}
		return nil
	}
	start := time.Now()
	if err := demo.Load(ctx, store); err != nil {
		return fmt.Errorf("load demo catalog: %w", err)
	}
	n, _ = store.CountProducts(ctx)
	log.Info("demo catalog loaded", "products", n, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func serve(ctx context.Context, cfg *config, store *models.Store, log *slog.Logger) (err error) {
	hcfg := cfg.handlers()
	if hcfg.Accounts.Mailer, err = cfg.mailer(store); err != nil {
		return err
	}
	srv, err := handlers.New(store, hcfg, log)
	if err != nil {
		return err
	}
	jobs, err := startJobs(store, srv, cfg.JobWorkers, log)
	if err != nil {
		return err
	}
	warnNoAdmin(ctx, store, log)
	httpSrv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); srv.WatchCatalog(bg) }()
	go func() { defer wg.Done(); srv.Housekeep(bg) }()

	errc := make(chan error, 1)
	go func() {
		log.Info("serving the shop", "addr", cfg.Addr, "url", cfg.BaseURL)
		errc <- httpSrv.ListenAndServe()
	}()
	select {
	case err := <-errc:
		stopJobs(jobs, log)
		stopBG()
		wg.Wait()
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	// Stop taking requests, let the ones in flight finish, drain the job
	// workers, then stop the background work; the caller closes the
	// database last.
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = httpSrv.Shutdown(sctx)
	stopJobs(jobs, log)
	stopBG()
	wg.Wait()
	if err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	log.Info("stopped")
	return nil
}

// work runs the job workers alone (`qhatu worker`), so they scale apart
// from the web servers, until ctx ends (SIGINT, SIGTERM); then it lets
// running jobs finish as serve does.
func work(ctx context.Context, cfg *config, store *models.Store, log *slog.Logger) (err error) {
	hcfg := cfg.handlers()
	if hcfg.Accounts.Mailer, err = cfg.mailer(store); err != nil {
		return err
	}
	// Never served: the mail workers render with its templates and links.
	srv, err := handlers.New(store, hcfg, log)
	if err != nil {
		return err
	}
	jobs, err := startJobs(store, srv, cfg.JobWorkers, log)
	if err != nil {
		return err
	}
	<-ctx.Done()
	log.Info("shutting down")
	stopJobs(jobs, log)
	log.Info("stopped")
	return nil
}

// startJobs starts the job queue's workers inside serve and worker: jobs
// enqueued by this or any other instance are worked here.
func startJobs(store *models.Store, srv *handlers.Server, workers int, log *slog.Logger) (*models.Jobs, error) {
	w := river.NewWorkers()
	srv.RegisterWorkers(w)
	jobs, err := models.NewJobs(store.DB(), w, models.JobsConfig{Workers: workers, Logger: log.With("part", "jobs")})
	if err != nil {
		return nil, err
	}
	store.UseJobs(jobs)
	// Not the request context: shutdown stops the workers itself, after
	// the HTTP server (stopJobs).
	if err := jobs.Start(context.Background()); err != nil {
		return nil, fmt.Errorf("start job workers: %w", err)
	}
	log.Info("job workers started", "workers", workers)
	return jobs, nil
}

// stopJobs lets running jobs finish for up to 15 seconds, then cancels
// them (they are retried later, here or on another instance).
func stopJobs(jobs *models.Jobs, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := jobs.Stop(ctx); err == nil {
		return
	}
	log.Warn("job workers did not finish in time: cancelling them")
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := jobs.StopAndCancel(ctx); err != nil {
		log.Warn("stop job workers", "err", err)
	}
}
