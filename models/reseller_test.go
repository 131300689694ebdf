package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

// The valid RUCs below were computed by hand with SUNAT's rule (weights
// 5,4,3,2,7,6,5,4,3,2; 11 − sum % 11; 10 → 0, 11 → 1); 20131312955 is
// SUNAT's own.
func TestParseRUC(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
		code           models.Code
	}{
		{"SUNAT's own", "20131312955", "20131312955", ""},
		{"check 10 becomes 0", "20100070970", "20100070970", ""},
		{"check 11 becomes 1", "20000000061", "20000000061", ""},
		{"plain check digit 1", "20000000001", "20000000001", ""},
		{"a person (10)", "10467823456", "10467823456", ""},
		{"prefix 15", "15000000008", "15000000008", ""},
		{"prefix 17", "17123456785", "17123456785", ""},
		{"spaces dropped", " 2013 1312 955 ", "20131312955", ""},
		{"wrong check digit", "20131312954", "", models.CodeRUCCheckDigit},
		{"10 kept instead of 0", "20100070971", "", models.CodeRUCCheckDigit},
		{"digits swapped", "20131321955", "", models.CodeRUCCheckDigit},
		{"prefix 30, right check digit", "30131312951", "", models.CodeRUCPrefix},
		{"prefix 11, right check digit", "11131312956", "", models.CodeRUCPrefix},
		{"prefix 00, right check digit", "00131312954", "", models.CodeRUCPrefix},
		{"ten digits", "2013131295", "", models.CodeRUCFormat},
		{"twelve digits", "201313129550", "", models.CodeRUCFormat},
		{"a letter", "2013131295X", "", models.CodeRUCFormat},
		{"dashes", "20-13131295-5", "", models.CodeRUCFormat},
		{"Arabic-Indic digits", "٢٠١٣١٣١٢٩٥٥", "", models.CodeRUCFormat},
		{"empty", "   ", "", models.CodeRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := models.ParseRUC(tc.in)
			if tc.code == "" {
				if err != nil || got != tc.want {
					t.Fatalf("ParseRUC(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			var ve *models.ValidationError
			if !errors.As(err, &ve) || ve.Fields["ruc"].Code != tc.code {
				t.Fatalf("ParseRUC(%q) = %q, %v; want code %s", tc.in, got, err, tc.code)
			}
		})
	}
}

// validApplication is a correct application form.
func validApplication() models.ApplicationInput {
	return models.ApplicationInput{BusinessName: "Artesanías Wari SAC", RUC: "20131312955",
		Address: "Jr. Huancavelica 123, Lima", Market: "Mercado Indio, puesto 42", Phone: "+51 987 654 321", Lang: "en"}
}

// applicationShop is a store with a job queue (never worked) and users.
type applicationShop struct {
	s       *models.Store
	h       *models.Hasher
	jobs    *models.Jobs
	db      *gorm.DB
	pending *models.ResellerApplication
	user    *models.User
}

func newApplicationShop(t *testing.T, db *gorm.DB) *applicationShop {
	t.Helper()
	jobs, err := models.NewJobs(db, river.NewWorkers(), models.JobsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	s := models.NewStore(db)
	s.UseJobs(jobs)
	sh := &applicationShop{s: s, h: models.NewHasher(cheap, 2), jobs: jobs, db: db}
	sh.user = mustUser(t, s, sh.h, "tienda@example.org", models.RoleCustomer)
	sh.pending, err = s.ApplyForWholesale(context.Background(), sh.user.ID, validApplication())
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// mails counts the reseller_mail jobs queued for application id.
func (sh *applicationShop) mails(t *testing.T, id int64) int {
	t.Helper()
	res, err := sh.jobs.JobList(context.Background(), river.NewJobListParams().Kinds(models.ResellerMailArgs{}.Kind()).First(100))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range res.Jobs {
		var a models.ResellerMailArgs
		if err := json.Unmarshal(j.EncodedArgs, &a); err == nil && a.ApplicationID == id {
			n++
		}
	}
	return n
}

func (sh *applicationShop) audits(t *testing.T, entity, action string, id int64) int64 {
	t.Helper()
	p, err := sh.s.ListAudit(context.Background(), models.AuditFilter{EntityType: entity, EntityID: id, Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

func TestApplyForWholesale_ValidatesAndKeepsOnePendingPerAccount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		sh := newApplicationShop(t, db)
		a := sh.pending
		if a.Status != models.ApplicationPending || a.RUC != "20131312955" || a.Lang != "en" || a.Version != 1 {
			t.Fatalf("stored %+v", a)
		}
		if _, err := sh.s.ApplyForWholesale(ctx, sh.user.ID, validApplication()); !errors.Is(err, models.ErrApplicationPending) {
			t.Fatalf("second pending application: %v", err)
		}
		// Every field is checked at once, nothing is stored.
		bad := models.ApplicationInput{BusinessName: " ", RUC: "20131312954", Address: strings.Repeat("a", 301), Market: "", Phone: "call me"}
		_, err := sh.s.ApplyForWholesale(ctx, mustUser(t, sh.s, sh.h, "otro@example.org", models.RoleCustomer).ID, bad)
		var ve *models.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("bad application: %v", err)
		}
		want := map[string]models.Code{"business_name": models.CodeRequired, "ruc": models.CodeRUCCheckDigit,
			"address": models.CodeTooLong, "market": models.CodeRequired, "phone": models.CodePhone}
		for f, code := range want {
			if ve.Fields[f].Code != code {
				t.Errorf("%s: %q, want %q", f, ve.Fields[f].Code, code)
			}
		}
		var n int64
		db.Model(&models.ResellerApplication{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d applications stored, want 1", n)
		}
		// Staff, reviewers and resellers do not apply.
		for _, role := range []models.Role{models.RoleAdmin, models.RoleStaff, models.RoleReviewer, models.RoleReseller} {
			u := mustUser(t, sh.s, sh.h, string(role)+"@example.org", role)
			if _, err := sh.s.ApplyForWholesale(ctx, u.ID, validApplication()); !errors.Is(err, models.ErrNotApplicant) {
				t.Errorf("%s applies: %v", role, err)
			}
		}
		// The database itself keeps one pending row per account.
		dup := *a
		dup.ID, dup.User = 0, nil
		if err := db.Omit("User").Create(&dup).Error; err == nil {
			t.Fatal("the database took a second pending application")
		}
	})
}

// A line break in the business name would stop the decision mail (its
// subject names the business) and a tab or line break garbles the
// documents: they are refused per field, and nothing is stored. Other
// control characters are refused for every form at the edge
// (handlers.TestInput_ControlCharactersAreA400).
func TestApplyForWholesale_RefusesLineBreaksAndTabs(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		sh := newApplicationShop(t, db)
		in := validApplication()
		in.BusinessName, in.Address, in.Market = "Tienda\r\nBcc: x@example.org", "Jr. Huancavelica\n123", "Mercado\tIndio"
		_, err := sh.s.ApplyForWholesale(ctx, mustUser(t, sh.s, sh.h, "otro@example.org", models.RoleCustomer).ID, in)
		var ve *models.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("application with line breaks and a tab: %v", err)
		}
		for _, f := range []string{"business_name", "address", "market"} {
			if ve.Fields[f].Code != models.CodeOneLine {
				t.Errorf("%s: %q, want %q", f, ve.Fields[f].Code, models.CodeOneLine)
			}
		}
		var n int64
		db.Model(&models.ResellerApplication{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d applications stored, want only the fixture's", n)
		}
	})
}

func TestDecideApplication_ApproveMakesAResellerWithAuditAndMail(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		sh := newApplicationShop(t, db)
		a, err := sh.s.Editor("staff@example.org").DecideApplication(ctx, models.Decision{ID: sh.pending.ID, Version: 1, Approve: true})
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != models.ApplicationApproved || a.DecidedBy != "staff@example.org" || a.DecidedAt == nil || a.Version != 2 {
			t.Fatalf("decided %+v", a)
		}
		u, _ := sh.s.UserByID(ctx, sh.user.ID)
		if u.Role != models.RoleReseller || u.SessionEpoch != sh.user.SessionEpoch+1 {
			t.Fatalf("applicant after approval: role %s epoch %d", u.Role, u.SessionEpoch)
		}
		if n := sh.audits(t, models.EntityResellerApplication, models.ActionApprove, a.ID); n != 1 {
			t.Errorf("%d approval audit entries", n)
		}
		if n := sh.audits(t, models.EntityUser, models.ActionRole, u.ID); n != 1 {
			t.Errorf("%d role audit entries", n)
		}
		if n := sh.mails(t, a.ID); n != 1 {
			t.Errorf("%d mails queued", n)
		}
		// Deciding again is refused and changes nothing.
		_, err = sh.s.Editor("other@example.org").DecideApplication(ctx, models.Decision{ID: a.ID, Version: 2, Message: "no"})
		var de *models.DecidedError
		if !errors.As(err, &de) || de.Status != models.ApplicationApproved || !errors.Is(err, models.ErrConflict) {
			t.Fatalf("second decision: %v", err)
		}
		if n := sh.mails(t, a.ID); n != 1 {
			t.Errorf("%d mails after a refused decision", n)
		}
	})
}

func TestDecideApplication_RejectNeedsAMessageAndAllowsApplyingAgain(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		sh := newApplicationShop(t, db)
		ed := sh.s.Editor("staff@example.org")
		_, err := ed.DecideApplication(ctx, models.Decision{ID: sh.pending.ID, Version: 1, Message: "  "})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Fields["message"].Code != models.CodeRequired {
			t.Fatalf("reject without a message: %v", err)
		}
		if _, err := ed.DecideApplication(ctx, models.Decision{ID: sh.pending.ID, Version: 0, Message: "x"}); !errors.Is(err, models.ErrStale) {
			t.Fatalf("stale page: %v", err)
		}
		a, err := ed.DecideApplication(ctx, models.Decision{ID: sh.pending.ID, Version: 1, Message: "Falta la licencia municipal."})
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != models.ApplicationRejected || a.Message != "Falta la licencia municipal." {
			t.Fatalf("rejected %+v", a)
		}
		if u, _ := sh.s.UserByID(ctx, sh.user.ID); u.Role != models.RoleCustomer {
			t.Fatalf("rejected applicant is %s", u.Role)
		}
		if sh.mails(t, a.ID) != 1 || sh.audits(t, models.EntityResellerApplication, models.ActionReject, a.ID) != 1 {
			t.Fatal("rejection without its mail or audit entry")
		}
		again, err := sh.s.ApplyForWholesale(ctx, sh.user.ID, validApplication())
		if err != nil {
			t.Fatalf("apply again after a rejection: %v", err)
		}
		latest, err := sh.s.LatestApplication(ctx, sh.user.ID)
		if err != nil || latest.ID != again.ID || latest.Status != models.ApplicationPending {
			t.Fatalf("latest %+v, %v", latest, err)
		}
		others, err := sh.s.ApplicationsWithRUC(ctx, again, 10)
		if err != nil || len(others) != 1 || others[0].ID != a.ID || others[0].User == nil {
			t.Fatalf("same RUC: %+v, %v", others, err)
		}
		p, err := sh.s.Applications(ctx, models.ApplicationPending, 1, 10)
		if err != nil || p.Total != 1 || p.Items[0].ID != again.ID || p.Items[0].User.Email != sh.user.Email {
			t.Fatalf("pending list %+v, %v", p, err)
		}
	})
}

// An approval never takes the role of someone made staff since applying.
func TestDecideApplication_ApprovalLeavesAnotherRoleAlone(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		sh := newApplicationShop(t, db)
		if _, _, err := sh.s.Editor("admin@example.org").UpdateUser(ctx, models.UserChange{ID: sh.user.ID,
			Version: sh.user.Version, Role: models.RoleStaff, Active: true}); err != nil {
			t.Fatal(err)
		}
		_, err := sh.s.Editor("staff@example.org").DecideApplication(ctx, models.Decision{ID: sh.pending.ID, Version: 1, Approve: true})
		if !errors.Is(err, models.ErrNotApplicant) {
			t.Fatalf("approve a staff member: %v", err)
		}
		a, _ := sh.s.ApplicationByID(ctx, sh.pending.ID)
		u, _ := sh.s.UserByID(ctx, sh.user.ID)
		if a.Status != models.ApplicationPending || u.Role != models.RoleStaff || sh.mails(t, a.ID) != 0 {
			t.Fatalf("half-written: application %s, role %s", a.Status, u.Role)
		}
	})
}

// Two staff deciding the same application at the same moment: one wins,
// the other is told, and the applicant gets one mail.
func TestDecideApplication_ConcurrentDecisionsOneWins(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		sh := newApplicationShop(t, db)
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = sh.s.Editor("staff@example.org").DecideApplication(ctx,
					models.Decision{ID: sh.pending.ID, Version: 1, Approve: i%2 == 0, Message: "decision"})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, models.ErrConflict):
				t.Errorf("unexpected error: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d decisions won", won)
		}
		a, _ := sh.s.ApplicationByID(ctx, sh.pending.ID)
		u, _ := sh.s.UserByID(ctx, sh.user.ID)
		if (a.Status == models.ApplicationApproved) != (u.Role == models.RoleReseller) {
			t.Fatalf("application %s but role %s", a.Status, u.Role)
		}
		if m := sh.mails(t, a.ID); m != 1 {
			t.Fatalf("%d mails queued", m)
		}
	})
}

// An admin changing the applicant's role while staff approve: one of the
// two wins, never both, and they never deadlock (the approval takes its
// locks in the order the user change does).
func TestDecideApplication_RacingARoleChangeIsConsistent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		sh := newApplicationShop(t, db)
		var wg sync.WaitGroup
		var approveErr, roleErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, approveErr = sh.s.Editor("staff@example.org").DecideApplication(ctx,
				models.Decision{ID: sh.pending.ID, Version: 1, Approve: true})
		}()
		go func() {
			defer wg.Done()
			_, _, roleErr = sh.s.Editor("admin@example.org").UpdateUser(ctx, models.UserChange{ID: sh.user.ID,
				Version: sh.user.Version, Role: models.RoleStaff, Active: true})
		}()
		wg.Wait()
		for _, err := range []error{approveErr, roleErr} {
			if err != nil && !errors.Is(err, models.ErrConflict) && !errors.Is(err, models.ErrNotApplicant) {
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if (approveErr == nil) == (roleErr == nil) {
			t.Fatalf("approval %v, role change %v: want exactly one to win", approveErr, roleErr)
		}
		a, _ := sh.s.ApplicationByID(ctx, sh.pending.ID)
		u, _ := sh.s.UserByID(ctx, sh.user.ID)
		if (a.Status == models.ApplicationApproved) != (u.Role == models.RoleReseller) || (roleErr == nil) != (u.Role == models.RoleStaff) {
			t.Fatalf("application %s, role %s", a.Status, u.Role)
		}
	})
}
