package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// breakdown returns a valid retail breakdown of 100.00 soles paying
// artisans 45.00.
func breakdown() *models.Breakdown {
	return &models.Breakdown{
		Currency: models.PEN, Price: 10000,
		ArtisanLabour: 3500, ArtisanMaterials: 800, CommunityFund: 200,
		CIAPOperations: 1200, Logistics: 900, PaymentFees: 400, Taxes: 1525, Margin: 1475,
		LocalMarketPrice: 2500, LabourMinutes: 360, CreatedBy: "test", Reason: "first price",
	}
}

// wholesaleOf returns a wholesale breakdown that pays artisans the same as
// b and takes the discount out of CIAP's operations and margin.
func wholesaleOf(b *models.Breakdown, discount int64) *models.Breakdown {
	w := *b
	w.ID = 0
	w.Price -= discount
	w.Margin -= discount
	return &w
}

// seedProduct makes a published product with prices and 5 pieces in
// stock, the way the back office does.
func seedProduct(t *testing.T, ctx context.Context, s *models.Store) *models.Product {
	t.Helper()
	ed := s.Editor(models.SystemActor)
	a := &models.Association{Slug: "asoc-test", Name: "Asociación de prueba", Region: models.RegionAyacucho}
	if err := ed.CreateAssociation(ctx, a); err != nil {
		t.Fatalf("create association: %v", err)
	}
	g := &models.Group{Slug: "grupo-test", Name: "Grupo de prueba", AssociationID: a.ID,
		Region: models.RegionAyacucho, Place: "Quinua", Craft: models.CraftCeramics, Artisans: 12,
		WomenPercent: 75, AssemblyCadence: models.CadenceMonthly, StoryES: "Historia", StoryEN: "Story",
		Photo: "img/groups/test.svg"}
	if err := ed.CreateGroup(ctx, g); err != nil {
		t.Fatalf("create group: %v", err)
	}
	p := &models.Product{Slug: "iglesia-de-quinua", NameES: "Iglesia de Quinua", NameEN: "Quinua church",
		DescriptionES: "Cerámica", DescriptionEN: "Ceramic", Craft: models.CraftCeramics, GroupID: g.ID,
		Image: "img/products/x.svg", WholesaleMinQty: 6}
	if err := ed.CreateProduct(ctx, p); err != nil {
		t.Fatalf("create product: %v", err)
	}
	r := breakdown()
	if err := savePrices(t, ctx, s, models.SystemActor, p.ID, r, wholesaleOf(r, 1000), "first price"); err != nil {
		t.Fatalf("first prices: %v", err)
	}
	if _, err := ed.AdjustStock(ctx, models.StockAdjustment{ProductID: p.ID, Delta: 5, Reason: models.StockReceived}); err != nil {
		t.Fatalf("receive stock: %v", err)
	}
	cur, err := s.ProductByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := ed.SetProductPublished(ctx, p.ID, cur.LockVersion, true); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return p
}

// savePrices saves a product's breakdowns from a form opened just now.
func savePrices(t *testing.T, ctx context.Context, s *models.Store, actor string, id int64, r, w *models.Breakdown, reason string) error {
	t.Helper()
	cur, err := s.ProductByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Editor(actor).SaveBreakdowns(ctx, id, cur.LockVersion, r, w, reason)
	return err
}

func TestBreakdown_Validate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(b *models.Breakdown)
		field  string // "" = valid
	}{
		{"valid", func(b *models.Breakdown) {}, ""},
		{"does not add up", func(b *models.Breakdown) { b.Margin-- }, "components"},
		{"adds up to more", func(b *models.Breakdown) { b.Logistics += 50 }, "components"},
		{"negative component", func(b *models.Breakdown) { b.Margin = -100; b.Taxes += 1575 }, "margin"},
		{"zero price", func(b *models.Breakdown) {
			*b = models.Breakdown{Currency: models.PEN, LabourMinutes: 1, Reason: "x", CreatedBy: "x"}
		}, "price"},
		{"negative local market price", func(b *models.Breakdown) { b.LocalMarketPrice = -1 }, "local_market_price"},
		{"no labour time", func(b *models.Breakdown) { b.LabourMinutes = 0 }, "labour_minutes"},
		{"no reason", func(b *models.Breakdown) { b.Reason = "  " }, "reason"},
		{"wrong currency", func(b *models.Breakdown) { b.Currency = "USD" }, "currency"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := breakdown()
			b.Channel = models.ChannelRetail
			tc.mutate(b)
			err := b.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var ve *models.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, models.ErrInvalid) {
				t.Fatalf("want a ValidationError, got %v", err)
			}
			if _, ok := ve.Fields[tc.field]; !ok {
				t.Fatalf("want an error on %q, got %v", tc.field, ve.Fields)
			}
		})
	}
}

func TestBreakdown_DerivedFigures(t *testing.T) {
	b := breakdown()
	if got := b.PaidToArtisans().Amount; got != 4500 {
		t.Errorf("paid to artisans = %d, want 4500", got)
	}
	if got := b.Surplus().Amount; got != 2000 {
		t.Errorf("surplus = %d, want 2000", got)
	}
	// 35.00 for 6 hours = 5.83 an hour, rounded down.
	if got := b.EffectiveHourlyPay().Amount; got != 583 {
		t.Errorf("hourly pay = %d, want 583", got)
	}
}

func TestStore_RejectsBreakdownThatDoesNotAddUp(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		p := seedProduct(t, ctx, s)
		bad := breakdown()
		bad.Margin += 1
		err := savePrices(t, ctx, s, models.SystemActor, p.ID, bad, wholesaleOf(breakdown(), 1000), "a new price")
		var ve *models.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("want ValidationError, got %v", err)
		}
		fe := ve.Fields["retail.components"]
		if fe.Code != models.CodeComponents || fe.Args["Sum"] != models.Soles(10001) || fe.Args["Difference"] != models.Soles(-1) {
			t.Fatalf("the problem should say what the components add up to, got %+v", fe)
		}
		hist, _ := s.BreakdownHistory(ctx, p.ID, models.ChannelRetail)
		if len(hist) != 1 {
			t.Fatalf("a rejected breakdown must not be stored: %d versions", len(hist))
		}
	})
}

func TestStore_DatabaseRefusesBreakdownThatDoesNotAddUp(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		p := seedProduct(t, ctx, s)
		b := breakdown()
		b.ProductID, b.Channel, b.Version, b.Margin = p.ID, models.ChannelRetail, 99, 0
		if err := db.Create(b).Error; err == nil {
			t.Fatal("the database accepted a breakdown whose components do not add up")
		}
	})
}

func TestStore_EditingABreakdownMakesANewVersion(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		p := seedProduct(t, ctx, s)
		before, _ := s.CatalogVersion(ctx)

		// Raise the labour paid: both channels change together.
		r := breakdown()
		r.ArtisanLabour += 500
		r.Margin -= 500
		r.Reason, r.CreatedBy = "new labour rate agreed with the assembly", "staff@ciap.test"
		if err := savePrices(t, ctx, s, r.CreatedBy, p.ID, r, wholesaleOf(r, 900), r.Reason); err != nil {
			t.Fatalf("set breakdowns: %v", err)
		}
		hist, err := s.BreakdownHistory(ctx, p.ID, models.ChannelRetail)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Version != 1 || hist[1].Version != 2 {
			t.Fatalf("want versions 1 and 2, got %+v", hist)
		}
		if hist[0].ArtisanLabour != 3500 || hist[0].Reason != "first price" {
			t.Fatalf("old version changed: %+v", hist[0])
		}
		if hist[1].Reason != r.Reason || hist[1].CreatedBy != r.CreatedBy {
			t.Fatalf("new version lost who and why: %+v", hist[1])
		}
		got, err := s.ProductBySlug(ctx, p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if got.Group == nil || got.Group.Association == nil || got.Group.Association.Slug != "asoc-test" {
			t.Fatalf("product should come with its group and association: %+v", got.Group)
		}
		if got.RetailBreakdown.Version != 2 || got.WholesaleBreakdown.Version != 2 {
			t.Fatalf("product should show v2, got retail v%d wholesale v%d", got.RetailBreakdown.Version, got.WholesaleBreakdown.Version)
		}
		if got.PaidToArtisansAmount != 5000 {
			t.Fatalf("paid to artisans copy = %d, want 5000", got.PaidToArtisansAmount)
		}
		if after, _ := s.CatalogVersion(ctx); after <= before {
			t.Fatalf("catalog version not bumped: %d → %d", before, after)
		}
	})
}

func TestStore_WholesaleMustPayArtisansTheSame(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		p := seedProduct(t, ctx, s)

		// A wholesale discount taken from the artisans' labour.
		w := wholesaleOf(breakdown(), 0)
		w.Price -= 1000
		w.ArtisanLabour -= 1000
		err := savePrices(t, ctx, s, models.SystemActor, p.ID, breakdown(), w, "a wholesale discount")
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Fields["wholesale"].Code != models.CodeWholesaleArtisans {
			t.Fatalf("want a wholesale error, got %v", err)
		}
		// A retail change in artisan pay alone would leave wholesale behind.
		r := breakdown()
		r.ArtisanLabour += 100
		r.Margin -= 100
		if err := savePrices(t, ctx, s, models.SystemActor, p.ID, r, wholesaleOf(breakdown(), 1000), "a retail raise"); !errors.As(err, &ve) {
			t.Fatalf("want a wholesale error for a lone retail change, got %v", err)
		}
		// A discount out of CIAP's side is fine.
		if err := savePrices(t, ctx, s, models.SystemActor, p.ID, breakdown(), wholesaleOf(breakdown(), 1200), "a wholesale discount"); err != nil {
			t.Fatalf("valid wholesale rejected: %v", err)
		}
		got, _ := s.ProductBySlug(ctx, p.Slug)
		if got.WholesalePriceAmount != 8800 || got.WholesaleBreakdown.Version != 2 || got.RetailBreakdown.Version != 1 {
			t.Fatalf("unexpected state: wholesale %d v%d retail v%d", got.WholesalePriceAmount,
				got.WholesaleBreakdown.Version, got.RetailBreakdown.Version)
		}
	})
}

func TestStore_ListProductsFiltersAndSearch(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		p := seedProduct(t, ctx, s)
		cases := []struct {
			name string
			f    models.ProductFilter
			want int64
		}{
			{"all", models.ProductFilter{}, 1},
			{"craft", models.ProductFilter{Craft: models.CraftCeramics}, 1},
			{"other craft", models.ProductFilter{Craft: models.CraftKnitwear}, 0},
			{"region", models.ProductFilter{Region: models.RegionAyacucho}, 1},
			{"other region", models.ProductFilter{Region: models.RegionPuno}, 0},
			{"group", models.ProductFilter{GroupSlug: "grupo-test"}, 1},
			{"price in range", models.ProductFilter{MinPrice: 5000, MaxPrice: 10000}, 1},
			{"price below", models.ProductFilter{MaxPrice: 9999}, 0},
			{"search name", models.ProductFilter{Query: "quinua"}, 1},
			{"search english", models.ProductFilter{Query: "CHURCH"}, 1},
			{"search group", models.ProductFilter{Query: "grupo de"}, 1},
			{"search wildcard is literal", models.ProductFilter{Query: "%"}, 0},
			{"search quote", models.ProductFilter{Query: "' OR 1=1 --"}, 0},
			{"far page", models.ProductFilter{Page: 99999999}, 1},
		}
		for _, tc := range cases {
			for _, sort := range models.SortOrders {
				tc.f.Sort = sort
				page, err := s.ListProducts(ctx, tc.f)
				if err != nil {
					t.Fatalf("%s/%s: %v", tc.name, sort, err)
				}
				if page.Total != tc.want {
					t.Errorf("%s/%s: total %d, want %d", tc.name, sort, page.Total, tc.want)
				}
				if tc.want == 1 && tc.f.Page <= 1 && (len(page.Items) != 1 || page.Items[0].Group == nil || page.Items[0].Group.Slug != "grupo-test" || page.Items[0].ID != p.ID) {
					t.Errorf("%s/%s: want the product with its group, got %+v", tc.name, sort, page.Items)
				}
			}
		}
	})
}

func TestStore_DatabaseRefusesToRewriteABreakdown(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		p := seedProduct(t, ctx, s)
		if err := db.Exec("UPDATE price_breakdowns SET reason = 'rewritten' WHERE product_id = ?", p.ID).Error; err == nil {
			t.Fatal("the database let a breakdown be rewritten")
		}
		if err := db.Exec("DELETE FROM price_breakdowns WHERE product_id = ?", p.ID).Error; err == nil {
			t.Fatal("the database let a breakdown be deleted")
		}
		hist, _ := s.BreakdownHistory(ctx, p.ID, models.ChannelRetail)
		if len(hist) != 1 || hist[0].Reason != "first price" {
			t.Fatalf("breakdown changed: %+v", hist)
		}
	})
}

func TestStore_SearchIgnoresAccentsAndCase(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		seedProduct(t, ctx, s) // "Iglesia de Quinua", "Cerámica"
		for _, q := range []string{"ceramica", "CERÁMICA", "cerámica", "iglesia de quínua"} {
			page, err := s.ListProducts(ctx, models.ProductFilter{Query: q})
			if err != nil || page.Total != 1 {
				t.Errorf("search %q: %d results, err %v", q, page.Total, err)
			}
		}
	})
}

func TestStore_SearchFollowsABackOfficeEdit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		p := seedProduct(t, ctx, s)
		got, err := s.ProductByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		got.NameES, got.NameEN = "Torito de Pucará", "Pucará bull"
		got.Group, got.RetailBreakdown, got.WholesaleBreakdown = nil, nil, nil
		if err := s.Editor("staff@ciap.test").UpdateProduct(ctx, got); err != nil {
			t.Fatalf("update: %v", err)
		}
		for q, want := range map[string]int64{"pucara": 1, "iglesia": 0} {
			page, err := s.ListProducts(ctx, models.ProductFilter{Query: q})
			if err != nil || page.Total != want {
				t.Errorf("search %q after the edit: %d results, want %d (err %v)", q, page.Total, want, err)
			}
		}
	})
}

func TestStore_BySlugRefusesWhatCannotBeASlug(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		seedProduct(t, ctx, s)
		for _, slug := range []string{"", "../etc/passwd", "Iglesia", "x' OR '1'='1", strings.Repeat("a", 10<<10)} {
			if _, err := s.ProductBySlug(ctx, slug); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("product %.20q: %v", slug, err)
			}
			if _, err := s.GroupBySlug(ctx, slug); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("group %.20q: %v", slug, err)
			}
		}
	})
}
