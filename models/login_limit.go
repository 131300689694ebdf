package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// LoginLimit says how failed sign-ins are slowed down and then refused.
// Failures are counted per client IP and per email over Window; they live
// in the database, so every app instance sees the same counts.
type LoginLimit struct {
	Window      time.Duration
	MaxPerEmail int // failures of one email before refusing
	MaxPerIP    int // failures from one IP before refusing
	// After SlowAfter failures (by either key), each attempt waits
	// SlowStep more than the one before, up to SlowMax.
	SlowAfter int
	SlowStep  time.Duration
	SlowMax   time.Duration
}

// DefaultLoginLimit: 5 failures per email or 20 per IP in 15 minutes,
// slowed down from the second failure on.
var DefaultLoginLimit = LoginLimit{
	Window: 15 * time.Minute, MaxPerEmail: 5, MaxPerIP: 20,
	SlowAfter: 2, SlowStep: 500 * time.Millisecond, SlowMax: 3 * time.Second,
}

// LoginVerdict is the limiter's answer for one attempt.
type LoginVerdict struct {
	// Refused: answer 429 and come back after RetryAfter.
	Refused    bool
	RetryAfter time.Duration
	// Delay is how long to wait before checking the password.
	Delay time.Duration
}

type loginFailure struct {
	ID        int64
	IP        string `gorm:"column:ip"`
	EmailHash string
	CreatedAt time.Time
}

func (loginFailure) TableName() string { return "login_failures" }

// emailKey keys failures by a hash of the typed email, so the table does
// not collect addresses (or passwords typed in the wrong field).
func emailKey(email string) string {
	sum := sha256.Sum256([]byte("login:" + NormalizeEmail(email)))
	return hex.EncodeToString(sum[:])
}

// CheckLogin says whether a sign-in from ip for email may go ahead at at.
func (s *Store) CheckLogin(ctx context.Context, l LoginLimit, ip, email string, at time.Time) (LoginVerdict, error) {
	since := at.Add(-l.Window).UTC()
	var byIP, byEmail []time.Time
	db := s.db.WithContext(ctx).Model(&loginFailure{})
	if err := db.Where("ip = ? AND created_at > ?", ip, since).Order("created_at").
		Pluck("created_at", &byIP).Error; err != nil {
		return LoginVerdict{}, fmt.Errorf("count failed sign-ins by IP: %w", err)
	}
	db = s.db.WithContext(ctx).Model(&loginFailure{})
	if err := db.Where("email_hash = ? AND created_at > ?", emailKey(email), since).Order("created_at").
		Pluck("created_at", &byEmail).Error; err != nil {
		return LoginVerdict{}, fmt.Errorf("count failed sign-ins by email: %w", err)
	}
	return l.verdict(byIP, byEmail, at), nil
}

// verdict decides from the failure times (oldest first) within the window.
func (l LoginLimit) verdict(byIP, byEmail []time.Time, at time.Time) LoginVerdict {
	var v LoginVerdict
	for _, k := range []struct {
		times []time.Time
		max   int
	}{{byIP, l.MaxPerIP}, {byEmail, l.MaxPerEmail}} {
		if n := len(k.times); n >= k.max {
			// Allowed again once enough failures left the window to fall
			// below the maximum.
			wait := k.times[n-k.max].Add(l.Window).Sub(at)
			if wait < time.Second {
				wait = time.Second
			}
			v.Refused = true
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

// RecordLoginFailure counts one failed sign-in.
func (s *Store) RecordLoginFailure(ctx context.Context, ip, email string, at time.Time) error {
	f := loginFailure{IP: ip, EmailHash: emailKey(email), CreatedAt: at.UTC()}
	if err := s.db.WithContext(ctx).Create(&f).Error; err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets the failures of an email after a successful
// sign-in. The IP's failures stay: signing in to one's own account must
// not reset the count for guesses at others.
func (s *Store) ClearLoginFailures(ctx context.Context, email string) error {
	if err := s.db.WithContext(ctx).Where("email_hash = ?", emailKey(email)).Delete(&loginFailure{}).Error; err != nil {
		return fmt.Errorf("clear failed sign-ins: %w", err)
	}
	return nil
}
