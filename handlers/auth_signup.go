package handlers

import (
	"errors"
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// signUpPage shows the form that opens a customer account (GET /signup).
func (s *Server) signUpPage(c echo.Context) error {
	if s.currentUser(c) != nil {
		return seeOther(c, "/account")
	}
	return s.renderForm(c, http.StatusOK, "signup", "accounts.signup_title",
		authForm{Next: localPath(c.QueryParam("next")), MinPassword: models.MinPasswordLen})
}

// signUp opens a customer account and signs it in (POST /signup). Other
// roles are given by an admin, never chosen here. Sign-ups are limited
// per client IP: past the limit the answer is 429 and nothing is created.
// Attempts on a taken email count too, so the limit also slows down
// probing which emails have accounts.
func (s *Server) signUp(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	n := models.NewUser{Email: c.FormValue("email"), Name: c.FormValue("name"),
		Password: c.FormValue("password"), Role: models.RoleCustomer}
	f := authForm{Email: models.NormalizeEmail(n.Email), Name: n.Name, Next: localPath(c.FormValue("next")),
		MinPassword: models.MinPasswordLen}
	if err := n.Validate(); err != nil {
		var ve *models.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for field := range ve.Fields {
			f.fail(field, l.T("accounts.invalid_"+field, "Min", models.MinPasswordLen, "Max", models.MaxNameLen))
		}
		return s.renderForm(c, http.StatusBadRequest, "signup", "accounts.signup_title", f)
	}
	// Before the (deliberately slow) password hashing, so a flood costs
	// the shop little.
	verdict, err := s.store.TakeRate(ctx, models.RateSignUp, s.acct.limits[models.RateSignUp], c.RealIP(), "", s.acct.now())
	if err != nil {
		return err
	}
	if verdict.Refused {
		return s.tooManyAttempts(c, models.RateSignUp, verdict, func(msg string) error {
			f.Problem = msg
			return s.renderForm(c, http.StatusTooManyRequests, "signup", "accounts.signup_title", f)
		})
	}
	u, err := s.store.CreateUser(ctx, s.acct.hasher, n)
	if errors.Is(err, models.ErrEmailTaken) {
		f.fail("email", l.T("accounts.email_taken"))
		return s.renderForm(c, http.StatusConflict, "signup", "accounts.signup_title", f)
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
	s.log.Info("account opened", "user", u.ID)
	next := f.Next
	if next == "" {
		next = "/account"
	}
	return seeOther(c, next)
}
