package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

var groupKind = auditedKind[Group]{EntityGroup,
	func(g *Group) int64 { return g.LockVersion },
	func(g *Group) string { return "group " + g.Name }, groupAudit}

var groupActive = flag[Group]{"active", func(g *Group, on bool) { g.Active = on },
	ActionActivate, "reactivated", ActionDeactivate, "deactivated"}

func groupAudit(g *Group) map[string]any {
	return map[string]any{"slug": g.Slug, "name": g.Name, "association_id": g.AssociationID,
		"region": g.Region, "place": g.Place, "craft": g.Craft, "artisans": g.Artisans,
		"women_percent": g.WomenPercent, "assembly_cadence": g.AssemblyCadence,
		"story_es": g.StoryES, "story_en": g.StoryEN, "photo": g.Photo, "active": g.Active,
		"lead_time_days": g.LeadTimeDays}
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
	if g.LeadTimeDays == 0 {
		g.LeadTimeDays = DefaultLeadTimeDays
	}
	if g.LeadTimeDays < 1 || g.LeadTimeDays > MaxLeadTimeDays {
		v.add("lead_time_days", CodeLeadTime, "Max", MaxLeadTimeDays)
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
				"story_es": g.StoryES, "story_en": g.StoryEN, "photo": g.Photo,
				"lead_time_days": g.LeadTimeDays}, func(before *Group) {
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
	// LeadTimeDays is how long the group takes to make a made-to-order
	// batch: a production order is due that many days after the order.
	LeadTimeDays int   `gorm:"not null;default:30"`
	LockVersion  int64 `gorm:"not null;default:1"` // see Association.LockVersion
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Lead times a group may declare, in days.
const (
	DefaultLeadTimeDays = 30
	MaxLeadTimeDays     = 365
)

// Assembly cadences.
const (
	CadenceWeekly  = "weekly"
	CadenceMonthly = "monthly"
)

// Story picks the group's story for a language.
func (g *Group) Story(lang string) string { return pick(lang, g.StoryES, g.StoryEN) }

// TableName avoids GROUPS, a keyword in SQL window frames.
func (Group) TableName() string { return "producer_groups" }

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
