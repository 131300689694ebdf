package models

import (
	"context"
	"fmt"
	"time"
)

// OutboxMail is an email the shop wrote to its outbox instead of sending
// it (no SMTP server configured). Admins read them in the back office.
type OutboxMail struct {
	ID        int64
	To        string `gorm:"column:to_address"`
	Subject   string
	Body      string
	CreatedAt time.Time
}

// TableName keeps the table name singular, as the migration spells it.
func (OutboxMail) TableName() string { return "outbox" }

// SaveMail writes one email to the outbox.
func (s *Store) SaveMail(ctx context.Context, to, subject, body string) error {
	m := OutboxMail{To: to, Subject: subject, Body: body}
	if err := s.db.WithContext(ctx).Create(&m).Error; err != nil {
		return fmt.Errorf("write mail to %s to the outbox: %w", to, err)
	}
	return nil
}

// OutboxPage is one page of the outbox, newest first.
type OutboxPage = Page[OutboxMail]

// ListOutbox returns a page of the outbox, optionally only mail to one
// address.
func (s *Store) ListOutbox(ctx context.Context, to string, page, perPage int) (OutboxPage, error) {
	if perPage <= 0 || perPage > MaxPerPage {
		perPage = 50
	}
	page = max(page, 1)
	p := OutboxPage{Page: page, PerPage: perPage}
	q := s.db.WithContext(ctx).Model(&OutboxMail{})
	if to != "" {
		q = q.Where("to_address = ?", NormalizeEmail(to))
	}
	if err := q.Count(&p.Total).Error; err != nil {
		return p, fmt.Errorf("count outbox: %w", err)
	}
	if err := q.Order("created_at DESC, id DESC").Limit(perPage).Offset((page - 1) * perPage).
		Find(&p.Items).Error; err != nil {
		return p, fmt.Errorf("list outbox: %w", err)
	}
	return p, nil
}
