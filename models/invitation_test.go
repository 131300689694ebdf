package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// Two requests using the same invitation link at once: exactly one
// creates the reviewer; the other is told the link was used, and nothing
// is written twice.
func TestInvitation_LinkIsUsedOnceEvenByTwoRequestsAtOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		h := models.NewHasher(cheap, 2)
		now := time.Now().UTC()
		inv, err := s.Editor("admin@ciap.example").InviteReviewer(ctx, " Auditora@WFTO.example ", "es", now)
		if err != nil {
			t.Fatal(err)
		}
		if inv.Email != "auditora@wfto.example" || inv.Role != models.RoleReviewer || inv.TokenHash != nil {
			t.Fatalf("invitation %+v", inv)
		}
		token, _, err := s.IssueInvitationLink(ctx, inv.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.AcceptInvitation(ctx, h, token, "", "a long reviewer password", now)
			}()
		}
		wg.Wait()
		ok, used := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, models.ErrTokenInvalid):
				used++
			default:
				t.Errorf("accept: %v", err)
			}
		}
		if ok != 1 || used != 1 {
			t.Fatalf("%d accepted, %d refused; want one each", ok, used)
		}
		var users, audits int64
		db.Model(&models.User{}).Where("email = ? AND role = ?", inv.Email, models.RoleReviewer).Count(&users)
		db.Model(&models.AuditEntry{}).Where("entity_type = ?", models.EntityUser).Count(&audits)
		if users != 1 || audits != 1 {
			t.Errorf("%d reviewers, %d audit entries; want 1 and 1", users, audits)
		}
		if _, err := s.InvitationByToken(ctx, token, now); !errors.Is(err, models.ErrInvitationUsed) {
			t.Errorf("used link: %v", err)
		}
		// A link past its time is expired, and says so.
		later, err := s.Editor("admin@ciap.example").InviteReviewer(ctx, "otra@wfto.example", "en", now)
		if err != nil {
			t.Fatal(err)
		}
		token2, _, err := s.IssueInvitationLink(ctx, later.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AcceptInvitation(ctx, h, token2, "", "a long reviewer password", now.Add(models.InvitationTTL)); !errors.Is(err, models.ErrInvitationExpired) {
			t.Errorf("expired link: %v", err)
		}
		if _, _, err := s.IssueInvitationLink(ctx, later.ID, now.Add(models.InvitationTTL)); !errors.Is(err, models.ErrTokenInvalid) {
			t.Errorf("a link made for an expired invitation: %v", err)
		}
	})
}
