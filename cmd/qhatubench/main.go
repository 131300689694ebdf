// Command qhatubench measures the shop's read path on PostgreSQL: it seeds
// a large catalog into a fresh schema, serves it in-process, and loads the
// catalog page, a filtered catalog page, a product page and a product's
// JSON, each three ways in one run: from a bare net/http server handing
// the page's identical bytes from memory (the ceiling), as page cache hits,
// and with the cache off (misses). It prints requests/s, p50/p99 and each
// rate's ratio to the ceiling. Figures from one run compare with each
// other only: the machine is shared and noisy.
//
//	go run ./cmd/qhatubench -database-url postgres://postgres@127.0.0.1:5432/test
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/demo"
	"gorm.io/gorm"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "qhatubench:", err)
		os.Exit(1)
	}
}

type options struct {
	dbURL       string
	products    int
	duration    time.Duration
	connections int
	loadgen     string
	cache       string
	cpuProfile  string
	schema      string
	keep        bool
}

func run(ctx context.Context) error {
	var o options
	def := os.Getenv("QHATU_BENCH_DATABASE_URL")
	if def == "" {
		def = "postgres://postgres@127.0.0.1:5432/test"
	}
	flag.StringVar(&o.dbURL, "database-url", def, "PostgreSQL server to benchmark on (a fresh schema is created and dropped) (QHATU_BENCH_DATABASE_URL)")
	flag.IntVar(&o.products, "products", 5000, "catalog size")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "load time per URL")
	flag.IntVar(&o.connections, "connections", 64, "concurrent connections")
	flag.StringVar(&o.loadgen, "loadgen", "auto", "wrk, go, or auto (wrk when installed)")
	flag.StringVar(&o.cache, "cache", "both", "page cache: on (hits), off (misses), or both")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of each cache-off load to this file name plus a suffix")
	flag.StringVar(&o.schema, "schema", "", "benchmark an already seeded schema (see -keep) instead of seeding a fresh one")
	flag.BoolVar(&o.keep, "keep", false, "keep the seeded schema for later runs (-schema) instead of dropping it")
	flag.Parse()
	if !models.IsPostgres(o.dbURL) {
		return errors.New("-database-url must be a postgres:// URL")
	}
	if done, err := benchLedgerHook(ctx, o.dbURL); done || err != nil {
		return err
	}
	if o.loadgen == "auto" {
		o.loadgen = "go"
		if _, err := exec.LookPath("wrk"); err == nil {
			o.loadgen = "wrk"
		} else {
			fmt.Println("wrk is not installed (Debian: apt-get install -y wrk; `make bench` installs it when run as root):")
			fmt.Println("using the Go load generator, whose figures do not compare with wrk's")
		}
	}
	if done, err := benchCheckoutHook(ctx, o); done || err != nil {
		return err
	}

	db, schema, drop, err := benchSchema(ctx, o.dbURL, o.schema)
	if err != nil {
		return err
	}
	if o.keep || o.schema != "" {
		defer fmt.Printf("\nschema %s kept: rerun with -schema %s\n", schema, schema)
	} else {
		defer drop()
	}
	store := models.NewStore(db)
	start := time.Now()
	if o.schema == "" {
		if err := demo.Large(ctx, store, o.products); err != nil {
			return fmt.Errorf("seed %d products: %w", o.products, err)
		}
		// A live database is vacuumed and analysed by autovacuum; a freshly
		// seeded one is not yet, and would be measured with stale statistics.
		if err := db.WithContext(ctx).Exec("VACUUM ANALYZE").Error; err != nil {
			return fmt.Errorf("vacuum: %w", err)
		}
	}
	n, _ := store.CountProducts(ctx)
	fmt.Printf("%d products on PostgreSQL (schema %s, ready in %s); load generator %s, %d connections, %s per URL\n",
		n, schema, time.Since(start).Round(time.Second), o.loadgen, o.connections, o.duration)

	page, err := store.ListProducts(ctx, models.ProductFilter{Page: 40, PerPage: 1})
	if err != nil || len(page.Items) == 0 {
		return fmt.Errorf("pick a product: %v", err)
	}
	slug := page.Items[0].Slug

	if o.cache != "on" && o.cache != "off" && o.cache != "both" {
		return fmt.Errorf("-cache must be on, off or both")
	}
	return benchPages(ctx, store, o, slug)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func warm(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	cpu      time.Duration // this process's CPU time during the load
}

func load(ctx context.Context, o options, u string) (result, error) {
	if o.loadgen == "wrk" {
		return loadWrk(ctx, o, u)
	}
	return loadGo(ctx, o, u)
}

// loadGo is a closed-loop generator: each connection sends its next
// request as soon as the last answer arrives, for o.duration.
func loadGo(ctx context.Context, o options, u string) (result, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: o.connections, MaxConnsPerHost: o.connections}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	deadline := time.Now().Add(o.duration)
	lat := make(chan []time.Duration, o.connections)
	errc := make(chan error, o.connections)
	for range o.connections {
		go func() {
			var mine []time.Duration
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				resp, err := client.Get(u)
				if err != nil {
					errc <- err
					break
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errc <- fmt.Errorf("status %d", resp.StatusCode)
					break
				}
				mine = append(mine, time.Since(t0))
			}
			lat <- mine
		}()
	}
	var all []time.Duration
	for range o.connections {
		all = append(all, <-lat...)
	}
	select {
	case err := <-errc:
		return result{}, err
	default:
	}
	if len(all) == 0 {
		return result{}, errors.New("no request completed")
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return result{rps: float64(len(all)) / o.duration.Seconds(),
		p50: all[len(all)/2], p99: all[len(all)*99/100]}, nil
}

// loadWrk runs wrk (Debian package "wrk") and reads its latency report.
func loadWrk(ctx context.Context, o options, u string) (result, error) {
	out, err := exec.CommandContext(ctx, "wrk", "-t2", fmt.Sprintf("-c%d", o.connections),
		fmt.Sprintf("-d%ds", int(o.duration.Seconds())), "--latency", u).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %w: %s", err, out)
	}
	var r result
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			fmt.Sscanf(f[1], "%f", &r.rps)
		case len(f) == 2 && f[0] == "50%":
			r.p50, _ = time.ParseDuration(f[1])
		case len(f) == 2 && f[0] == "99%":
			r.p99, _ = time.ParseDuration(f[1])
		case strings.Contains(line, "Non-2xx"):
			return r, fmt.Errorf("wrk saw errors: %s", strings.TrimSpace(line))
		}
	}
	if r.rps == 0 {
		return r, fmt.Errorf("could not read wrk output: %s", out)
	}
	return r, nil
}

// benchSchema creates a schema for this run (or opens the one named) and
// returns a migrated handle on it, its name and a function that drops it.
func benchSchema(ctx context.Context, base, schema string) (*gorm.DB, string, func(), error) {
	admin, err := models.Open(ctx, models.DBConfig{URL: base})
	if err != nil {
		return nil, "", nil, err
	}
	created := schema == ""
	if created {
		b := make([]byte, 4)
		rand.Read(b)
		schema = "bench_" + hex.EncodeToString(b)
		if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
			return nil, "", nil, fmt.Errorf("create schema: %w", err)
		}
	}
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	// Names the benchmark's backends, whose CPU cpuMeter reads.
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	db, err := models.Open(ctx, models.DBConfig{URL: u.String()})
	drop := func() {
		if db != nil {
			if s, err := db.DB(); err == nil {
				s.Close()
			}
		}
		if created {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		}
		if s, err := admin.DB(); err == nil {
			s.Close()
		}
	}
	if err != nil {
		drop()
		return nil, "", nil, err
	}
	if err := models.Migrate(ctx, db); err != nil {
		drop()
		return nil, "", nil, err
	}
	return db, schema, drop, nil
}
