package handlers

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"
	"github.com/ciap/qhatu/mailer"
	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// AccountsConfig configures sign-in, sessions, CSRF and account mail.
type AccountsConfig struct {
	// SecureCookies marks the session cookie Secure: set it when the shop
	// is served over https.
	SecureCookies bool
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	// None (the default) means the TCP peer is the client, so a forged
	// header cannot change the address rate limits are keyed on.
	TrustedProxies []*net.IPNet
	// Mailer sends account emails; nil writes them to the outbox table.
	Mailer mailer.Sender
	// Argon2 is the password hashing cost; zero means
	// models.DefaultArgon2. Tests set a cheap one.
	Argon2 models.Argon2Params
	// SignInLimit slows down and refuses repeated failed sign-ins; zero
	// means models.DefaultSignInLimit.
	SignInLimit models.RateLimit
	// SignUpLimit refuses sign-ups from one client beyond it; zero means
	// models.DefaultSignUpLimit.
	SignUpLimit models.RateLimit
	// ResetLimit refuses reset requests from one client, and stops the
	// mail to one address, beyond it; zero means models.DefaultResetLimit.
	ResetLimit models.RateLimit
	// SessionLifetime is how long a sign-in lasts however busy it is;
	// zero means 7 days.
	SessionLifetime time.Duration
	// SessionIdle ends a customer's or reseller's session unused this
	// long; zero means 24 hours.
	SessionIdle time.Duration
	// SessionIdleStaff ends the session of anyone who can open the back
	// office (admin, staff, reviewer) unused this long; zero means 2 hours.
	SessionIdleStaff time.Duration
}

// accounts is the edge's sign-in machinery.
type accounts struct {
	sessions *scs.SessionManager
	hasher   *models.Hasher
	mail     mailer.Sender
	// limits are the rate limits of sign-in failures, sign-ups and
	// reset requests, by kind; all go through one limiter (the store's
	// rate_events).
	limits map[models.RateKind]models.RateLimit
	// now and sleep are the clock of the limits and reset links and the
	// wait of the sign-in slow-down; tests replace them.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	// idle and idleStaff end sessions unused that long (see idleLimit).
	idle, idleStaff time.Duration
	// formPages are the GET routes whose pages carry a form, and so get a
	// CSRF token; csrfExempt are the write routes that opt out of CSRF
	// (webhooks, which authenticate by signature).
	formPages  map[string]bool
	csrfExempt map[string]bool
	// firstWrites may be posted without a token by a visitor who has no
	// session yet (csrf.go firstWrite).
	firstWrites map[string]bool
}

// Session keys.
const (
	sessUserID = "uid"
	sessEpoch  = "epoch"
	// sessSeen is when the session was last used (Unix seconds), for the
	// idle timeout.
	sessSeen = "seen"
	// userKey holds the signed-in *models.User in the Echo context.
	userKey = "user"
	// sessionCommitted marks a session already saved by the handler.
	sessionCommitted = "session_committed"
	// sessionLoadedKey marks a request whose session is loaded (an error
	// page may be rendered for a request refused before loadSession).
	sessionLoadedKey = "session_loaded"
)

// initAccounts builds the session manager, password hasher and mailer.
func (s *Server) initAccounts() error {
	ac := s.cfg.Accounts
	sqlDB, err := s.store.DB().DB()
	if err != nil {
		return fmt.Errorf("database handle for sessions: %w", err)
	}
	sm := scs.New()
	sm.Store = sessionStore(s.store.Dialect(), sqlDB)
	sm.Lifetime = ac.SessionLifetime
	if sm.Lifetime <= 0 {
		sm.Lifetime = 7 * 24 * time.Hour
	}
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = ac.SecureCookies
	sm.Cookie.Path = "/"
	// The database keeps only a hash of each session token.
	sm.HashTokenInStore = true

	limits := map[models.RateKind]models.RateLimit{}
	for kind, l := range map[models.RateKind]struct{ set, def models.RateLimit }{
		models.RateSignInFailure: {ac.SignInLimit, models.DefaultSignInLimit},
		models.RateSignUp:        {ac.SignUpLimit, models.DefaultSignUpLimit},
		models.RateResetRequest:  {ac.ResetLimit, models.DefaultResetLimit},
	} {
		limits[kind] = l.set
		if l.set == (models.RateLimit{}) {
			limits[kind] = l.def
		}
	}
	mail := ac.Mailer
	if mail == nil {
		mail = mailer.OutboxSender{Outbox: s.store}
	}
	s.acct = accounts{
		sessions:    sm,
		hasher:      models.NewHasher(ac.Argon2, 4),
		mail:        mail,
		limits:      limits,
		now:         func() time.Time { return time.Now().UTC() },
		sleep:       sleepCtx,
		idle:        cmp.Or(ac.SessionIdle, 24*time.Hour),
		idleStaff:   cmp.Or(ac.SessionIdleStaff, 2*time.Hour),
		formPages:   map[string]bool{},
		csrfExempt:  map[string]bool{},
		firstWrites: map[string]bool{},
	}
	return nil
}

// sessionStore picks the scs store for the database. Their cleanup
// goroutines are off: Housekeep purges expired sessions.
func sessionStore(dialect string, db *sql.DB) scs.Store {
	if dialect == "sqlite" {
		return sqlite3store.NewWithCleanupInterval(db, 0)
	}
	return postgresstore.NewWithCleanupInterval(db, 0)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Housekeep runs HousekeepOnce every hour until ctx ends.
func (s *Server) Housekeep(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		s.HousekeepOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// HousekeepOnce purges expired sessions, reset links and old rate-limit
// events, and the guest carts no session can reach any more: a guest cart
// is found only through its session, which lives at most the session
// lifetime after the cart was last touched.
func (s *Server) HousekeepOnce(ctx context.Context) {
	now := s.acct.now()
	if err := s.store.PurgeAccounts(ctx, now); err != nil && ctx.Err() == nil {
		s.log.Warn("purge expired sessions", "err", err)
	}
	n, err := s.store.PurgeGuestCarts(ctx, now.Add(-s.acct.sessions.Lifetime))
	if err != nil && ctx.Err() == nil {
		s.log.Warn("purge abandoned guest carts", "err", err)
	} else if n > 0 {
		s.log.Info("purged abandoned guest carts", "carts", n)
	}
}

// ipExtractor finds the client address rate limits are keyed on.
func (s *Server) ipExtractor() echo.IPExtractor {
	nets := s.cfg.Accounts.TrustedProxies
	if len(nets) == 0 {
		// Without a trusted proxy the client address is the TCP peer, so
		// a forged X-Forwarded-For cannot change it.
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range nets {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// ParseTrustedProxies reads a comma-separated list of CIDRs (a bare
// address means just that address).
func ParseTrustedProxies(list string) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			if ip := net.ParseIP(item); ip != nil && ip.To4() != nil {
				item += "/32"
			} else {
				item += "/128"
			}
		}
		_, n, err := net.ParseCIDR(item)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", item, err)
		}
		nets = append(nets, n)
	}
	return nets, nil
}

// loadSession loads the visitor's session, if their browser sent one,
// and the signed-in user with it. A visitor without a session cookie costs
// no query and gets no cookie until something is put in the session, so
// anonymous pages stay cacheable.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	sm := s.acct.sessions
	return func(c echo.Context) error {
		r := c.Request()
		token := ""
		if ck, err := r.Cookie(sessionCookie); err == nil {
			token = ck.Value
		}
		ctx, err := sm.Load(r.Context(), token)
		if err != nil {
			return fmt.Errorf("load session: %w", err)
		}
		c.SetRequest(r.WithContext(ctx))
		c.Set(sessionLoadedKey, true)
		c.Response().Before(func() { s.saveSession(c, ctx) })
		if token != "" {
			// A page for someone with a session is theirs alone: no
			// shared cache may keep it (a handler may still be stricter).
			h := c.Response().Header()
			h.Add(echo.HeaderVary, echo.HeaderCookie)
			h.Set(echo.HeaderCacheControl, "private, no-cache")
			if err := s.identify(c, ctx); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// identify loads the session's user. A user who was deactivated, or whose
// sessions were ended (password reset, role change), loses the session
// here, at their next request.
func (s *Server) identify(c echo.Context, ctx context.Context) error {
	sm := s.acct.sessions
	id := sm.GetInt64(ctx, sessUserID)
	if id == 0 {
		return nil
	}
	u, err := s.store.UserByID(ctx, id)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	now := s.acct.now()
	idle := now.Sub(time.Unix(sm.GetInt64(ctx, sessSeen), 0))
	if err != nil || !u.Active || u.SessionEpoch != sm.GetInt64(ctx, sessEpoch) || idle > s.acct.idleLimit(u.Role) {
		if err := sm.Destroy(ctx); err != nil {
			return fmt.Errorf("end stale session: %w", err)
		}
		return nil
	}
	// Noting every request would write the session every time; to the
	// minute is precise enough for a timeout of hours.
	if idle >= time.Minute {
		sm.Put(ctx, sessSeen, now.Unix())
	}
	c.Set(userKey, u)
	return nil
}

// idleLimit is how long a session of role may go unused. One check here
// rather than scs's IdleTimeout, which is the same for everyone: those who
// can open the back office get a shorter one than shoppers. The absolute
// lifetime is scs's Lifetime.
func (a *accounts) idleLimit(r models.Role) time.Duration {
	switch r {
	case models.RoleAdmin, models.RoleStaff, models.RoleReviewer:
		return a.idleStaff
	}
	return a.idle
}

// saveSession runs just before the response header is written: it saves
// a changed session and sets or clears the cookie.
func (s *Server) saveSession(c echo.Context, ctx context.Context) {
	if done, _ := c.Get(sessionCommitted).(bool); done {
		return
	}
	sm := s.acct.sessions
	switch sm.Status(ctx) {
	case scs.Modified:
		token, expiry, err := sm.Commit(ctx)
		if err != nil {
			s.log.Error("save session", "path", c.Request().URL.Path, "err", err)
			c.Response().Status = http.StatusInternalServerError
			return
		}
		sm.WriteSessionCookie(ctx, c.Response(), token, expiry)
	case scs.Destroyed:
		sm.WriteSessionCookie(ctx, c.Response(), "", time.Time{})
	}
}

// commitSession saves the session now, so a failure becomes an error page
// instead of a lost sign-in.
func (s *Server) commitSession(c echo.Context) error {
	sm := s.acct.sessions
	ctx := c.Request().Context()
	if sm.Status(ctx) != scs.Modified {
		return nil
	}
	token, expiry, err := sm.Commit(ctx)
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	sm.WriteSessionCookie(ctx, c.Response(), token, expiry)
	c.Set(sessionCommitted, true)
	return nil
}

// startSession signs u in on this request: a new session token (so a
// token planted before sign-in is worthless), bound to the user's epoch.
func (s *Server) startSession(c echo.Context, u *models.User) error {
	sm := s.acct.sessions
	ctx := c.Request().Context()
	if err := sm.RenewToken(ctx); err != nil {
		return fmt.Errorf("renew session token: %w", err)
	}
	sm.Put(ctx, sessUserID, u.ID)
	sm.Put(ctx, sessEpoch, u.SessionEpoch)
	sm.Put(ctx, sessSeen, s.acct.now().Unix())
	c.Set(userKey, u)
	s.newCSRFToken(c)
	return s.commitSession(c)
}

// endSession signs out: the session is deleted on the server and the
// cookie cleared.
func (s *Server) endSession(c echo.Context) error {
	if err := s.acct.sessions.Destroy(c.Request().Context()); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	c.Set(userKey, nil)
	c.Set(csrfKey, nil)
	return nil
}

// currentUser is the signed-in user, or nil.
func (s *Server) currentUser(c echo.Context) *models.User {
	u, _ := c.Get(userKey).(*models.User)
	return u
}

// actor names the signed-in user for records of who did what.
func (s *Server) actor(c echo.Context) string {
	if u := s.currentUser(c); u != nil {
		return u.Email
	}
	return "anonymous"
}

// Viewer is the visitor as pages see them.
type Viewer struct {
	// CSRF is the token every form posts back in a hidden field.
	CSRF string
	// SignedIn is false for anonymous visitors; the fields below are
	// empty then.
	SignedIn bool
	UserID   int64
	Email    string
	Name     string
	Role     models.Role
	// CartCount is the pieces in the visitor's cart, for the header.
	CartCount int
}

// IsStaff: admin or staff, who change things in the back office.
func (v Viewer) IsStaff() bool { return v.Role == models.RoleAdmin || v.Role == models.RoleStaff }

// IsAdmin: manages users and reads the outbox.
func (v Viewer) IsAdmin() bool { return v.Role == models.RoleAdmin }

// CanReadBackOffice: admin, staff and reviewers see /admin.
func (v Viewer) CanReadBackOffice() bool { return v.IsStaff() || v.Role == models.RoleReviewer }

// DisplayName is the name, or the email when there is none.
func (v Viewer) DisplayName() string {
	if v.Name != "" {
		return v.Name
	}
	return v.Email
}

// viewer describes the current visitor for templates.
func (s *Server) viewer(c echo.Context) Viewer {
	v := Viewer{CSRF: s.csrfToken(c), CartCount: s.cartCount(c)}
	if u := s.currentUser(c); u != nil {
		v.SignedIn, v.UserID, v.Email, v.Name, v.Role = true, u.ID, u.Email, u.Name, u.Role
	}
	return v
}

// registerAccounts adds sign-in, sign-up, sign-out, password reset, the
// account page and the admin's outbox.
func (s *Server) registerAccounts(e *echo.Echo) {
	for _, p := range []string{"/signin", "/signup", "/reset", "/reset/:token", "/invitation/:token"} {
		s.formPage(p)
	}
	e.GET("/signin", s.signInPage)
	e.POST("/signin", s.signIn)
	e.POST("/signout", s.signOut)
	e.GET("/signup", s.signUpPage)
	e.POST("/signup", s.signUp)
	e.GET("/reset", s.resetRequestPage)
	e.POST("/reset", s.resetRequest)
	e.GET("/reset/:token", s.resetPage)
	e.POST("/reset/:token", s.reset)
	e.GET("/invitation/:token", s.invitationPage)
	e.POST("/invitation/:token", s.acceptInvitation)

	g := s.guard(e)
	g.GET("/account", s.accountPage)
	g.POST("/account/password", s.changePassword)
	g.GET("/admin/outbox", s.adminOutbox)
	s.registerWholesaleApply(e)
}
