package handlers

import (
	"errors"
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

const minPassword = models.MinPasswordLen

// changePassword sets a new password for the signed-in user after
// checking the current one (POST /account/password). Every other session
// of the user ends; this one continues under a new token. Wrong current
// passwords count as failed sign-ins.
func (s *Server) changePassword(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	u := s.currentUser(c)
	current, next := c.FormValue("current_password"), c.FormValue("new_password")
	var f authForm
	if current == "" {
		f.fail("current_password", l.T("accounts.password_required"))
	}
	if err := models.ValidatePassword(next); err != nil {
		f.fail("new_password", l.T("accounts.invalid_password", "Min", minPassword))
	}
	if len(f.Errors) > 0 {
		return s.renderAccount(c, http.StatusBadRequest, f)
	}
	attempt, err := s.takePasswordAttempt(c, u.Email)
	if err != nil {
		return err
	}
	if attempt.Refused {
		return s.tooManyAttempts(c, models.RateSignInFailure, attempt, func(msg string) error {
			f.Problem = msg
			return s.renderAccount(c, http.StatusTooManyRequests, f)
		})
	}
	changed, err := s.store.ChangePassword(ctx, s.acct.hasher, u.ID, current, next)
	s.settlePasswordAttempt(c, attempt, u.Email, err)
	if errors.Is(err, models.ErrBadCredentials) {
		f.fail("current_password", l.T("accounts.current_password_wrong"))
		return s.renderAccount(c, http.StatusBadRequest, f)
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, changed); err != nil {
		return err
	}
	s.log.Info("password changed", "user", u.ID)
	return seeOther(c, "/account?done=password")
}
