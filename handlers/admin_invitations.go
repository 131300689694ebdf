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

// Reviewer invitations (models/invitation.go): an admin invites a reviewer
// from /admin/users; the invitee opens the mailed link at
// /invitation/:token, sets a password and is signed in as a reviewer.
// The link is made by the mail job, like a password reset's, so it lives
// only in the mail and the database keeps only its hash.

// adminInvite invites a reviewer (POST /admin/users/invitations, admins).
func (s *Server) adminInvite(c echo.Context) error {
	lang := s.tr.Pick(c)
	l := s.tr.For(lang)
	ctx := c.Request().Context()
	email := models.NormalizeEmail(c.FormValue("email"))
	// The mail goes out in the language chosen on the form (the invitee's),
	// the admin's own by default.
	if ml := c.FormValue("mail_lang"); ml != "" {
		lang = s.tr.For(ml).Lang()
	}
	err := s.store.Tx(ctx, func(tx *models.Store) error {
		inv, err := tx.Editor(s.actor(c)).InviteReviewer(ctx, email, lang, s.acct.now())
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, invitationJob{ID: inv.ID, To: inv.Email})
	})
	var msg string
	switch {
	case err == nil:
		s.log.Info("reviewer invited", "by", s.actor(c))
		return seeOther(c, "/admin/users?done=invited")
	case errors.Is(err, models.ErrInvalid):
		msg = l.T("accounts.invalid_email")
	case errors.Is(err, models.ErrAlreadyReviewer):
		msg = l.T("admin.invite.already_reviewer", "Email", email)
	case errors.Is(err, models.ErrInviteRole):
		msg = l.T("admin.invite.other_role", "Email", email)
	default:
		return err
	}
	v, verr := s.usersView(c, l, nil)
	if verr != nil {
		return verr
	}
	v.Problem, v.InviteEmail = msg, c.FormValue("email")
	v.Errors = map[string]string{"invite_email": msg}
	return s.renderAdmin(c, http.StatusBadRequest, "admin_users", l.T("admin.users.title"), l, v)
}

// invitationJobKind names the invitation mail job in the queue.
const invitationJobKind = "reviewer_invitation"

// invitationJob mails the link of one invitation. It holds no link: the
// worker makes it.
type invitationJob struct {
	ID int64 `json:"invitation"`
	// To is the invitee, shown to admins if the mail cannot be sent.
	To string `json:"to"`
}

func (invitationJob) Kind() string { return invitationJobKind }

// InsertOpts: the same attempts as any mail.
func (invitationJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: mailer.MaxAttempts}
}

// invitationWorker sends the mail of an invitationJob.
type invitationWorker struct {
	river.WorkerDefaults[invitationJob]
	s *Server
}

// Work makes the invitation's link and mails it. An invitation used or
// replaced meanwhile needs no mail. A failed send is retried; the next
// attempt makes a new link, which voids the undelivered one.
func (w *invitationWorker) Work(ctx context.Context, job *river.Job[invitationJob]) error {
	s := w.s
	token, inv, err := s.store.IssueInvitationLink(ctx, job.Args.ID, s.acct.now())
	switch {
	case errors.Is(err, models.ErrTokenInvalid):
		s.log.Info("invitation no longer pending; no mail", "invitation", job.Args.ID)
		return nil
	case err != nil:
		return err
	}
	l := s.tr.For(inv.Lang)
	err = s.sendLinkMail(ctx, inv.Email, "/invitation/"+token, func(link string) (string, string) {
		return l.T("invite.mail_subject"), l.T("invite.mail_body", "Link", link, "By", inv.InvitedBy,
			"Days", int(models.InvitationTTL.Hours()/24), "Until", inv.ExpiresAt.UTC().Format("2006-01-02 15:04 MST"))
	})
	if err != nil {
		return fmt.Errorf("send invitation %d: %w", inv.ID, err)
	}
	s.log.Info("invitation link sent", "invitation", inv.ID)
	return nil
}

// invitationPage shows the form that accepts an invitation (GET
// /invitation/:token), or why the link no longer works.
func (s *Server) invitationPage(c echo.Context) error {
	token := c.Param("token")
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	inv, err := s.store.InvitationByToken(c.Request().Context(), token, s.acct.now())
	if err != nil {
		return s.invitationInvalid(c, err)
	}
	return s.renderForm(c, http.StatusOK, "invitation", "invite.title",
		authForm{Token: token, Email: inv.Email, MinPassword: models.MinPasswordLen})
}

// acceptInvitation sets the password and role (POST /invitation/:token)
// and signs the reviewer in.
func (s *Server) acceptInvitation(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	token := c.Param("token")
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	inv, err := s.store.InvitationByToken(ctx, token, s.acct.now())
	if err != nil {
		return s.invitationInvalid(c, err)
	}
	f := authForm{Token: token, Email: inv.Email, Name: strings.TrimSpace(c.FormValue("name")),
		MinPassword: models.MinPasswordLen}
	u, err := s.store.AcceptInvitation(ctx, s.acct.hasher, token, f.Name, c.FormValue("password"), s.acct.now())
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		for field, fe := range ve.Fields {
			f.fail(field, fieldMessage(l, fe))
		}
		return s.renderForm(c, http.StatusBadRequest, "invitation", "invite.title", f)
	case errors.Is(err, models.ErrInviteRole):
		f.Token, f.Problem = "", l.T("invite.other_role")
		return s.renderForm(c, http.StatusConflict, "invitation", "invite.title", f)
	case errors.Is(err, models.ErrTokenInvalid):
		return s.invitationInvalid(c, err)
	case err != nil:
		return err
	}
	s.log.Info("invitation accepted", "user", u.ID)
	if err := s.startSession(c, u); err != nil {
		return err
	}
	return seeOther(c, "/admin?done=welcome")
}

// invitationInvalid answers a link that cannot be used, saying why.
func (s *Server) invitationInvalid(c echo.Context, err error) error {
	l := s.tr.For(s.tr.Pick(c))
	msg := l.T("invite.invalid")
	switch {
	case errors.Is(err, models.ErrInvitationUsed):
		msg = l.T("invite.used")
	case errors.Is(err, models.ErrInvitationExpired):
		msg = l.T("invite.expired")
	case !errors.Is(err, models.ErrTokenInvalid):
		return err
	}
	return s.renderForm(c, http.StatusGone, "invitation", "invite.title", authForm{Problem: msg})
}

// langNames name each language in itself, for a choice of language.
var langNames = map[string]string{"es": "Español", "en": "English"}
