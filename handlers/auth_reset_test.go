package handlers_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ciap/qhatu/mailer"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

// rowCounts counts the rows of every table of the shop's database.
func rowCounts(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	tables, err := db.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, table := range tables {
		if strings.HasPrefix(table, "sqlite_") {
			continue
		}
		var n int64
		if err := db.Table(table).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		counts[table] = n
	}
	return counts
}

// changes is what a step did to the row counts.
func changes(before, after map[string]int64) map[string]int64 {
	d := map[string]int64{}
	for table, n := range after {
		if n != before[table] {
			d[table] = n - before[table]
		}
	}
	return d
}

// A reset request does the same database work for a known and an unknown
// email — one queued job (and the rate limiter's count), nothing else — so
// its answer cannot tell them apart; the worker then mails the known one
// and nobody else.
func TestPasswordReset_KnownAndUnknownEmailsDoTheSameWork(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := newTestServer(t, db)
		u := ts.createUser(t, models.RoleCustomer)
		c := ts.client(t)
		c.Get("/reset") // the form's CSRF cookie, before counting
		work := map[string]map[string]int64{}
		for _, email := range []string{u.Email, "nobody@example.org"} {
			before := rowCounts(t, db)
			if res := c.PostForm("/reset?lang=en", url.Values{"email": {email}}); res.Status != http.StatusOK {
				t.Fatalf("reset request for %s: %d", email, res.Status)
			}
			work[email] = changes(before, rowCounts(t, db))
		}
		for _, w := range work {
			// River's wake-up signal to workers on SQLite, written at most
			// once a second whatever the email: not the request's work.
			delete(w, "river_notification")
		}
		known, unknown := work[u.Email], work["nobody@example.org"]
		if known["river_job"] != 1 {
			t.Errorf("known email: %v, want exactly one job", known)
		}
		if !maps.Equal(known, unknown) {
			t.Errorf("the request's work differs: known email %v, unknown %v", known, unknown)
		}
		for table := range known {
			if table != "river_job" && table != "rate_events" {
				t.Errorf("the request wrote to %s", table)
			}
		}
		ts.RunJobs(t)
		if n := len(ts.Mail.To(u.Email)); n != 1 {
			t.Errorf("%d mails to the known email, want 1", n)
		}
		if n := len(ts.Mail.To("nobody@example.org")); n != 0 {
			t.Errorf("%d mails to the unknown email, want 0", n)
		}
		// The link lives only in the mail: neither in the job table…
		token := lastResetToken(t, ts, u.Email)
		var leaked int64
		db.Table("river_job").Where("CAST(args AS TEXT) LIKE ?", "%"+token+"%").Count(&leaked)
		if leaked != 0 {
			t.Error("the reset link is in the job table")
		}
	})
}

// A mail that keeps failing is given up after its last attempt and shown
// to admins on the outbox page, without its body.
func TestOutbox_ShowsMailThatCouldNotBeSent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ts := newTestServer(t, db)
		admin, _ := ts.signInAs(t, models.RoleAdmin)
		customer := ts.createUser(t, models.RoleCustomer)
		ts.Mail.Fail(errors.New("smtp: 421 mail server unavailable"))
		// One attempt each, so the test need not wait out the backoff.
		once := &river.InsertOpts{MaxAttempts: 1}
		if _, err := ts.Jobs.Insert(ctx, mailer.Job{To: "ana@example.org", Subject: "Your order Q-2026-000123",
			Body: "private order details"}, once); err != nil {
			t.Fatal(err)
		}
		ts.client(t).PostForm("/reset?lang=en", url.Values{"email": {customer.Email}})
		if err := db.Exec("UPDATE river_job SET max_attempts = 1").Error; err != nil {
			t.Fatal(err)
		}
		ts.RunJobs(t)
		res := admin.Get("/admin/outbox?lang=en")
		if res.Status != http.StatusOK {
			t.Fatalf("outbox: %d", res.Status)
		}
		for _, want := range []string{"Mail that could not be sent", "ana@example.org", "Your order Q-2026-000123",
			customer.Email, "Password reset link", "421 mail server unavailable"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("outbox page lacks %q", want)
			}
		}
		if strings.Contains(res.Body, "private order details") {
			t.Error("the failed mail's body is shown")
		}
	})
}
