package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

var invitationLinkRE = regexp.MustCompile(`https://qhatu\.test/invitation/([A-Za-z0-9_-]{43})`)

// invite posts the invitation form as admin, runs the mail job and returns
// the link's token from the mail.
func invite(t *testing.T, ts *testServer, admin *testClient, email string) string {
	t.Helper()
	res := admin.PostForm("/admin/users/invitations?lang=en", url.Values{"email": {email}, "mail_lang": {"en"}})
	if res.Status != http.StatusSeeOther || res.Location() != "/admin/users?done=invited" {
		t.Fatalf("invite %s: %d %q %.300s", email, res.Status, res.Location(), res.Body)
	}
	ts.RunJobs(t)
	sent := ts.Mail.To(email)
	if len(sent) == 0 {
		t.Fatalf("no invitation mail to %s", email)
	}
	m := invitationLinkRE.FindStringSubmatch(sent[len(sent)-1].Body)
	if m == nil {
		t.Fatalf("no invitation link in %q", sent[len(sent)-1].Body)
	}
	return m[1]
}

func auditActions(t *testing.T, db *gorm.DB, entity string) []string {
	t.Helper()
	var actions []string
	if err := db.Model(&models.AuditEntry{}).Where("entity_type = ?", entity).Order("id").
		Pluck("action", &actions).Error; err != nil {
		t.Fatal(err)
	}
	return actions
}

func TestInvitation_ReviewerSetsAPasswordOnceAndReadsTheBackOffice(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		admin, _ := ts.signInAs(t, models.RoleAdmin)
		const email = "auditora@wfto.example.org"
		token := invite(t, ts, admin, email)

		// Only the token's hash is kept, and the job table never held it.
		for _, table := range []string{"invitations", "river_job", "audit_log"} {
			var n int64
			q := db.Table(table)
			for _, col := range map[string][]string{"invitations": {"token_hash"}, "river_job": {"CAST(args AS TEXT)"},
				"audit_log": {"summary", "after_json"}}[table] {
				q = q.Or(col+" LIKE ?", "%"+token+"%")
			}
			if err := q.Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("the invitation link is in %s", table)
			}
		}
		if got := auditActions(t, db, models.EntityInvitation); len(got) != 1 || got[0] != models.ActionInvite {
			t.Errorf("invitation audit: %v", got)
		}
		pending := admin.Get("/admin/users?lang=en")
		if !strings.Contains(pending.Body, email) || !strings.Contains(pending.Body, "Invitations not used yet") {
			t.Error("the users page does not list the pending invitation")
		}

		c := ts.client(t)
		page := c.Get("/invitation/" + token + "?lang=en")
		if page.Status != http.StatusOK || !strings.Contains(page.Body, email) || !strings.Contains(page.Body, `name="password"`) {
			t.Fatalf("invitation page: %d %.300s", page.Status, page.Body)
		}
		checkPage(t, "invitation page", page)
		checkPage(t, "users page with invitations", pending)
		if page.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Error("the invitation page may leak its link in a Referer")
		}
		short := c.PostForm("/invitation/"+token+"?lang=en", url.Values{"password": {"short"}, "name": {"Ana"}})
		if short.Status != http.StatusBadRequest || !strings.Contains(short.Body, "at least") {
			t.Errorf("short password: %d", short.Status)
		}
		var users int64
		db.Model(&models.User{}).Where("email = ?", email).Count(&users)
		if users != 0 {
			t.Fatal("a refused password still created the account")
		}
		ok := c.PostForm("/invitation/"+token+"?lang=en", url.Values{"password": {testPassword}, "name": {"Ana Quispe"}})
		if ok.Status != http.StatusSeeOther || ok.Location() != "/admin?done=welcome" {
			t.Fatalf("accept: %d %q %.300s", ok.Status, ok.Location(), ok.Body)
		}
		u, err := ts.Store.UserByEmail(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != models.RoleReviewer || !u.Active || u.Name != "Ana Quispe" {
			t.Errorf("account: role %s active %v name %q", u.Role, u.Active, u.Name)
		}
		if !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
			t.Error("the password is not an argon2id hash")
		}
		if got := auditActions(t, db, models.EntityUser); len(got) != 1 || got[0] != models.ActionCreate {
			t.Errorf("user audit: %v", got)
		}
		// Signed in at once, as a reviewer: reads, never writes.
		if res := c.Get("/admin/products"); res.Status != http.StatusOK {
			t.Errorf("reviewer reads /admin/products: %d", res.Status)
		}
		if res := c.PostForm("/admin/products/1/prices", url.Values{}); res.Status != http.StatusForbidden {
			t.Errorf("reviewer writes prices: %d", res.Status)
		}
		// The link works once.
		for _, res := range []*testResponse{ts.client(t).Get("/invitation/" + token + "?lang=en"),
			ts.client(t).PostForm("/invitation/"+token+"?lang=en", url.Values{"password": {testPassword + "x"}})} {
			if res.Status != http.StatusGone || !strings.Contains(res.Body, "already used") {
				t.Errorf("used link: %d %.200s", res.Status, res.Body)
			}
		}
		again := ts.client(t)
		again.signIn(email, testPassword)
		if res := again.Get("/admin"); res.Status != http.StatusOK {
			t.Errorf("the reviewer signs in with the chosen password: %d", res.Status)
		}
	})
}

func TestInvitation_ExpiredReplacedAndUnknownLinksSayWhy(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		admin, _ := ts.signInAs(t, models.RoleAdmin)
		old := invite(t, ts, admin, "late@example.org")
		replaced := invite(t, ts, admin, "twice@example.org")
		newer := invite(t, ts, admin, "twice@example.org")
		cases := []struct {
			name, token, want string
		}{
			{"replaced by a newer invitation", replaced, "expired"},
			{"unknown", strings.Repeat("A", 43), "not valid"},
		}
		for _, tc := range cases {
			res := ts.client(t).Get("/invitation/" + tc.token + "?lang=en")
			if res.Status != http.StatusGone || !strings.Contains(res.Body, tc.want) {
				t.Errorf("%s: %d, want 410 saying %q", tc.name, res.Status, tc.want)
			}
		}
		if res := ts.client(t).Get("/invitation/" + newer + "?lang=en"); res.Status != http.StatusOK {
			t.Errorf("newest invitation: %d", res.Status)
		}
		ts.Clock.Advance(models.InvitationTTL + time.Minute)
		c := ts.client(t)
		if res := c.Get("/invitation/" + old + "?lang=es"); res.Status != http.StatusGone || !strings.Contains(res.Body, "venció") {
			t.Errorf("expired link (es): %d", res.Status)
		}
		if res := c.PostForm("/invitation/"+old+"?lang=en", url.Values{"password": {testPassword}}); res.Status != http.StatusGone {
			t.Errorf("expired link accepted: %d", res.Status)
		}
		var n int64
		db.Model(&models.User{}).Where("email = ?", "late@example.org").Count(&n)
		if n != 0 {
			t.Error("an expired link created an account")
		}
	})
}

// A customer invited keeps their account (and orders) and becomes a
// reviewer; staff, admins, resellers and reviewers cannot be invited.
func TestInvitation_UpgradesACustomerAndRefusesOtherRoles(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		admin, _ := ts.signInAs(t, models.RoleAdmin)
		for _, role := range []models.Role{models.RoleStaff, models.RoleAdmin, models.RoleReseller, models.RoleReviewer} {
			u := ts.createUser(t, role)
			res := admin.PostForm("/admin/users/invitations?lang=en", url.Values{"email": {u.Email}})
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, u.Email) {
				t.Errorf("inviting a %s: %d", role, res.Status)
			}
		}
		if res := admin.PostForm("/admin/users/invitations?lang=en", url.Values{"email": {"not an email"}}); res.Status != http.StatusBadRequest {
			t.Errorf("bad email: %d", res.Status)
		}
		if got := auditActions(t, db, models.EntityInvitation); len(got) != 0 {
			t.Errorf("refused invitations were recorded: %v", got)
		}

		customerClient, customer := ts.signInAs(t, models.RoleCustomer)
		token := invite(t, ts, admin, customer.Email)
		res := ts.client(t).PostForm("/invitation/"+token+"?lang=en", url.Values{"password": {"a new password 2026"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d %.300s", res.Status, res.Body)
		}
		u, err := ts.Store.UserByID(context.Background(), customer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != models.RoleReviewer || u.Name != customer.Name {
			t.Errorf("upgraded account: role %s name %q", u.Role, u.Name)
		}
		// The customer's old sessions end with the role change.
		if res := customerClient.Get("/account"); res.Status != http.StatusSeeOther {
			t.Errorf("old customer session still works: %d", res.Status)
		}
		if got := auditActions(t, db, models.EntityUser); len(got) != 1 || got[0] != models.ActionRole {
			t.Errorf("user audit: %v", got)
		}
	})
}

// A reviewer cannot fill a cart, check out or pay an order, and is told
// why; a customer goes through the same routes.
func TestReviewer_CannotPlaceOrders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		reviewer, _ := ts.signInAs(t, models.RoleReviewer)
		customer, _ := ts.signInAs(t, models.RoleCustomer)
		routes := handlers.ShopWritesForTest()
		if len(routes) < 6 {
			t.Fatalf("only %d shop routes guarded", len(routes))
		}
		for _, r := range routes {
			path := concrete(r.Path) + "?lang=en"
			send := func(c *testClient) *testResponse {
				if r.Method == http.MethodGet {
					return c.Get(path)
				}
				return c.Send(r.Method, path, url.Values{"_csrf": {c.CSRFToken()}, "product_id": {"1"}, "quantity": {"1"}})
			}
			res := send(reviewer)
			if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "cannot fill a cart or place or pay an order") {
				t.Errorf("reviewer %s %s: %d %.200s", r.Method, r.Path, res.Status, res.Body)
			}
			if res := send(customer); res.Status == http.StatusForbidden {
				t.Errorf("customer %s %s: refused", r.Method, r.Path)
			}
		}
		var carts int64
		db.Table("carts").Count(&carts)
		if carts > 1 {
			t.Errorf("%d carts; only the customer's may exist", carts)
		}
	})
}

// An invitation whose mail cannot be sent shows on the outbox page, to
// whom and what, without its link.
func TestInvitation_UnsentMailShowsInTheOutbox(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		admin, _ := ts.signInAs(t, models.RoleAdmin)
		ts.Mail.Fail(errors.New("smtp: 421 mail server unavailable"))
		if res := admin.PostForm("/admin/users/invitations?lang=en", url.Values{"email": {"revisora@example.org"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("invite: %d", res.Status)
		}
		if err := db.Exec("UPDATE river_job SET max_attempts = 1").Error; err != nil {
			t.Fatal(err)
		}
		ts.RunJobs(t)
		res := admin.Get("/admin/outbox?lang=en")
		for _, want := range []string{"revisora@example.org", "Reviewer invitation link", "421 mail server unavailable"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("outbox lacks %q", want)
			}
		}
		if strings.Contains(res.Body, "/invitation/") {
			t.Error("the outbox shows an invitation link")
		}
	})
}
