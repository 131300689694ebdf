package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Fair pay is measured against two lines: Peru's legal minimum wage (the
// RMV, from the deployment's configuration) and a living-wage reference
// that staff keep here (e.g. from WFTO's local living wage method). Each
// change adds a row, audited; the newest row is the reference in force.

// EntityLivingWage names the living-wage reference in the audit log.
const EntityLivingWage = "living_wage"

// LivingWage is one recorded living-wage reference.
type LivingWage struct {
	ID           int64     `gorm:"primaryKey"`
	Currency     Currency  `gorm:"size:3;not null"`
	Monthly      int64     `gorm:"not null"` // minor units a month
	HoursPerWeek int       `gorm:"not null"`
	Source       string    `gorm:"size:300;not null"`
	AsOf         time.Time `gorm:"type:date;not null"` // the day the figure is of
	Actor        string    `gorm:"size:254;not null"`
	CreatedAt    time.Time `gorm:"not null"`
}

// TableName is part of the migration history.
func (LivingWage) TableName() string { return "living_wage_references" }

// HourlyWage converts a monthly wage to an hourly figure: 12 months of pay
// over 52 weeks of hoursPerWeek hours, rounded down (the RMV's hourly
// figure is computed the same way).
func HourlyWage(monthly int64, hoursPerWeek int) Money {
	if hoursPerWeek <= 0 {
		return Soles(0)
	}
	return Soles(monthly * 12 / int64(52*hoursPerWeek))
}

// Hourly is the reference as pay per hour.
func (w *LivingWage) Hourly() Money {
	m := HourlyWage(w.Monthly, w.HoursPerWeek)
	m.Currency = w.Currency
	return m
}

// MonthlyMoney is the monthly figure as Money.
func (w *LivingWage) MonthlyMoney() Money { return Money{Amount: w.Monthly, Currency: w.Currency} }

// LivingWageInput is what staff type.
type LivingWageInput struct {
	Monthly      Money
	HoursPerWeek int
	Source       string
	AsOf         time.Time
}

// Bounds of a living-wage reference.
const (
	maxWeekHours       = 84
	maxLivingWageText  = 300
	earliestLivingWage = 2000
)

// Validate says what is wrong with the input, field by field.
func (in *LivingWageInput) Validate() error {
	var v ValidationError
	switch {
	case in.Monthly.Amount <= 0:
		v.add("monthly", CodePositive)
	case in.Monthly.Amount > MaxTypedAmount:
		v.add("monthly", CodeTooLarge)
	}
	if in.Monthly.Currency != PEN {
		v.add("monthly", CodeCurrency)
	}
	if in.HoursPerWeek < 1 || in.HoursPerWeek > maxWeekHours {
		v.add("hours_per_week", CodeHoursPerWeek, "Max", maxWeekHours)
	}
	switch src := strings.TrimSpace(in.Source); {
	case src == "":
		v.add("source", CodeRequired)
	case len([]rune(src)) > maxLivingWageText:
		v.add("source", CodeTooLong, "Max", maxLivingWageText)
	}
	switch {
	case in.AsOf.IsZero() || in.AsOf.Year() < earliestLivingWage:
		v.add("as_of", CodeRequired)
	case in.AsOf.After(time.Now().Add(24 * time.Hour)):
		v.add("as_of", CodeDateFuture)
	}
	return v.orNil()
}

// LivingWage is the reference in force, or nil when none was recorded.
func (s *Store) LivingWage(ctx context.Context) (*LivingWage, error) {
	var w LivingWage
	err := s.db.WithContext(ctx).Order("id DESC").Take(&w).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("living-wage reference: %w", err)
	}
	return &w, nil
}

// LivingWageHistory lists every reference recorded, newest first.
func (s *Store) LivingWageHistory(ctx context.Context) ([]LivingWage, error) {
	var ws []LivingWage
	if err := s.db.WithContext(ctx).Order("id DESC").Find(&ws).Error; err != nil {
		return nil, fmt.Errorf("living-wage references: %w", err)
	}
	return ws, nil
}

func livingWageAudit(w *LivingWage) map[string]any {
	if w == nil {
		return nil
	}
	return map[string]any{"monthly": w.Monthly, "hours_per_week": w.HoursPerWeek, "hourly": w.Hourly().Amount,
		"source": w.Source, "as_of": w.AsOf.Format(time.DateOnly)}
}

// SetLivingWage records a new living-wage reference and its audit entry
// (before and after) in one transaction. The same reference typed again
// is refused as nothing changed.
func (e *Editor) SetLivingWage(ctx context.Context, in LivingWageInput) (*LivingWage, error) {
	in.Source = strings.TrimSpace(in.Source)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	w := &LivingWage{Currency: in.Monthly.Currency, Monthly: in.Monthly.Amount, HoursPerWeek: in.HoursPerWeek,
		Source: in.Source, AsOf: day(in.AsOf), Actor: e.actor}
	err := e.moneyTx(ctx, func(tx *gorm.DB) error {
		var before *LivingWage
		var prev []LivingWage
		if err := forUpdate(tx.Order("id DESC").Limit(1)).Find(&prev).Error; err != nil {
			return fmt.Errorf("living-wage reference in force: %w", err)
		}
		if len(prev) == 1 {
			before = &prev[0]
			if before.Monthly == w.Monthly && before.HoursPerWeek == w.HoursPerWeek && before.Source == w.Source &&
				sameDay(&before.AsOf, &w.AsOf) {
				return Invalid("monthly", CodeReferenceUnchanged)
			}
		}
		w.CreatedAt = time.Now().UTC()
		if err := tx.Create(w).Error; err != nil {
			return dbError(err, "record the living-wage reference")
		}
		summary := fmt.Sprintf("living-wage reference %s %s a month for %d h a week (%s an hour), %s, as of %s",
			w.MonthlyMoney().Decimal(), w.Currency, w.HoursPerWeek, w.Hourly().Decimal(), w.Source, w.AsOf.Format(time.DateOnly))
		if before != nil {
			summary = fmt.Sprintf("living-wage reference %s → %s an hour (%s → %s)", before.Hourly().Decimal(),
				w.Hourly().Decimal(), before.Source, w.Source)
		}
		return writeAudit(tx, e.actor, ActionUpdate, EntityLivingWage, w.ID, summary, livingWageAudit(before), livingWageAudit(w))
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}
