package models

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The audit log records who changed what, when, and the record before and
// after. Entries are written in the same transaction as the change they
// describe, so there is never a change without its entry or the reverse,
// and the database refuses to update or delete one (see migration
// 0003_backoffice).

// Entity types named in the audit log.
const (
	EntityAssociation = "association"
	EntityGroup       = "group"
	EntityProduct     = "product"
	EntityUser        = "user"
)

// EntityTypes lists the entity types, for the audit log's filter.
var EntityTypes = []string{EntityAssociation, EntityGroup, EntityProduct, EntityUser, EntityOrder, EntityShippingZone, EntityResellerApplication, EntityInvitation, EntityLivingWage, EntityProductionOrder}

// Audit actions.
const (
	ActionCreate     = "create"
	ActionUpdate     = "update"
	ActionActivate   = "activate"
	ActionDeactivate = "deactivate"
	ActionPublish    = "publish"
	ActionUnpublish  = "unpublish"
	ActionPrice      = "price"
	ActionStock      = "stock"
	ActionImage      = "image"
	ActionRole       = "role"
)

// AuditEntry is one recorded change.
type AuditEntry struct {
	ID         int64     `gorm:"primaryKey"`
	CreatedAt  time.Time `gorm:"not null"` // when
	Actor      string    `gorm:"size:254;not null"`
	Action     string    `gorm:"size:40;not null"`
	EntityType string    `gorm:"size:30;not null"`
	EntityID   int64     `gorm:"not null"`
	Summary    string    `gorm:"size:1000;not null"`
	// BeforeJSON and AfterJSON are the record's relevant fields as JSON
	// objects; empty when there was no record before (a creation) or after.
	BeforeJSON string `gorm:"column:before_json;type:text;not null"`
	AfterJSON  string `gorm:"column:after_json;type:text;not null"`
}

// TableName is part of the migration history.
func (AuditEntry) TableName() string { return "audit_log" }

const maxSummary = 1000

// writeAudit appends an entry inside tx. before and after are marshalled
// to JSON (nil means none).
func writeAudit(tx *gorm.DB, actor, action, entityType string, id int64, summary string, before, after any) error {
	enc := func(v any) (string, error) {
		if v == nil || (reflect.ValueOf(v).Kind() == reflect.Map && reflect.ValueOf(v).IsNil()) {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	b, err := enc(before)
	if err != nil {
		return fmt.Errorf("audit: encode before: %w", err)
	}
	a, err := enc(after)
	if err != nil {
		return fmt.Errorf("audit: encode after: %w", err)
	}
	if r := []rune(summary); len(r) > maxSummary {
		summary = string(r[:maxSummary-1]) + "…"
	}
	e := AuditEntry{Actor: actor, Action: action, EntityType: entityType, EntityID: id,
		Summary: summary, BeforeJSON: b, AfterJSON: a}
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("write audit entry (%s %s %d): %w", action, entityType, id, err)
	}
	return nil
}

// changedFields names the keys whose values differ, for a summary.
func changedFields(before, after map[string]any) string {
	var keys []string
	for k, v := range after {
		if fmt.Sprint(before[k]) != fmt.Sprint(v) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "no field changed"
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// FieldChange is one field of an audit entry, before and after, as JSON
// text ("" when absent).
type FieldChange struct {
	Field   string
	Before  string
	After   string
	Changed bool
}

// Changes lists the fields of the entry's before and after objects, the
// changed ones first, each group by name. Nested objects (a price
// breakdown) are flattened to "retail.price" and so on.
func (e *AuditEntry) Changes() []FieldChange {
	before, after := flatJSON(e.BeforeJSON), flatJSON(e.AfterJSON)
	seen := map[string]bool{}
	var out []FieldChange
	for _, m := range []map[string]string{after, before} {
		for k := range m {
			if seen[k] {
				continue
			}
			seen[k] = true
			b, bok := before[k]
			a, aok := after[k]
			out = append(out, FieldChange{Field: k, Before: b, After: a, Changed: bok != aok || a != b})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Changed != out[j].Changed {
			return out[i].Changed
		}
		return out[i].Field < out[j].Field
	})
	return out
}

func flatJSON(s string) map[string]string {
	out := map[string]string{}
	if s == "" {
		return out
	}
	var v any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		out["(raw)"] = s
		return out
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if m, ok := v.(map[string]any); ok {
			for k, x := range m {
				key := k
				if prefix != "" {
					key = prefix + "." + k
				}
				walk(key, x)
			}
			return
		}
		switch x := v.(type) {
		case string:
			out[prefix] = x
		case nil:
			out[prefix] = "null"
		default:
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(x)
			out[prefix] = strings.TrimSpace(buf.String())
		}
	}
	walk("", v)
	return out
}

// AuditFilter selects audit entries. Zero values mean "any".
type AuditFilter struct {
	Actor      string // part of the actor, case-insensitive
	EntityType string
	EntityID   int64
	Action     string
	From       time.Time // inclusive
	To         time.Time // exclusive
	Page       int       // 1-based
	PerPage    int
}

// AuditPage is one page of the audit log, newest first.
type AuditPage = Page[AuditEntry]

// DefaultAuditPerPage is the audit log's page size.
const DefaultAuditPerPage = 50

// ListAudit returns one page of the audit log, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) (AuditPage, error) {
	if f.PerPage <= 0 || f.PerPage > MaxPerPage {
		f.PerPage = DefaultAuditPerPage
	}
	if f.Page < 1 {
		f.Page = 1
	}
	q := s.db.WithContext(ctx).Model(&AuditEntry{})
	if a := strings.TrimSpace(f.Actor); a != "" {
		if len(a) > 254 {
			a = a[:254]
		}
		q = q.Where(`LOWER(actor) LIKE ? ESCAPE '\'`, "%"+likeEscaper.Replace(strings.ToLower(a))+"%")
	}
	if f.EntityType != "" {
		q = q.Where("entity_type = ?", f.EntityType)
	}
	if f.EntityID != 0 {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To.UTC())
	}
	page := AuditPage{Page: f.Page, PerPage: f.PerPage}
	if err := q.Session(&gorm.Session{}).Count(&page.Total).Error; err != nil {
		return page, fmt.Errorf("count audit entries: %w", err)
	}
	err := q.Order("id DESC").Limit(f.PerPage).Offset((f.Page - 1) * f.PerPage).Find(&page.Items).Error
	if err != nil {
		return page, fmt.Errorf("list audit entries: %w", err)
	}
	return page, nil
}

// AuditEntryByID loads one entry.
func (s *Store) AuditEntryByID(ctx context.Context, id int64) (*AuditEntry, error) {
	var e AuditEntry
	if err := s.db.WithContext(ctx).Take(&e, id).Error; err != nil {
		return nil, dbError(err, fmt.Sprintf("audit entry %d", id))
	}
	return &e, nil
}

// LatestAudit is the newest entry about one record: who changed it last,
// shown when an editor's save is refused as stale.
func (s *Store) LatestAudit(ctx context.Context, entityType string, id int64) (*AuditEntry, error) {
	var e AuditEntry
	err := s.db.WithContext(ctx).Where("entity_type = ? AND entity_id = ?", entityType, id).
		Order("id DESC").Take(&e).Error
	if err != nil {
		return nil, dbError(err, fmt.Sprintf("audit of %s %d", entityType, id))
	}
	return &e, nil
}
