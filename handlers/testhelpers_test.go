package handlers_test

// Helpers for tests that sign in. Typical use:
//
//	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
//		ts := newTestServer(t, db)
//		staff, _ := ts.signInAs(t, models.RoleStaff)
//		res := staff.PostForm("/admin/products/1", url.Values{"name_es": {"…"}})
//		if res.Status != http.StatusSeeOther { t.Fatalf(...) }
//	})
//
// A testClient keeps cookies, never follows redirects (so a test sees the
// 303 and its Location) and adds the CSRF token to every form it posts.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/demo"
	"gorm.io/gorm"
)

// testPassword is the password of every user signInAs creates.
const testPassword = "correct horse battery staple"

// cheapArgon2 keeps password hashing fast in tests; production uses
// models.DefaultArgon2.
var cheapArgon2 = models.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// testServer is a shop on a fresh database, served over HTTP.
type testServer struct {
	*handlers.Server
	Store *models.Store
	URL   string
	Clock *testClock
	// Sleeps records the sign-in slow-down's waits (nothing really waits).
	Sleeps *sleepRecorder
	users  atomic.Int64
}

// testOption changes how newTestServer builds the shop.
type testOption func(*testSetup)

type testSetup struct {
	cfg  handlers.Config
	demo bool
}

// withDemoCatalog loads the demo catalog before the server starts.
func withDemoCatalog(s *testSetup) { s.demo = true }

// withConfig changes the server's configuration.
func withConfig(f func(*handlers.Config)) testOption { return func(s *testSetup) { f(&s.cfg) } }

// newTestServer builds the real server (handlers.New) on db with cheap
// password hashing, a settable clock and no real sleeping.
func newTestServer(t *testing.T, db *gorm.DB, opts ...testOption) *testServer {
	t.Helper()
	store := models.NewStore(db)
	setup := testSetup{cfg: handlers.Config{
		BaseURL:     "https://qhatu.test",
		MinimumWage: handlers.MinimumWage{Monthly: 113000, HoursPerWeek: 48, Source: "DS 006-2024-TR", Since: "2025-01-01"},
		Accounts:    handlers.AccountsConfig{Argon2: cheapArgon2},
	}}
	for _, o := range opts {
		o(&setup)
	}
	if setup.demo {
		if err := demo.Load(context.Background(), store); err != nil {
			t.Fatalf("load demo catalog: %v", err)
		}
	}
	cfg := setup.cfg
	srv, err := handlers.New(store, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	ts := &testServer{Server: srv, Store: store, Clock: newTestClock(), Sleeps: &sleepRecorder{}}
	srv.SetClockForTest(ts.Clock.Now)
	srv.SetSleepForTest(ts.Sleeps.sleep)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	ts.URL = hs.URL
	return ts
}

// createUser stores a user with testPassword.
func (ts *testServer) createUser(t *testing.T, role models.Role) *models.User {
	t.Helper()
	n := ts.users.Add(1)
	u, err := ts.Store.CreateUser(context.Background(), ts.HasherForTest(), models.NewUser{
		Email: fmt.Sprintf("%s%d@example.org", role, n), Name: fmt.Sprintf("Test %s %d", role, n),
		Role: role, Password: testPassword,
	})
	if err != nil {
		t.Fatalf("create %s: %v", role, err)
	}
	return u
}

// signInAs creates a user with the role and returns a client signed in
// as them.
func (ts *testServer) signInAs(t *testing.T, role models.Role) (*testClient, *models.User) {
	t.Helper()
	u := ts.createUser(t, role)
	c := ts.client(t)
	c.signIn(u.Email, testPassword)
	return c, u
}

// testClient is a browser without JavaScript: cookies, forms, no
// automatic redirects.
type testClient struct {
	t    *testing.T
	base string
	http *http.Client
	// Header is added to every request (e.g. X-Forwarded-For).
	Header http.Header
}

func (ts *testServer) client(t *testing.T) *testClient {
	jar, _ := cookiejar.New(nil)
	return &testClient{t: t, base: ts.URL, Header: http.Header{}, http: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// testResponse is a response read in full.
type testResponse struct {
	Status int
	Header http.Header
	Body   string
}

// Location is the redirect target.
func (r *testResponse) Location() string { return r.Header.Get("Location") }

// Get requests a path.
func (c *testClient) Get(path string) *testResponse {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.Do(req)
}

// PostForm posts a form with the CSRF token added.
func (c *testClient) PostForm(path string, form url.Values) *testResponse {
	c.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if !f.Has("_csrf") {
		f.Set("_csrf", c.CSRFToken())
	}
	return c.PostRaw(path, f)
}

// PostRaw posts a form exactly as given (no CSRF token added).
func (c *testClient) PostRaw(path string, form url.Values) *testResponse {
	c.t.Helper()
	return c.Send(http.MethodPost, path, form)
}

// Send sends a form with any method, exactly as given.
func (c *testClient) Send(method, path string, form url.Values) *testResponse {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// Do sends a request with the client's cookies and headers.
func (c *testClient) Do(req *http.Request) *testResponse {
	c.t.Helper()
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return &testResponse{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

var csrfFieldRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// CSRFToken is the token a form of this browser carries: scraped from the
// password-reset form (open to everyone; it also sets the CSRF cookie)
// when the browser holds no token yet.
func (c *testClient) CSRFToken() string {
	c.t.Helper()
	if v := c.Cookie("qhatu_csrf"); v != "" {
		return v
	}
	res := c.Get("/reset")
	m := csrfFieldRE.FindStringSubmatch(res.Body)
	if m == nil {
		c.t.Fatalf("no CSRF field in the reset form (status %d): %.300s", res.Status, res.Body)
	}
	if got := c.Cookie("qhatu_csrf"); got != m[1] {
		c.t.Fatalf("CSRF field %q does not match the cookie %q", m[1], got)
	}
	return m[1]
}

// Cookie is the value of a cookie the browser holds for the shop.
func (c *testClient) Cookie(name string) string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// SetCookie puts a cookie in the browser, as if the server had set it.
func (c *testClient) SetCookie(name, value string) {
	u, _ := url.Parse(c.base)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// signIn posts the sign-in form and expects to be let in.
func (c *testClient) signIn(email, password string) {
	c.t.Helper()
	res := c.PostForm("/signin", url.Values{"email": {email}, "password": {password}})
	if res.Status != http.StatusSeeOther || strings.HasPrefix(res.Location(), "/signin") {
		c.t.Fatalf("sign in as %s: status %d, location %q: %.300s", email, res.Status, res.Location(), res.Body)
	}
}

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Now().UTC().Truncate(time.Second)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// sleepRecorder stands in for time.Sleep.
type sleepRecorder struct {
	mu     sync.Mutex
	waited []time.Duration
}

func (s *sleepRecorder) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waited = append(s.waited, d)
	s.mu.Unlock()
	return nil
}

// Waits returns the recorded waits.
func (s *sleepRecorder) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waited...)
}
