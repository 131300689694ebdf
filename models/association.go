package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

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

// ListAssociations lists every association by name.
func (s *Store) ListAssociations(ctx context.Context) ([]Association, error) {
	var as []Association
	if err := s.db.WithContext(ctx).Order("name").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("list associations: %w", err)
	}
	return as, nil
}
