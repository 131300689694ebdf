package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ciap/qhatu/mailer"
	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
	"github.com/riverqueue/river"
)

// resetRequestPage asks for the email to send a reset link to (GET /reset).
func (s *Server) resetRequestPage(c echo.Context) error {
	return s.renderForm(c, http.StatusOK, "reset_request", "accounts.reset_title", authForm{})
}

// resetRequest asks for a reset link (POST /reset). The answer is the
// same whether or not the email has an account, and so is the work: after
// the rate limits, the request enqueues one reset job with the email and
// writes nothing else. The worker (resetWorker) looks the account up,
// makes the link and sends the mail, so neither the answer's time nor the
// job table tells anything about the account or holds the link.
//
// Requests are limited per client IP and per email: past the IP's limit
// the answer is 429; past the email's, the answer is the usual page but
// no job is enqueued, so the shop cannot be used to flood an address.
func (s *Server) resetRequest(c echo.Context) error {
	lang := s.tr.Pick(c)
	l := s.tr.For(lang)
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
	if err := s.store.Enqueue(ctx, resetJob{Email: f.Email, Lang: lang}); err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "reset_request", "accounts.reset_title", f)
}

// resetJobKind names the reset job in the queue.
const resetJobKind = "password_reset"

// resetJob asks for a reset mail to an email that may or may not have an
// account. It holds no link: the worker makes it.
type resetJob struct {
	Email string `json:"to"`
	Lang  string `json:"lang"`
}

func (resetJob) Kind() string { return resetJobKind }

// InsertOpts: a link lives an hour, so retrying for longer is pointless;
// five attempts span about six minutes.
func (resetJob) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 5} }

// resetWorker sends the reset mail of a resetJob.
type resetWorker struct {
	river.WorkerDefaults[resetJob]
	s *Server
}

// Work makes a single-use link for an active account with the email and
// mails it; for an unknown or inactive email it does nothing. A failed
// send is retried; the next attempt makes a new link (which voids this
// one, never delivered).
func (w *resetWorker) Work(ctx context.Context, job *river.Job[resetJob]) error {
	s := w.s
	token, u, err := s.store.CreatePasswordReset(ctx, job.Args.Email, s.acct.now())
	switch {
	case errors.Is(err, models.ErrNotFound):
		s.log.Info("password reset for an unknown email")
		return nil
	case err != nil:
		return err
	}
	l := s.tr.For(job.Args.Lang)
	err = s.sendLinkMail(ctx, u.Email, "/reset/"+token, func(link string) (string, string) {
		return l.T("accounts.reset_mail_subject"),
			l.T("accounts.reset_mail_body", "Link", link, "Minutes", int(models.ResetTokenTTL.Minutes()))
	})
	if err != nil {
		return fmt.Errorf("send password reset mail to user %d: %w", u.ID, err)
	}
	s.log.Info("password reset link sent", "user", u.ID)
	return nil
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

// sendLinkMail sends, from its job, a mail holding a secret link to path
// on the shop: compose gets the link and returns the subject and body.
// The link is withheld from the outbox; a message that can never be sent
// cancels the job, any other failure is retried.
func (s *Server) sendLinkMail(ctx context.Context, to, path string, compose func(link string) (subject, body string)) error {
	link := strings.TrimRight(s.cfg.BaseURL, "/") + path
	subject, body := compose(link)
	err := s.acct.mail.Send(ctx, mailer.Message{To: to, Subject: subject, Body: body, Secrets: []string{link}})
	if errors.Is(err, mailer.ErrBadMessage) {
		return river.JobCancel(err)
	}
	return err
}
