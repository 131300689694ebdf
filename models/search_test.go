package models_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/ciap/qhatu/models/demo"
	"gorm.io/gorm"
)

// seedSearchCatalog adds, beside seedProduct's "Iglesia de Quinua"
// (cerámica), products named in the singular the way the catalog names
// them, in Spanish and English.
func seedSearchCatalog(t *testing.T, ctx context.Context, s *models.Store) {
	t.Helper()
	church, ed := seedProduct(t, ctx, s), s.Editor(models.SystemActor)
	for _, p := range []*models.Product{
		{Slug: "retablo-san-marcos", NameES: "Retablo de San Marcos", NameEN: "San Marcos altarpiece",
			DescriptionES: "Caja de madera con figuras de pasta.", DescriptionEN: "A wooden box with figures."},
		{Slug: "tapiz-hualhuas", NameES: "Tapiz de Hualhuas", NameEN: "Hualhuas tapestry",
			DescriptionES: "Tejido en telar de pedal.", DescriptionEN: "Woven on a treadle loom."},
		{Slug: "poncho-alpaca", NameES: "Poncho de alpaca", NameEN: "Alpaca poncho",
			DescriptionES: "Abrigo tejido a mano.", DescriptionEN: "A hand-woven wrap."},
		{Slug: "alfombra-lana", NameES: "Alfombra de lana", NameEN: "Wool rug",
			DescriptionES: "Para la sala.", DescriptionEN: "For the living room."},
	} {
		p.Craft, p.GroupID, p.Image, p.WholesaleMinQty = models.CraftWeaving, church.GroupID, "img/products/x.svg", 1
		if err := ed.CreateProduct(ctx, p); err != nil {
			t.Fatalf("create %s: %v", p.Slug, err)
		}
		r := breakdown()
		if err := savePrices(t, ctx, s, models.SystemActor, p.ID, r, wholesaleOf(r, 1000), "first price"); err != nil {
			t.Fatalf("prices of %s: %v", p.Slug, err)
		}
		cur, err := s.ProductByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := ed.SetProductPublished(ctx, p.ID, cur.LockVersion, true); err != nil {
			t.Fatalf("publish %s: %v", p.Slug, err)
		}
	}
}

func searchSlugs(t *testing.T, ctx context.Context, s *models.Store, q string) []string {
	t.Helper()
	page, err := s.ListProducts(ctx, models.ProductFilter{Query: q, PerPage: models.MaxPerPage})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var slugs []string
	for _, p := range page.Items {
		slugs = append(slugs, p.Slug)
	}
	slices.Sort(slugs)
	return slugs
}

// searchCases: a query, and the products it must find (exactly).
var searchCases = []struct {
	q    string
	want []string
}{
	{"retablos", []string{"retablo-san-marcos"}}, // the menu's own word
	{"Retablo", []string{"retablo-san-marcos"}},
	{"RETABLOS", []string{"retablo-san-marcos"}},
	{"cerámicas", []string{"iglesia-de-quinua"}},
	{"ceramica", []string{"iglesia-de-quinua"}},
	{"ceramicas", []string{"iglesia-de-quinua"}},
	{"ceramics", []string{"iglesia-de-quinua"}},
	{"tapices", []string{"tapiz-hualhuas"}},
	{"tapiz", []string{"tapiz-hualhuas"}},
	{"tapestries", []string{"tapiz-hualhuas"}},
	{"ponchos", []string{"poncho-alpaca"}},
	{"ponchos de alpaca", []string{"poncho-alpaca"}},
	{"rugs", []string{"alfombra-lana"}},
	{"alfombras", []string{"alfombra-lana"}},
	{"churches", []string{"iglesia-de-quinua"}},
	{"iglesias", []string{"iglesia-de-quinua"}},
	{"retab", []string{"retablo-san-marcos"}}, // part of a word, as typed, still matches
	{"figura", []string{"retablo-san-marcos"}},
	{"quinua", []string{"iglesia-de-quinua"}},
	{"marcos retablo", nil}, // words keep their order
	{"toros", nil},
}

func TestStore_SearchForgivesPluralsInSpanishAndEnglish(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		seedSearchCatalog(t, ctx, s)
		checkSearchCases(t, ctx, s)
	})
}

func checkSearchCases(t *testing.T, ctx context.Context, s *models.Store) {
	t.Helper()
	for _, tc := range searchCases {
		if got := searchSlugs(t, ctx, s, tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("search %q found %v, want %v", tc.q, got, tc.want)
		}
	}
}

// Products stored before search knew stems find their plurals once the
// migration has recomputed their search text.
func TestMigrate_RecomputesSearchTextOfExistingProducts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		seedSearchCatalog(t, ctx, s)
		// The text as it was stored before: folded words, no stems.
		if err := db.Exec(`UPDATE products SET search_text = LOWER(name_es || ' ' || name_en)`).Error; err != nil {
			t.Fatal(err)
		}
		if got := searchSlugs(t, ctx, s, "retablos"); got != nil {
			t.Fatalf("the old search text already finds plurals: %v", got)
		}
		if err := db.Exec(`DELETE FROM schema_migrations WHERE id = '0005_search_stems'`).Error; err != nil {
			t.Fatal(err)
		}
		if err := models.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		checkSearchCases(t, ctx, s)
	})
}

// On the demo catalog, each plural finds exactly what its singular finds
// ("retablos", the menu's own word, once found nothing; "retablo" 9).
func TestStore_DemoCatalogPluralsFindWhatSingularsFind(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		if err := demo.Load(ctx, s); err != nil {
			t.Fatal(err)
		}
		for _, pair := range [][2]string{{"retablos", "retablo"}, {"Retablos", "retablo"}, {"tapices", "tapiz"},
			{"cerámicas", "ceramica"}, {"iglesias", "iglesia"}, {"llamas", "llama"}, {"nacimientos", "nacimiento"},
			{"ponchos", "poncho"}, {"alpacas", "alpaca"}, {"collares", "collar"}, {"cruces", "cruz"},
			{"tapestries", "tapestry"}, {"gourds", "gourd"}, {"bulls", "bull"}, {"churches", "church"}} {
			plural, singular := searchSlugs(t, ctx, s, pair[0]), searchSlugs(t, ctx, s, pair[1])
			if len(singular) == 0 || !slices.Equal(plural, singular) {
				t.Errorf("%q found %d products, %q %d: want the same, and some", pair[0], len(plural), pair[1], len(singular))
			}
		}
	})
}
