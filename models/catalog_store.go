package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

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
type ProductPage struct {
	Items   []Product
	Total   int64
	Page    int
	PerPage int
}

// Pages is the number of pages for the total.
func (p ProductPage) Pages() int {
	if p.PerPage <= 0 {
		return 0
	}
	return int((p.Total + int64(p.PerPage) - 1) / int64(p.PerPage))
}

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

// BreakdownHistory lists every version of a product's breakdowns for a
// channel, oldest first.
func (s *Store) BreakdownHistory(ctx context.Context, productID int64, ch Channel) ([]Breakdown, error) {
	var bs []Breakdown
	err := s.db.WithContext(ctx).Where("product_id = ? AND channel = ?", productID, ch).
		Order("version").Find(&bs).Error
	if err != nil {
		return nil, fmt.Errorf("breakdown history of product %d: %w", productID, err)
	}
	return bs, nil
}

// GroupSummary is a group with the number of its published products.
type GroupSummary struct {
	Group
	Products int64
}

// ListGroups lists active groups with their association, by region and name.
func (s *Store) ListGroups(ctx context.Context) ([]GroupSummary, error) {
	var gs []Group
	err := s.db.WithContext(ctx).Joins("Association").Where("producer_groups.active = ?", true).
		Order("producer_groups.region, producer_groups.name").Find(&gs).Error
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	type count struct {
		GroupID int64
		N       int64
	}
	var counts []count
	err = s.db.WithContext(ctx).Model(&Product{}).Select("group_id, COUNT(*) AS n").
		Where("published = ?", true).Group("group_id").Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("count products per group: %w", err)
	}
	byGroup := map[int64]int64{}
	for _, c := range counts {
		byGroup[c.GroupID] = c.N
	}
	out := make([]GroupSummary, len(gs))
	for i, g := range gs {
		out[i] = GroupSummary{Group: g, Products: byGroup[g.ID]}
	}
	return out, nil
}

// GroupBySlug loads an active group with its association.
func (s *Store) GroupBySlug(ctx context.Context, slug string) (*Group, error) {
	if !ValidSlug(slug) {
		return nil, fmt.Errorf("group %.40q: %w", slug, ErrNotFound)
	}
	var g Group
	err := s.db.WithContext(ctx).Joins("Association").
		Where("producer_groups.slug = ? AND producer_groups.active = ?", slug, true).Take(&g).Error
	if err != nil {
		return nil, dbError(err, "group")
	}
	return &g, nil
}

// ListAssociations lists every association by name.
func (s *Store) ListAssociations(ctx context.Context) ([]Association, error) {
	var as []Association
	if err := s.db.WithContext(ctx).Order("name").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("list associations: %w", err)
	}
	return as, nil
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

// setBreakdowns checks the pair and inserts whichever of the two is new
// (ID 0), then points the product at them. It must run inside a transaction.
func setBreakdowns(tx *gorm.DB, p *Product, retail, wholesale *Breakdown) error {
	if retail == nil || wholesale == nil {
		return Invalid("breakdown", CodeBothBreakdowns)
	}
	retail.Channel, wholesale.Channel = ChannelRetail, ChannelWholesale
	var v ValidationError
	for _, b := range []*Breakdown{retail, wholesale} {
		if b.ID != 0 {
			continue
		}
		var bv *ValidationError
		if errors.As(b.Validate(), &bv) {
			for f, fe := range bv.Fields {
				v.addError(string(b.Channel)+"."+f, fe)
			}
		}
	}
	if !SameArtisanPay(retail, wholesale) {
		v.add("wholesale", CodeWholesaleArtisans)
	}
	if wholesale.Price > retail.Price {
		v.add("wholesale.price", CodeWholesaleAboveRetail)
	}
	if err := v.orNil(); err != nil {
		return err
	}
	for _, b := range []*Breakdown{retail, wholesale} {
		if b.ID != 0 {
			continue
		}
		var last int
		err := tx.Model(&Breakdown{}).Where("product_id = ? AND channel = ?", p.ID, b.Channel).
			Select("COALESCE(MAX(version), 0)").Scan(&last).Error
		if err != nil {
			return fmt.Errorf("next %s version of product %d: %w", b.Channel, p.ID, err)
		}
		b.ProductID, b.Version = p.ID, last+1
		if err := tx.Create(b).Error; err != nil {
			return dbError(err, fmt.Sprintf("insert %s breakdown v%d of product %d", b.Channel, b.Version, p.ID))
		}
	}
	err := tx.Model(&Product{}).Where("id = ?", p.ID).Updates(map[string]any{
		"retail_breakdown_id":     retail.ID,
		"wholesale_breakdown_id":  wholesale.ID,
		"price_amount":            retail.Price,
		"wholesale_price_amount":  wholesale.Price,
		"paid_to_artisans_amount": retail.PaidToArtisans().Amount,
		"lock_version":            gorm.Expr("lock_version + 1"), // an open back-office form is now stale
	}).Error
	if err != nil {
		return fmt.Errorf("point product %d at its breakdowns: %w", p.ID, err)
	}
	p.RetailBreakdownID, p.WholesaleBreakdownID = &retail.ID, &wholesale.ID
	p.RetailBreakdown, p.WholesaleBreakdown = retail, wholesale
	p.PriceAmount, p.WholesalePriceAmount = retail.Price, wholesale.Price
	p.PaidToArtisansAmount = retail.PaidToArtisans().Amount
	return nil
}
