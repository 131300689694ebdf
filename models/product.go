package models

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

var productKind = auditedKind[Product]{EntityProduct,
	func(p *Product) int64 { return p.LockVersion },
	func(p *Product) string { return "product " + p.NameES }, productAudit}

var productPublished = flag[Product]{"published", func(p *Product, on bool) { p.Published = on },
	ActionPublish, "published", ActionUnpublish, "unpublished"}

func productAudit(p *Product) map[string]any {
	return map[string]any{"slug": p.Slug, "name_es": p.NameES, "name_en": p.NameEN,
		"description_es": p.DescriptionES, "description_en": p.DescriptionEN, "craft": p.Craft,
		"technique_es": p.TechniqueES, "technique_en": p.TechniqueEN,
		"materials_es": p.MaterialsES, "materials_en": p.MaterialsEN, "group_id": p.GroupID,
		"wholesale_min_qty": p.WholesaleMinQty, "wholesale_pack_step": p.WholesalePackStep, "sku": p.SKU,
		"featured": p.Featured, "published": p.Published, "image": p.Image}
}

// ValidateProduct checks a product's own fields (not its prices), within
// the lengths the schema allows.
func ValidateProduct(p *Product) error {
	for _, f := range []*string{&p.NameES, &p.NameEN, &p.DescriptionES, &p.DescriptionEN,
		&p.TechniqueES, &p.TechniqueEN, &p.MaterialsES, &p.MaterialsEN} {
		*f = strings.TrimSpace(*f)
	}
	var v ValidationError
	if !ValidSlug(p.Slug) {
		v.add("slug", CodeSlug)
	}
	for _, f := range []struct{ name, val string }{{"name_es", p.NameES}, {"name_en", p.NameEN}} {
		if f.val == "" {
			v.add(f.name, CodeRequired)
		} else if len(f.val) > 200 {
			v.add(f.name, CodeTooLong, "Max", 200)
		}
	}
	for _, f := range []struct{ name, val string }{{"technique_es", p.TechniqueES}, {"technique_en", p.TechniqueEN},
		{"materials_es", p.MaterialsES}, {"materials_en", p.MaterialsEN}} {
		if len(f.val) > 300 {
			v.add(f.name, CodeTooLong, "Max", 300)
		}
	}
	if !p.Craft.Valid() {
		v.add("craft", CodeCraft)
	}
	if p.GroupID == 0 {
		v.add("group", CodeGroup)
	}
	if p.Stock < 0 {
		v.add("stock", CodeNegative)
	}
	if p.WholesaleMinQty < 1 {
		v.add("wholesale_min_qty", CodeMinOne)
	} else if p.WholesaleMinQty > 10000 {
		v.add("wholesale_min_qty", CodeMaxQty, "Max", 10000)
	}
	if p.WholesalePackStep == 0 {
		p.WholesalePackStep = 1
	}
	if p.WholesalePackStep < 1 {
		v.add("wholesale_pack_step", CodeMinOne)
	} else if p.WholesalePackStep > 10000 {
		v.add("wholesale_pack_step", CodeMaxQty, "Max", 10000)
	}
	p.SKU = NormalizeSKU(p.SKU)
	if p.SKU != "" && !ValidSKU(p.SKU) {
		v.add("sku", CodeSKU)
	}
	return v.orNil()
}

func validateProductForm(tx *gorm.DB, p *Product) error {
	v, err := fieldErrors(ValidateProduct(p))
	if err != nil {
		return err
	}
	if p.GroupID != 0 {
		var g Group
		if err := tx.Take(&g, p.GroupID).Error; err != nil || !g.Active {
			v.add("group", CodeGroup)
		}
	}
	return v.orNil()
}

// CreateProduct adds a product as an unpublished draft with no stock and
// no prices: staff then set its price breakdowns, receive its stock from
// the group (a recorded movement) and publish it.
func (e *Editor) CreateProduct(ctx context.Context, p *Product) error {
	p.ID, p.Published, p.Stock, p.LockVersion, p.Currency = 0, false, 0, 1, PEN
	p.PriceAmount, p.WholesalePriceAmount, p.PaidToArtisansAmount = 0, 0, 0
	p.RetailBreakdownID, p.WholesaleBreakdownID, p.RetailBreakdown, p.WholesaleBreakdown, p.Group = nil, nil, nil, nil, nil
	return e.tx(ctx, func(tx *gorm.DB) error {
		if err := validateProductForm(tx, p); err != nil {
			return err
		}
		if err := slugFree(tx, "products", p.Slug, 0); err != nil {
			return err
		}
		if err := skuFree(tx, p.SKU, 0); err != nil {
			return err
		}
		if len(p.Tiers) > 0 {
			return Invalid("tiers", CodeTierNoPrices) // a draft has no wholesale price yet
		}
		p.SearchText = productSearchText(p)
		if err := tx.Omit(clause.Associations).Create(p).Error; err != nil {
			return uniqueSlug(err, "create product "+p.Slug)
		}
		if err := giveDefaultSKU(tx, p); err != nil {
			return err
		}
		return writeAudit(tx, e.actor, ActionCreate, EntityProduct, p.ID,
			"created product "+p.NameES+" (draft)", nil, productAudit(p))
	})
}

// UpdateProduct saves a product's descriptive fields (not its prices,
// stock, image or publication, which have their own methods).
// p.LockVersion is the version the editor saw, and the new one on success.
func (e *Editor) UpdateProduct(ctx context.Context, p *Product) error {
	return e.tx(ctx, func(tx *gorm.DB) error {
		if err := validateProductForm(tx, p); err != nil {
			return err
		}
		if err := slugFree(tx, "products", p.Slug, p.ID); err != nil {
			return err
		}
		if p.SKU == "" {
			p.SKU = DefaultSKU(p.ID)
		}
		if err := skuFree(tx, p.SKU, p.ID); err != nil {
			return err
		}
		if p.Tiers != nil {
			if err := setVolumeTiers(tx, p.ID, p.Tiers); err != nil {
				return err
			}
		}
		return productKind.update(tx, e.actor, p, p.ID, p.LockVersion,
			map[string]any{"slug": p.Slug, "sku": p.SKU, "wholesale_pack_step": p.WholesalePackStep, "name_es": p.NameES, "name_en": p.NameEN,
				"description_es": p.DescriptionES, "description_en": p.DescriptionEN, "craft": p.Craft,
				"technique_es": p.TechniqueES, "technique_en": p.TechniqueEN,
				"materials_es": p.MaterialsES, "materials_en": p.MaterialsEN, "group_id": p.GroupID,
				"wholesale_min_qty": p.WholesaleMinQty, "featured": p.Featured,
				"search_text": productSearchText(p)}, func(before *Product) {
				p.Published, p.Image, p.Stock, p.LockVersion = before.Published, before.Image, before.Stock, p.LockVersion+1
			})
	})
}

// SetProductPublished publishes or unpublishes a product. Only a product
// with prices, whose group is active, can be published.
func (e *Editor) SetProductPublished(ctx context.Context, id, seen int64, published bool) error {
	return e.tx(ctx, func(tx *gorm.DB) error {
		return productKind.setFlag(tx, e.actor, id, seen, productPublished, published, func(before *Product) error {
			if !published {
				return nil
			}
			var v ValidationError
			if before.RetailBreakdownID == nil || before.WholesaleBreakdownID == nil {
				v.add("published", CodePublishWithoutPrices)
			}
			var g Group
			if err := tx.Take(&g, before.GroupID).Error; err != nil || !g.Active {
				v.add("published", CodePublishInactiveGroup)
			}
			return v.orNil()
		})
	})
}

// AdminProductFilter selects products for the back office list.
type AdminProductFilter struct {
	Query string
	// Published: "" any, "yes" or "no".
	Published string
	Page      int
	PerPage   int
}

// AdminProducts lists products, published or not, newest first, searching
// slug, names and group name.
func (s *Store) AdminProducts(ctx context.Context, f AdminProductFilter) (ProductPage, error) {
	pf := ProductFilter{Page: f.Page, PerPage: f.PerPage}
	pf.Normalize()
	q := s.db.WithContext(ctx).Model(&Product{}).Joins("Group")
	if text := strings.TrimSpace(f.Query); text != "" {
		if len([]rune(text)) > MaxQueryLen {
			text = string([]rune(text)[:MaxQueryLen])
		}
		pat := "%" + likeEscaper.Replace(strings.ToLower(text)) + "%"
		q = q.Where(`(LOWER(products.slug) LIKE ? ESCAPE '\' OR LOWER(products.name_es) LIKE ? ESCAPE '\'`+
			` OR LOWER(products.name_en) LIKE ? ESCAPE '\' OR LOWER("Group".name) LIKE ? ESCAPE '\')`,
			pat, pat, pat, pat)
	}
	switch f.Published {
	case "yes":
		q = q.Where("products.published = ?", true)
	case "no":
		q = q.Where("products.published = ?", false)
	}
	page := ProductPage{Page: pf.Page, PerPage: pf.PerPage}
	if err := q.Session(&gorm.Session{}).Count(&page.Total).Error; err != nil {
		return page, fmt.Errorf("count products: %w", err)
	}
	err := q.Order("products.updated_at DESC").Order("products.id DESC").
		Limit(pf.PerPage).Offset((pf.Page - 1) * pf.PerPage).Find(&page.Items).Error
	if err != nil {
		return page, fmt.Errorf("list products: %w", err)
	}
	return page, nil
}

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
	// WholesalePackStep: a reseller orders a multiple of it (pieces
	// packed by the half dozen, say); 1 means any quantity.
	WholesalePackStep int `gorm:"not null;default:1"`
	// SKU is the shop's stock code, unique, upper case: resellers'
	// spreadsheets name products by it or by slug.
	SKU       string `gorm:"column:sku;size:40"`
	Published bool   `gorm:"not null;index"`
	Featured  bool   `gorm:"not null"`

	Currency             Currency `gorm:"size:3;not null"`
	PriceAmount          int64    `gorm:"not null;index"` // current retail price
	WholesalePriceAmount int64    `gorm:"not null"`
	PaidToArtisansAmount int64    `gorm:"not null"` // labour+materials+fund of the current breakdowns
	RetailBreakdownID    *int64
	WholesaleBreakdownID *int64
	RetailBreakdown      *Breakdown `gorm:"foreignKey:RetailBreakdownID"`
	WholesaleBreakdown   *Breakdown `gorm:"foreignKey:WholesaleBreakdownID"`
	// Tiers are the product's volume tiers, lowest quantity first, when
	// the caller loaded them (VolumeTiers); UpdateProduct replaces them
	// when not nil.
	Tiers []VolumeTier `gorm:"-"`

	// LockVersion is bumped by every back-office edit of the product or
	// its prices (not by stock movements, which are deltas).
	LockVersion int64 `gorm:"not null;default:1"`

	CreatedAt time.Time
	UpdatedAt time.Time
}

// WholesaleStartQty is the smallest quantity a reseller may order: the
// minimum, rounded up to a multiple of the pack step.
func (p *Product) WholesaleStartQty() int {
	step := max(p.WholesalePackStep, 1)
	return (max(p.WholesaleMinQty, 1) + step - 1) / step * step
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

func pick(lang, es, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return es
}

// Product sort orders accepted by ListProducts.
const (
	SortFeatured     = "featured"
	SortPriceAsc     = "price_asc"
	SortPriceDesc    = "price_desc"
	SortName         = "name"
	SortNewest       = "newest"
	SortArtisanShare = "artisan_share"
)

// SortOrders lists the accepted sort orders; the first is the default.
var SortOrders = []string{SortFeatured, SortPriceAsc, SortPriceDesc, SortName, SortNewest, SortArtisanShare}

// Limits on catalog queries, so no request can ask for unbounded work.
const (
	MaxPerPage     = 100
	DefaultPerPage = 24
	MaxQueryLen    = 100
)

// ProductFilter selects and orders catalog products. Zero values mean "any".
type ProductFilter struct {
	Craft     Craft
	Region    Region
	GroupSlug string
	MinPrice  int64 // céntimos, inclusive; 0 = no minimum
	MaxPrice  int64 // céntimos, inclusive; 0 = no maximum
	Query     string
	Sort      string
	Lang      string // for sorting by name
	Page      int    // 1-based
	PerPage   int
	// IncludeUnpublished is for the back office.
	IncludeUnpublished bool
	// WithBreakdowns also loads each product's current retail breakdown.
	WithBreakdowns bool
}

// Normalize clamps paging and drops unknown values, so a handler can pass
// what it parsed and get a query that is always safe to run.
func (f *ProductFilter) Normalize() {
	if f.PerPage <= 0 {
		f.PerPage = DefaultPerPage
	}
	if f.PerPage > MaxPerPage {
		f.PerPage = MaxPerPage
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if !validSort(f.Sort) {
		f.Sort = SortFeatured
	}
	f.Query = strings.TrimSpace(f.Query)
	if len([]rune(f.Query)) > MaxQueryLen {
		f.Query = string([]rune(f.Query)[:MaxQueryLen])
	}
}

func validSort(s string) bool {
	for _, k := range SortOrders {
		if k == s {
			return true
		}
	}
	return false
}

// ProductPage is one page of a product listing.
type ProductPage = Page[Product]

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// ListProducts returns one page of products with their groups. The filter
// is normalized first; search text is always a bound parameter.
func (s *Store) ListProducts(ctx context.Context, f ProductFilter) (ProductPage, error) {
	f.Normalize()
	q := s.db.WithContext(ctx).Model(&Product{}).Joins("Group")
	if !f.IncludeUnpublished {
		q = q.Where("products.published = ?", true)
	}
	if f.Craft != "" {
		q = q.Where("products.craft = ?", f.Craft)
	}
	if f.Region != "" {
		q = q.Where(`"Group".region = ?`, f.Region)
	}
	if f.GroupSlug != "" {
		q = q.Where(`"Group".slug = ?`, f.GroupSlug)
	}
	if f.MinPrice > 0 {
		q = q.Where("products.price_amount >= ?", f.MinPrice)
	}
	if f.MaxPrice > 0 {
		q = q.Where("products.price_amount <= ?", f.MaxPrice)
	}
	if f.Query != "" {
		q = whereSearchMatches(q, f.Query)
	}
	page := ProductPage{Page: f.Page, PerPage: f.PerPage}
	if err := q.Session(&gorm.Session{}).Count(&page.Total).Error; err != nil {
		return page, fmt.Errorf("count products: %w", err)
	}
	for _, o := range orderFor(f.Sort, f.Lang) {
		q = q.Order(o)
	}
	if f.WithBreakdowns {
		q = q.Preload("RetailBreakdown")
	}
	err := q.Limit(f.PerPage).Offset((f.Page - 1) * f.PerPage).Find(&page.Items).Error
	if err != nil {
		return page, fmt.Errorf("list products: %w", err)
	}
	return page, nil
}

func orderFor(sort, lang string) []clause.OrderByColumn {
	col := func(name string, desc bool) clause.OrderByColumn {
		return clause.OrderByColumn{Column: clause.Column{Table: "products", Name: name}, Desc: desc}
	}
	name := col("name_es", false)
	if lang == "en" {
		name = col("name_en", false)
	}
	switch sort {
	case SortPriceAsc:
		return []clause.OrderByColumn{col("price_amount", false), col("id", false)}
	case SortPriceDesc:
		return []clause.OrderByColumn{col("price_amount", true), col("id", false)}
	case SortName:
		return []clause.OrderByColumn{name, col("id", false)}
	case SortNewest:
		return []clause.OrderByColumn{col("created_at", true), col("id", true)}
	case SortArtisanShare:
		// Highest share first: paid_to_artisans / price, compared with
		// integer arithmetic so both databases order identically.
		return []clause.OrderByColumn{{Column: clause.Column{
			Name: "products.paid_to_artisans_amount * 1000 / products.price_amount", Raw: true}, Desc: true},
			col("id", false)}
	default:
		return []clause.OrderByColumn{col("featured", true), col("id", false)}
	}
}

// ProductBySlug loads a published product with its group, association and
// current breakdowns.
func (s *Store) ProductBySlug(ctx context.Context, slug string) (*Product, error) {
	if !ValidSlug(slug) { // no query for what cannot be a slug (a path probe, 10 KB of junk)
		return nil, fmt.Errorf("product %.40q: %w", slug, ErrNotFound)
	}
	return s.product(ctx, "products.slug = ? AND products.published = ?", slug, true)
}

// ProductByID loads any product, published or not, for the back office.
func (s *Store) ProductByID(ctx context.Context, id int64) (*Product, error) {
	return s.product(ctx, "products.id = ?", id)
}

func (s *Store) product(ctx context.Context, where string, args ...any) (*Product, error) {
	var p Product
	// One query: a product page is read far more often than anything else.
	err := s.db.WithContext(ctx).Joins("Group").Joins("Group.Association").
		Joins("RetailBreakdown").Joins("WholesaleBreakdown").
		Where(where, args...).Take(&p).Error
	if err != nil {
		return nil, dbError(err, "product")
	}
	return &p, nil
}

// ProductsWithBreakdowns loads every published product with its group and
// current breakdowns, ordered by slug: the transparency exports and
// catalog-wide figures read it.
func (s *Store) ProductsWithBreakdowns(ctx context.Context) ([]Product, error) {
	var ps []Product
	err := s.db.WithContext(ctx).Joins("Group").Preload("RetailBreakdown").Preload("WholesaleBreakdown").
		Where("products.published = ?", true).Order("products.slug").Find(&ps).Error
	if err != nil {
		return nil, fmt.Errorf("load products with breakdowns: %w", err)
	}
	return ps, nil
}

// CountProducts counts every product, published or not (seeding checks it).
func (s *Store) CountProducts(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Product{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count products: %w", err)
	}
	return n, nil
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a lowercase, hyphenated URL slug.
func ValidSlug(s string) bool { return len(s) <= 120 && slugRE.MatchString(s) }
