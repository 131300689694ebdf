package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The back office: every change CIAP staff make to the catalog goes
// through an Editor, which runs it in one transaction together with its
// audit entry, and checks the lock version the editor saw so that an edit
// made from a stale form is refused instead of overwriting someone else's.

// ErrStale marks an edit made from a form whose record someone else
// changed since it was opened. It wraps ErrConflict.
var ErrStale = fmt.Errorf("%w: changed since you opened it", ErrConflict)

// staleError says which record changed; it matches ErrStale and ErrConflict.
func staleError(kind string, id, seen, now int64) error {
	return fmt.Errorf("someone else changed this %s (%d) since you opened it (your version %d, now %d): %w",
		kind, id, seen, now, ErrStale)
}

// Editor makes audited back-office changes on behalf of one person.
type Editor struct {
	s     *Store
	actor string
}

// Editor returns the back-office editor acting for actor (the signed-in
// user's email), who is named in the audit log and on price versions.
func (s *Store) Editor(actor string) *Editor { return &Editor{s: s, actor: strings.TrimSpace(actor)} }

func (e *Editor) check() error {
	if e.actor == "" {
		return errors.New("back-office change without an actor")
	}
	return nil
}

// tx runs fn in a catalog transaction (the catalog version bumps and page
// caches drop stale pages) after checking the actor.
func (e *Editor) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if err := e.check(); err != nil {
		return err
	}
	return e.s.catalogTx(ctx, fn)
}

// forUpdate locks the rows a query reads until the transaction ends, on
// PostgreSQL; SQLite transactions hold the database's write lock already.
func forUpdate(tx *gorm.DB) *gorm.DB {
	if tx.Dialector.Name() == "postgres" {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}

// lockedUpdate loads row id of T (locked), checks that its lock version is
// still seen, applies fields and bumps the version. It returns the row as
// it was before, for the audit entry.
func lockedUpdate[T any](tx *gorm.DB, kind string, id, seen int64, version func(*T) int64, fields map[string]any) (*T, error) {
	var before T
	if err := forUpdate(tx).Take(&before, id).Error; err != nil {
		return nil, dbError(err, fmt.Sprintf("%s %d", kind, id))
	}
	if now := version(&before); now != seen {
		return nil, staleError(kind, id, seen, now)
	}
	fields["lock_version"] = gorm.Expr("lock_version + 1")
	res := tx.Model(new(T)).Where("id = ? AND lock_version = ?", id, seen).Updates(fields)
	if res.Error != nil {
		return nil, uniqueSlug(res.Error, fmt.Sprintf("update %s %d", kind, id))
	}
	if res.RowsAffected != 1 {
		return nil, staleError(kind, id, seen, seen+1)
	}
	return &before, nil
}

// uniqueSlug turns a duplicate-key error into a message on the slug field
// (the only unique column a form edits), and wraps anything else.
func uniqueSlug(err error, what string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return Invalid("slug", CodeSlugTaken)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// slugFree checks, inside the transaction, that no other row of table uses
// slug, so the form can say so next to the field.
func slugFree(tx *gorm.DB, table, slug string, id int64) error {
	var n int64
	if err := tx.Table(table).Where("slug = ? AND id <> ?", slug, id).Count(&n).Error; err != nil {
		return fmt.Errorf("check slug %q: %w", slug, err)
	}
	if n > 0 {
		return Invalid("slug", CodeSlugTaken)
	}
	return nil
}

// auditedKind is what the shared edit steps below need to know about a
// kind of record: its audit entity, how audit summaries name one ("group
// Ayllu") and what its audit entry shows.
type auditedKind[T any] struct {
	entity  string
	version func(*T) int64
	name    func(*T) string
	audit   func(*T) map[string]any
}

// update applies fields to row id if its lock version is still seen, and
// records the edit of r. keep copies onto r, from the row as it was, what
// the form does not edit, so the audit entry compares like with like.
func (k auditedKind[T]) update(tx *gorm.DB, actor string, r *T, id, seen int64, fields map[string]any, keep func(before *T)) error {
	before, err := lockedUpdate(tx, k.entity, id, seen, k.version, fields)
	if err != nil {
		return err
	}
	keep(before)
	b, af := k.audit(before), k.audit(r)
	return writeAudit(tx, actor, ActionUpdate, k.entity, id, "edited "+k.name(r)+": "+changedFields(b, af), b, af)
}

// flag is a boolean column the back office switches with one button, and
// the audit action and verb of switching it on and off.
type flag[T any] struct {
	column             string
	set                func(*T, bool)
	onAction, onVerb   string
	offAction, offVerb string
}

// setFlag switches f on row id if its lock version is still seen, and
// records it. check, when not nil, may still refuse the change: it sees
// the locked row as it was.
func (k auditedKind[T]) setFlag(tx *gorm.DB, actor string, id, seen int64, f flag[T], on bool, check func(before *T) error) error {
	before, err := lockedUpdate(tx, k.entity, id, seen, k.version, map[string]any{f.column: on})
	if err != nil {
		return err
	}
	if check != nil {
		if err := check(before); err != nil {
			return err
		}
	}
	after := *before
	f.set(&after, on)
	action, verb := f.onAction, f.onVerb
	if !on {
		action, verb = f.offAction, f.offVerb
	}
	return writeAudit(tx, actor, action, k.entity, id, verb+" "+k.name(before), k.audit(before), k.audit(&after))
}

// ---- associations ----

var associationKind = auditedKind[Association]{EntityAssociation,
	func(a *Association) int64 { return a.LockVersion },
	func(a *Association) string { return "association " + a.Name }, associationAudit}

var associationActive = flag[Association]{"active", func(a *Association, on bool) { a.Active = on },
	ActionActivate, "reactivated", ActionDeactivate, "deactivated"}

// ValidateAssociation checks an association's own fields.
func ValidateAssociation(a *Association) error {
	var v ValidationError
	if !ValidSlug(a.Slug) || len(a.Slug) > 80 {
		v.add("slug", CodeSlug)
	}
	if strings.TrimSpace(a.Name) == "" {
		v.add("name", CodeRequired)
	} else if len(a.Name) > 160 {
		v.add("name", CodeTooLong, "Max", 160)
	}
	if !a.Region.Valid() {
		v.add("region", CodeRegion)
	}
	return v.orNil()
}

func associationAudit(a *Association) map[string]any {
	return map[string]any{"slug": a.Slug, "name": a.Name, "region": a.Region, "active": a.Active}
}

// CreateAssociation adds an association.
func (e *Editor) CreateAssociation(ctx context.Context, a *Association) error {
	a.Name = strings.TrimSpace(a.Name)
	if err := ValidateAssociation(a); err != nil {
		return err
	}
	a.ID, a.Active, a.LockVersion = 0, true, 1
	return e.tx(ctx, func(tx *gorm.DB) error {
		if err := slugFree(tx, "associations", a.Slug, 0); err != nil {
			return err
		}
		if err := tx.Create(a).Error; err != nil {
			return uniqueSlug(err, "create association "+a.Slug)
		}
		return writeAudit(tx, e.actor, ActionCreate, EntityAssociation, a.ID,
			"created association "+a.Name, nil, associationAudit(a))
	})
}

// UpdateAssociation saves an association's slug, name and region.
// a.LockVersion is the version the editor saw; on success it is the new one.
func (e *Editor) UpdateAssociation(ctx context.Context, a *Association) error {
	a.Name = strings.TrimSpace(a.Name)
	if err := ValidateAssociation(a); err != nil {
		return err
	}
	return e.tx(ctx, func(tx *gorm.DB) error {
		if err := slugFree(tx, "associations", a.Slug, a.ID); err != nil {
			return err
		}
		return associationKind.update(tx, e.actor, a, a.ID, a.LockVersion,
			map[string]any{"slug": a.Slug, "name": a.Name, "region": a.Region}, func(before *Association) {
				a.Active, a.LockVersion, a.CreatedAt = before.Active, a.LockVersion+1, before.CreatedAt
			})
	})
}

// SetAssociationActive deactivates (or reactivates) an association. An
// association with active groups cannot be deactivated: their products
// would lose their association on the shop's pages.
func (e *Editor) SetAssociationActive(ctx context.Context, id, seen int64, active bool) error {
	return e.tx(ctx, func(tx *gorm.DB) error {
		if !active {
			var n int64
			if err := tx.Model(&Group{}).Where("association_id = ? AND active = ?", id, true).Count(&n).Error; err != nil {
				return fmt.Errorf("count groups of association %d: %w", id, err)
			}
			if n > 0 {
				return Invalid("active", CodeAssociationHasGroups, "Count", n)
			}
		}
		return associationKind.setFlag(tx, e.actor, id, seen, associationActive, active, nil)
	})
}

// AssociationByID loads any association, active or not.
func (s *Store) AssociationByID(ctx context.Context, id int64) (*Association, error) {
	var a Association
	if err := s.db.WithContext(ctx).Take(&a, id).Error; err != nil {
		return nil, dbError(err, fmt.Sprintf("association %d", id))
	}
	return &a, nil
}

// ---- producer groups ----

var groupKind = auditedKind[Group]{EntityGroup,
	func(g *Group) int64 { return g.LockVersion },
	func(g *Group) string { return "group " + g.Name }, groupAudit}

var groupActive = flag[Group]{"active", func(g *Group, on bool) { g.Active = on },
	ActionActivate, "reactivated", ActionDeactivate, "deactivated"}

func groupAudit(g *Group) map[string]any {
	return map[string]any{"slug": g.Slug, "name": g.Name, "association_id": g.AssociationID,
		"region": g.Region, "place": g.Place, "craft": g.Craft, "artisans": g.Artisans,
		"women_percent": g.WomenPercent, "assembly_cadence": g.AssemblyCadence,
		"story_es": g.StoryES, "story_en": g.StoryEN, "photo": g.Photo, "active": g.Active}
}

// ValidateGroup checks a group's own fields, within the lengths the
// schema allows.
func ValidateGroup(g *Group) error {
	g.Name, g.Place = strings.TrimSpace(g.Name), strings.TrimSpace(g.Place)
	var v ValidationError
	if !ValidSlug(g.Slug) {
		v.add("slug", CodeSlug)
	} else if len(g.Slug) > 80 {
		v.add("slug", CodeTooLong, "Max", 80)
	}
	if g.Name == "" {
		v.add("name", CodeRequired)
	} else if len(g.Name) > 160 {
		v.add("name", CodeTooLong, "Max", 160)
	}
	if !g.Region.Valid() {
		v.add("region", CodeRegion)
	}
	if !g.Craft.Valid() {
		v.add("craft", CodeCraft)
	}
	if g.Artisans < 0 {
		v.add("artisans", CodeNegative)
	}
	if g.WomenPercent < 0 || g.WomenPercent > 100 {
		v.add("women_percent", CodePercent)
	}
	if g.AssemblyCadence != CadenceWeekly && g.AssemblyCadence != CadenceMonthly {
		v.add("assembly_cadence", CodeCadence)
	}
	if g.AssociationID == 0 {
		v.add("association", CodeAssociation)
	}
	if g.Place == "" {
		v.add("place", CodeRequired)
	} else if len(g.Place) > 120 {
		v.add("place", CodeTooLong, "Max", 120)
	}
	if len(g.Photo) > 200 {
		v.add("photo", CodeTooLong, "Max", 200)
	}
	return v.orNil()
}

func validateGroupForm(tx *gorm.DB, g *Group) error {
	v, err := fieldErrors(ValidateGroup(g))
	if err != nil {
		return err
	}
	if g.AssociationID != 0 {
		var a Association
		if err := tx.Take(&a, g.AssociationID).Error; err != nil || !a.Active {
			v.add("association", CodeAssociation)
		}
	}
	return v.orNil()
}

// CreateGroup adds a producer group.
func (e *Editor) CreateGroup(ctx context.Context, g *Group) error {
	g.ID, g.Active, g.LockVersion, g.Association = 0, true, 1, nil
	return e.tx(ctx, func(tx *gorm.DB) error {
		if err := validateGroupForm(tx, g); err != nil {
			return err
		}
		if err := slugFree(tx, "producer_groups", g.Slug, 0); err != nil {
			return err
		}
		if err := tx.Omit(clause.Associations).Create(g).Error; err != nil {
			return uniqueSlug(err, "create group "+g.Slug)
		}
		return writeAudit(tx, e.actor, ActionCreate, EntityGroup, g.ID, "created group "+g.Name, nil, groupAudit(g))
	})
}

// UpdateGroup saves a group's fields; g.LockVersion is the version the
// editor saw, and the new one on success.
func (e *Editor) UpdateGroup(ctx context.Context, g *Group) error {
	g.Association = nil
	return e.tx(ctx, func(tx *gorm.DB) error {
		if err := validateGroupForm(tx, g); err != nil {
			return err
		}
		if err := slugFree(tx, "producer_groups", g.Slug, g.ID); err != nil {
			return err
		}
		return groupKind.update(tx, e.actor, g, g.ID, g.LockVersion,
			map[string]any{"slug": g.Slug, "name": g.Name, "association_id": g.AssociationID,
				"region": g.Region, "place": g.Place, "craft": g.Craft, "artisans": g.Artisans,
				"women_percent": g.WomenPercent, "assembly_cadence": g.AssemblyCadence,
				"story_es": g.StoryES, "story_en": g.StoryEN, "photo": g.Photo}, func(before *Group) {
				g.Active, g.LockVersion, g.CreatedAt = before.Active, g.LockVersion+1, before.CreatedAt
			})
	})
}

// SetGroupActive deactivates (or reactivates) a group. A group with
// published products cannot be deactivated: unpublish them first, so the
// shop never sells a piece whose makers it no longer shows.
func (e *Editor) SetGroupActive(ctx context.Context, id, seen int64, active bool) error {
	return e.tx(ctx, func(tx *gorm.DB) error {
		if !active {
			var n int64
			if err := tx.Model(&Product{}).Where("group_id = ? AND published = ?", id, true).Count(&n).Error; err != nil {
				return fmt.Errorf("count products of group %d: %w", id, err)
			}
			if n > 0 {
				return Invalid("active", CodeGroupHasProducts, "Count", n)
			}
		} else {
			var g Group
			if err := tx.Joins("Association").Where("producer_groups.id = ?", id).Take(&g).Error; err == nil &&
				g.Association != nil && !g.Association.Active {
				return Invalid("active", CodeAssociationInactive)
			}
		}
		return groupKind.setFlag(tx, e.actor, id, seen, groupActive, active, nil)
	})
}

// GroupByID loads any group, active or not, with its association.
func (s *Store) GroupByID(ctx context.Context, id int64) (*Group, error) {
	var g Group
	err := s.db.WithContext(ctx).Joins("Association").Where("producer_groups.id = ?", id).Take(&g).Error
	if err != nil {
		return nil, dbError(err, fmt.Sprintf("group %d", id))
	}
	return &g, nil
}

// AllGroups lists every group, active or not, with its association, by
// name: the back office's list and the product form's choices.
func (s *Store) AllGroups(ctx context.Context) ([]Group, error) {
	var gs []Group
	err := s.db.WithContext(ctx).Joins("Association").Order("producer_groups.name").Find(&gs).Error
	if err != nil {
		return nil, fmt.Errorf("list all groups: %w", err)
	}
	return gs, nil
}

// ---- products ----

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
		"wholesale_min_qty": p.WholesaleMinQty, "featured": p.Featured, "published": p.Published,
		"image": p.Image}
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
		p.SearchText = productSearchText(p)
		if err := tx.Omit(clause.Associations).Create(p).Error; err != nil {
			return uniqueSlug(err, "create product "+p.Slug)
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
		return productKind.update(tx, e.actor, p, p.ID, p.LockVersion,
			map[string]any{"slug": p.Slug, "name_es": p.NameES, "name_en": p.NameEN,
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

// BackOfficeCounts are the dashboard's figures.
type BackOfficeCounts struct {
	Associations, Groups, Products, Published, OutOfStock, Drafts int64
}

// BackOfficeCounts counts the catalog for the dashboard.
func (s *Store) BackOfficeCounts(ctx context.Context) (BackOfficeCounts, error) {
	var c BackOfficeCounts
	db := s.db.WithContext(ctx)
	for _, q := range []struct {
		dst   *int64
		model any
		where string
		args  []any
	}{
		{&c.Associations, &Association{}, "active = ?", []any{true}},
		{&c.Groups, &Group{}, "active = ?", []any{true}},
		{&c.Products, &Product{}, "1 = 1", nil},
		{&c.Published, &Product{}, "published = ?", []any{true}},
		{&c.OutOfStock, &Product{}, "published = ? AND stock = 0", []any{true}},
		{&c.Drafts, &Product{}, "published = ?", []any{false}},
	} {
		if err := db.Model(q.model).Where(q.where, q.args...).Count(q.dst).Error; err != nil {
			return c, fmt.Errorf("count for dashboard: %w", err)
		}
	}
	return c, nil
}
