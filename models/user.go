package models

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

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
