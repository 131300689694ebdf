// Package demo holds the shop's demo catalog: 14 associations, 21 producer
// groups and their products, modelled on CIAP's member groups in Lima,
// Junín, Ayacucho and Puno. Every name is fictional; crafts, places,
// techniques and price levels are real.
//
// Load writes the catalog through the back office's Editor; Large adds
// synthetic variants for benchmarks. Associations, Groups and Products
// return the same data for cmd/genart, which draws an illustration for
// every product and group, so pictures and data never drift apart.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/ciap/qhatu/models"
)

// Reason is recorded on every demo breakdown.
const Reason = "Catálogo de demostración: acuerdo inicial de precio justo con el grupo / " +
	"Demo catalog: initial fair-price agreement with the group"

// AssociationSpec describes one demo association.
type AssociationSpec struct {
	Slug   string
	Name   string
	Region models.Region
}

// GroupSpec describes one demo producer group.
type GroupSpec struct {
	Slug         string
	Name         string
	Association  string // association slug
	Region       models.Region
	Place        string
	Craft        models.Craft
	Artisans     int
	WomenPercent int
	Cadence      string // models.CadenceWeekly or models.CadenceMonthly
	StoryES      string
	StoryEN      string
}

// Photo is the group's illustration, a path under static/.
func (g GroupSpec) Photo() string { return "img/groups/" + g.Slug + ".svg" }

// LeadTimeDays is how long the group takes for a made-to-order batch:
// its craft's usual time (a retablo or a tapestry takes weeks, a knitted
// piece days).
func (g GroupSpec) LeadTimeDays() int { return craftLeadDays[g.Craft] }

var craftLeadDays = map[models.Craft]int{
	models.CraftRetablo: 45, models.CraftTapestry: 40, models.CraftCeramics: 30, models.CraftStoneCarving: 30,
	models.CraftGourd: 25, models.CraftKnitwear: 21, models.CraftPucaraBull: 30, models.CraftJewellery: 20,
	models.CraftNativity: 35, models.CraftWeaving: 30,
}

// skuPrefix is the first part of a demo product's SKU, by craft.
var skuPrefix = map[models.Craft]string{
	models.CraftRetablo: "RET", models.CraftTapestry: "TAP", models.CraftCeramics: "CER",
	models.CraftStoneCarving: "PIE", models.CraftGourd: "MAT", models.CraftKnitwear: "TEJ",
	models.CraftPucaraBull: "TOR", models.CraftJewellery: "JOY", models.CraftNativity: "NAC",
	models.CraftWeaving: "TEL",
}

// ProductSpec describes one demo product. Its craft is its group's craft.
type ProductSpec struct {
	Slug          string
	Group         string // group slug
	Craft         models.Craft
	NameES        string
	NameEN        string
	DescriptionES string
	DescriptionEN string
	// Technique and materials; empty means the craft's usual wording.
	TechniqueES, TechniqueEN string
	MaterialsES, MaterialsEN string
	// Soles is the retail price in whole soles (IGV included).
	Soles int64
	// Minutes is the labour one piece takes.
	Minutes  int
	Stock    int
	MinQty   int // wholesale minimum quantity
	Featured bool
	// SKU is the stock code ("RET-001": craft and number); Products sets it.
	SKU string
	// PackStep is the wholesale pack step; Products sets it: pieces whose
	// minimum is in dozens go by the half dozen.
	PackStep int

	picture string // slug whose picture a synthetic variant shows
}

// Image is the product's illustration, a path under static/.
func (p ProductSpec) Image() string { return "img/products/" + or(p.picture, p.Slug) + ".svg" }

// Price is the retail price in céntimos.
func (p ProductSpec) Price() int64 { return p.Soles * 100 }

// Breakdowns builds the product's retail and wholesale breakdowns (not
// yet stored) and checks them: both valid, same pay to artisans, a
// positive surplus and an hourly pay at or above the minimum wage.
func (p ProductSpec) Breakdowns() (retail, wholesale *models.Breakdown, err error) {
	return priceFor(p.Slug, p.Craft, p.Price(), p.Minutes)
}

// Associations returns the demo associations.
func Associations() []AssociationSpec { return append([]AssociationSpec(nil), associations...) }

// Groups returns the demo producer groups.
func Groups() []GroupSpec { return append([]GroupSpec(nil), groups...) }

// Products returns the demo products, each with its group's craft and the
// craft's usual technique and materials where the product says none.
func Products() []ProductSpec {
	craftOf := make(map[string]models.Craft, len(groups))
	for _, g := range groups {
		craftOf[g.Slug] = g.Craft
	}
	out := make([]ProductSpec, len(products))
	perCraft := map[models.Craft]int{}
	for i, p := range products {
		p.Craft = craftOf[p.Group]
		perCraft[p.Craft]++
		p.SKU = fmt.Sprintf("%s-%03d", skuPrefix[p.Craft], perCraft[p.Craft])
		p.PackStep = 1
		if p.MinQty >= 12 && p.MinQty%6 == 0 {
			p.PackStep = 6
		}
		if d, ok := craftDefaults[p.Craft]; ok {
			p.TechniqueES = or(p.TechniqueES, d.techniqueES)
			p.TechniqueEN = or(p.TechniqueEN, d.techniqueEN)
			p.MaterialsES = or(p.MaterialsES, d.materialsES)
			p.MaterialsEN = or(p.MaterialsEN, d.materialsEN)
		}
		out[i] = p
	}
	return out
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Load writes the demo catalog, through the back office's audited path
// as models.SystemActor, in one transaction. Call it on a database with no
// products; it fails with an error wrapping models.ErrConflict, and
// writes nothing, if an association of the demo already exists.
func Load(ctx context.Context, s *models.Store) error {
	return s.Tx(ctx, func(tx *models.Store) error {
		_, err := load(ctx, tx.Editor(models.SystemActor))
		return err
	})
}

// load writes the catalog and returns the stored products with their
// group IDs set, for Large.
func load(ctx context.Context, ed *models.Editor) ([]models.Product, error) {
	assocIDs := make(map[string]int64, len(associations))
	for _, a := range associations {
		m := &models.Association{Slug: a.Slug, Name: a.Name, Region: a.Region}
		if err := ed.CreateAssociation(ctx, m); err != nil {
			var ve *models.ValidationError
			if errors.As(err, &ve) && ve.Has("slug") {
				return nil, fmt.Errorf("demo catalog: association %q already exists; load the demo only into an empty catalog: %w", a.Slug, models.ErrConflict)
			}
			return nil, fmt.Errorf("demo catalog: association %q: %w", a.Slug, err)
		}
		assocIDs[a.Slug] = m.ID
	}
	groupIDs := make(map[string]int64, len(groups))
	for _, g := range groups {
		aid, ok := assocIDs[g.Association]
		if !ok {
			return nil, fmt.Errorf("demo catalog: group %q names unknown association %q", g.Slug, g.Association)
		}
		m := &models.Group{Slug: g.Slug, Name: g.Name, AssociationID: aid, Region: g.Region,
			Place: g.Place, Craft: g.Craft, Artisans: g.Artisans, WomenPercent: g.WomenPercent,
			AssemblyCadence: g.Cadence, StoryES: g.StoryES, StoryEN: g.StoryEN, Photo: g.Photo(),
			LeadTimeDays: g.LeadTimeDays()}
		if err := ed.CreateGroup(ctx, m); err != nil {
			return nil, fmt.Errorf("demo catalog: group %q: %w", g.Slug, err)
		}
		groupIDs[g.Slug] = m.ID
	}
	specs := Products()
	stored := make([]models.Product, 0, len(specs))
	for _, p := range specs {
		gid, ok := groupIDs[p.Group]
		if !ok {
			return nil, fmt.Errorf("demo catalog: product %q names unknown group %q", p.Slug, p.Group)
		}
		m, err := createProduct(ctx, ed, p, gid)
		if err != nil {
			return nil, err
		}
		stored = append(stored, *m)
	}
	return stored, nil
}

// createProduct makes a product the way staff do: a draft, its prices, the
// pieces received from the group, then published.
func createProduct(ctx context.Context, ed *models.Editor, p ProductSpec, groupID int64) (*models.Product, error) {
	retail, wholesale, err := p.Breakdowns()
	if err != nil {
		return nil, err
	}
	m := &models.Product{Slug: p.Slug, NameES: p.NameES, NameEN: p.NameEN,
		DescriptionES: p.DescriptionES, DescriptionEN: p.DescriptionEN, Craft: p.Craft,
		TechniqueES: p.TechniqueES, TechniqueEN: p.TechniqueEN,
		MaterialsES: p.MaterialsES, MaterialsEN: p.MaterialsEN,
		GroupID: groupID, Image: p.Image(), WholesaleMinQty: p.MinQty, Featured: p.Featured,
		SKU: p.SKU, WholesalePackStep: p.PackStep}
	if err := ed.CreateProduct(ctx, m); err != nil {
		return nil, fmt.Errorf("demo catalog: product %q: %w", p.Slug, err)
	}
	prices, err := ed.SaveBreakdowns(ctx, m.ID, m.LockVersion, retail, wholesale, Reason)
	if err != nil {
		return nil, fmt.Errorf("demo catalog: prices of %q: %w", p.Slug, err)
	}
	if tiers := p.VolumeTiers(wholesale); len(tiers) > 0 {
		m.LockVersion, m.Tiers = prices.LockVersion, tiers
		if err := ed.UpdateProduct(ctx, m); err != nil {
			return nil, fmt.Errorf("demo catalog: volume prices of %q: %w", p.Slug, err)
		}
		prices.LockVersion = m.LockVersion
	}
	if p.Stock > 0 {
		if _, err := ed.AdjustStock(ctx, models.StockAdjustment{ProductID: m.ID, Delta: p.Stock,
			Reason: models.StockReceived}); err != nil {
			return nil, fmt.Errorf("demo catalog: stock of %q: %w", p.Slug, err)
		}
	}
	if err := ed.SetProductPublished(ctx, m.ID, prices.LockVersion, true); err != nil {
		return nil, fmt.Errorf("demo catalog: publish %q: %w", p.Slug, err)
	}
	return m, nil
}

// Large loads the demo catalog and then adds synthetic variants of its
// products ("<slug>-v0001", same group, craft and picture, a price up to
// 24 % higher) until the catalog holds n products, for benchmarks. With n
// at or below the size of the demo catalog it loads just the catalog.
// Variants are written a batch per transaction.
func Large(ctx context.Context, s *models.Store, n int) error {
	var base []models.Product
	err := s.Tx(ctx, func(tx *models.Store) error {
		var err error
		base, err = load(ctx, tx.Editor(models.SystemActor))
		return err
	})
	if err != nil {
		return err
	}
	specs := Products()
	const batch = 25
	for k := 1; len(specs)+k-1 < n; {
		err := s.Tx(ctx, func(tx *models.Store) error {
			ed := tx.Editor(models.SystemActor)
			for end := k + batch; k < end && len(specs)+k-1 < n; k++ {
				i := (k - 1) % len(specs)
				if _, err := createProduct(ctx, ed, variant(specs[i], k), base[i].GroupID); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// variant derives the k-th synthetic product from p. The price only goes
// up, so the hourly pay stays at or above the base product's.
func variant(p ProductSpec, k int) ProductSpec {
	v := p
	v.Slug = fmt.Sprintf("%s-v%04d", p.Slug, k)
	v.SKU = fmt.Sprintf("%s-V%04d", p.SKU, k)
	v.NameES = fmt.Sprintf("%s (variante %d)", p.NameES, k)
	v.NameEN = fmt.Sprintf("%s (variant %d)", p.NameEN, k)
	v.Soles = p.Soles * int64(100+(k*7)%25) / 100
	v.Stock = (p.Stock + k) % 41
	v.Featured = false
	v.picture = p.Slug
	return v
}
