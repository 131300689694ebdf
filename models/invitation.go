package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Reviewer invitations. An admin invites a WFTO reviewer by email; the
// mail carries a single-use link that expires after InvitationTTL. Using
// it sets a password and gives the account the read-only reviewer role.
//
// An email with no account gets a new one. An email that belongs to a
// customer account is upgraded: the same account (and its past orders)
// becomes a reviewer's, with the password set through the link, since
// following the link proves the invitee reads that mailbox, as a password
// reset does. An email of an admin, staff or reseller account is refused
// at invitation time: taking a role away is a decision made on the users
// page, not a side effect of a mail.

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// Audit vocabulary of invitations.
const (
	EntityInvitation = "invitation"
	ActionInvite     = "invite"
)

// Invitation errors.
var (
	// ErrInviteRole: the email belongs to an account whose role an
	// invitation may not change (admin, staff, reseller).
	ErrInviteRole = errors.New("the email belongs to a staff, admin or reseller account")
	// ErrAlreadyReviewer: the email is a reviewer's already.
	ErrAlreadyReviewer = errors.New("the email belongs to a reviewer already")
	// ErrInvitationUsed: the link was used already. It is an ErrTokenInvalid.
	ErrInvitationUsed = fmt.Errorf("invitation link used: %w", ErrTokenInvalid)
	// ErrInvitationExpired: the link expired, or a newer invitation to the
	// same email replaced it. It is an ErrTokenInvalid.
	ErrInvitationExpired = fmt.Errorf("invitation link expired: %w", ErrTokenInvalid)
)

// Invitation is one invitation of a reviewer.
type Invitation struct {
	ID        int64
	Email     string
	Role      Role
	InvitedBy string
	// TokenHash is the SHA-256 of the link's token; nil until the mail
	// job made the link.
	TokenHash *string
	// Lang is the language of the mail and of the page the link opens.
	Lang      string
	ExpiresAt time.Time
	UsedAt    *time.Time
	UserID    *int64
	CreatedAt time.Time
}

// TableName is part of the migration history.
func (Invitation) TableName() string { return "invitations" }

// InviteReviewer records an invitation of email as a reviewer, valid for
// InvitationTTL from at, with its audit entry; an earlier unused
// invitation of the same email stops working. The link itself is made by
// IssueInvitationLink when the mail is sent. Call it in the transaction
// that enqueues that mail (Store.Tx), so both or neither exist.
func (e *Editor) InviteReviewer(ctx context.Context, email, lang string, at time.Time) (*Invitation, error) {
	email = NormalizeEmail(email)
	if !ValidEmail(email) {
		return nil, Invalid("email", CodeEmail)
	}
	if err := e.check(); err != nil {
		return nil, err
	}
	var inv *Invitation
	err := e.s.Tx(ctx, func(tx *Store) error {
		db := tx.db
		var u User
		err := db.Where("email = ?", email).Take(&u).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
		case err != nil:
			return fmt.Errorf("look up invited email: %w", err)
		case u.Role == RoleReviewer:
			return ErrAlreadyReviewer
		case u.Role != RoleCustomer:
			return ErrInviteRole
		}
		res := db.Model(&Invitation{}).Where("email = ? AND used_at IS NULL AND expires_at > ?", email, at.UTC()).
			Update("expires_at", at.UTC())
		if res.Error != nil {
			return fmt.Errorf("end earlier invitations of the email: %w", res.Error)
		}
		inv = &Invitation{Email: email, Role: RoleReviewer, InvitedBy: e.actor, Lang: lang,
			ExpiresAt: at.Add(InvitationTTL).UTC(), CreatedAt: at.UTC()}
		if err := db.Create(inv).Error; err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
		summary := fmt.Sprintf("invited %s as a reviewer (link valid until %s)", email, inv.ExpiresAt.Format(time.RFC3339))
		if u.ID != 0 {
			summary += "; the customer account becomes a reviewer's when the link is used"
		}
		return writeAudit(db, e.actor, ActionInvite, EntityInvitation, inv.ID, summary, nil,
			map[string]any{"email": email, "role": RoleReviewer, "expires_at": inv.ExpiresAt})
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// IssueInvitationLink makes the token of an unused, unexpired invitation
// and returns it with the invitation; only its hash is stored. Issuing
// again (a retried mail) replaces the token, so only the last link sent
// works. An invitation used, expired or unknown gives ErrTokenInvalid.
func (s *Store) IssueInvitationLink(ctx context.Context, id int64, at time.Time) (string, *Invitation, error) {
	token, err := newLinkToken()
	if err != nil {
		return "", nil, fmt.Errorf("invitation token: %w", err)
	}
	h := hashToken(token)
	db := s.db.WithContext(ctx)
	res := db.Model(&Invitation{}).Where("id = ? AND used_at IS NULL AND expires_at > ?", id, at.UTC()).
		Update("token_hash", h)
	if res.Error != nil {
		return "", nil, fmt.Errorf("set token of invitation %d: %w", id, res.Error)
	}
	if res.RowsAffected != 1 {
		return "", nil, ErrTokenInvalid
	}
	var inv Invitation
	if err := db.Take(&inv, id).Error; err != nil {
		return "", nil, dbError(err, fmt.Sprintf("invitation %d", id))
	}
	return token, &inv, nil
}

// InvitationByToken finds the invitation of a link that can still be
// used at at: ErrInvitationUsed or ErrInvitationExpired say why one
// cannot, ErrTokenInvalid that the link is unknown.
func (s *Store) InvitationByToken(ctx context.Context, token string, at time.Time) (*Invitation, error) {
	return invitationByToken(s.db.WithContext(ctx), token, at)
}

func invitationByToken(db *gorm.DB, token string, at time.Time) (*Invitation, error) {
	var inv Invitation
	err := db.Where("token_hash = ?", hashToken(token)).Take(&inv).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil, ErrTokenInvalid
	case err != nil:
		return nil, fmt.Errorf("find invitation: %w", err)
	case inv.UsedAt != nil:
		return nil, ErrInvitationUsed
	case !inv.ExpiresAt.After(at):
		return nil, ErrInvitationExpired
	}
	return &inv, nil
}

// AcceptInvitation uses an invitation link: in one transaction it marks
// the link used, creates the reviewer's account (or upgrades the customer
// account with the email), sets the password hashed by h, ends any other
// session of the account and writes the audit entry. It returns the
// account. A link that cannot be used gives an ErrTokenInvalid (see
// InvitationByToken); an account whose role changed to staff, admin or
// reseller since the invitation gives ErrInviteRole.
func (s *Store) AcceptInvitation(ctx context.Context, h *Hasher, token, name, password string, at time.Time) (*User, error) {
	name = strings.TrimSpace(name)
	var ve ValidationError
	validateNameAndPassword(&ve, name, password)
	if err := ve.orNil(); err != nil {
		return nil, err
	}
	// Hash before the transaction: it takes a while and SQLite has one
	// connection.
	hash, err := h.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	var userID int64
	err = s.Tx(ctx, func(tx *Store) error {
		db := tx.db
		inv, err := invitationByToken(forUpdate(db), token, at)
		if err != nil {
			return err
		}
		// The conditional update makes the link single-use even when two
		// requests race with it.
		res := db.Model(&Invitation{}).Where("id = ? AND used_at IS NULL", inv.ID).Update("used_at", at.UTC())
		if res.Error != nil {
			return fmt.Errorf("use invitation %d: %w", inv.ID, res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrInvitationUsed
		}
		var u User
		err = forUpdate(db).Where("email = ?", inv.Email).Take(&u).Error
		var before map[string]any
		action, summary := ActionCreate, fmt.Sprintf("reviewer account %s created from the invitation of %s", inv.Email, inv.InvitedBy)
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			u = User{Email: inv.Email, Name: name, Role: RoleReviewer, PasswordHash: hash, Active: true,
				SessionEpoch: 1, Version: 1}
			if err := db.Create(&u).Error; err != nil {
				return fmt.Errorf("create reviewer %s: %w", inv.Email, err)
			}
		case err != nil:
			return fmt.Errorf("look up invited account: %w", err)
		case u.Role != RoleCustomer && u.Role != RoleReviewer:
			return ErrInviteRole
		default:
			before = map[string]any{"email": u.Email, "role": u.Role, "active": u.Active}
			action = ActionRole
			summary = fmt.Sprintf("role of %s: %s → %s, from the invitation of %s (password set, sessions ended)",
				u.Email, u.Role, RoleReviewer, inv.InvitedBy)
			updates := map[string]any{"role": RoleReviewer, "active": true, "password_hash": hash,
				"session_epoch": u.SessionEpoch + 1, "version": u.Version + 1, "updated_at": db.NowFunc()}
			if name != "" {
				updates["name"] = name
			}
			if err := db.Model(&User{}).Where("id = ?", u.ID).Updates(updates).Error; err != nil {
				return fmt.Errorf("upgrade %s to reviewer: %w", u.Email, err)
			}
		}
		userID = u.ID
		if err := db.Model(&Invitation{}).Where("id = ?", inv.ID).Update("user_id", u.ID).Error; err != nil {
			return fmt.Errorf("link invitation %d to user %d: %w", inv.ID, u.ID, err)
		}
		return writeAudit(db, inv.Email, action, EntityUser, u.ID, summary, before,
			map[string]any{"email": u.Email, "role": RoleReviewer, "active": true, "invitation": inv.ID})
	})
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, userID)
}

// PendingInvitations lists the invitations that can still be used at at,
// newest first, for the users page.
func (s *Store) PendingInvitations(ctx context.Context, at time.Time) ([]Invitation, error) {
	var out []Invitation
	err := s.db.WithContext(ctx).Where("used_at IS NULL AND expires_at > ?", at.UTC()).
		Order("id DESC").Limit(100).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list pending invitations: %w", err)
	}
	return out, nil
}
