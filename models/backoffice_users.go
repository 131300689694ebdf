package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// UserChange is an admin's edit of an account. Version is the version the
// form was opened with: a user changed since gives ErrStale.
type UserChange struct {
	ID      int64
	Version int64
	Role    Role
	Active  bool
}

// UpdateUser changes an account's role or active flag, with its audit
// entry in the same transaction, and returns the account before and after.
// A role change or deactivation ends the user's sessions at once through
// their session epoch. The last active admin cannot be demoted or
// deactivated, even by two admins demoting each other at the same moment.
// A form opened on an older version gets ErrStale.
func (e *Editor) UpdateUser(ctx context.Context, ch UserChange) (before, after User, err error) {
	if !ch.Role.Valid() {
		return before, after, Invalid("role", CodeRole)
	}
	if err := e.check(); err != nil {
		return before, after, err
	}
	err = e.s.Tx(ctx, func(tx *Store) error {
		db := tx.db
		// A change that may remove an admin first locks every active
		// admin, in id order: two such changes then queue on the same rows
		// in the same order (never a deadlock), and the second one counts
		// the admins the first one left. Locking only the target row, and
		// counting the others under READ COMMITTED, let two admins demote
		// each other and leave none.
		var admins []int64
		if ch.Role != RoleAdmin || !ch.Active {
			if err := forUpdate(db).Model(&User{}).Where("role = ? AND active", RoleAdmin).
				Order("id").Pluck("id", &admins).Error; err != nil {
				return fmt.Errorf("lock admins: %w", err)
			}
		}
		if err := forUpdate(db).Take(&before, ch.ID).Error; err != nil {
			return dbError(err, fmt.Sprintf("user %d", ch.ID))
		}
		if before.Version != ch.Version {
			return staleError(EntityUser, ch.ID, ch.Version, before.Version)
		}
		if before.Role == RoleAdmin && before.Active && (ch.Role != RoleAdmin || !ch.Active) && !hasOther(admins, ch.ID) {
			return ErrLastAdmin
		}
		if ch.Role == before.Role && ch.Active == before.Active {
			return Invalid("role", CodeUserUnchanged)
		}
		after = before
		after.Role, after.Active, after.Version = ch.Role, ch.Active, before.Version+1
		after.SessionEpoch++
		res := db.Model(&User{}).Where("id = ? AND version = ?", ch.ID, ch.Version).Updates(map[string]any{
			"role": after.Role, "active": after.Active, "version": after.Version,
			"session_epoch": after.SessionEpoch, "updated_at": db.NowFunc(),
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
		return writeAudit(db, e.actor, action, EntityUser, ch.ID, summary, view(before), view(after))
	})
	return before, after, err
}

// hasOther reports whether ids holds an id other than id.
func hasOther(ids []int64, id int64) bool {
	for _, x := range ids {
		if x != id {
			return true
		}
	}
	return false
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
