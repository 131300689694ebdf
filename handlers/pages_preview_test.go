package handlers

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/ciap/qhatu/models/dbtest"
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
	db := dbtest.Open(t, "sqlite", DemoCatalog)
	ts := NewTestServer(t, db, WithConfig(func(c *Config) {
		c.BaseURL, c.DemoNotice = "http://"+addr, true
	}))
	hs := &http.Server{Addr: addr, Handler: ts.Server, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		time.Sleep(time.Duration(secs) * time.Second)
		hs.Close()
	}()
	t.Logf("serving on http://%s for %ds", addr, secs)
	if err := hs.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		t.Fatal(err)
	}
}
