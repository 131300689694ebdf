package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/ciap/qhatu/models/demo"
)

// TestPreviewServer serves the demo shop on QHATU_PREVIEW_ADDR (for
// example 127.0.0.1:8088) for QHATU_PREVIEW_SECONDS, to look at the pages
// in a browser or take screenshots. It is skipped unless the address is set.
func TestPreviewServer(t *testing.T) {
	addr := os.Getenv("QHATU_PREVIEW_ADDR")
	if addr == "" {
		t.Skip("QHATU_PREVIEW_ADDR not set")
	}
	secs := 600
	if v := os.Getenv("QHATU_PREVIEW_SECONDS"); v != "" {
		if d, err := time.ParseDuration(v + "s"); err == nil {
			secs = int(d.Seconds())
		}
	}
	db := dbtest.Open(t, "sqlite")
	store := models.NewStore(db)
	if err := demo.Load(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	srv, err := New(store, Config{BaseURL: "http://" + addr, MinimumWage: testMinimumWage, DemoNotice: true},
		slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Addr: addr, Handler: srv, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		time.Sleep(time.Duration(secs) * time.Second)
		hs.Close()
	}()
	t.Logf("serving on http://%s for %ds", addr, secs)
	if err := hs.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		t.Fatal(err)
	}
}
