package models_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// cheap keeps hashing fast in tests; production uses models.DefaultArgon2.
var cheap = models.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// mustUser creates an account with a valid password, failing the test if
// it cannot.
func mustUser(t *testing.T, s *models.Store, h *models.Hasher, email string, role models.Role) *models.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), h, models.NewUser{Email: email, Role: role, Password: "a long enough password"})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

func TestHasher_StoresArgon2idPHCStringsNeverThePassword(t *testing.T) {
	ctx := context.Background()
	h := models.NewHasher(cheap, 2)
	const pw = "correct horse battery staple"
	a, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := h.Hash(ctx, pw)
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(a) {
		t.Fatalf("hash %q is not an argon2id PHC string", a)
	}
	if a == b {
		t.Fatal("two hashes of the same password are equal: no salt?")
	}
	if strings.Contains(a, pw) {
		t.Fatal("hash contains the password")
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{{pw, true}, {pw + " ", false}, {"", false}, {strings.ToUpper(pw), false}} {
		ok, err := h.Verify(ctx, a, tc.password)
		if err != nil || ok != tc.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.password, ok, err, tc.want)
		}
	}
	// A hash made with other parameters still verifies: they are read
	// from the string.
	other := models.NewHasher(models.Argon2Params{MemoryKiB: 128, Time: 2, Threads: 2, SaltLen: 16, KeyLen: 32}, 1)
	if ok, err := other.Verify(ctx, a, pw); !ok || err != nil {
		t.Fatalf("verify with other params: %v %v", ok, err)
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"} {
		if _, err := h.Verify(ctx, bad, pw); err == nil {
			t.Errorf("Verify accepted malformed hash %q", bad)
		}
	}
}

func TestHasher_WaitsForASlotOnlyAsLongAsTheContextAllows(t *testing.T) {
	h := models.NewHasher(cheap, 1)
	hash, err := h.Hash(context.Background(), "a password")
	if err != nil {
		t.Fatal(err)
	}
	release := h.HoldHashSlotForTest()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Verify(ctx, hash, "a password"); !errors.Is(err, models.ErrBusy) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("verify with every slot taken past the deadline: %v, want ErrBusy", err)
	}
	if _, err := h.Hash(ctx, "a password"); !errors.Is(err, models.ErrBusy) {
		t.Fatalf("hash with every slot taken past the deadline: %v, want ErrBusy", err)
	}
	if n := h.Verified(); n != 0 {
		t.Fatalf("%d verifications counted, none ran", n)
	}
	release()
	if ok, err := h.Verify(context.Background(), hash, "a password"); !ok || err != nil || h.Verified() != 1 {
		t.Fatalf("verify once the slot is free: %v %v, %d counted", ok, err, h.Verified())
	}
}

func TestDefaultArgon2_IsTheProductionCost(t *testing.T) {
	p := models.DefaultArgon2
	if p.MemoryKiB != 64*1024 || p.Time < 1 || p.Time > 3 || p.Threads != 2 || p.SaltLen != 16 {
		t.Fatalf("DefaultArgon2 = %+v", p)
	}
}

func TestUsers_CreateNormalizesAndRefusesDuplicates(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		h := models.NewHasher(cheap, 1)
		u, err := s.CreateUser(ctx, h, models.NewUser{Email: "  Rosa@Example.ORG ", Name: " Rosa ", Role: models.RoleStaff,
			Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "rosa@example.org" || u.Name != "Rosa" || !u.Active || u.SessionEpoch != 1 {
			t.Fatalf("created %+v", u)
		}
		if strings.Contains(u.PasswordHash, "a long enough password") || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
			t.Fatalf("stored hash %q", u.PasswordHash)
		}
		_, err = s.CreateUser(ctx, h, models.NewUser{Email: "ROSA@example.org", Role: models.RoleCustomer, Password: "another long password"})
		if !errors.Is(err, models.ErrEmailTaken) {
			t.Fatalf("duplicate email: %v", err)
		}

		for _, tc := range []struct {
			name  string
			n     models.NewUser
			field string
		}{
			{"bad email", models.NewUser{Email: "rosa", Role: models.RoleCustomer, Password: "a long enough password"}, "email"},
			{"display name", models.NewUser{Email: "Rosa <r@example.org>", Role: models.RoleCustomer, Password: "a long enough password"}, "email"},
			{"short password", models.NewUser{Email: "r2@example.org", Role: models.RoleCustomer, Password: "elevenchars"}, "password"},
			{"unknown role", models.NewUser{Email: "r3@example.org", Role: "owner", Password: "a long enough password"}, "role"},
			{"long name", models.NewUser{Email: "r4@example.org", Name: strings.Repeat("n", 161), Role: models.RoleCustomer, Password: "a long enough password"}, "name"},
		} {
			_, err := s.CreateUser(ctx, h, tc.n)
			var ve *models.ValidationError
			if !errors.As(err, &ve) || !ve.Has(tc.field) {
				t.Errorf("%s: %v, want a message on %s", tc.name, err, tc.field)
			}
		}
	})
}

func TestUsers_AuthenticateGivesOneAnswerForEveryFailure(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		h := models.NewHasher(cheap, 1)
		now := time.Now().UTC().Truncate(time.Second)
		u := mustUser(t, s, h, "ana@example.org", models.RoleCustomer)
		off := mustUser(t, s, h, "off@example.org", models.RoleCustomer)
		if _, _, err := s.Editor(models.SystemActor).UpdateUser(ctx, models.UserChange{ID: off.ID, Version: off.Version, Role: off.Role, Active: false}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ name, email, pw string }{
			{"unknown email", "nobody@example.org", "a long enough password"},
			{"wrong password", "ana@example.org", "a wrong password here"},
			{"deactivated", "off@example.org", "a long enough password"},
			{"huge password", "ana@example.org", strings.Repeat("x", 10000)},
		} {
			if _, err := s.Authenticate(ctx, h, tc.email, tc.pw, now); !errors.Is(err, models.ErrBadCredentials) {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		got, err := s.Authenticate(ctx, h, " ANA@example.org", "a long enough password", now)
		if err != nil || got.ID != u.ID {
			t.Fatalf("right password: %v", err)
		}
		again, _ := s.UserByID(ctx, u.ID)
		if again.LastSignInAt == nil || !again.LastSignInAt.Equal(now) || again.Version != u.Version {
			t.Fatalf("after sign-in: last %v, version %d", again.LastSignInAt, again.Version)
		}
	})
}

func TestUsers_AuthenticateUpgradesOldHashes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		u := mustUser(t, s, models.NewHasher(cheap, 1), "a@example.org", models.RoleCustomer)
		stronger := models.NewHasher(models.Argon2Params{MemoryKiB: 128, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}, 1)
		if _, err := s.Authenticate(ctx, stronger, u.Email, "a long enough password", time.Now()); err != nil {
			t.Fatal(err)
		}
		after, _ := s.UserByID(ctx, u.ID)
		if !strings.HasPrefix(after.PasswordHash, "$argon2id$v=19$m=128,t=2,p=1$") {
			t.Fatalf("hash not upgraded: %q", after.PasswordHash)
		}
	})
}

func TestUsers_UpdateDetectsStaleFormsAndKeepsAnAdmin(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		h := models.NewHasher(cheap, 1)
		admin := mustUser(t, s, h, "admin@example.org", models.RoleAdmin)
		staff := mustUser(t, s, h, "staff@example.org", models.RoleStaff)

		before, after, err := s.Editor(models.SystemActor).UpdateUser(ctx, models.UserChange{ID: staff.ID, Version: staff.Version, Role: models.RoleReviewer, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if before.Role != models.RoleStaff || after.Role != models.RoleReviewer || after.Version != staff.Version+1 ||
			after.SessionEpoch != staff.SessionEpoch+1 {
			t.Fatalf("before %+v after %+v", before, after)
		}
		// The same form sent again is stale.
		if _, _, err := s.Editor(models.SystemActor).UpdateUser(ctx, models.UserChange{ID: staff.ID, Version: staff.Version, Role: models.RoleStaff, Active: true}); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("stale edit: %v", err)
		}
		// The only admin cannot be demoted or deactivated...
		for _, ch := range []models.UserChange{
			{ID: admin.ID, Version: admin.Version, Role: models.RoleStaff, Active: true},
			{ID: admin.ID, Version: admin.Version, Role: models.RoleAdmin, Active: false},
		} {
			if _, _, err := s.Editor(models.SystemActor).UpdateUser(ctx, ch); !errors.Is(err, models.ErrLastAdmin) {
				t.Fatalf("last admin %+v: %v", ch, err)
			}
		}
		// ...but can once there is another.
		cur, _ := s.UserByID(ctx, staff.ID)
		if _, _, err := s.Editor(models.SystemActor).UpdateUser(ctx, models.UserChange{ID: cur.ID, Version: cur.Version, Role: models.RoleAdmin, Active: true}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Editor(models.SystemActor).UpdateUser(ctx, models.UserChange{ID: admin.ID, Version: admin.Version, Role: models.RoleAdmin, Active: false}); err != nil {
			t.Fatalf("deactivate a second admin: %v", err)
		}
		if n, _ := s.CountActiveAdmins(ctx); n != 1 {
			t.Fatalf("active admins %d", n)
		}
		if _, _, err := s.Editor(models.SystemActor).UpdateUser(ctx, models.UserChange{ID: 999999, Version: 1, Role: models.RoleAdmin, Active: true}); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("unknown user: %v", err)
		}
	})
}

func TestPasswordReset_TokenIsHashedSingleUseAndExpires(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		h := models.NewHasher(cheap, 1)
		now := time.Now().UTC()
		u := mustUser(t, s, h, "a@example.org", models.RoleCustomer)

		if _, _, err := s.CreatePasswordReset(ctx, "nobody@example.org", now); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("unknown email: %v", err)
		}
		token, got, err := s.CreatePasswordReset(ctx, "A@example.org", now)
		if err != nil || got.ID != u.ID {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).MatchString(token) {
			t.Fatalf("token %q is not 32 bytes of base64url", token)
		}
		var stored []string
		db.Table("password_resets").Pluck("token_hash", &stored)
		if len(stored) != 1 || stored[0] == token || len(stored[0]) != 64 {
			t.Fatalf("stored %q for token %q", stored, token)
		}
		// A newer link replaces an older unused one.
		newer, _, _ := s.CreatePasswordReset(ctx, u.Email, now)
		if err := s.CheckPasswordReset(ctx, token, now); !errors.Is(err, models.ErrTokenInvalid) {
			t.Fatalf("older link still works: %v", err)
		}
		if _, err := s.ResetPassword(ctx, h, newer, "short", now); err == nil {
			t.Fatal("short password accepted")
		}
		if err := s.CheckPasswordReset(ctx, newer, now); err != nil {
			t.Fatalf("a refused password used the link up: %v", err)
		}
		after, err := s.ResetPassword(ctx, h, newer, "the new long password", now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if after.SessionEpoch != u.SessionEpoch+1 {
			t.Fatalf("sessions not ended: epoch %d", after.SessionEpoch)
		}
		if _, err := s.ResetPassword(ctx, h, newer, "yet another password", now.Add(2*time.Minute)); !errors.Is(err, models.ErrTokenInvalid) {
			t.Fatalf("second use: %v", err)
		}
		if _, err := s.Authenticate(ctx, h, u.Email, "the new long password", now); err != nil {
			t.Fatalf("new password: %v", err)
		}

		late, _, _ := s.CreatePasswordReset(ctx, u.Email, now)
		if err := s.CheckPasswordReset(ctx, late, now.Add(models.ResetTokenTTL-time.Second)); err != nil {
			t.Fatalf("just before expiry: %v", err)
		}
		if _, err := s.ResetPassword(ctx, h, late, "too late a password", now.Add(models.ResetTokenTTL)); !errors.Is(err, models.ErrTokenInvalid) {
			t.Fatalf("expired link: %v", err)
		}
	})
}

func TestPasswordReset_ConcurrentUsesOnlyOneWins(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		h := models.NewHasher(cheap, 4)
		now := time.Now().UTC()
		u := mustUser(t, s, h, "a@example.org", models.RoleCustomer)
		token, _, _ := s.CreatePasswordReset(ctx, u.Email, now)
		var wg sync.WaitGroup
		results := make([]error, 6)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, results[i] = s.ResetPassword(ctx, h, token, "a concurrent password "+string(rune('a'+i)), now)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, models.ErrTokenInvalid):
				// PostgreSQL may refuse a racing transaction outright.
				if !strings.Contains(err.Error(), "could not serialize") {
					t.Errorf("unexpected error: %v", err)
				}
			}
		}
		if ok != 1 {
			t.Fatalf("%d resets succeeded with one link", ok)
		}
	})
}

func TestOutbox_ListsNewestFirst(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		for _, to := range []string{"a@example.org", "b@example.org", "a@example.org"} {
			if err := s.SaveMail(ctx, to, "Hola "+to, "Cuerpo ñ"); err != nil {
				t.Fatal(err)
			}
		}
		p, err := s.ListOutbox(ctx, "", 1, 2)
		if err != nil || p.Total != 3 || len(p.Items) != 2 || p.Pages() != 2 {
			t.Fatalf("page %+v %v", p, err)
		}
		if p.Items[0].ID < p.Items[1].ID {
			t.Fatal("not newest first")
		}
		p, _ = s.ListOutbox(ctx, "A@example.org", 1, 10)
		if p.Total != 2 || p.Items[0].Body != "Cuerpo ñ" {
			t.Fatalf("filtered %+v", p)
		}
	})
}

func TestPurgeAccounts_DropsExpiredSessionsOnly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		now := time.Now().UTC()
		insert := "INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)"
		expiry := func(t time.Time) any { return t }
		if s.Dialect() == "sqlite" {
			insert = "INSERT INTO sessions (token, data, expiry) VALUES (?, ?, julianday(?))"
			expiry = func(t time.Time) any { return t.Format("2006-01-02T15:04:05.999") }
		}
		for token, exp := range map[string]time.Time{"old": now.Add(-time.Hour), "live": now.Add(time.Hour)} {
			if err := db.Exec(insert, token, []byte{1}, expiry(exp)).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := s.PurgeAccounts(ctx, now); err != nil {
			t.Fatal(err)
		}
		var left []string
		db.Raw("SELECT token FROM sessions").Scan(&left)
		if len(left) != 1 || left[0] != "live" {
			t.Fatalf("sessions left: %q", left)
		}
	})
}
