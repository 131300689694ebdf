package handlers_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// expectedRoles is the words, written independently of the table
// in handlers/roles.go: the matrix test checks the two agree.
func expectedRoles(method, path string) []models.Role {
	under := func(p string) bool { return path == p || strings.HasPrefix(path, p+"/") }
	switch {
	case under("/account/wholesale/orders") && method == http.MethodGet:
		// A wholesale order's documents: its reseller, and the back
		// office reading.
		return []models.Role{models.RoleReseller, models.RoleAdmin, models.RoleStaff, models.RoleReviewer}
	case under("/account/wholesale"):
		// The reseller area is the resellers' alone.
		return []models.Role{models.RoleReseller}
	case under("/account") && method == http.MethodGet:
		return models.Roles
	case under("/account"):
		// A reviewer changes nothing, not even through their account.
		return []models.Role{models.RoleAdmin, models.RoleStaff, models.RoleReseller, models.RoleCustomer}
	case path == "/wholesale/apply" && method == http.MethodGet:
		// Where the account's application stands, whatever the role.
		return models.Roles
	case path == "/wholesale/apply":
		// Only a customer applies: a reseller already is one, and staff
		// or reviewers must not lose their role to an approval.
		return []models.Role{models.RoleCustomer}
	case under("/wholesale/csv"), path == "/wholesale":
		// The spreadsheet upload and the quick-order grid: approved
		// resellers only.
		return []models.Role{models.RoleReseller}
	case under("/admin/users"), under("/admin/outbox"):
		return []models.Role{models.RoleAdmin}
	case under("/admin") && method == http.MethodGet:
		return []models.Role{models.RoleAdmin, models.RoleStaff, models.RoleReviewer}
	case under("/admin"):
		return []models.Role{models.RoleAdmin, models.RoleStaff}
	case under("/review") && method == http.MethodGet:
		// The reviewers' portal: the back office's readers, reading only.
		return []models.Role{models.RoleAdmin, models.RoleStaff, models.RoleReviewer}
	}
	return nil
}

// concrete fills a route pattern's parameters with values that name no
// record, so an allowed request gets at most a 404 and changes nothing.
func concrete(pattern string) string {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		switch {
		case strings.HasPrefix(p, ":"):
			parts[i] = "999999"
		case p == "*":
			parts[i] = "none"
		}
	}
	return strings.Join(parts, "/")
}

func TestAccess_EveryProtectedRouteTimesEveryRole(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		routes := ts.ProtectedRoutesForTest()
		if len(routes) < 2 {
			t.Fatalf("only %d protected routes registered", len(routes))
		}
		clients := map[models.Role]*testClient{}
		for _, role := range models.Roles {
			clients[role], _ = ts.signInAs(t, role)
		}
		anon := ts.client(t)
		for _, r := range routes {
			want := expectedRoles(r.Method, r.Path)
			if want == nil {
				t.Errorf("%s %s: protected, but the issue names no roles for it", r.Method, r.Path)
				continue
			}
			want = slices.Sorted(slices.Values(want)) // a copy: want may be models.Roles itself
			got := slices.Sorted(slices.Values(r.Roles))
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: table allows %v, the issue says %v", r.Method, r.Path, got, want)
			}
			path := concrete(r.Path)
			send := func(c *testClient) *testResponse {
				if r.Method == http.MethodGet {
					return c.Get(path)
				}
				return c.Send(r.Method, path, url.Values{"_csrf": {c.CSRFToken()}})
			}
			for _, role := range models.Roles {
				res := send(clients[role])
				allowed := slices.Contains(want, role)
				switch {
				case allowed && (res.Status == http.StatusForbidden || res.Status == http.StatusUnauthorized ||
					strings.HasPrefix(res.Location(), "/signin")):
					t.Errorf("%s %s as %s: allowed, got %d %s", r.Method, path, role, res.Status, res.Location())
				case allowed && res.Status >= 500:
					t.Errorf("%s %s as %s: %d: %.200s", r.Method, path, role, res.Status, res.Body)
				case !allowed && r.Method == http.MethodGet && (r.Path == "/wholesale" || strings.HasPrefix(r.Path, "/wholesale/csv")):
					// The grid and the spreadsheet upload send everyone
					// else to apply.
					if res.Status != http.StatusSeeOther || res.Location() != "/wholesale/apply" {
						t.Errorf("%s %s as %s: want 303 to /wholesale/apply, got %d %q", r.Method, path, role, res.Status, res.Location())
					}
				case !allowed && res.Status != http.StatusForbidden:
					t.Errorf("%s %s as %s: forbidden, got %d", r.Method, path, role, res.Status)
				}
			}
			res := send(anon)
			if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/signin") {
				t.Errorf("%s %s anonymous: want 303 to /signin, got %d %q", r.Method, path, res.Status, res.Location())
			}
		}
	})
}

func TestAccess_ReviewerIsRefusedEveryWrite(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		reviewer, _ := ts.signInAs(t, models.RoleReviewer)
		writes := 0
		for _, r := range ts.ProtectedRoutesForTest() {
			if r.Method == http.MethodGet {
				continue
			}
			writes++
			res := reviewer.Send(r.Method, concrete(r.Path), url.Values{"_csrf": {reviewer.CSRFToken()}})
			if res.Status != http.StatusForbidden {
				t.Errorf("reviewer %s %s: got %d, want 403", r.Method, r.Path, res.Status)
			}
		}
		// Reads stay open to the reviewer.
		if res := reviewer.Get("/account"); res.Status != http.StatusOK {
			t.Errorf("reviewer GET /account: %d", res.Status)
		}
		t.Logf("%d write routes checked", writes)
	})
}

func TestAccess_AnonymousIsSentToSignInAndBack(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		u := ts.createUser(t, models.RoleAdmin)
		c := ts.client(t)
		res := c.Get("/admin/outbox?page=2")
		if res.Status != http.StatusSeeOther || res.Location() != "/signin?next="+url.QueryEscape("/admin/outbox?page=2") {
			t.Fatalf("anonymous: %d %q", res.Status, res.Location())
		}
		res = c.PostForm("/signin", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {"/admin/outbox?page=2"}})
		if res.Status != http.StatusSeeOther || res.Location() != "/admin/outbox?page=2" {
			t.Fatalf("sign in with next: %d %q", res.Status, res.Location())
		}
		// A next that leaves the site is ignored.
		c2 := ts.client(t)
		res = c2.PostForm("/signin", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {"//evil.example/x"}})
		if res.Status != http.StatusSeeOther || res.Location() != "/admin" {
			t.Fatalf("sign in with foreign next: %d %q", res.Status, res.Location())
		}
	})
}

func TestSignIn_RenewsTheSessionAndSignOutEndsIt(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		u := ts.createUser(t, models.RoleCustomer)
		c := ts.client(t)

		// Catalog pages set no session cookie; the sign-in form starts an
		// anonymous session, which holds its CSRF token.
		if res := c.Get("/"); res.Status != http.StatusOK || c.Cookie("qhatu_session") != "" {
			t.Fatalf("GET / for an anonymous visitor: %d, session %q", res.Status, c.Cookie("qhatu_session"))
		}
		if res := c.Get("/signin"); res.Status != http.StatusOK {
			t.Fatalf("GET /signin: %d", res.Status)
		}
		if c.Cookie("qhatu_session") == "" {
			t.Fatal("the sign-in form started no session for its CSRF token")
		}
		// A token planted before sign-in (session fixation) is replaced,
		// and so is the CSRF token.
		c.SetCookie("qhatu_session", "planted-by-an-attacker")
		csrfBefore := c.CSRFToken()
		c.signIn(u.Email, testPassword)
		if after := c.CSRFToken(); after == csrfBefore {
			t.Fatal("CSRF token kept across sign-in")
		}
		first := c.Cookie("qhatu_session")
		if first == "" || first == "planted-by-an-attacker" {
			t.Fatalf("session cookie after sign-in: %q", first)
		}
		if res := c.Get("/account"); res.Status != http.StatusOK || !strings.Contains(res.Body, u.Email) {
			t.Fatalf("GET /account signed in: %d", res.Status)
		}
		// Signing in again gives yet another token.
		c.signIn(u.Email, testPassword)
		second := c.Cookie("qhatu_session")
		if second == first || second == "" {
			t.Fatalf("token not renewed at sign-in: %q then %q", first, second)
		}
		// The first token died with the renewal.
		replay := ts.client(t)
		replay.SetCookie("qhatu_session", first)
		if res := replay.Get("/account"); res.Status != http.StatusSeeOther {
			t.Fatalf("replayed pre-renewal token: %d", res.Status)
		}

		res := c.PostForm("/signout", nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("sign out: %d", res.Status)
		}
		if v := c.Cookie("qhatu_session"); v != "" {
			t.Fatalf("session cookie kept after sign-out: %q", v)
		}
		if res := c.Get("/account"); res.Status != http.StatusSeeOther {
			t.Fatalf("GET /account after sign-out: %d", res.Status)
		}
		// Replaying the old cookie finds nothing on the server.
		replay = ts.client(t)
		replay.SetCookie("qhatu_session", second)
		if res := replay.Get("/account"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/signin") {
			t.Fatalf("replayed token after sign-out: %d %q", res.Status, res.Location())
		}
	})
}

func TestSignIn_SameAnswerForUnknownEmailAndWrongPassword(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		u := ts.createUser(t, models.RoleCustomer)
		inactive := ts.createUser(t, models.RoleCustomer)
		if _, _, err := ts.Store.Editor(models.SystemActor).UpdateUser(context.Background(), models.UserChange{ID: inactive.ID,
			Version: inactive.Version, Role: inactive.Role, Active: false}); err != nil {
			t.Fatal(err)
		}
		problem := regexp.MustCompile(`<p class="form-problem" role="alert">([^<]*)</p>`)
		var messages []string
		for _, tc := range []struct{ name, email, password string }{
			{"unknown email", "nobody@example.org", testPassword},
			{"wrong password", u.Email, "not the password at all"},
			{"deactivated", inactive.Email, testPassword},
		} {
			c := ts.client(t)
			res := c.PostForm("/signin?lang=en", url.Values{"email": {tc.email}, "password": {tc.password}})
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("%s: status %d", tc.name, res.Status)
			}
			m := problem.FindStringSubmatch(res.Body)
			if m == nil {
				t.Fatalf("%s: no message in %.300s", tc.name, res.Body)
			}
			messages = append(messages, m[1])
			if !strings.Contains(res.Body, `value="`+tc.email+`"`) {
				t.Errorf("%s: the email typed is not kept in the form", tc.name)
			}
			if strings.Contains(res.Body, tc.password) {
				t.Errorf("%s: the password is echoed back", tc.name)
			}
		}
		if messages[0] != messages[1] || messages[1] != messages[2] {
			t.Fatalf("messages differ: %q", messages)
		}
	})
}

func TestSignIn_RateLimitIgnoresForgedForwardedFor(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		u := ts.createUser(t, models.RoleCustomer)
		c := ts.client(t)
		limit := models.DefaultSignInLimit
		// A different forged client address and a different email every
		// time: only the real peer address can tie the attempts together.
		for i := range limit.MaxPerIP {
			c.Header.Set("X-Forwarded-For", "203.0.113."+strconv.Itoa(i+1))
			res := c.PostForm("/signin", url.Values{"email": {"guess" + strconv.Itoa(i) + "@example.org"}, "password": {"wrong password " + strconv.Itoa(i)}})
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: status %d", i+1, res.Status)
			}
		}
		c.Header.Set("X-Forwarded-For", "198.51.100.7")
		res := c.PostForm("/signin?lang=en", url.Values{"email": {u.Email}, "password": {testPassword}})
		if res.Status != http.StatusTooManyRequests {
			t.Fatalf("after %d failures: status %d, want 429", limit.MaxPerIP, res.Status)
		}
		retry, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || retry <= 0 || retry > int(limit.Window.Seconds()) {
			t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
		}
		if !strings.Contains(res.Body, "Too many failed sign-ins") {
			t.Errorf("429 page does not say why: %.300s", res.Body)
		}
		// The attempts were slowed down before being refused, more and more.
		waits := ts.Sleeps.Waits()
		if len(waits) == 0 || !slices.IsSorted(waits) || waits[0] <= 0 {
			t.Errorf("slow-down waits %v", waits)
		}
		// Once the window has passed, the right password works again.
		ts.Clock.Advance(limit.Window + time.Second)
		c.signIn(u.Email, testPassword)
	})
}

func TestCSRF_WritesWithoutAValidTokenAreRefused(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		u := ts.createUser(t, models.RoleCustomer)
		creds := url.Values{"email": {u.Email}, "password": {testPassword}}
		c := ts.client(t)
		good := c.CSRFToken()
		// The attacker's own session, with its own valid token.
		attacker := ts.client(t)
		theirs := attacker.CSRFToken()

		post := func(path string, form url.Values, header http.Header) *testResponse {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, vs := range header {
				req.Header[k] = vs
			}
			return c.Do(req)
		}
		with := func(token string) url.Values {
			f := url.Values{"email": creds["email"], "password": creds["password"]}
			if token != "" {
				f.Set("_csrf", token)
			}
			return f
		}
		for _, tc := range []struct {
			name   string
			path   string
			form   url.Values
			header http.Header
		}{
			{"no token", "/signin?lang=en", with(""), nil},
			{"wrong token", "/signin?lang=en", with(flipFirst(good)), nil},
			{"another session's token", "/signin?lang=en", with(theirs), nil},
			{"another session's token in the header", "/signin?lang=en", with(""), http.Header{"X-Csrf-Token": {theirs}}},
			{"token in the query string", "/signin?lang=en&_csrf=" + url.QueryEscape(good), with(""), nil},
			{"cross-site browser", "/signin?lang=en", with(good), http.Header{"Sec-Fetch-Site": {"cross-site"}}},
			{"same-site browser (a sibling subdomain)", "/signin?lang=en", with(good), http.Header{"Sec-Fetch-Site": {"same-site"}}},
			{"older browser from another origin", "/signin?lang=en", with(good), http.Header{"Origin": {"https://evil.example"}}},
			{"same-origin browser without a token", "/signin?lang=en", with(""), http.Header{"Sec-Fetch-Site": {"same-origin"}}},
		} {
			res := post(tc.path, tc.form, tc.header)
			if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "This form expired") {
				t.Errorf("%s: status %d: %.200s", tc.name, res.Status, res.Body)
			}
		}
		if res := c.Get("/account"); res.Status != http.StatusSeeOther {
			t.Fatalf("a refused sign-in signed in: %d", res.Status)
		}
		// A form of this site, with this session's token, goes through:
		// in the field, from a browser that says so, or in the header.
		if res := post("/signin", with(good), http.Header{"Sec-Fetch-Site": {"same-origin"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("same-origin sign-in with the token: %d", res.Status)
		}
		// Signing in gave the session a new token.
		if res := post("/signout", url.Values{"_csrf": {good}}, nil); res.Status != http.StatusForbidden {
			t.Fatalf("sign-out with the token from before sign-in: %d", res.Status)
		}
		if res := post("/signout", nil, http.Header{"X-Csrf-Token": {c.CSRFToken()}}); res.Status != http.StatusSeeOther {
			t.Fatalf("sign-out with the token in the header: %d", res.Status)
		}
		// The attacker's own session still works with its own token.
		if res := attacker.PostForm("/signin", creds); res.Status != http.StatusSeeOther {
			t.Fatalf("attacker's own sign-in: %d", res.Status)
		}
	})
}

// TestCSRF_AnotherSessionsTokenIsWorthless replays the review's attack:
// the attacker plants their own cookie-and-token pair (as a sibling
// subdomain can) in a signed-in victim's browser and posts their token.
// Then the attacker's own token dies with its session: a session started
// by a form page for an anonymous visitor lasts half a day.
func TestCSRF_AnotherSessionsTokenIsWorthless(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		attacker := ts.client(t)
		theirs := attacker.CSRFToken()
		victim, u := ts.signInAs(t, models.RoleCustomer)
		victim.SetCookie("qhatu_csrf", theirs)
		res := victim.PostRaw("/account/password", url.Values{"_csrf": {theirs},
			"current_password": {testPassword}, "new_password": {"attacker chose this one"}})
		if res.Status != http.StatusForbidden {
			t.Fatalf("attacker's token with the victim's session: %d", res.Status)
		}

		// Housekeeping half a day later.
		if err := ts.Store.PurgeAccounts(context.Background(), time.Now().Add(13*time.Hour)); err != nil {
			t.Fatal(err)
		}
		res = attacker.PostRaw("/signin", url.Values{"_csrf": {theirs}, "email": {u.Email}, "password": {testPassword}})
		if res.Status != http.StatusForbidden {
			t.Fatalf("form of a purged anonymous session: %d", res.Status)
		}
		if res := victim.Get("/account"); res.Status != http.StatusOK {
			t.Fatalf("a signed-in session was purged with the anonymous ones: %d", res.Status)
		}
		victim.signIn(u.Email, testPassword) // the password did not change
	})
}

func TestCSRF_PublicPagesSetNoCookies(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db, withPageCache(100))
		c := ts.client(t)
		for _, p := range []string{"/healthz", "/api/v1/products", "/"} {
			res := c.Get(p)
			if res.Status >= 500 {
				t.Fatalf("GET %s: %d", p, res.Status)
			}
			if sc := res.Header.Values("Set-Cookie"); len(sc) > 0 {
				t.Errorf("GET %s sets cookies for an anonymous visitor: %q", p, sc)
			}
		}
	}, demoCatalog, dbtest.Shared)
}

func TestSignUp_OpensACustomerAccount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		c := ts.client(t)
		// A role sent by the browser is ignored.
		res := c.PostForm("/signup", url.Values{"email": {" Ana@Example.org "}, "name": {"Ana"},
			"password": {"a long enough password"}, "role": {"admin"}})
		if res.Status != http.StatusSeeOther || res.Location() != "/account" {
			t.Fatalf("sign-up: %d %q: %.300s", res.Status, res.Location(), res.Body)
		}
		u, err := ts.Store.UserByEmail(context.Background(), "ana@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != models.RoleCustomer || u.Name != "Ana" {
			t.Fatalf("user %+v", u)
		}
		if res := c.Get("/account"); res.Status != http.StatusOK || !strings.Contains(res.Body, "ana@example.org") {
			t.Fatalf("account after sign-up: %d", res.Status)
		}
		if res := c.Get("/admin/outbox"); res.Status != http.StatusForbidden {
			t.Fatalf("customer on /admin/outbox: %d", res.Status)
		}

		for _, tc := range []struct {
			name, email, password string
			status                int
			field, text           string
		}{
			{"taken", "ANA@example.org", "another long password", http.StatusConflict, "email", "already exists"},
			{"bad email", "ana@", "another long password", http.StatusBadRequest, "email", "like name@example.org"},
			{"short password", "bea@example.org", "short", http.StatusBadRequest, "password", "at least 12"},
		} {
			res := ts.client(t).PostForm("/signup?lang=en", url.Values{"email": {tc.email}, "password": {tc.password}, "name": {"Bea"}})
			if res.Status != tc.status {
				t.Errorf("%s: status %d, want %d", tc.name, res.Status, tc.status)
			}
			if !strings.Contains(res.Body, `id="signup-`+tc.field+`-error">`) || !strings.Contains(res.Body, tc.text) {
				t.Errorf("%s: no message next to %s: %.400s", tc.name, tc.field, res.Body)
			}
			if !strings.Contains(res.Body, `value="Bea"`) {
				t.Errorf("%s: the name typed is not kept", tc.name)
			}
		}
	})
}

var resetLinkRE = regexp.MustCompile(`https://qhatu\.test/reset/([A-Za-z0-9_-]{43})`)

// lastResetToken works the queued jobs and reads the newest reset link
// mailed to email (as its recipient gets it: the outbox withholds it).
func lastResetToken(t *testing.T, ts *testServer, email string) string {
	t.Helper()
	ts.RunJobs(t)
	sent := ts.Mail.To(email)
	if len(sent) == 0 {
		t.Fatalf("no mail to %s", email)
	}
	m := resetLinkRE.FindStringSubmatch(sent[len(sent)-1].Body)
	if m == nil {
		t.Fatalf("no reset link in %q", sent[len(sent)-1].Body)
	}
	return m[1]
}

func TestPasswordReset_LinkIsSingleUseAndExpires(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ts := newTestServer(t, db)
		u := ts.createUser(t, models.RoleStaff)
		signedIn := ts.client(t)
		signedIn.signIn(u.Email, testPassword)

		// Known and unknown emails get the same answer; only one gets mail.
		c := ts.client(t)
		known := c.PostForm("/reset?lang=en", url.Values{"email": {u.Email}})
		unknown := c.PostForm("/reset?lang=en", url.Values{"email": {"nobody@example.org"}})
		if known.Status != http.StatusOK || unknown.Status != http.StatusOK {
			t.Fatalf("reset requests: %d, %d", known.Status, unknown.Status)
		}
		notice := regexp.MustCompile(`<p class="notice" role="status">([^<]*)</p>`)
		if a, b := notice.FindString(known.Body), notice.FindString(unknown.Body); a == "" || a != b {
			t.Fatalf("answers differ: %q vs %q", a, b)
		}
		token := lastResetToken(t, ts, u.Email)
		if p, _ := ts.Store.ListOutbox(ctx, "nobody@example.org", 1, 10); p.Total != 0 || len(ts.Mail.To("nobody@example.org")) != 0 {
			t.Fatalf("mail sent to an unknown address")
		}

		if res := c.Get("/reset/" + token); res.Status != http.StatusOK || !strings.Contains(res.Body, `name="password"`) {
			t.Fatalf("GET reset link: %d", res.Status)
		}
		if res := c.PostForm("/reset/"+token, url.Values{"password": {"short"}}); res.Status != http.StatusBadRequest {
			t.Fatalf("short new password: %d", res.Status)
		}
		res := c.PostForm("/reset/"+token, url.Values{"password": {"my brand new password"}})
		if res.Status != http.StatusSeeOther || res.Location() != "/signin?done=reset" {
			t.Fatalf("reset: %d %q: %.300s", res.Status, res.Location(), res.Body)
		}
		// Used once: the second use fails, with a clear page.
		if res := c.PostForm("/reset/"+token, url.Values{"password": {"yet another password"}}); res.Status != http.StatusGone {
			t.Fatalf("second use of the link: %d", res.Status)
		}
		if res := c.Get("/reset/" + token); res.Status != http.StatusGone {
			t.Fatalf("GET used link: %d", res.Status)
		}
		// Other sessions of the user ended; the new password works, the old does not.
		if res := signedIn.Get("/account"); res.Status != http.StatusSeeOther {
			t.Fatalf("session from before the reset still works: %d", res.Status)
		}
		if _, err := ts.Store.Authenticate(ctx, ts.HasherForTest(), u.Email, testPassword, time.Now()); err == nil {
			t.Fatal("old password still works")
		}
		ts.client(t).signIn(u.Email, "my brand new password")

		// A link expires after an hour, even unused.
		c.PostForm("/reset", url.Values{"email": {u.Email}})
		late := lastResetToken(t, ts, u.Email)
		ts.Clock.Advance(models.ResetTokenTTL - time.Minute)
		if res := c.Get("/reset/" + late); res.Status != http.StatusOK {
			t.Fatalf("link within the hour: %d", res.Status)
		}
		ts.Clock.Advance(2 * time.Minute)
		if res := c.PostForm("/reset/"+late, url.Values{"password": {"too late a password"}}); res.Status != http.StatusGone {
			t.Fatalf("expired link: %d", res.Status)
		}
	})
}

func TestDeactivation_EndsTheUsersSessionsAtOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		staff, u := ts.signInAs(t, models.RoleStaff)
		if res := staff.Get("/account"); res.Status != http.StatusOK {
			t.Fatalf("before: %d", res.Status)
		}
		if _, _, err := ts.Store.Editor(models.SystemActor).UpdateUser(context.Background(), models.UserChange{
			ID: u.ID, Version: u.Version, Role: u.Role, Active: false}); err != nil {
			t.Fatal(err)
		}
		res := staff.Get("/account")
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/signin") {
			t.Fatalf("deactivated user's next request: %d %q", res.Status, res.Location())
		}
		if v := staff.Cookie("qhatu_session"); v != "" {
			t.Fatalf("session cookie not cleared: %q", v)
		}
	})
}

// Admins read the outbox, but not the reset links in it: those are the
// recipient's alone (an admin could otherwise take over any account).
func TestOutbox_AdminReadsTheMailsTheShopWroteButNoResetLink(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ts := newTestServer(t, db)
		admin, _ := ts.signInAs(t, models.RoleAdmin)
		customer := ts.createUser(t, models.RoleCustomer)
		ts.client(t).PostForm("/reset?lang=en", url.Values{"email": {customer.Email}})
		token := lastResetToken(t, ts, customer.Email)
		res := admin.Get("/admin/outbox?lang=en")
		if res.Status != http.StatusOK {
			t.Fatalf("outbox: %d", res.Status)
		}
		for _, want := range []string{customer.Email, "Qhatu: choose a new password", "link withheld"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("outbox page lacks %q", want)
			}
		}
		if strings.Contains(res.Body, token) || strings.Contains(res.Body, "https://qhatu.test/reset/") {
			t.Error("the outbox page shows the reset link")
		}
		p, err := ts.Store.ListOutbox(ctx, customer.Email, 1, 10)
		if err != nil || p.Total != 1 {
			t.Fatalf("outbox rows: %d, %v", p.Total, err)
		}
		if strings.Contains(p.Items[0].Body, token) || strings.Contains(p.Items[0].Body, "/reset/") {
			t.Errorf("the outbox table holds the reset link: %q", p.Items[0].Body)
		}
		// The recipient's link works.
		if res := ts.client(t).Get("/reset/" + token); res.Status != http.StatusOK {
			t.Fatalf("recipient's link: %d", res.Status)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("back-office page Cache-Control %q", cc)
		}
	})
}

func TestAccountNav_ShowsWhoIsSignedIn(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		reviewer, u := ts.signInAs(t, models.RoleReviewer)
		res := reviewer.Get("/account?lang=en")
		for _, want := range []string{u.Email, "WFTO reviewer", `href="/admin"`, `action="/signout"`, `name="_csrf"`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("account page lacks %q", want)
			}
		}
	})
}

// flipFirst changes a token's first character.
func flipFirst(s string) string {
	if s[0] == 'a' {
		return "b" + s[1:]
	}
	return "a" + s[1:]
}

func mustCIDRs(t *testing.T, cidrs ...string) []*net.IPNet {
	t.Helper()
	nets, err := handlers.ParseTrustedProxies(strings.Join(cidrs, ","))
	if err != nil {
		t.Fatal(err)
	}
	return nets
}

func TestChangePassword_EndsOtherSessionsKeepsThisOne(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		here, u := ts.signInAs(t, models.RoleCustomer)
		elsewhere := ts.client(t)
		elsewhere.signIn(u.Email, testPassword)

		res := here.PostForm("/account/password?lang=en", url.Values{"current_password": {"not my password"}, "new_password": {"a fresh long password"}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "This is not your current password.") {
			t.Fatalf("wrong current password: %d", res.Status)
		}
		res = here.PostForm("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"short"}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, `id="account-new_password-error"`) {
			t.Fatalf("short new password: %d", res.Status)
		}
		before := here.Cookie("qhatu_session")
		res = here.PostForm("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"a fresh long password"}})
		if res.Status != http.StatusSeeOther || res.Location() != "/account?done=password" {
			t.Fatalf("change password: %d %q", res.Status, res.Location())
		}
		if after := here.Cookie("qhatu_session"); after == before || after == "" {
			t.Fatalf("session token not renewed: %q → %q", before, after)
		}
		if res := here.Get("/account"); res.Status != http.StatusOK {
			t.Fatalf("this session ended: %d", res.Status)
		}
		if res := elsewhere.Get("/account"); res.Status != http.StatusSeeOther {
			t.Fatalf("the other session survived: %d", res.Status)
		}
		ts.client(t).signIn(u.Email, "a fresh long password")
	})
}
