package models_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

func TestTakeRate_CountsEachKindApartAndWhatItLetsThrough(t *testing.T) {
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
		if v, err := s.CheckRate(ctx, models.RateSignInFailure, models.DefaultSignInLimit, ip, "a@example.org", t0.Add(2*time.Minute)); err != nil || v.Refused || v.Delay != 0 {
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
