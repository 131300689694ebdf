package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// withDetails loads an order's lines, payments and status history with it.
func withDetails(q *gorm.DB) *gorm.DB {
	return q.Preload("Lines", func(db *gorm.DB) *gorm.DB { return db.Order("line_no") }).
		Preload("Payments", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		Preload("History", func(db *gorm.DB) *gorm.DB { return db.Order("id") })
}

func (s *Store) order(ctx context.Context, what string, where string, args ...any) (*Order, error) {
	var o Order
	if err := withDetails(s.db.WithContext(ctx)).Where(where, args...).Take(&o).Error; err != nil {
		return nil, dbError(err, what)
	}
	return &o, nil
}

// OrderByToken loads an order by its private link's token, with lines,
// payments and history. What cannot be a token is not looked up.
func (s *Store) OrderByToken(ctx context.Context, token string) (*Order, error) {
	if len(token) != OrderTokenLen {
		return nil, fmt.Errorf("order by token: %w", ErrNotFound)
	}
	return s.order(ctx, "order by token", "token = ?", token)
}

// OrderByNumber loads an order by its number, with its details.
func (s *Store) OrderByNumber(ctx context.Context, number string) (*Order, error) {
	if !ValidOrderNumber(number) {
		return nil, fmt.Errorf("order %.40q: %w", number, ErrNotFound)
	}
	return s.order(ctx, "order "+number, "number = ?", number)
}

// OrderByID loads an order with its details (the back office).
func (s *Store) OrderByID(ctx context.Context, id int64) (*Order, error) {
	return s.order(ctx, fmt.Sprintf("order %d", id), "id = ?", id)
}

// OrderByCheckoutSession loads the order a Stripe Checkout Session pays.
func (s *Store) OrderByCheckoutSession(ctx context.Context, sessionID string) (*Order, error) {
	if sessionID == "" || len(sessionID) > 255 {
		return nil, fmt.Errorf("order by checkout session: %w", ErrNotFound)
	}
	return s.order(ctx, "order by checkout session", "checkout_session_id = ?", sessionID)
}

// OrderPage is one page of orders (without their details), newest first.
type OrderPage = Page[Order]

// OrderFilter selects orders for the back office. Zero values mean "any".
type OrderFilter struct {
	Status OrderStatus
	// UserID lists one account's orders ("my orders").
	UserID int64
	// Channel keeps one channel's orders (the reseller area's wholesale).
	Channel        Channel
	From           time.Time // placed at or after
	To             time.Time // placed before
	Query          string    // an order number (or part of one) or part of an email
	NeedsAttention bool
	Page           int // 1-based
	PerPage        int
}

// UserOrders lists an account's orders, newest first.
func (s *Store) UserOrders(ctx context.Context, userID int64, page, perPage int) (OrderPage, error) {
	if userID == 0 {
		return OrderPage{Page: 1, PerPage: DefaultPerPage}, nil
	}
	return s.ListOrders(ctx, OrderFilter{UserID: userID, Page: page, PerPage: perPage})
}

// ListOrders returns one page of orders, newest first: the back office's
// list, filtered by status, date and a search by number or email.
func (s *Store) ListOrders(ctx context.Context, f OrderFilter) (OrderPage, error) {
	if f.PerPage <= 0 || f.PerPage > MaxPerPage {
		f.PerPage = DefaultPerPage
	}
	if f.Page < 1 {
		f.Page = 1
	}
	q := s.db.WithContext(ctx).Model(&Order{})
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.UserID != 0 {
		q = q.Where("user_id = ?", f.UserID)
	}
	if f.Channel != "" {
		q = q.Where("channel = ?", f.Channel)
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To.UTC())
	}
	if f.NeedsAttention {
		q = q.Where("needs_attention = ?", true)
	}
	if text := strings.ToLower(strings.TrimSpace(f.Query)); text != "" {
		if len([]rune(text)) > MaxQueryLen {
			text = string([]rune(text)[:MaxQueryLen])
		}
		pat := "%" + likeEscaper.Replace(text) + "%"
		q = q.Where(`(LOWER(number) LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\')`, pat, pat)
	}
	page := OrderPage{Page: f.Page, PerPage: f.PerPage}
	if err := q.Session(&gorm.Session{}).Count(&page.Total).Error; err != nil {
		return page, fmt.Errorf("count orders: %w", err)
	}
	err := q.Order("created_at DESC").Order("id DESC").Limit(f.PerPage).Offset((f.Page - 1) * f.PerPage).
		Find(&page.Items).Error
	if err != nil {
		return page, fmt.Errorf("list orders: %w", err)
	}
	return page, nil
}
