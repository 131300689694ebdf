package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
	"gorm.io/gorm"
)

// ValidatePassword checks the length rules; the field name is "password".
func ValidatePassword(p string) error {
	var ve ValidationError
	switch n := len([]rune(p)); {
	case n < MinPasswordLen:
		ve.add("password", CodePasswordShort, "Min", MinPasswordLen)
	case len(p) > MaxPasswordLen:
		ve.add("password", CodePasswordLong, "Max", MaxPasswordLen)
	}
	return ve.orNil()
}

// Argon2Params are argon2id's cost parameters.
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
	SaltLen   int
	KeyLen    uint32
}

// DefaultArgon2 is the production cost: 64 MiB, 2 passes, 2 lanes.
var DefaultArgon2 = Argon2Params{MemoryKiB: 64 * 1024, Time: 2, Threads: 2, SaltLen: 16, KeyLen: 32}

// ErrBusy: every password hashing slot stayed taken until the caller's
// context ended. The edge answers 503 with Retry-After.
var ErrBusy = errors.New("password hashing is busy")

// Hasher hashes and verifies passwords with argon2id. Its parameters are
// held here, not in a global, so tests can use cheap ones. Hashing takes
// 64 MiB each: a Hasher lets only a few run at once, so a burst of
// sign-ins queues instead of exhausting memory, and a caller waits for a
// place only as long as its context allows.
type Hasher struct {
	params Argon2Params
	slots  chan struct{}
	// dummy is verified against when an email is unknown, so a wrong
	// email costs the same time as a wrong password.
	dummy string
	// verified counts the passwords checked, for monitoring and for
	// tests that prove a limit holds.
	verified atomic.Int64
}

// NewHasher builds a hasher; a zero Argon2Params means DefaultArgon2.
// concurrent bounds simultaneous hashes (at least 1).
func NewHasher(p Argon2Params, concurrent int) *Hasher {
	if p == (Argon2Params{}) {
		p = DefaultArgon2
	}
	if concurrent < 1 {
		concurrent = 1
	}
	h := &Hasher{params: p, slots: make(chan struct{}, concurrent)}
	h.dummy, _ = h.Hash(context.Background(), "qhatu-dummy-password-for-timing")
	return h
}

// key runs argon2id once a slot is free, or gives up with ErrBusy when
// ctx ends first.
func (h *Hasher) key(ctx context.Context, password string, salt []byte, p Argon2Params, keyLen uint32) ([]byte, error) {
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrBusy, context.Cause(ctx))
	}
	defer func() { <-h.slots }()
	return argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, keyLen), nil
}

// Hash returns the PHC string $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key, err := h.key(ctx, password, salt, h.params, h.params.KeyLen)
	if err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.MemoryKiB, h.params.Time, h.params.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches the PHC string, using the
// parameters stored in it (so raising the cost never locks anyone out).
// The comparison takes constant time.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (bool, error) {
	p, salt, key, err := decodePHC(encoded)
	if err != nil {
		return false, err
	}
	got, err := h.key(ctx, password, salt, p, uint32(len(key)))
	if err != nil {
		return false, err
	}
	h.verified.Add(1)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// Verified is how many passwords h has checked so far.
func (h *Hasher) Verified() int64 { return h.verified.Load() }

// verifyDummy spends the time of one verification on nothing.
func (h *Hasher) verifyDummy(ctx context.Context, password string) error {
	_, err := h.Verify(ctx, h.dummy, password)
	return err
}

// decodePHC parses $argon2id$v=19$m=65536,t=2,p=2$salt$hash.
func decodePHC(s string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("password hash is not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("argon2 parameters %q: %w", parts[3], err)
	}
	if p.MemoryKiB == 0 || p.MemoryKiB > 1<<21 || p.Time == 0 || p.Time > 10 || p.Threads == 0 {
		return p, nil, nil, fmt.Errorf("argon2 parameters out of range: %q", parts[3])
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, fmt.Errorf("argon2 salt: %w", err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return p, nil, nil, fmt.Errorf("argon2 hash: bad encoding")
	}
	return p, salt, key, nil
}

// needsRehash reports whether a stored hash used other parameters.
func (h *Hasher) needsRehash(encoded string) bool {
	p, salt, key, err := decodePHC(encoded)
	return err != nil || p.MemoryKiB != h.params.MemoryKiB || p.Time != h.params.Time ||
		p.Threads != h.params.Threads || len(salt) != h.params.SaltLen || len(key) != int(h.params.KeyLen)
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

// newLinkToken makes the secret of an emailed link (password reset,
// invitation): 256 random bits, URL-safe.
func newLinkToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashToken is what the database keeps of a link's token: its SHA-256.
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
	token, err := newLinkToken()
	if err != nil {
		return "", nil, fmt.Errorf("reset token: %w", err)
	}
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
