package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"net/netip"
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
// Events are counted over Window per client network (see clientNetwork),
// per email, and per email from one client network; they live in the
// database, so every app instance sees the same counts. A maximum of zero
// means that key is not limited.
type RateLimit struct {
	Window      time.Duration
	MaxPerEmail int // events of one email, from anywhere, before refusing
	MaxPerIP    int // events from one client network before refusing
	// MaxPerEmailAndIP: events of one email from one client network
	// before refusing that network only, so guesses from elsewhere
	// cannot lock the owner out.
	MaxPerEmailAndIP int
	// After SlowAfter events (by the client network or by the email
	// from anywhere), each attempt waits SlowStep more than the one
	// before, up to SlowMax. Zero SlowStep: no slow-down.
	SlowAfter int
	SlowStep  time.Duration
	SlowMax   time.Duration
}

// DefaultSignInLimit: 5 failures per email from one client network, or
// 20 per network, in 15 minutes; then that network is refused. Failures
// at an email from anywhere only slow its sign-ins down (from the second
// on), so a guesser cannot lock the owner out.
var DefaultSignInLimit = RateLimit{
	Window: 15 * time.Minute, MaxPerEmailAndIP: 5, MaxPerIP: 20,
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
	// ByIP, ByEmail and ByEmailAndIP say which key's limit refused
	// (several may).
	ByIP, ByEmail, ByEmailAndIP bool
	// Delay is how long to wait before going ahead.
	Delay time.Duration
	// Event is the event that counts this attempt, 0 when it was not
	// counted; ForgiveRate takes it back.
	Event int64
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

// clientNetwork is the key of a client address: an IPv4 address as it is,
// an IPv6 address by its /64. One IPv6 subscriber gets at least a /64 and
// can take any address in it, so only the /64 names the client; IPv4
// addresses are scarce and often shared whole (NAT), and a wider IPv4
// block (a /24) would hold unrelated customers of one provider, whom one
// guesser could then lock out. What does not parse is kept as it is.
func clientNetwork(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// rateKey is one way of counting an attempt's earlier events: by its
// client network, by its email, or by both.
type rateKey struct {
	byIP, byEmail bool
	max           int  // refuse at this many events; 0: never
	slows         bool // its count slows attempts down
	mark          func(*RateVerdict)
}

// keys are the ways l counts; a key is used only when it limits or
// slows something down.
func (l RateLimit) keys() []rateKey {
	slows := l.SlowStep > 0
	all := []rateKey{
		{byIP: true, max: l.MaxPerIP, slows: slows, mark: func(v *RateVerdict) { v.ByIP = true }},
		{byEmail: true, max: l.MaxPerEmail, slows: slows, mark: func(v *RateVerdict) { v.ByEmail = true }},
		// Within the email's count, so it adds nothing to the slow-down.
		{byIP: true, byEmail: true, max: l.MaxPerEmailAndIP, mark: func(v *RateVerdict) { v.ByEmailAndIP = true }},
	}
	var used []rateKey
	for _, k := range all {
		if k.max > 0 || k.slows {
			used = append(used, k)
		}
	}
	return used
}

// rateCount is a key's events within the window, oldest first.
type rateCount struct {
	rateKey
	times []time.Time
}

// checkRate counts the events of kind within l's window from the client
// network and of email, by each of l's keys.
func checkRate(db *gorm.DB, kind RateKind, l RateLimit, network, email string, at time.Time) (RateVerdict, error) {
	since := at.Add(-l.Window).UTC()
	ek := emailKey(email)
	var counts []rateCount
	for _, k := range l.keys() {
		if (k.byIP && network == "") || (k.byEmail && ek == "") {
			continue
		}
		q := db.Model(&rateEvent{}).Where("kind = ? AND created_at > ?", kind, since)
		if k.byIP {
			q = q.Where("ip = ?", network)
		}
		if k.byEmail {
			q = q.Where("email_hash = ?", ek)
		}
		c := rateCount{rateKey: k}
		if err := q.Order("created_at").Pluck("created_at", &c.times).Error; err != nil {
			return RateVerdict{}, fmt.Errorf("count %s events: %w", kind, err)
		}
		counts = append(counts, c)
	}
	return l.verdict(counts, at), nil
}

// verdict decides from the counted events.
func (l RateLimit) verdict(counts []rateCount, at time.Time) RateVerdict {
	var v RateVerdict
	slowN := 0
	for _, c := range counts {
		if n := len(c.times); c.max > 0 && n >= c.max {
			// Allowed again once enough events left the window to fall
			// below the maximum.
			wait := max(c.times[n-c.max].Add(l.Window).Sub(at), time.Second)
			v.Refused = true
			c.mark(&v)
			v.RetryAfter = max(v.RetryAfter, wait)
		}
		if c.slows {
			slowN = max(slowN, len(c.times))
		}
	}
	if v.Refused {
		return v
	}
	if slowN >= l.SlowAfter && l.SlowStep > 0 {
		v.Delay = min(time.Duration(slowN-l.SlowAfter+1)*l.SlowStep, l.SlowMax)
	}
	return v
}

// TakeRate says whether an attempt of kind from the client address ip
// for email may go ahead, and counts it: before the attempt is made, so
// parallel attempts cannot outrun the count. Counting and recording are
// one transaction, one at a time per kind (SQLite has one writer;
// PostgreSQL takes an advisory lock), so concurrent attempts cannot all
// take the last place. An attempt that must not count after all (a
// correct password) is taken back with ForgiveRate or ClearRate.
//
// An attempt refused by its own client's keys (its network, or its
// network with this email) is not counted, so a client that waits out
// RetryAfter gets in on time. One refused only by its email from anywhere
// still counts against the network: hammering one address uses up the
// sender's allowance.
func (s *Store) TakeRate(ctx context.Context, kind RateKind, l RateLimit, ip, email string, at time.Time) (RateVerdict, error) {
	var v RateVerdict
	network := clientNetwork(ip)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", rateLockKey(kind)).Error; err != nil {
				return fmt.Errorf("lock %s events: %w", kind, err)
			}
		}
		var err error
		if v, err = checkRate(tx, kind, l, network, email, at); err != nil || v.ByIP || v.ByEmailAndIP {
			return err
		}
		e := rateEvent{Kind: kind, IP: network, EmailHash: emailKey(email), CreatedAt: at.UTC()}
		if err := tx.Create(&e).Error; err != nil {
			return fmt.Errorf("record %s event: %w", kind, err)
		}
		v.Event = e.ID
		return nil
	})
	if err != nil {
		return RateVerdict{}, err
	}
	return v, nil
}

// ForgiveRate takes back the event that counted an attempt (v.Event), for
// an attempt that turned out not to count: it never ran, or succeeded.
func (s *Store) ForgiveRate(ctx context.Context, v RateVerdict) error {
	if v.Event == 0 {
		return nil
	}
	if err := s.db.WithContext(ctx).Delete(&rateEvent{}, v.Event).Error; err != nil {
		return fmt.Errorf("forgive rate event %d: %w", v.Event, err)
	}
	return nil
}

// rateLockKey is the PostgreSQL advisory lock taken while counting kind.
func rateLockKey(kind RateKind) int64 {
	h := fnv.New64a()
	h.Write([]byte("qhatu.rate_events." + kind))
	return int64(h.Sum64())
}

// ClearRate forgets the events of kind for an email from the client
// address ip (a successful sign-in clears the owner's own mistyped
// passwords). Events from other networks stay, or a guesser elsewhere
// would get a fresh allowance whenever the owner signs in; so do the
// network's events at other emails: signing in to one's own account must
// not reset the count for guesses at others.
func (s *Store) ClearRate(ctx context.Context, kind RateKind, ip, email string) error {
	if email == "" {
		return nil
	}
	err := s.db.WithContext(ctx).Where("kind = ? AND ip = ? AND email_hash = ?", kind, clientNetwork(ip), emailKey(email)).
		Delete(&rateEvent{}).Error
	if err != nil {
		return fmt.Errorf("clear %s events: %w", kind, err)
	}
	return nil
}
