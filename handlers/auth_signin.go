package handlers

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// signInPage shows the sign-in form (GET /signin).
func (s *Server) signInPage(c echo.Context) error {
	next := localPath(c.QueryParam("next"))
	if u := s.currentUser(c); u != nil {
		if next == "" {
			next = homeFor(s.viewer(c))
		}
		return seeOther(c, next)
	}
	f := authForm{Next: next}
	l := s.tr.For(s.tr.Pick(c))
	switch c.QueryParam("done") {
	case "reset":
		f.Notice = l.T("accounts.reset_done")
	case "signout":
		f.Notice = l.T("accounts.signed_out")
	}
	return s.renderForm(c, http.StatusOK, "signin", "accounts.signin_title", f)
}

// signIn checks an email and password (POST /signin). Failed attempts are
// counted per client IP and per email: past a few they are slowed down,
// then refused with 429 until the window passes. An unknown email and a
// wrong password get the same answer.
func (s *Server) signIn(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	f := authForm{Email: models.NormalizeEmail(c.FormValue("email")), Next: localPath(c.FormValue("next"))}
	password := c.FormValue("password")
	if f.Email == "" {
		f.fail("email", l.T("accounts.email_required"))
	}
	if password == "" {
		f.fail("password", l.T("accounts.password_required"))
	}
	if len(f.Errors) > 0 {
		return s.renderForm(c, http.StatusBadRequest, "signin", "accounts.signin_title", f)
	}

	ip, now := c.RealIP(), s.acct.now()
	verdict, err := s.store.CheckRate(ctx, models.RateSignInFailure, s.acct.limits[models.RateSignInFailure], ip, f.Email, now)
	if err != nil {
		return err
	}
	if verdict.Refused {
		return s.tooManyAttempts(c, models.RateSignInFailure, verdict, func(msg string) error {
			f.Problem = msg
			return s.renderForm(c, http.StatusTooManyRequests, "signin", "accounts.signin_title", f)
		})
	}
	if verdict.Delay > 0 {
		if err := s.acct.sleep(ctx, verdict.Delay); err != nil {
			return err
		}
	}
	u, err := s.store.Authenticate(ctx, s.acct.hasher, f.Email, password, now)
	if errors.Is(err, models.ErrBadCredentials) {
		if err := s.store.RecordRate(ctx, models.RateSignInFailure, ip, f.Email, now); err != nil {
			return err
		}
		s.log.Info("failed sign-in", "ip", ip)
		f.Problem = l.T("accounts.bad_credentials")
		return s.renderForm(c, http.StatusUnauthorized, "signin", "accounts.signin_title", f)
	}
	if err != nil {
		return err
	}
	if err := s.store.ClearRate(ctx, models.RateSignInFailure, f.Email); err != nil {
		s.log.Warn("clear failed sign-ins", "err", err)
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	s.log.Info("signed in", "user", u.ID, "role", u.Role)
	next := f.Next
	if next == "" {
		next = homeFor(s.viewer(c))
	}
	return seeOther(c, next)
}

// tooManyMessages says, per rate limit, why an attempt was refused.
var tooManyMessages = map[models.RateKind]string{
	models.RateSignInFailure: "accounts.too_many_attempts",
	models.RateSignUp:        "accounts.too_many_signups",
	models.RateResetRequest:  "accounts.too_many_resets",
}

// tooManyAttempts answers an attempt refused by the rate limit of kind:
// Retry-After, and the page (rendered by show, with status 429) says how
// long to wait.
func (s *Server) tooManyAttempts(c echo.Context, kind models.RateKind, v models.RateVerdict, show func(msg string) error) error {
	secs := int(math.Ceil(v.RetryAfter.Seconds()))
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	s.log.Warn("refused: rate limit", "kind", kind, "ip", c.RealIP())
	return show(s.tr.For(s.tr.Pick(c)).T(tooManyMessages[kind], "Minutes", (secs+59)/60))
}

// signOut ends the session on the server (POST /signout).
func (s *Server) signOut(c echo.Context) error {
	if u := s.currentUser(c); u != nil {
		s.log.Info("signed out", "user", u.ID)
	}
	if err := s.endSession(c); err != nil {
		return err
	}
	return seeOther(c, "/signin?done=signout")
}
