package models_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

func TestTakeRate_CountsEachKindApartAndWhatItLetsThrough(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		l := models.RateLimit{Window: time.Hour, MaxPerIP: 2, MaxPerEmail: 1}
		t0 := time.Now().UTC().Truncate(time.Second)
		const ip = "192.0.2.1"

		for _, tc := range []struct {
			name           string
			email          string
			at             time.Duration
			byIP, byEmail  bool
			wantRetryAfter time.Duration
		}{
			{"first request", "a@example.org", 0, false, false, 0},
			// Refused by the email only: still counts against the IP.
			{"same email again", " A@example.org", time.Minute, false, true, time.Hour - time.Minute},
			{"IP used up", "b@example.org", 2 * time.Minute, true, false, time.Hour - 2*time.Minute},
			// Refused by the IP: not counted, so the wait does not grow.
			{"IP still used up", "b@example.org", 3 * time.Minute, true, false, time.Hour - 3*time.Minute},
			{"after the window", "b@example.org", time.Hour + time.Minute + time.Second, false, false, 0},
		} {
			v, err := s.TakeRate(ctx, models.RateResetRequest, l, ip, tc.email, t0.Add(tc.at))
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if v.ByIP != tc.byIP || v.ByEmail != tc.byEmail || v.Refused != (tc.byIP || tc.byEmail) ||
				v.RetryAfter != tc.wantRetryAfter {
				t.Errorf("%s: %+v", tc.name, v)
			}
		}

		// Other kinds do not see the reset requests.
		if v, err := s.TakeRate(ctx, models.RateSignInFailure, models.DefaultSignInLimit, ip, "a@example.org", t0.Add(2*time.Minute)); err != nil || v.Refused || v.Delay != 0 {
			t.Fatalf("sign-in after reset requests: %+v %v", v, err)
		}
		one := models.RateLimit{Window: time.Hour, MaxPerIP: 1}
		if v, err := s.TakeRate(ctx, models.RateSignUp, one, ip, "", t0); err != nil || v.Refused {
			t.Fatalf("first sign-up: %+v %v", v, err)
		}
		if v, _ := s.TakeRate(ctx, models.RateSignUp, one, ip, "", t0); !v.ByIP {
			t.Fatalf("second sign-up: %+v", v)
		}
		// Housekeeping drops the day-old events of every kind.
		if err := s.PurgeAccounts(ctx, t0.Add(25*time.Hour+2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if v, _ := s.TakeRate(ctx, models.RateSignUp, one, ip, "", t0); v.Refused {
			t.Fatalf("purge kept day-old sign-ups: %+v", v)
		}
	})
}

func TestTakeRate_ConcurrentAttemptsNeverExceedTheLimit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := models.NewStore(db)
		l := models.RateLimit{Window: time.Hour, MaxPerIP: 3}
		at := time.Now().UTC()
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			allowed int
		)
		for range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := s.TakeRate(context.Background(), models.RateSignUp, l, "192.0.2.5", "", at)
				if err != nil {
					t.Error(err)
					return
				}
				if !v.Refused {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if allowed != l.MaxPerIP {
			t.Fatalf("%d of 12 concurrent sign-ups allowed, limit %d", allowed, l.MaxPerIP)
		}
	})
}

func TestTakeRate_SignInRefusesTheGuessersNetworkOnlyAndSlowsTheOwner(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		l := models.RateLimit{Window: 15 * time.Minute, MaxPerEmailAndIP: 3, MaxPerIP: 5, SlowAfter: 1,
			SlowStep: 100 * time.Millisecond, SlowMax: 250 * time.Millisecond}
		t0 := time.Now().UTC().Truncate(time.Second)
		take := func(ip, email string, at time.Duration) models.RateVerdict {
			t.Helper()
			v, err := s.TakeRate(ctx, models.RateSignInFailure, l, ip, email, t0.Add(at))
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		const guesser, owner = "192.0.2.1", "198.51.100.7"

		// Guesses from one network at one email: slowed, then refused.
		var delays []time.Duration
		for i := range 3 {
			v := take(guesser, "A@example.org ", time.Duration(i)*time.Minute)
			if v.Refused || v.Event == 0 {
				t.Fatalf("guess %d: %+v", i+1, v)
			}
			delays = append(delays, v.Delay)
		}
		if want := []time.Duration{0, 100 * time.Millisecond, 200 * time.Millisecond}; !slices.Equal(delays, want) {
			t.Fatalf("slow-down %v, want %v", delays, want)
		}
		v := take(guesser, "a@example.org", 3*time.Minute)
		if !v.ByEmailAndIP || v.ByIP || v.ByEmail || v.RetryAfter != 15*time.Minute-3*time.Minute || v.Event != 0 {
			t.Fatalf("4th guess from one network: %+v, want refused for the email and this network, not counted", v)
		}
		// The owner, elsewhere, is slowed down but never refused.
		if v := take(owner, "a@example.org", 4*time.Minute); v.Refused || v.Delay != 250*time.Millisecond {
			t.Fatalf("owner from another network: %+v, want let in after the longest wait", v)
		}
		// Another email from the guesser's network still goes, until the
		// network's own limit.
		if v := take(guesser, "b@example.org", 5*time.Minute); v.Refused {
			t.Fatalf("other email from the guesser's network: %+v", v)
		}
		if v := take(guesser, "c@example.org", 5*time.Minute); v.Refused {
			t.Fatalf("5th event from the guesser's network: %+v", v)
		}
		if v := take(guesser, "d@example.org", 5*time.Minute); !v.ByIP || v.Event != 0 {
			t.Fatalf("6th event from the guesser's network: %+v", v)
		}

		// The owner's success clears their own network's failures only:
		// the guesser gets no fresh allowance.
		if err := s.ClearRate(ctx, models.RateSignInFailure, owner, "a@example.org"); err != nil {
			t.Fatal(err)
		}
		if v := take(guesser, "a@example.org", 6*time.Minute); !v.ByEmailAndIP {
			t.Fatalf("guesser after the owner signed in: %+v", v)
		}
		// A forgiven attempt no longer counts.
		v = take(owner, "e@example.org", 6*time.Minute)
		if err := s.ForgiveRate(ctx, v); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if v := take(owner, "e@example.org", 7*time.Minute); v.Refused {
				t.Fatalf("attempt %d after a forgiven one: %+v", i+1, v)
			}
		}
		// The window passes.
		if v := take(guesser, "a@example.org", 15*time.Minute+time.Second); v.Refused {
			t.Fatalf("guesser after the window: %+v", v)
		}
	})
}

func TestTakeRate_CountsAnIPv6ClientByItsSlash64(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		l := models.RateLimit{Window: time.Hour, MaxPerIP: 3}
		at := time.Now().UTC()
		take := func(ip string) models.RateVerdict {
			t.Helper()
			v, err := s.TakeRate(ctx, models.RateSignUp, l, ip, "", at)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		// Three addresses of one /64.
		for _, ip := range []string{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:DB8:1:2::abcd"} {
			if v := take(ip); v.Refused {
				t.Fatalf("%s: %+v", ip, v)
			}
		}
		if v := take("2001:db8:1:2:1234::5"); !v.ByIP {
			t.Fatalf("4th address in one /64: %+v, want refused", v)
		}
		// The next /64 is another client.
		if v := take("2001:db8:1:3::1"); v.Refused {
			t.Fatalf("neighbouring /64: %+v", v)
		}
		// IPv4 counts per address, written plainly or IPv4-mapped.
		for range 3 {
			take("192.0.2.10")
		}
		if v := take("::ffff:192.0.2.10"); !v.ByIP {
			t.Fatalf("IPv4-mapped form of a used-up address: %+v", v)
		}
		if v := take("192.0.2.11"); v.Refused {
			t.Fatalf("next IPv4 address: %+v", v)
		}
	})
}
