package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

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
	if len([]rune(n.Name)) > MaxNameLen {
		ve.add("name", CodeTooLong, "Max", MaxNameLen)
	}
	if !n.Role.Valid() {
		ve.add("role", CodeRole)
	}
	var pv *ValidationError
	if errors.As(ValidatePassword(n.Password), &pv) {
		ve.addError("password", pv.Fields["password"])
	}
	return ve.orNil()
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

// needsRehash reports whether a stored hash used other parameters.
func (h *Hasher) needsRehash(encoded string) bool {
	p, salt, key, err := decodePHC(encoded)
	return err != nil || p.MemoryKiB != h.params.MemoryKiB || p.Time != h.params.Time ||
		p.Threads != h.params.Threads || len(salt) != h.params.SaltLen || len(key) != int(h.params.KeyLen)
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

// SetPassword replaces a user's password and ends all their sessions.
func (s *Store) SetPassword(ctx context.Context, h *Hasher, userID int64, password string) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	hash, err := h.Hash(ctx, password)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return setPasswordTx(tx, userID, hash)
	})
}

// ChangePassword replaces a signed-in user's password after checking the
// current one (ErrBadCredentials when wrong), and ends all their sessions.
func (s *Store) ChangePassword(ctx context.Context, h *Hasher, userID int64, current, password string) (*User, error) {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if len(current) > MaxPasswordLen {
		return nil, ErrBadCredentials
	}
	ok, err := h.Verify(ctx, u.PasswordHash, current)
	if err != nil {
		return nil, fmt.Errorf("verify password of user %d: %w", u.ID, err)
	}
	if !ok {
		return nil, ErrBadCredentials
	}
	if err := s.SetPassword(ctx, h, userID, password); err != nil {
		return nil, err
	}
	return s.UserByID(ctx, userID)
}

func setPasswordTx(tx *gorm.DB, userID int64, hash string) error {
	res := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
		"password_hash": hash,
		"session_epoch": gorm.Expr("session_epoch + 1"),
		"version":       gorm.Expr("version + 1"),
		"updated_at":    tx.NowFunc(),
	})
	if res.Error != nil {
		return fmt.Errorf("set password of user %d: %w", userID, res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("user %d: %w", userID, ErrNotFound)
	}
	return nil
}

// ResetTokenTTL is how long a password reset link works.
const ResetTokenTTL = time.Hour

type passwordReset struct {
	ID        int64
	UserID    int64
	TokenHash string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

func (passwordReset) TableName() string { return "password_resets" }

// hashToken is what the database keeps of a reset token: its SHA-256.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreatePasswordReset makes a single-use reset token for the active user
// with this email, valid for ResetTokenTTL from at; earlier unused tokens
// of the user stop working. Only the token's hash is stored: the token
// itself exists only in the link sent by email. An unknown or inactive
// email gives ErrNotFound (the page must not tell the visitor).
func (s *Store) CreatePasswordReset(ctx context.Context, email string, at time.Time) (string, *User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return "", nil, err
	}
	if !u.Active {
		return "", nil, fmt.Errorf("user %d is inactive: %w", u.ID, ErrNotFound)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("reset token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ? AND used_at IS NULL", u.ID).Delete(&passwordReset{}).Error; err != nil {
			return fmt.Errorf("drop older reset tokens: %w", err)
		}
		return tx.Create(&passwordReset{UserID: u.ID, TokenHash: hashToken(token),
			ExpiresAt: at.Add(ResetTokenTTL).UTC(), CreatedAt: at.UTC()}).Error
	})
	if err != nil {
		return "", nil, fmt.Errorf("create reset token for user %d: %w", u.ID, err)
	}
	return token, u, nil
}

// CheckPasswordReset reports whether a token is still usable at at,
// without using it; an unusable one gives ErrTokenInvalid.
func (s *Store) CheckPasswordReset(ctx context.Context, token string, at time.Time) error {
	var n int64
	err := s.db.WithContext(ctx).Model(&passwordReset{}).
		Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hashToken(token), at.UTC()).
		Count(&n).Error
	if err != nil {
		return fmt.Errorf("check reset token: %w", err)
	}
	if n == 0 {
		return ErrTokenInvalid
	}
	return nil
}

// ResetPassword uses a token: in one transaction it marks the token used,
// sets the new password and ends every session of the user. A used,
// expired or unknown token gives ErrTokenInvalid.
func (s *Store) ResetPassword(ctx context.Context, h *Hasher, token, password string, at time.Time) (*User, error) {
	if err := ValidatePassword(password); err != nil {
		return nil, err
	}
	// Hash before the transaction: it takes a while and SQLite has one
	// connection.
	hash, err := h.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	var userID int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var pr passwordReset
		err := tx.Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hashToken(token), at.UTC()).
			Take(&pr).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrTokenInvalid
		}
		if err != nil {
			return fmt.Errorf("find reset token: %w", err)
		}
		// The conditional update makes the token single-use even when two
		// requests race with it.
		res := tx.Model(&passwordReset{}).Where("id = ? AND used_at IS NULL", pr.ID).Update("used_at", at.UTC())
		if res.Error != nil {
			return fmt.Errorf("use reset token: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrTokenInvalid
		}
		userID = pr.UserID
		return setPasswordTx(tx, pr.UserID, hash)
	})
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, userID)
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
