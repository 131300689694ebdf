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
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"gorm.io/gorm"
)

// testPassword is the password of every user signInAs creates.
const testPassword = "correct horse battery staple"

// testServer is handlers.NewTestServer's shop (testserver_test.go: the one
// constructor, with cheap hashing) plus users and browsers for it.
type testServer struct {
	*handlers.TestServer
	users atomic.Int64
}

// Options of newTestServer (see handlers.NewTestServer).
type testOption = handlers.TestOption

var (
	withPageCache = handlers.WithPageCache
	withConfig    = handlers.WithConfig
)

// demoCatalog makes a dbtest database start with the demo catalog.
var demoCatalog = handlers.DemoCatalog

// newTestServer builds the real server on db (handlers.NewTestServer).
func newTestServer(t *testing.T, db *gorm.DB, opts ...testOption) *testServer {
	t.Helper()
	return &testServer{TestServer: handlers.NewTestServer(t, db, opts...)}
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
	// csrf is the CSRF token of the session csrfSession (its cookie).
	csrf, csrfSession string
}

// testTransport is every testClient's: the default one, but asking for
// no gzip, which cost the shop deflating and the client inflating every
// page of every test (the tests of gzip itself send Accept-Encoding).
var testTransport = func() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableCompression = true
	return tr
}()

func (ts *testServer) client(t *testing.T) *testClient {
	jar, _ := cookiejar.New(nil)
	return &testClient{t: t, base: ts.URL, Header: http.Header{}, http: &http.Client{
		Jar:           jar,
		Transport:     testTransport,
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

// CSRFToken is the token the forms of this browser's session carry:
// scraped from the password-reset form (open to everyone; it starts a
// session for an anonymous browser), again whenever the session changed.
func (c *testClient) CSRFToken() string {
	c.t.Helper()
	if sess := c.Cookie("qhatu_session"); sess != "" && sess == c.csrfSession {
		return c.csrf
	}
	res := c.Get("/reset")
	m := csrfFieldRE.FindStringSubmatch(res.Body)
	if m == nil {
		c.t.Fatalf("no CSRF field in the reset form (status %d): %.300s", res.Status, res.Body)
	}
	c.csrf, c.csrfSession = m[1], c.Cookie("qhatu_session")
	if c.csrfSession == "" {
		c.t.Fatal("the reset form started no session to hold its CSRF token")
	}
	return c.csrf
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
