package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/ciap/qhatu/models/demo"
)

// BenchmarkPages renders the catalog and a product page without the page
// cache, on SQLite with the demo catalog: the cost of a cache miss.
func BenchmarkPages(b *testing.B) {
	db := dbtest.Open(b, "sqlite")
	store := models.NewStore(db)
	if err := demo.Load(context.Background(), store); err != nil {
		b.Fatal(err)
	}
	srv, err := New(store, Config{BaseURL: testBaseURL, MinimumWage: testMinimumWage},
		slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
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
