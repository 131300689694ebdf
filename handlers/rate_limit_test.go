package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// trustLocalProxy makes X-Forwarded-For the client address: every test
// request comes from the loopback address, now a trusted proxy.
func trustLocalProxy(t *testing.T) testOption {
	return withConfig(func(cfg *handlers.Config) {
		cfg.Accounts.TrustedProxies = mustCIDRs(t, "127.0.0.1/32", "::1/128")
	})
}

// trustLocalProxyIf is trustLocalProxy when trust is set, else nothing.
func trustLocalProxyIf(t *testing.T, trust bool) []testOption {
	if !trust {
		return nil
	}
	return []testOption{trustLocalProxy(t)}
}

// checkRetryAfter fails unless res carries a Retry-After within window.
func checkRetryAfter(t *testing.T, res *testResponse, window time.Duration) {
	t.Helper()
	retry, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || retry <= 0 || retry > int(window.Seconds()) {
		t.Errorf("Retry-After %q, want 1..%d", res.Header.Get("Retry-After"), int(window.Seconds()))
	}
}

func TestSignUp_RateLimitPerIP(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// trustProxy believes X-Forwarded-For; rotate sends a new one
		// with every sign-up.
		trustProxy, rotate bool
		limited            bool
	}{
		{"one address", false, false, true},
		{"forged rotating X-Forwarded-For", false, true, true},
		{"distinct clients behind a trusted proxy", true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
				ts := newTestServer(t, db, trustLocalProxyIf(t, tc.trustProxy)...)
				limit := models.DefaultSignUpLimit
				signUp := func(i int) *testResponse {
					t.Helper()
					c := ts.client(t)
					if tc.rotate {
						c.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1))
					}
					return c.PostForm("/signup?lang=en", url.Values{"email": {fmt.Sprintf("new%d@example.org", i)},
						"name": {"New"}, "password": {"a long enough password"}})
				}
				for i := range limit.MaxPerIP {
					if res := signUp(i); res.Status != http.StatusSeeOther {
						t.Fatalf("sign-up %d: %d: %.300s", i+1, res.Status, res.Body)
					}
				}
				res := signUp(limit.MaxPerIP)
				if !tc.limited {
					if res.Status != http.StatusSeeOther {
						t.Fatalf("sign-up from another client: %d", res.Status)
					}
					return
				}
				if res.Status != http.StatusTooManyRequests {
					t.Fatalf("sign-up %d: %d, want 429", limit.MaxPerIP+1, res.Status)
				}
				checkRetryAfter(t, res, limit.Window)
				if !strings.Contains(res.Body, "Too many accounts were opened") {
					t.Errorf("429 page does not say why: %.400s", res.Body)
				}
				for _, ck := range res.Header.Values("Set-Cookie") {
					if strings.HasPrefix(ck, "qhatu_session=") {
						t.Errorf("a refused sign-up started a session: %q", ck)
					}
				}
				email := fmt.Sprintf("new%d@example.org", limit.MaxPerIP)
				if _, err := ts.Store.UserByEmail(context.Background(), email); !errors.Is(err, models.ErrNotFound) {
					t.Fatalf("refused sign-up created a user (%v)", err)
				}
				// Once the window has passed, the same sign-up works.
				ts.Clock.Advance(limit.Window + time.Second)
				if res := signUp(limit.MaxPerIP); res.Status != http.StatusSeeOther {
					t.Fatalf("sign-up after the window: %d", res.Status)
				}
				if _, err := ts.Store.UserByEmail(context.Background(), email); err != nil {
					t.Fatalf("sign-up after the window: %v", err)
				}
			})
		})
	}
}

var noticeRE = regexp.MustCompile(`<p class="notice" role="status">([^<]*)</p>`)

func TestPasswordReset_PerEmailLimitSendsNoMoreMailAndLooksTheSame(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		// Every request from its own address: only the email limit applies.
		ts := newTestServer(t, db, trustLocalProxy(t))
		u := ts.createUser(t, models.RoleCustomer)
		other := ts.createUser(t, models.RoleCustomer)
		limit := models.DefaultResetLimit
		mails := func(email string) int64 {
			t.Helper()
			ts.RunJobs(t)
			p, err := ts.Store.ListOutbox(ctx, email, 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			return p.Total
		}
		ip := 0
		request := func(email string) *testResponse {
			t.Helper()
			ip++
			c := ts.client(t)
			c.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", ip))
			return c.PostForm("/reset?lang=en", url.Values{"email": {email}})
		}
		first := request(u.Email)
		want := noticeRE.FindString(first.Body)
		if first.Status != http.StatusOK || want == "" {
			t.Fatalf("first request: %d: %.300s", first.Status, first.Body)
		}
		for range limit.MaxPerEmail - 1 {
			request(u.Email)
		}
		if n := mails(u.Email); n != int64(limit.MaxPerEmail) {
			t.Fatalf("%d mails after %d requests", n, limit.MaxPerEmail)
		}

		for _, tc := range []struct{ name, email string }{
			{"same email", u.Email},
			{"same email, other spelling", "  " + strings.ToUpper(u.Email)},
			{"same email once more", u.Email},
		} {
			res := request(tc.email)
			if res.Status != http.StatusOK || noticeRE.FindString(res.Body) != want ||
				strings.Contains(res.Body, `class="form-problem"`) {
				t.Errorf("%s beyond the limit: %d, notice %q, want the usual page", tc.name, res.Status, noticeRE.FindString(res.Body))
			}
		}
		if n := mails(u.Email); n != int64(limit.MaxPerEmail) {
			t.Fatalf("%d mails: mail sent beyond the per-email limit of %d", n, limit.MaxPerEmail)
		}
		// An unknown email past the limit gets the same page as well.
		for i := range limit.MaxPerEmail + 1 {
			res := request("nobody@example.org")
			if res.Status != http.StatusOK || noticeRE.FindString(res.Body) != want {
				t.Fatalf("unknown email, request %d: %d", i+1, res.Status)
			}
		}
		// Another address is not affected.
		request(other.Email)
		if n := mails(other.Email); n != 1 {
			t.Fatalf("other address got %d mails", n)
		}
		// Once the window has passed, a link is sent again.
		ts.Clock.Advance(limit.Window + time.Second)
		if res := request(u.Email); res.Status != http.StatusOK {
			t.Fatalf("after the window: %d", res.Status)
		}
		if n := mails(u.Email); n != int64(limit.MaxPerEmail)+1 {
			t.Fatalf("after the window: %d mails, want %d", n, limit.MaxPerEmail+1)
		}
		lastResetToken(t, ts, u.Email)
	})
}

func TestPasswordReset_PerIPLimitAnswers429(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ts := newTestServer(t, db)
		u := ts.createUser(t, models.RoleCustomer)
		limit := models.DefaultResetLimit
		c := ts.client(t)
		request := func(i int, email string) *testResponse {
			t.Helper()
			// Forged, so ignored: no proxy is trusted.
			c.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1))
			return c.PostForm("/reset?lang=en", url.Values{"email": {email}})
		}
		for i := range limit.MaxPerIP {
			if res := request(i, fmt.Sprintf("probe%d@example.org", i)); res.Status != http.StatusOK {
				t.Fatalf("request %d: %d", i+1, res.Status)
			}
		}
		res := request(limit.MaxPerIP, u.Email)
		if res.Status != http.StatusTooManyRequests {
			t.Fatalf("request %d: %d, want 429", limit.MaxPerIP+1, res.Status)
		}
		checkRetryAfter(t, res, limit.Window)
		if !strings.Contains(res.Body, "Too many password reset requests") || noticeRE.MatchString(res.Body) {
			t.Errorf("429 page: %.400s", res.Body)
		}
		ts.RunJobs(t)
		if p, _ := ts.Store.ListOutbox(ctx, u.Email, 1, 1); p.Total != 0 {
			t.Fatalf("mail sent past the IP limit")
		}
		ts.Clock.Advance(limit.Window + time.Second)
		if res := request(0, u.Email); res.Status != http.StatusOK {
			t.Fatalf("after the window: %d", res.Status)
		}
		lastResetToken(t, ts, u.Email)
	})
}

// postAll posts n forms from c at once and returns the statuses; a
// request that fails outright fails the test.
func postAll(t *testing.T, c *testClient, path string, n int, form func(i int) url.Values) []int {
	t.Helper()
	token := c.CSRFToken()
	statuses := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			f := form(i)
			f.Set("_csrf", token)
			req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(f.Encode()))
			if err != nil {
				errs[i] = err
				return
			}
			req.Header = c.Header.Clone()
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := c.http.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			statuses[i] = res.StatusCode
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return statuses
}

func TestSignIn_ParallelGuessesAreCountedBeforeTheyAreChecked(t *testing.T) {
	// Not parallel with other tests: its 50 requests must each get a
	// hashing slot before the request deadline.
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		u := ts.createUser(t, models.RoleCustomer)
		limit := models.DefaultSignInLimit
		h := ts.HasherForTest()
		before := h.Verified()
		// 50 wrong passwords at once from one client.
		const n = 50
		c := ts.client(t)
		statuses := postAll(t, c, "/signin", n, func(i int) url.Values {
			return url.Values{"email": {u.Email}, "password": {fmt.Sprintf("wrong password %d", i)}}
		})
		verified := h.Verified() - before
		if verified > int64(limit.MaxPerEmailAndIP) {
			t.Errorf("%d passwords checked in a burst of %d, limit %d", verified, n, limit.MaxPerEmailAndIP)
		}
		count := map[int]int{}
		for _, st := range statuses {
			count[st]++
		}
		if count[http.StatusUnauthorized] != int(verified) || count[http.StatusTooManyRequests] != n-int(verified) {
			t.Errorf("statuses %v for %d checked passwords: want 401 for each, 429 for the rest", count, verified)
		}
		// Every place was taken: the right password now waits too.
		if res := c.PostForm("/signin", url.Values{"email": {u.Email}, "password": {testPassword}}); res.Status != http.StatusTooManyRequests {
			t.Errorf("right password after the burst: %d, want 429", res.Status)
		}
	})
}

func TestSignIn_GuessesFromOneNetworkDoNotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// trustProxy believes X-Forwarded-For. guesser is the client
		// address of each guess, owner that of the owner's sign-in ("":
		// none sent).
		trustProxy bool
		guesser    func(i int) string
		owner      string
	}{
		{"IPv4 address", true, func(int) string { return "203.0.113.9" }, "198.51.100.7"},
		{"IPv6 addresses of one /64", true, func(i int) string { return fmt.Sprintf("2001:db8:1:2:%x::%x", i, i+1) }, "2001:db8:1:3::1"},
		// The forged header is ignored: every guess comes from the peer.
		{"rotating X-Forwarded-For from an untrusted peer", false, func(i int) string { return fmt.Sprintf("203.0.113.%d", i+1) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
				ts := newTestServer(t, db, trustLocalProxyIf(t, tc.trustProxy)...)
				u := ts.createUser(t, models.RoleCustomer)
				limit := models.DefaultSignInLimit
				guess := func(i int) *testResponse {
					t.Helper()
					c := ts.client(t)
					c.Header.Set("X-Forwarded-For", tc.guesser(i))
					return c.PostForm("/signin?lang=en", url.Values{"email": {u.Email}, "password": {"wrong password here"}})
				}
				for i := range limit.MaxPerEmailAndIP {
					if res := guess(i); res.Status != http.StatusUnauthorized {
						t.Fatalf("guess %d: %d", i+1, res.Status)
					}
				}
				res := guess(limit.MaxPerEmailAndIP)
				if res.Status != http.StatusTooManyRequests {
					t.Fatalf("guess %d from one client: %d, want 429", limit.MaxPerEmailAndIP+1, res.Status)
				}
				checkRetryAfter(t, res, limit.Window)
				if tc.owner == "" {
					return
				}
				// The owner, from another network, is slowed down and let in.
				waits := len(ts.Sleeps.Waits())
				c := ts.client(t)
				c.Header.Set("X-Forwarded-For", tc.owner)
				c.signIn(u.Email, testPassword)
				if w := ts.Sleeps.Waits()[waits:]; len(w) != 1 || w[0] <= 0 {
					t.Errorf("owner's sign-in waited %v, want one slow-down", w)
				}
				// Their success gives the guesser no fresh allowance.
				if res := guess(limit.MaxPerEmailAndIP + 1); res.Status != http.StatusTooManyRequests {
					t.Fatalf("guess after the owner signed in: %d, want 429", res.Status)
				}
			})
		})
	}
}
