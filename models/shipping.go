package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ShippingZoneCode names one of the shop's shipping zones.
type ShippingZoneCode string

// The three shipping zones. The buyer never picks one: ZoneFor derives it
// from the address.
const (
	ZoneLima          ShippingZoneCode = "lima"          // Lima Metropolitana and Callao
	ZonePeru          ShippingZoneCode = "peru"          // every other region of Peru
	ZoneInternational ShippingZoneCode = "international" // anywhere else
)

// ShippingZone is a zone's rate and delivery estimate, kept in the
// database and edited in the back office.
type ShippingZone struct {
	ID          int64            `gorm:"primaryKey"`
	Code        ShippingZoneCode `gorm:"size:20;not null"`
	NameES      string           `gorm:"size:120;not null"`
	NameEN      string           `gorm:"size:120;not null"`
	Currency    Currency         `gorm:"size:3;not null"`
	RateAmount  int64            `gorm:"not null"`
	MinDays     int              `gorm:"not null"`
	MaxDays     int              `gorm:"not null"`
	Position    int              `gorm:"not null"`
	LockVersion int64            `gorm:"not null;default:1"`
	UpdatedAt   time.Time
}

// TableName is part of the migration history.
func (ShippingZone) TableName() string { return "shipping_zones" }

// Rate is what shipping one order to the zone costs.
func (z *ShippingZone) Rate() Money { return Money{Amount: z.RateAmount, Currency: z.Currency} }

// Name picks the zone's name for a language.
func (z *ShippingZone) Name(lang string) string { return pick(lang, z.NameES, z.NameEN) }

// MaxShippingDays bounds a delivery estimate.
const MaxShippingDays = 365

// Validate checks a zone as the back office edits it.
func (z *ShippingZone) Validate() error {
	var v ValidationError
	z.NameES, z.NameEN = strings.TrimSpace(z.NameES), strings.TrimSpace(z.NameEN)
	for field, name := range map[string]string{"name_es": z.NameES, "name_en": z.NameEN} {
		if name == "" {
			v.add(field, CodeRequired)
		} else if len(name) > 120 {
			v.add(field, CodeTooLong, "Max", 120)
		}
	}
	if z.RateAmount < 0 {
		v.add("rate", CodeNegative)
	} else if z.RateAmount > maxShippingRate {
		v.add("rate", CodeTooLarge)
	}
	switch {
	case z.MinDays < 0:
		v.add("min_days", CodeNegative)
	case z.MaxDays < z.MinDays:
		v.add("max_days", CodeBelowMinimum)
	case z.MaxDays > MaxShippingDays:
		v.add("max_days", CodeAtMost, "Max", MaxShippingDays)
	}
	return v.orNil()
}

// maxShippingRate (S/ 100,000) keeps a typo from making an order's total
// absurd.
const maxShippingRate = 10_000_000

// PeruRegion is a region of Peru as the checkout form offers it; Lima is
// split so that Lima Metropolitana (with Callao) is its own shipping zone.
type PeruRegion struct {
	Code string
	Name string
}

// PeruRegions lists Peru's regions for the address form, in order.
var PeruRegions = []PeruRegion{
	{"amazonas", "Amazonas"}, {"ancash", "Áncash"}, {"apurimac", "Apurímac"}, {"arequipa", "Arequipa"},
	{"ayacucho", "Ayacucho"}, {"cajamarca", "Cajamarca"}, {"callao", "Callao"}, {"cusco", "Cusco"},
	{"huancavelica", "Huancavelica"}, {"huanuco", "Huánuco"}, {"ica", "Ica"}, {"junin", "Junín"},
	{"la-libertad", "La Libertad"}, {"lambayeque", "Lambayeque"},
	{"lima-metropolitana", "Lima Metropolitana"}, {"lima-provincias", "Lima (provincias)"},
	{"loreto", "Loreto"}, {"madre-de-dios", "Madre de Dios"}, {"moquegua", "Moquegua"}, {"pasco", "Pasco"},
	{"piura", "Piura"}, {"puno", "Puno"}, {"san-martin", "San Martín"}, {"tacna", "Tacna"},
	{"tumbes", "Tumbes"}, {"ucayali", "Ucayali"},
}

// ValidPeruRegion reports whether code is one of PeruRegions.
func ValidPeruRegion(code string) bool {
	for _, r := range PeruRegions {
		if r.Code == code {
			return true
		}
	}
	return false
}

// CountryPeru is Peru's ISO 3166-1 code.
const CountryPeru = "PE"

// ZoneFor derives the shipping zone from an address: Lima Metropolitana
// and Callao, the rest of Peru, or abroad.
func ZoneFor(a Address) ShippingZoneCode {
	if a.Country != CountryPeru {
		return ZoneInternational
	}
	if a.Region == "lima-metropolitana" || a.Region == "callao" {
		return ZoneLima
	}
	return ZonePeru
}

// ShippingZones lists the zones in display order.
func (s *Store) ShippingZones(ctx context.Context) ([]ShippingZone, error) {
	var zs []ShippingZone
	if err := s.db.WithContext(ctx).Order("position").Find(&zs).Error; err != nil {
		return nil, fmt.Errorf("list shipping zones: %w", err)
	}
	return zs, nil
}

// ShippingZoneByCode loads one zone.
func (s *Store) ShippingZoneByCode(ctx context.Context, code ShippingZoneCode) (*ShippingZone, error) {
	return shippingZone(s.db.WithContext(ctx), code)
}

func shippingZone(tx *gorm.DB, code ShippingZoneCode) (*ShippingZone, error) {
	var z ShippingZone
	if err := tx.Where("code = ?", code).Take(&z).Error; err != nil {
		return nil, dbError(err, fmt.Sprintf("shipping zone %q", code))
	}
	return &z, nil
}

// EntityShippingZone names shipping zones in the audit log.
const EntityShippingZone = "shipping_zone"

var shippingZoneKind = auditedKind[ShippingZone]{EntityShippingZone,
	func(z *ShippingZone) int64 { return z.LockVersion },
	func(z *ShippingZone) string { return "shipping zone " + z.NameES }, shippingZoneAudit}

func shippingZoneAudit(z *ShippingZone) map[string]any {
	return map[string]any{"code": z.Code, "name_es": z.NameES, "name_en": z.NameEN,
		"rate": z.RateAmount, "min_days": z.MinDays, "max_days": z.MaxDays}
}

// UpdateShippingZone saves a zone's names, rate and delivery estimate
// (not its code). z.LockVersion is the version the editor saw, and the
// new one on success. Orders already placed keep the rate they were
// charged.
func (e *Editor) UpdateShippingZone(ctx context.Context, z *ShippingZone) error {
	if err := z.Validate(); err != nil {
		return err
	}
	return e.tx(ctx, func(tx *gorm.DB) error {
		return shippingZoneKind.update(tx, e.actor, z, z.ID, z.LockVersion,
			map[string]any{"name_es": z.NameES, "name_en": z.NameEN, "rate_amount": z.RateAmount,
				"min_days": z.MinDays, "max_days": z.MaxDays, "updated_at": time.Now().UTC()},
			func(before *ShippingZone) {
				z.Code, z.Currency, z.Position, z.LockVersion = before.Code, before.Currency, before.Position, z.LockVersion+1
			})
	})
}
