package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
)

// page is one URL the benchmark loads.
type page struct{ name, path string }

// benchPages loads each page four ways, one after the other so they share
// the machine's state: from a bare net/http server handing the page's
// identical bytes and headers from memory (the ceiling); from the shop
// with the page cache on (hits); with it off (misses: every request
// renders, from the catalog data memo as in production); and with the
// memo off too (every request queries PostgreSQL and renders, as misses
// did before the memo). Ratios are to the ceiling.
func benchPages(ctx context.Context, store *models.Store, o options, slug string) error {
	pages := []page{
		{"/products", "/products"},
		{"/products?craft=…&sort=price_asc&page=3", "/products?craft=ceramics&sort=price_asc&page=3"},
		{"/products/{slug}", "/products/" + slug},
		{"/api/v1/products/{slug}", "/api/v1/products/" + slug},
	}
	hits, stopHits, err := serveShop(store, true, true)
	if err != nil {
		return err
	}
	defer stopHits()
	misses, stopMisses, err := serveShop(store, false, true)
	if err != nil {
		return err
	}
	defer stopMisses()
	// The same misses without the catalog data memo: what a miss cost
	// before it (every request queries PostgreSQL).
	bareMisses, stopBareMisses, err := serveShop(store, false, false)
	if err != nil {
		return err
	}
	defer stopBareMisses()

	fmt.Println("\nratios are to the bare net/http server handing the same bytes (higher is better);")
	fmt.Println("CPU/req is this process's CPU time per answer (PostgreSQL's own is not counted)")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "URL\tserved by\treq/s\tp50\tp99\tvs bare\tCPU/req\t")
	for _, pg := range pages {
		resp, err := http.Get(misses + pg.path)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: status %d %v", pg.path, resp.StatusCode, err)
		}
		bare, stopBare, err := serveBare(resp.Header, body)
		if err != nil {
			return err
		}
		runs := []struct{ label, base string }{{"bare net/http", bare}}
		if o.cache != "off" {
			runs = append(runs, struct{ label, base string }{"cache hit", hits})
		}
		if o.cache != "on" {
			runs = append(runs, struct{ label, base string }{"miss", misses},
				struct{ label, base string }{"miss, no data memo", bareMisses})
		}
		var ceiling float64
		for _, run := range runs {
			u := run.base + pg.path
			if run.label == "bare net/http" {
				u = run.base + "/"
			}
			r, err := loadOne(ctx, o, u, run.label == "miss")
			if err != nil {
				stopBare()
				return fmt.Errorf("load %s (%s): %w", pg.path, run.label, err)
			}
			if ceiling == 0 {
				ceiling = r.rps
			}
			cpu := time.Duration(float64(r.cpu) / (r.rps * o.duration.Seconds()))
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%s\t%s\t%.2f×\t%s\t\n", pg.name, run.label, r.rps, ms(r.p50), ms(r.p99),
				r.rps/ceiling, ms(cpu))
		}
		stopBare()
		tw.Flush()
	}
	return tw.Flush()
}

// loadOne warms u and loads it; with profile, the load is CPU-profiled
// into o.cpuProfile (appending the URL's name), so a miss can be profiled
// in the same run it is measured.
func loadOne(ctx context.Context, o options, u string, profile bool) (result, error) {
	// wrk cuts its connections mid-request when it stops; give the
	// server a moment to finish those before the next URL.
	time.Sleep(time.Second)
	if err := warm(u); err != nil {
		return result{}, err
	}
	if profile && o.cpuProfile != "" {
		f, err := os.Create(fmt.Sprintf("%s.%d", o.cpuProfile, time.Now().UnixNano()))
		if err != nil {
			return result{}, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return result{}, err
		}
		defer pprof.StopCPUProfile()
	}
	before := cpuTime()
	r, err := load(ctx, o, u)
	r.cpu = cpuTime() - before
	return r, err
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serveShop serves the shop in-process, with or without its page cache
// and its catalog data memo.
func serveShop(store *models.Store, cached, memo bool) (string, func(), error) {
	// As qhatu serve runs: the catalog data memo stays on without the
	// page cache, so a miss is what a page cache miss costs in production.
	cfg := handlers.Config{BaseURL: "http://localhost", MinimumWage: handlers.MinimumWage{
		Monthly: 113000, HoursPerWeek: 48, Source: "Decreto Supremo N.° 006-2024-TR", Since: "2025-01-01"},
		CatalogMemo: memo}
	if cached {
		cfg.PageCacheEntries = 2000
	}
	// Warnings and errors only: request logs would measure the terminal.
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := handlers.New(store, cfg, log)
	if err != nil {
		return "", nil, err
	}
	return serve(srv)
}

// serveBare is the ceiling: a plain net/http handler writing the given
// headers and bytes from memory.
func serveBare(h http.Header, body []byte) (string, func(), error) {
	h = h.Clone()
	h.Del("Date")
	h.Del("Content-Length")
	return serve(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		dst := w.Header()
		for k, v := range h {
			dst[k] = v
		}
		w.Write(body)
	}))
}

func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	// Shutdown lets the requests wrk left behind finish before the next
	// load, or before the schema is dropped.
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	}, nil
}
