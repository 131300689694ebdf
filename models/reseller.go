package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// A customer applies for wholesale with their business's details; CIAP
// staff approve or reject the application with a message. Approval gives
// the account the reseller role through the one path that changes roles
// (changeUser), and each decision is one transaction: the application's
// status, the role, the audit entries and the applicant's mail job commit
// together or not at all.

// ApplicationStatus is where a reseller application stands.
type ApplicationStatus string

// The statuses of an application: pending until staff decide.
const (
	ApplicationPending  ApplicationStatus = "pending"
	ApplicationApproved ApplicationStatus = "approved"
	ApplicationRejected ApplicationStatus = "rejected"
)

// ApplicationStatuses lists the statuses, for the back office's filter.
var ApplicationStatuses = []ApplicationStatus{ApplicationPending, ApplicationApproved, ApplicationRejected}

// Valid reports whether st is one of ApplicationStatuses.
func (st ApplicationStatus) Valid() bool { return slices.Contains(ApplicationStatuses, st) }

// EntityResellerApplication names applications in the audit log.
const EntityResellerApplication = "reseller_application"

// Audit actions of a decision on an application.
const (
	ActionApprove = "approve"
	ActionReject  = "reject"
)

// Lengths of an application's fields.
const (
	MaxBusinessNameLen = 160
	MaxAddressLen      = 300
	MaxMarketLen       = 160
	MaxDecisionMessage = 1000
)

// ResellerApplication is one account's application for wholesale.
type ResellerApplication struct {
	ID     int64
	UserID int64
	// User is the applicant, loaded for the back office.
	User         *User `gorm:"foreignKey:UserID"`
	BusinessName string
	RUC          string `gorm:"column:ruc"`
	Address      string
	Market       string // the market stall or shop the reseller sells from
	Phone        string
	// Lang is the language the applicant wrote in: the decision's mail is
	// written in it.
	Lang   string
	Status ApplicationStatus
	// Message is staff's word to the applicant with the decision
	// (required for a rejection).
	Message   string
	DecidedBy string
	DecidedAt *time.Time
	// Version is bumped by the decision, so a decision made from a stale
	// page is refused.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName is part of the migration history.
func (ResellerApplication) TableName() string { return "reseller_applications" }

// ApplicationInput is what an applicant types. Field names are the form's.
type ApplicationInput struct {
	BusinessName string
	RUC          string
	Address      string
	Market       string
	Phone        string
	Lang         string
}

// Validate trims the fields and checks them, the RUC included (ParseRUC).
func (in *ApplicationInput) Validate() error {
	var v ValidationError
	for _, f := range []*string{&in.BusinessName, &in.Address, &in.Market, &in.Phone} {
		*f = strings.TrimSpace(*f)
	}
	for _, l := range []struct {
		field, val string
		max        int
	}{{"business_name", in.BusinessName, MaxBusinessNameLen}, {"address", in.Address, MaxAddressLen},
		{"market", in.Market, MaxMarketLen}} {
		switch {
		case l.val == "":
			v.add(l.field, CodeRequired)
		case len([]rune(l.val)) > l.max:
			v.add(l.field, CodeTooLong, "Max", l.max)
		case strings.ContainsAny(l.val, "\t\n\r"):
			// The business name goes into the decision mail's subject,
			// which the mailer refuses with a line break in it: the
			// applicant would never hear back. The documents print them
			// on one line. Other control characters are refused at the
			// edge (handlers/request_input.go), for every form.
			v.add(l.field, CodeOneLine)
		}
	}
	ruc, err := ParseRUC(in.RUC)
	if err != nil {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		v.addError("ruc", ve.Fields["ruc"])
	} else {
		in.RUC = ruc
	}
	if !phoneRE.MatchString(in.Phone) {
		v.add("phone", CodePhone)
	}
	in.Lang = orderLanguage(in.Lang)
	return v.orNil()
}

// Sentinel errors of applications.
var (
	// ErrApplicationPending: the account already has an application
	// waiting for staff.
	ErrApplicationPending = fmt.Errorf("%w: an application is already pending", ErrConflict)
	// ErrNotApplicant: only a customer account applies, and only a
	// customer account becomes a reseller (an admin or reviewer must not
	// lose their role to an approval).
	ErrNotApplicant = errors.New("only a customer account can apply for wholesale")
)

// DecidedError: the application was decided by someone else first.
type DecidedError struct {
	Status ApplicationStatus
	By     string
}

func (e *DecidedError) Error() string {
	return fmt.Sprintf("the application was already %s by %s", e.Status, e.By)
}

// Is lets errors.Is(err, ErrConflict) match.
func (e *DecidedError) Is(target error) bool { return target == ErrConflict }

// ApplyForWholesale records a customer's application for wholesale. The account must
// be an active customer with no application pending (ErrNotApplicant,
// ErrApplicationPending); a rejected applicant may apply again.
func (s *Store) ApplyForWholesale(ctx context.Context, userID int64, in ApplicationInput) (*ResellerApplication, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	a := &ResellerApplication{UserID: userID, BusinessName: in.BusinessName, RUC: in.RUC, Address: in.Address,
		Market: in.Market, Phone: in.Phone, Lang: in.Lang, Status: ApplicationPending, Version: 1}
	err := s.Tx(ctx, func(tx *Store) error {
		var u User
		if err := forUpdate(tx.db).Take(&u, userID).Error; err != nil {
			return dbError(err, fmt.Sprintf("applicant %d", userID))
		}
		if u.Role != RoleCustomer || !u.Active {
			return ErrNotApplicant
		}
		// The partial unique index refuses a second pending row even when
		// two submits race past this check.
		if err := tx.db.Omit("User").Create(a).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrApplicationPending
			}
			return fmt.Errorf("store the application of user %d: %w", userID, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// LatestApplication is an account's newest application (ErrNotFound when
// it never applied).
func (s *Store) LatestApplication(ctx context.Context, userID int64) (*ResellerApplication, error) {
	var a ResellerApplication
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id DESC").Take(&a).Error; err != nil {
		return nil, dbError(err, fmt.Sprintf("application of user %d", userID))
	}
	return &a, nil
}

// ApplicationByID loads one application with its applicant.
func (s *Store) ApplicationByID(ctx context.Context, id int64) (*ResellerApplication, error) {
	var a ResellerApplication
	if err := s.db.WithContext(ctx).Preload("User").Take(&a, id).Error; err != nil {
		return nil, dbError(err, fmt.Sprintf("reseller application %d", id))
	}
	return &a, nil
}

// ApplicationPage is one page of the applications list.
type ApplicationPage = Page[ResellerApplication]

// Applications lists applications with their applicants, oldest pending
// first when listing the pending ones (the queue staff work through),
// newest first otherwise; status "" means any.
func (s *Store) Applications(ctx context.Context, status ApplicationStatus, page, perPage int) (ApplicationPage, error) {
	if perPage <= 0 || perPage > MaxPerPage {
		perPage = 50
	}
	page = max(page, 1)
	out := ApplicationPage{Page: page, PerPage: perPage}
	q := s.db.WithContext(ctx).Model(&ResellerApplication{})
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if err := q.Session(&gorm.Session{}).Count(&out.Total).Error; err != nil {
		return out, fmt.Errorf("count reseller applications: %w", err)
	}
	order := "id DESC"
	if status == ApplicationPending {
		order = "id"
	}
	if err := q.Preload("User").Order(order).Limit(perPage).Offset((page - 1) * perPage).Find(&out.Items).Error; err != nil {
		return out, fmt.Errorf("list reseller applications: %w", err)
	}
	return out, nil
}

// PendingApplications counts the applications waiting for staff, for the
// back office's front page.
func (s *Store) PendingApplications(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&ResellerApplication{}).Where("status = ?", ApplicationPending).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count pending reseller applications: %w", err)
	}
	return n, nil
}

// ApplicationsWithRUC lists the other applications giving the same RUC,
// newest first, so staff see a business applying from several accounts.
func (s *Store) ApplicationsWithRUC(ctx context.Context, a *ResellerApplication, limit int) ([]ResellerApplication, error) {
	var out []ResellerApplication
	err := s.db.WithContext(ctx).Preload("User").Where("ruc = ? AND id <> ?", a.RUC, a.ID).
		Order("id DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("applications with RUC %s: %w", a.RUC, err)
	}
	return out, nil
}

// Decision is staff's answer to an application, made from a page that
// showed Version.
type Decision struct {
	ID      int64
	Version int64
	Approve bool
	// Message goes to the applicant; required for a rejection.
	Message string
}

// ResellerMailArgs asks for the mail telling an applicant staff's
// decision (worker: handlers). It carries only the application's ID: the
// mail is composed when sent, in the applicant's language.
type ResellerMailArgs struct {
	ApplicationID int64 `json:"application_id"`
}

// Kind is River's name for the job.
func (ResellerMailArgs) Kind() string { return "reseller_mail" }

// DecideApplication approves or rejects a pending application in one
// transaction: the application's status and message, on approval the
// applicant's role (customer → reseller, through changeUser, which ends
// their sessions and writes its own audit entry), the decision's audit
// entry and the applicant's mail job. Two staff deciding at once: the
// conditional update lets exactly one win; the other gets a *DecidedError
// (or ErrStale when the page was older than a decision already made).
func (e *Editor) DecideApplication(ctx context.Context, d Decision) (*ResellerApplication, error) {
	d.Message = strings.TrimSpace(d.Message)
	switch {
	case !d.Approve && d.Message == "":
		return nil, Invalid("message", CodeRequired)
	case len([]rune(d.Message)) > MaxDecisionMessage:
		return nil, Invalid("message", CodeTooLong, "Max", MaxDecisionMessage)
	}
	if err := e.check(); err != nil {
		return nil, err
	}
	var after ResellerApplication
	err := e.s.Tx(ctx, func(tx *Store) error {
		db := tx.db
		var before ResellerApplication
		if err := forUpdate(db).Take(&before, d.ID).Error; err != nil {
			return dbError(err, fmt.Sprintf("reseller application %d", d.ID))
		}
		if before.Status != ApplicationPending {
			return &DecidedError{Status: before.Status, By: before.DecidedBy}
		}
		if before.Version != d.Version {
			return staleError(EntityResellerApplication, d.ID, d.Version, before.Version)
		}
		after = before
		after.Status, after.Message, after.DecidedBy = ApplicationRejected, d.Message, e.actor
		if d.Approve {
			after.Status = ApplicationApproved
		}
		now := db.NowFunc()
		after.DecidedAt, after.Version, after.UpdatedAt = &now, before.Version+1, now
		// Conditional on still pending at the version seen: on PostgreSQL
		// a racing decision waits on the row lock above, then finds it
		// decided; this guard holds even without the lock.
		res := db.Model(&ResellerApplication{}).Where("id = ? AND status = ? AND version = ?", d.ID, ApplicationPending, d.Version).
			Updates(map[string]any{"status": after.Status, "message": after.Message, "decided_by": after.DecidedBy,
				"decided_at": now, "version": after.Version, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("decide reseller application %d: %w", d.ID, res.Error)
		}
		if res.RowsAffected != 1 {
			return staleError(EntityResellerApplication, d.ID, d.Version, d.Version+1)
		}
		// Read, not locked: changeUser takes its locks in its own order
		// (active admins, then the user) and refuses a user changed since
		// this read, so a concurrent edit of the applicant cannot deadlock
		// with this decision.
		var u User
		if err := db.Take(&u, before.UserID).Error; err != nil {
			return dbError(err, fmt.Sprintf("applicant %d", before.UserID))
		}
		if d.Approve {
			switch u.Role {
			case RoleReseller: // made a reseller some other way meanwhile
			case RoleCustomer:
				if _, _, err := changeUser(db, e.actor, UserChange{ID: u.ID, Version: u.Version, Role: RoleReseller, Active: u.Active}); err != nil {
					return fmt.Errorf("make user %d a reseller: %w", u.ID, err)
				}
			default:
				return ErrNotApplicant
			}
		}
		verb, action := "rejected", ActionReject
		if d.Approve {
			verb, action = "approved", ActionApprove
		}
		summary := fmt.Sprintf("%s the wholesale application of %s (%s, RUC %s)", verb, u.Email, before.BusinessName, before.RUC)
		if err := writeAudit(db, e.actor, action, EntityResellerApplication, d.ID, summary,
			before.auditView(), after.auditView()); err != nil {
			return err
		}
		return tx.Enqueue(ctx, ResellerMailArgs{ApplicationID: d.ID})
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// auditView is what the audit log keeps of an application.
func (a *ResellerApplication) auditView() map[string]any {
	return map[string]any{"user_id": a.UserID, "business_name": a.BusinessName, "ruc": a.RUC,
		"application_status": a.Status, "decision_message": a.Message}
}
