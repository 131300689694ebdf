package handlers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

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

// signIn checks an email and password (POST /signin). Each attempt is
// counted before the password is checked (see takePasswordAttempt):
// failures at one email from one client network are refused with 429
// past a few, as are many from one network at any emails; failures at
// the email from elsewhere only slow its sign-ins down, so a guesser
// cannot lock the owner out. An unknown email and a wrong password get the
// same answer.
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

	attempt, err := s.takePasswordAttempt(c, f.Email)
	if err != nil {
		return err
	}
	if attempt.Refused {
		return s.tooManyAttempts(c, models.RateSignInFailure, attempt, func(msg string) error {
			f.Problem = msg
			return s.renderForm(c, http.StatusTooManyRequests, "signin", "accounts.signin_title", f)
		})
	}
	u, err := s.store.Authenticate(ctx, s.acct.hasher, f.Email, password, s.acct.now())
	s.settlePasswordAttempt(c, attempt, f.Email, err)
	if errors.Is(err, models.ErrBadCredentials) {
		s.log.Info("failed sign-in", "ip", c.RealIP())
		f.Problem = l.T("accounts.bad_credentials")
		return s.renderForm(c, http.StatusUnauthorized, "signin", "accounts.signin_title", f)
	}
	if err != nil {
		return err
	}
	if err := s.mergeGuestCart(c, u); err != nil {
		return err
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

// takePasswordAttempt counts a password check for email from this client
// as a failed sign-in before it is made, in one step with the check of
// the limit, so parallel guesses cannot all slip under it; the caller
// answers 429 when the verdict refuses, and settles the attempt once the
// password was checked. It waits out the verdict's slow-down.
func (s *Server) takePasswordAttempt(c echo.Context, email string) (models.RateVerdict, error) {
	ctx := c.Request().Context()
	v, err := s.store.TakeRate(ctx, models.RateSignInFailure, s.acct.limits[models.RateSignInFailure],
		c.RealIP(), email, s.acct.now())
	if err != nil || v.Refused || v.Delay == 0 {
		return v, err
	}
	if err := s.acct.sleep(ctx, v.Delay); err != nil {
		err = fmt.Errorf("%w: slow-down: %w", models.ErrBusy, err)
		s.settlePasswordAttempt(c, v, email, err)
		return v, err
	}
	return v, nil
}

// settlePasswordAttempt ends an attempt counted by takePasswordAttempt
// once the check gave checkErr: only a wrong password keeps counting. A
// success also clears the email's earlier failures from this network (the
// owner's typos); an attempt that never got checked (the hasher was busy)
// is taken back.
func (s *Server) settlePasswordAttempt(c echo.Context, v models.RateVerdict, email string, checkErr error) {
	if errors.Is(checkErr, models.ErrBadCredentials) {
		return
	}
	// The request's context may be what ran out.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), 5*time.Second)
	defer cancel()
	var err error
	if checkErr == nil {
		err = s.store.ClearRate(ctx, models.RateSignInFailure, c.RealIP(), email)
	} else {
		err = s.store.ForgiveRate(ctx, v)
	}
	if err != nil {
		s.log.Warn("settle sign-in attempt", "err", err)
	}
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
