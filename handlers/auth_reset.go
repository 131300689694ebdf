package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ciap/qhatu/mailer"
	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// resetRequestPage asks for the email to send a reset link to (GET /reset).
func (s *Server) resetRequestPage(c echo.Context) error {
	return s.renderForm(c, http.StatusOK, "reset_request", "accounts.reset_title", authForm{})
}

// resetRequest sends a reset link (POST /reset). The answer is the same
// whether or not the email has an account.
//
// Requests are limited per client IP and per email: past the IP's limit
// the answer is 429; past the email's, the answer is the usual page but
// no more mail goes out, so the shop cannot be used to flood an address
// and the answer still tells nothing about the account.
//
// A known and an unknown email do the same work up to the account lookup
// (the limiter's write and counts, then one query by email). What remains
// different, for a known active account only: the token's transaction and
// the mail (an outbox row, or an SMTP send, the larger part). Hiding that
// would need sending from a background worker.
func (s *Server) resetRequest(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	f := authForm{Email: models.NormalizeEmail(c.FormValue("email"))}
	if !models.ValidEmail(f.Email) {
		f.fail("email", l.T("accounts.invalid_email"))
		return s.renderForm(c, http.StatusBadRequest, "reset_request", "accounts.reset_title", f)
	}
	now := s.acct.now()
	verdict, err := s.store.TakeRate(ctx, models.RateResetRequest, s.acct.limits[models.RateResetRequest],
		c.RealIP(), f.Email, now)
	if err != nil {
		return err
	}
	if verdict.ByIP {
		return s.tooManyAttempts(c, models.RateResetRequest, verdict, func(msg string) error {
			f.Problem = msg
			return s.renderForm(c, http.StatusTooManyRequests, "reset_request", "accounts.reset_title", f)
		})
	}
	f.Notice = l.T("accounts.reset_sent")
	if verdict.ByEmail {
		// The same page as always; the address got enough links already.
		s.log.Warn("password reset refused: too many for one email", "ip", c.RealIP())
		return s.renderForm(c, http.StatusOK, "reset_request", "accounts.reset_title", f)
	}
	token, u, err := s.store.CreatePasswordReset(ctx, f.Email, now)
	switch {
	case errors.Is(err, models.ErrNotFound):
		s.log.Info("password reset for an unknown email")
	case err != nil:
		return err
	default:
		link := strings.TrimRight(s.cfg.BaseURL, "/") + "/reset/" + token
		msg := mailer.Message{To: u.Email, Subject: l.T("accounts.reset_mail_subject"),
			Body: l.T("accounts.reset_mail_body", "Link", link, "Minutes", int(models.ResetTokenTTL.Minutes()))}
		if err := s.acct.mail.Send(ctx, msg); err != nil {
			// The visitor gets the same answer: telling them the send
			// failed would tell them the account exists.
			s.log.Error("send password reset mail", "user", u.ID, "err", err)
		} else {
			s.log.Info("password reset link sent", "user", u.ID)
		}
	}
	return s.renderForm(c, http.StatusOK, "reset_request", "accounts.reset_title", f)
}

// resetPage shows the new-password form for a reset link (GET /reset/:token).
func (s *Server) resetPage(c echo.Context) error {
	token := c.Param("token")
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	if err := s.store.CheckPasswordReset(c.Request().Context(), token, s.acct.now()); err != nil {
		if errors.Is(err, models.ErrTokenInvalid) {
			return s.resetLinkInvalid(c)
		}
		return err
	}
	return s.renderForm(c, http.StatusOK, "reset", "accounts.new_password_title",
		authForm{Token: token, MinPassword: models.MinPasswordLen})
}

// reset sets the new password (POST /reset/:token): the link is used up
// and every session of the user ends.
func (s *Server) reset(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	token := c.Param("token")
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	password := c.FormValue("password")
	f := authForm{Token: token, MinPassword: models.MinPasswordLen}
	if err := models.ValidatePassword(password); err != nil {
		f.fail("password", l.T("accounts.invalid_password", "Min", models.MinPasswordLen))
		return s.renderForm(c, http.StatusBadRequest, "reset", "accounts.new_password_title", f)
	}
	u, err := s.store.ResetPassword(c.Request().Context(), s.acct.hasher, token, password, s.acct.now())
	if errors.Is(err, models.ErrTokenInvalid) {
		return s.resetLinkInvalid(c)
	}
	if err != nil {
		return err
	}
	s.log.Info("password reset", "user", u.ID)
	// Whoever was signed in on this browser is signed out too.
	if err := s.endSession(c); err != nil {
		return err
	}
	return seeOther(c, "/signin?done=reset")
}

func (s *Server) resetLinkInvalid(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	return s.renderForm(c, http.StatusGone, "reset", "accounts.new_password_title",
		authForm{Problem: l.T("accounts.reset_invalid")})
}
