package models_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
)

// BenchmarkCreateOrder places 3-line orders from parallel buyers over ten
// products: the order transaction alone (no HTTP, no Stripe). Run with
// go test -run '^$' -bench CreateOrder ./models/ (PostgreSQL when
// QHATU_TEST_DATABASE_URL is set).
func BenchmarkCreateOrder(b *testing.B) {
	for _, engine := range dbtest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			store := storeWithQueue(b, dbtest.Open(b, engine))
			ed := store.Editor(models.SystemActor)
			a := &models.Association{Slug: "a", Name: "A", Region: models.RegionPuno}
			must(b, ed.CreateAssociation(ctx, a))
			g := &models.Group{Slug: "g", Name: "G", AssociationID: a.ID, Region: models.RegionPuno, Place: "Puno",
				Craft: models.CraftKnitwear, Artisans: 9, WomenPercent: 90, AssemblyCadence: models.CadenceWeekly,
				StoryES: "h", StoryEN: "s"}
			must(b, ed.CreateGroup(ctx, g))
			ids := make([]int64, 10)
			for i := range ids {
				p := &models.Product{Slug: fmt.Sprintf("p-%d", i), NameES: "P", NameEN: "P", DescriptionES: "d",
					DescriptionEN: "d", Craft: models.CraftKnitwear, GroupID: g.ID, WholesaleMinQty: 6}
				must(b, ed.CreateProduct(ctx, p))
				ch, err := ed.SaveBreakdowns(ctx, p.ID, p.LockVersion, boRetail(), boWholesale(), "bench")
				must(b, err)
				_, err = ed.AdjustStock(ctx, models.StockAdjustment{ProductID: p.ID, Delta: models.MaxStockDelta,
					Reason: models.StockReceived})
				must(b, err)
				must(b, ed.SetProductPublished(ctx, p.ID, ch.LockVersion, true))
				ids[i] = p.ID
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i++
					in := buyer(line(ids[i%10], 1), line(ids[(i+3)%10], 1), line(ids[(i+7)%10], 1))
					if _, err := store.CreateOrder(ctx, in); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
		})
	}
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
