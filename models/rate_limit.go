package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"time"

	"gorm.io/gorm"
)

// RateKind names what a rate limit counts. Each kind is counted apart, in
// the one rate_events table.
type RateKind string

const (
	// RateSignInFailure: a wrong password, at sign-in or when changing it.
	RateSignInFailure RateKind = "signin_failure"
	// RateSignUp: an account opened.
	RateSignUp RateKind = "signup"
	// RateResetRequest: a password reset link asked for.
	RateResetRequest RateKind = "reset_request"
)

// RateLimit says how events of one kind are slowed down and then refused.
// Events are counted per client IP and per email over Window; they live
// in the database, so every app instance sees the same counts. A maximum
// of zero means that key is not limited.
type RateLimit struct {
	Window      time.Duration
	MaxPerEmail int // events of one email before refusing
	MaxPerIP    int // events from one IP before refusing
	// After SlowAfter events (by either key), each attempt waits
	// SlowStep more than the one before, up to SlowMax. Zero SlowStep:
	// no slow-down.
	SlowAfter int
	SlowStep  time.Duration
	SlowMax   time.Duration
}

// DefaultSignInLimit: 5 failures per email or 20 per IP in 15 minutes,
// slowed down from the second failure on.
var DefaultSignInLimit = RateLimit{
	Window: 15 * time.Minute, MaxPerEmail: 5, MaxPerIP: 20,
	SlowAfter: 2, SlowStep: 500 * time.Millisecond, SlowMax: 3 * time.Second,
}

// DefaultSignUpLimit: 10 accounts per IP an hour. A household or an
// office behind one address opens far fewer; a script is stopped early.
var DefaultSignUpLimit = RateLimit{Window: time.Hour, MaxPerIP: 10}

// DefaultResetLimit: 10 reset requests per IP and 3 per email an hour.
// Three links an hour is plenty for a person who lost a mail; no one can
// use the shop to flood an address.
var DefaultResetLimit = RateLimit{Window: time.Hour, MaxPerIP: 10, MaxPerEmail: 3}

// RateVerdict is the limiter's answer for one attempt.
type RateVerdict struct {
	// Refused: answer 429 (or, for a limit the visitor must not learn
	// about, silently do nothing) and come back after RetryAfter.
	Refused    bool
	RetryAfter time.Duration
	// ByIP and ByEmail say which key's limit refused (both may).
	ByIP, ByEmail bool
	// Delay is how long to wait before going ahead.
	Delay time.Duration
}

type rateEvent struct {
	ID        int64
	Kind      RateKind
	IP        string `gorm:"column:ip"`
	EmailHash string
	CreatedAt time.Time
}

func (rateEvent) TableName() string { return "rate_events" }

// emailKey keys events by a hash of the typed email, so the table does
// not collect addresses (or passwords typed in the wrong field). An event
// without an email (a sign-up, counted per IP only) has an empty key.
func emailKey(email string) string {
	if email == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("login:" + NormalizeEmail(email)))
	return hex.EncodeToString(sum[:])
}

// CheckRate says whether an attempt of kind from ip for email may go
// ahead at at, without counting it (RecordRate does, once the attempt
// turned out to count, e.g. a wrong password).
func (s *Store) CheckRate(ctx context.Context, kind RateKind, l RateLimit, ip, email string, at time.Time) (RateVerdict, error) {
	return checkRate(s.db.WithContext(ctx), kind, l, ip, email, at)
}

// checkRate counts the events of kind within l's window.
func checkRate(db *gorm.DB, kind RateKind, l RateLimit, ip, email string, at time.Time) (RateVerdict, error) {
	since := at.Add(-l.Window).UTC()
	times := func(col, val string, max int) ([]time.Time, error) {
		var ts []time.Time
		if max <= 0 || val == "" {
			return nil, nil
		}
		err := db.Model(&rateEvent{}).Where("kind = ? AND "+col+" = ? AND created_at > ?", kind, val, since).
			Order("created_at").Pluck("created_at", &ts).Error
		if err != nil {
			return nil, fmt.Errorf("count %s events by %s: %w", kind, col, err)
		}
		return ts, nil
	}
	byIP, err := times("ip", ip, max(l.MaxPerIP, l.SlowAfter))
	if err != nil {
		return RateVerdict{}, err
	}
	byEmail, err := times("email_hash", emailKey(email), max(l.MaxPerEmail, l.SlowAfter))
	if err != nil {
		return RateVerdict{}, err
	}
	return l.verdict(byIP, byEmail, at), nil
}

// verdict decides from the event times (oldest first) within the window.
func (l RateLimit) verdict(byIP, byEmail []time.Time, at time.Time) RateVerdict {
	var v RateVerdict
	for _, k := range []struct {
		times   []time.Time
		max     int
		refused *bool
	}{{byIP, l.MaxPerIP, &v.ByIP}, {byEmail, l.MaxPerEmail, &v.ByEmail}} {
		if n := len(k.times); k.max > 0 && n >= k.max {
			// Allowed again once enough events left the window to fall
			// below the maximum.
			wait := k.times[n-k.max].Add(l.Window).Sub(at)
			if wait < time.Second {
				wait = time.Second
			}
			v.Refused, *k.refused = true, true
			v.RetryAfter = max(v.RetryAfter, wait)
		}
	}
	if v.Refused {
		return v
	}
	if n := max(len(byIP), len(byEmail)); n >= l.SlowAfter && l.SlowStep > 0 {
		v.Delay = min(time.Duration(n-l.SlowAfter+1)*l.SlowStep, l.SlowMax)
	}
	return v
}

// RecordRate counts one event of kind.
func (s *Store) RecordRate(ctx context.Context, kind RateKind, ip, email string, at time.Time) error {
	return recordRate(s.db.WithContext(ctx), kind, ip, email, at)
}

func recordRate(db *gorm.DB, kind RateKind, ip, email string, at time.Time) error {
	e := rateEvent{Kind: kind, IP: ip, EmailHash: emailKey(email), CreatedAt: at.UTC()}
	if err := db.Create(&e).Error; err != nil {
		return fmt.Errorf("record %s event: %w", kind, err)
	}
	return nil
}

// TakeRate says whether an attempt of kind may go ahead and counts it:
// for events that count whatever their outcome (a sign-up, a reset
// request). Counting and recording are one transaction, one at a time per
// kind (SQLite has one writer; PostgreSQL takes an advisory lock), so
// concurrent attempts cannot all take the last place.
//
// An attempt refused by its IP is not counted, so a client that waits out
// RetryAfter gets in on time. One refused only by its email still counts
// against the IP: hammering one address uses up the sender's allowance.
func (s *Store) TakeRate(ctx context.Context, kind RateKind, l RateLimit, ip, email string, at time.Time) (RateVerdict, error) {
	var v RateVerdict
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", rateLockKey(kind)).Error; err != nil {
				return fmt.Errorf("lock %s events: %w", kind, err)
			}
		}
		var err error
		if v, err = checkRate(tx, kind, l, ip, email, at); err != nil || v.ByIP {
			return err
		}
		return recordRate(tx, kind, ip, email, at)
	})
	if err != nil {
		return RateVerdict{}, err
	}
	return v, nil
}

// rateLockKey is the PostgreSQL advisory lock taken while counting kind.
func rateLockKey(kind RateKind) int64 {
	h := fnv.New64a()
	h.Write([]byte("qhatu.rate_events." + kind))
	return int64(h.Sum64())
}

// ClearRate forgets the events of kind for an email (a successful
// sign-in clears the email's failures). The IP's events stay: signing in
// to one's own account must not reset the count for guesses at others.
func (s *Store) ClearRate(ctx context.Context, kind RateKind, email string) error {
	if email == "" {
		return nil
	}
	err := s.db.WithContext(ctx).Where("kind = ? AND email_hash = ?", kind, emailKey(email)).
		Delete(&rateEvent{}).Error
	if err != nil {
		return fmt.Errorf("clear %s events: %w", kind, err)
	}
	return nil
}
