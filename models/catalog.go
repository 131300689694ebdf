package models

import (
	"time"
)

// Region is where a producer group works.
type Region string

// The four regions CIAP's groups work in.
const (
	RegionLima     Region = "lima"
	RegionJunin    Region = "junin"    // Huancayo and the Mantaro valley
	RegionAyacucho Region = "ayacucho" // Huamanga, Quinua
	RegionPuno     Region = "puno"
)

// Regions lists every region in display order.
var Regions = []Region{RegionLima, RegionJunin, RegionAyacucho, RegionPuno}

// Valid reports whether r is one of the known regions.
func (r Region) Valid() bool {
	for _, k := range Regions {
		if k == r {
			return true
		}
	}
	return false
}

// Association is one of CIAP's member associations.
type Association struct {
	ID        int64  `gorm:"primaryKey"`
	Slug      string `gorm:"uniqueIndex;size:80;not null"`
	Name      string `gorm:"size:160;not null"`
	Region    Region `gorm:"size:20;not null"`
	Active    bool   `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
	// LockVersion is bumped by every back-office edit, so an edit made
	// from a stale form is detected instead of overwriting.
	LockVersion int64 `gorm:"not null;default:1"`
}

// Group is a producer group: the collective that makes a product.
type Group struct {
	ID              int64  `gorm:"primaryKey"`
	Slug            string `gorm:"uniqueIndex;size:80;not null"`
	Name            string `gorm:"size:160;not null"`
	AssociationID   int64  `gorm:"not null;index"`
	Association     *Association
	Region          Region `gorm:"size:20;not null;index"`
	Place           string `gorm:"size:120;not null"` // town or district, e.g. "Quinua"
	Craft           Craft  `gorm:"size:40;not null"`
	Artisans        int    `gorm:"not null"`
	WomenPercent    int    `gorm:"not null"`         // 0..100
	AssemblyCadence string `gorm:"size:20;not null"` // "weekly" or "monthly"
	StoryES         string `gorm:"type:text;not null"`
	StoryEN         string `gorm:"type:text;not null"`
	Photo           string `gorm:"size:200;not null"` // path under static/
	Active          bool   `gorm:"not null"`
	LockVersion     int64  `gorm:"not null;default:1"` // see Association.LockVersion
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Assembly cadences.
const (
	CadenceWeekly  = "weekly"
	CadenceMonthly = "monthly"
)

// Craft is a product category, named for the tradition.
type Craft string

// The crafts of the catalog.
const (
	CraftRetablo      Craft = "retablo"       // Ayacucho retablos
	CraftTapestry     Craft = "tapestry"      // Ayacucho (Santa Ana) tapestries
	CraftCeramics     Craft = "ceramics"      // Quinua ceramics
	CraftStoneCarving Craft = "stone-carving" // Huamanga stone
	CraftGourd        Craft = "carved-gourd"  // Cochas mates burilados
	CraftKnitwear     Craft = "knitwear"      // Puno alpaca
	CraftPucaraBull   Craft = "pucara-bull"   // Pucará ceramic bulls
	CraftJewellery    Craft = "jewellery"     // Lima silver
	CraftNativity     Craft = "nativity"      // nativity sets
	CraftWeaving      Craft = "weaving"       // backstrap and loom textiles
)

// Crafts lists every craft in display order.
var Crafts = []Craft{CraftRetablo, CraftTapestry, CraftCeramics, CraftStoneCarving, CraftGourd,
	CraftKnitwear, CraftPucaraBull, CraftJewellery, CraftNativity, CraftWeaving}

// Valid reports whether c is a known craft.
func (c Craft) Valid() bool {
	for _, k := range Crafts {
		if k == c {
			return true
		}
	}
	return false
}

// Product is a piece sold in the shop. Its prices live in its current
// retail and wholesale breakdowns; the price columns here are a copy kept
// by the store in the same transaction, so the catalog can filter and sort
// without joining the breakdown history.
type Product struct {
	ID            int64  `gorm:"primaryKey"`
	Slug          string `gorm:"uniqueIndex;size:120;not null"`
	NameES        string `gorm:"size:200;not null"`
	NameEN        string `gorm:"size:200;not null"`
	DescriptionES string `gorm:"type:text;not null"`
	DescriptionEN string `gorm:"type:text;not null"`
	Craft         Craft  `gorm:"size:40;not null;index"`
	TechniqueES   string `gorm:"size:300;not null"`
	TechniqueEN   string `gorm:"size:300;not null"`
	MaterialsES   string `gorm:"size:300;not null"`
	MaterialsEN   string `gorm:"size:300;not null"`
	// SearchText is the folded text catalog search matches; the store
	// keeps it in step with the fields above.
	SearchText      string `gorm:"type:text;not null" json:"-"`
	GroupID         int64  `gorm:"not null;index"`
	Group           *Group
	Image           string `gorm:"size:200;not null"` // path under static/
	Stock           int    `gorm:"not null"`
	WholesaleMinQty int    `gorm:"not null"`
	Published       bool   `gorm:"not null;index"`
	Featured        bool   `gorm:"not null"`

	Currency             Currency `gorm:"size:3;not null"`
	PriceAmount          int64    `gorm:"not null;index"` // current retail price
	WholesalePriceAmount int64    `gorm:"not null"`
	PaidToArtisansAmount int64    `gorm:"not null"` // labour+materials+fund of the current breakdowns
	RetailBreakdownID    *int64
	WholesaleBreakdownID *int64
	RetailBreakdown      *Breakdown `gorm:"foreignKey:RetailBreakdownID"`
	WholesaleBreakdown   *Breakdown `gorm:"foreignKey:WholesaleBreakdownID"`

	// LockVersion is bumped by every back-office edit of the product or
	// its prices (not by stock movements, which are deltas).
	LockVersion int64 `gorm:"not null;default:1"`

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Price is the current retail price.
func (p *Product) Price() Money { return Money{Amount: p.PriceAmount, Currency: p.Currency} }

// WholesalePrice is the current wholesale price per piece.
func (p *Product) WholesalePrice() Money {
	return Money{Amount: p.WholesalePriceAmount, Currency: p.Currency}
}

// ArtisanSharePermille is the share of the retail price paid to artisans,
// in thousandths (so 523 is 52.3 %), rounded down.
func (p *Product) ArtisanSharePermille() int64 {
	if p.PriceAmount <= 0 {
		return 0
	}
	return p.PaidToArtisansAmount * 1000 / p.PriceAmount
}

// Name picks the product name for a language ("es" or "en").
func (p *Product) Name(lang string) string { return pick(lang, p.NameES, p.NameEN) }

// Description picks the description for a language.
func (p *Product) Description(lang string) string {
	return pick(lang, p.DescriptionES, p.DescriptionEN)
}

// Technique picks the technique for a language.
func (p *Product) Technique(lang string) string { return pick(lang, p.TechniqueES, p.TechniqueEN) }

// Materials picks the materials for a language.
func (p *Product) Materials(lang string) string { return pick(lang, p.MaterialsES, p.MaterialsEN) }

// Story picks the group's story for a language.
func (g *Group) Story(lang string) string { return pick(lang, g.StoryES, g.StoryEN) }

func pick(lang, es, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return es
}

// TableName avoids GROUPS, a keyword in SQL window frames.
func (Group) TableName() string { return "producer_groups" }
