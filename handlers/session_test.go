package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

func TestSession_EndsAfterTheIdleTimeoutOfTheRole(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		const staffIdle, idle = 2 * time.Hour, 24 * time.Hour
		ts := newTestServer(t, db, withConfig(func(cfg *handlers.Config) {
			cfg.Accounts.SessionIdleStaff, cfg.Accounts.SessionIdle = staffIdle, idle
		}))
		for _, tc := range []struct {
			role models.Role
			idle time.Duration
		}{
			{models.RoleAdmin, staffIdle},
			{models.RoleStaff, staffIdle},
			{models.RoleReviewer, staffIdle},
			{models.RoleCustomer, idle},
			{models.RoleReseller, idle},
		} {
			c, _ := ts.signInAs(t, tc.role)
			// In use: a request now and then keeps the session, longer
			// in all than the timeout.
			for i := range 3 {
				ts.Clock.Advance(tc.idle - time.Minute)
				if res := c.Get("/account"); res.Status != http.StatusOK {
					t.Fatalf("%s, request %d within the idle timeout: %d", tc.role, i+1, res.Status)
				}
			}
			// Unused a little longer than the timeout: signed out.
			ts.Clock.Advance(tc.idle + time.Minute)
			res := c.Get("/account")
			if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/signin") {
				t.Fatalf("%s idle for %v: %d %q, want sent to sign in", tc.role, tc.idle+time.Minute, res.Status, res.Location())
			}
			if v := c.Cookie("qhatu_session"); v != "" {
				t.Errorf("%s: idle session's cookie kept", tc.role)
			}
		}
	})
}
