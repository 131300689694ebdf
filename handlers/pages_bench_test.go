package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ciap/qhatu/models/dbtest"
)

// BenchmarkPages renders the catalog and a product page without the page
// cache, on SQLite with the demo catalog: the cost of a cache miss.
func BenchmarkPages(b *testing.B) {
	db := dbtest.Open(b, "sqlite", DemoCatalog)
	ts := NewTestServer(b, db)
	srv, store := ts.Server, ts.Store
	ps, err := store.ProductsWithBreakdowns(context.Background())
	if err != nil || len(ps) == 0 {
		b.Fatal(err)
	}
	for _, path := range []string{"/", "/products", "/products?craft=retablo&sort=price_asc&page=1",
		"/products/" + ps[0].Slug, "/groups/" + ps[0].Group.Slug, "/transparency"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
		})
	}
}
