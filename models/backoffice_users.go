package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// UpdateUser is the back office's change of an account's role or active
// flag: the same rules as Store.UpdateUser (the last active admin stays;
// a role change or deactivation ends the user's sessions at once through
// their session epoch), with the audit entry in the same transaction. A
// form opened on an older version gets ErrStale.
//
// It repeats Store.UpdateUser's rules because that method opens its own
// transaction; once the accounts code offers a transaction-scoped
// version, this should call it.
func (e *Editor) UpdateUser(ctx context.Context, ch UserChange) (before, after User, err error) {
	if !ch.Role.Valid() {
		return before, after, &ValidationError{Fields: map[string]string{"role": "is not a known role"}}
	}
	if err := e.check(); err != nil {
		return before, after, err
	}
	err = e.s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := forUpdate(tx).Take(&before, ch.ID).Error; err != nil {
			return dbError(err, fmt.Sprintf("user %d", ch.ID))
		}
		if before.Version != ch.Version {
			return staleError(EntityUser, ch.ID, ch.Version, before.Version)
		}
		if before.Role == RoleAdmin && before.Active && (ch.Role != RoleAdmin || !ch.Active) {
			var admins int64
			if err := tx.Model(&User{}).Where("role = ? AND active AND id <> ?", RoleAdmin, ch.ID).
				Count(&admins).Error; err != nil {
				return fmt.Errorf("count admins: %w", err)
			}
			if admins == 0 {
				return ErrLastAdmin
			}
		}
		after = before
		after.Role, after.Active, after.Version = ch.Role, ch.Active, before.Version+1
		if after.Role == before.Role && after.Active == before.Active {
			return &ValidationError{Fields: map[string]string{"role": "nothing changed"}}
		}
		after.SessionEpoch++
		res := tx.Model(&User{}).Where("id = ? AND version = ?", ch.ID, ch.Version).Updates(map[string]any{
			"role": after.Role, "active": after.Active, "version": after.Version,
			"session_epoch": after.SessionEpoch, "updated_at": tx.NowFunc(),
		})
		if res.Error != nil {
			return fmt.Errorf("update user %d: %w", ch.ID, res.Error)
		}
		if res.RowsAffected != 1 {
			return staleError(EntityUser, ch.ID, ch.Version, ch.Version+1)
		}
		action, summary := ActionRole, fmt.Sprintf("role of %s: %s → %s", before.Email, before.Role, after.Role)
		switch {
		case before.Active && !after.Active:
			action, summary = ActionDeactivate, "deactivated "+before.Email+" (sessions ended)"
		case !before.Active && after.Active:
			action, summary = ActionActivate, "reactivated "+before.Email
		}
		if before.Active != after.Active && before.Role != after.Role {
			summary += fmt.Sprintf("; role %s → %s", before.Role, after.Role)
		}
		view := func(u User) map[string]any {
			return map[string]any{"email": u.Email, "role": u.Role, "active": u.Active}
		}
		return writeAudit(tx, e.actor, action, EntityUser, ch.ID, summary, view(before), view(after))
	})
	return before, after, err
}

// UserPage is one page of the users list.
type UserPage struct {
	Items   []User
	Total   int64
	Page    int
	PerPage int
}

// Pages is the number of pages for the total.
func (p UserPage) Pages() int {
	if p.PerPage <= 0 {
		return 0
	}
	return int((p.Total + int64(p.PerPage) - 1) / int64(p.PerPage))
}

// AdminUsers lists accounts for the back office, staff roles first, then
// newest first; role "" means any, query matches part of the email or name.
func (s *Store) AdminUsers(ctx context.Context, role Role, query string, page, perPage int) (UserPage, error) {
	if perPage <= 0 || perPage > MaxPerPage {
		perPage = 50
	}
	if page < 1 {
		page = 1
	}
	q := s.db.WithContext(ctx).Model(&User{})
	if role != "" {
		q = q.Where("role = ?", role)
	}
	if query = strings.TrimSpace(query); query != "" {
		if len(query) > MaxEmailLen {
			query = query[:MaxEmailLen]
		}
		pat := "%" + likeEscaper.Replace(strings.ToLower(query)) + "%"
		q = q.Where(`(LOWER(email) LIKE ? ESCAPE '\' OR LOWER(name) LIKE ? ESCAPE '\')`, pat, pat)
	}
	out := UserPage{Page: page, PerPage: perPage}
	if err := q.Session(&gorm.Session{}).Count(&out.Total).Error; err != nil {
		return out, fmt.Errorf("count users: %w", err)
	}
	err := q.Order(`CASE role WHEN 'admin' THEN 0 WHEN 'staff' THEN 1 WHEN 'reviewer' THEN 2 ELSE 3 END`).
		Order("created_at DESC").Order("id DESC").Limit(perPage).Offset((page - 1) * perPage).Find(&out.Items).Error
	if err != nil {
		return out, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}
