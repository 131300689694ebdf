package models

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

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
		before, after, err = changeUser(tx.db, e.actor, ch)
		return err
	})
	return before, after, err
}

// changeUser is UpdateUser's change inside the caller's transaction db,
// made on behalf of actor: the one path that changes an account's role or
// active flag (the back office's user form, a reseller application's
// approval), with its checks, session ending and audit entry.
func changeUser(db *gorm.DB, actor string, ch UserChange) (before, after User, err error) {
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
			return before, after, fmt.Errorf("lock admins: %w", err)
		}
	}
	if err := forUpdate(db).Take(&before, ch.ID).Error; err != nil {
		return before, after, dbError(err, fmt.Sprintf("user %d", ch.ID))
	}
	if before.Version != ch.Version {
		return before, after, staleError(EntityUser, ch.ID, ch.Version, before.Version)
	}
	if before.Role == RoleAdmin && before.Active && (ch.Role != RoleAdmin || !ch.Active) && !hasOther(admins, ch.ID) {
		return before, after, ErrLastAdmin
	}
	if ch.Role == before.Role && ch.Active == before.Active {
		return before, after, Invalid("role", CodeUserUnchanged)
	}
	after = before
	after.Role, after.Active, after.Version = ch.Role, ch.Active, before.Version+1
	after.SessionEpoch++
	res := db.Model(&User{}).Where("id = ? AND version = ?", ch.ID, ch.Version).Updates(map[string]any{
		"role": after.Role, "active": after.Active, "version": after.Version,
		"session_epoch": after.SessionEpoch, "updated_at": db.NowFunc(),
	})
	if res.Error != nil {
		return before, after, fmt.Errorf("update user %d: %w", ch.ID, res.Error)
	}
	if res.RowsAffected != 1 {
		return before, after, staleError(EntityUser, ch.ID, ch.Version, ch.Version+1)
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
	return before, after, writeAudit(db, actor, action, EntityUser, ch.ID, summary, view(before), view(after))
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
type UserPage = Page[User]

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

// Role says what a signed-in person may do. The route × role table in
// handlers/roles.go is what enforces it.
type Role string

// The roles, from most to least powerful.
const (
	// RoleAdmin does everything, including managing users.
	RoleAdmin Role = "admin"
	// RoleStaff runs the catalog, stock, orders and fulfillment; not users.
	RoleStaff Role = "staff"
	// RoleReseller is a wholesale buyer.
	RoleReseller Role = "reseller"
	// RoleReviewer is a WFTO reviewer: reads everything about prices,
	// orders and the ledger, changes nothing.
	RoleReviewer Role = "reviewer"
	// RoleCustomer is a buyer with an account.
	RoleCustomer Role = "customer"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleStaff, RoleReseller, RoleReviewer, RoleCustomer}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if k == r {
			return true
		}
	}
	return false
}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(strings.ToLower(s)))
	if !r.Valid() {
		return "", fmt.Errorf("unknown role %q (one of admin, staff, reseller, reviewer, customer)", s)
	}
	return r, nil
}

// User is a person with an account.
type User struct {
	ID    int64
	Email string // normalized: trimmed, lower case
	Name  string
	Role  Role
	// PasswordHash is an argon2id PHC string; never the password.
	PasswordHash string `json:"-"`
	Active       bool
	// SessionEpoch is bumped to end every session of the user at once
	// (deactivation, password reset): a session remembers the epoch it
	// was started under and is refused when it no longer matches.
	SessionEpoch int64
	// Version is bumped by every change, so an edit made from a stale
	// form is detected.
	Version      int64
	LastSignInAt *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Account rules.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256 // bounds hashing work per request
	MaxEmailLen    = 254
	MaxNameLen     = 160
)

// Sentinel errors of the account rules.
var (
	// ErrBadCredentials is the one answer for an unknown email and a
	// wrong password, so sign-in never tells which emails have accounts.
	ErrBadCredentials = errors.New("email or password is wrong")
	// ErrEmailTaken: an account with this email exists.
	ErrEmailTaken = errors.New("an account with this email exists")
	// ErrTokenInvalid: a reset link is unknown, used or expired.
	ErrTokenInvalid = errors.New("reset link is invalid or expired")
)

// NormalizeEmail trims and lower-cases an address for storage and lookup.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s is one plain address (no display name).
func ValidEmail(s string) bool {
	if s == "" || len(s) > MaxEmailLen || strings.ContainsAny(s, " \r\n<>,;") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// ErrLastAdmin: the change would leave the shop without an active admin.
var ErrLastAdmin = errors.New("the shop must keep at least one active admin")

// NewUser is what creating an account needs.
type NewUser struct {
	Email    string
	Name     string
	Role     Role
	Password string
}

// Validate checks the email, name, role and password rules.
func (n *NewUser) Validate() error {
	var ve ValidationError
	n.Email = NormalizeEmail(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	if !ValidEmail(n.Email) {
		ve.add("email", CodeEmail)
	}
	if !n.Role.Valid() {
		ve.add("role", CodeRole)
	}
	validateNameAndPassword(&ve, n.Name, n.Password)
	return ve.orNil()
}

// validateNameAndPassword adds what is wrong with a (trimmed) name and a
// password to ve.
func validateNameAndPassword(ve *ValidationError, name, password string) {
	if len([]rune(name)) > MaxNameLen {
		ve.add("name", CodeTooLong, "Max", MaxNameLen)
	}
	var pv *ValidationError
	if errors.As(ValidatePassword(password), &pv) {
		ve.addError("password", pv.Fields["password"])
	}
}

// CreateUser validates and stores a new account with its password hashed
// by h. An email already registered gives ErrEmailTaken.
func (s *Store) CreateUser(ctx context.Context, h *Hasher, n NewUser) (*User, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	hash, err := h.Hash(ctx, n.Password)
	if err != nil {
		return nil, err
	}
	u := &User{Email: n.Email, Name: n.Name, Role: n.Role, PasswordHash: hash, Active: true,
		SessionEpoch: 1, Version: 1}
	if err := s.db.WithContext(ctx).Create(u).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, fmt.Errorf("create user %s: %w", n.Email, ErrEmailTaken)
		}
		return nil, fmt.Errorf("create user %s: %w", n.Email, err)
	}
	return u, nil
}

// UserByID finds an account.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := s.db.WithContext(ctx).Take(&u, id).Error; err != nil {
		return nil, dbError(err, fmt.Sprintf("user %d", id))
	}
	return &u, nil
}

// UserByEmail finds an account by its (normalized) email.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	if err := s.db.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).Take(&u).Error; err != nil {
		return nil, dbError(err, "user by email")
	}
	return &u, nil
}

// Authenticate checks an email and password. Unknown email, deactivated
// account and wrong password all give ErrBadCredentials, after the same
// amount of hashing work. On success it records the sign-in time, and
// re-hashes the password when h's parameters changed.
func (s *Store) Authenticate(ctx context.Context, h *Hasher, email, password string, at time.Time) (*User, error) {
	if len(password) > MaxPasswordLen {
		return nil, ErrBadCredentials
	}
	u, err := s.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		if err := h.verifyDummy(ctx, password); err != nil {
			return nil, err
		}
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	ok, err := h.Verify(ctx, u.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("verify password of user %d: %w", u.ID, err)
	}
	if !ok || !u.Active {
		return nil, ErrBadCredentials
	}
	updates := map[string]any{"last_sign_in_at": at}
	if h.needsRehash(u.PasswordHash) {
		if hash, err := h.Hash(ctx, password); err == nil {
			updates["password_hash"] = hash
		}
	}
	// Not a user edit: the version (for stale forms) stays as it is.
	if err := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", u.ID).UpdateColumns(updates).Error; err != nil {
		return nil, fmt.Errorf("record sign-in of user %d: %w", u.ID, err)
	}
	u.LastSignInAt = &at
	return u, nil
}

// CountActiveAdmins counts the admins who can sign in.
func (s *Store) CountActiveAdmins(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&User{}).Where("role = ? AND active", RoleAdmin).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count admins: %w", err)
	}
	return n, nil
}

// PurgeAccounts deletes what has expired by at: sessions, reset tokens
// and rate-limit events older than a day (no limit's window is longer). It is housekeeping; nothing
// depends on it for correctness.
func (s *Store) PurgeAccounts(ctx context.Context, at time.Time) error {
	db := s.db.WithContext(ctx)
	dayAgo := at.Add(-24 * time.Hour).UTC()
	if err := db.Where("expires_at < ?", dayAgo).Delete(&passwordReset{}).Error; err != nil {
		return fmt.Errorf("purge reset tokens: %w", err)
	}
	if err := db.Where("created_at < ?", dayAgo).Delete(&rateEvent{}).Error; err != nil {
		return fmt.Errorf("purge rate-limit events: %w", err)
	}
	expired := "DELETE FROM sessions WHERE expiry < ?"
	arg := any(at.UTC())
	if s.Dialect() == "sqlite" {
		expired = "DELETE FROM sessions WHERE expiry < julianday(?)"
		arg = at.UTC().Format("2006-01-02T15:04:05.999")
	}
	if err := db.Exec(expired, arg).Error; err != nil {
		return fmt.Errorf("purge sessions: %w", err)
	}
	return nil
}
