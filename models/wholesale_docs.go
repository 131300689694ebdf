package models

import (
	"context"
	"fmt"
)

// ApprovedApplication is an account's newest approved reseller
// application: the business name, RUC and address its wholesale documents
// are made out to (ErrNotFound when none was approved).
func (s *Store) ApprovedApplication(ctx context.Context, userID int64) (*ResellerApplication, error) {
	var a ResellerApplication
	err := s.db.WithContext(ctx).Where("user_id = ? AND status = ?", userID, ApplicationApproved).
		Order("decided_at DESC").Order("id DESC").Take(&a).Error
	if err != nil {
		return nil, dbError(err, fmt.Sprintf("approved application of user %d", userID))
	}
	return &a, nil
}

// UserWholesaleOrders lists an account's wholesale orders, newest first.
func (s *Store) UserWholesaleOrders(ctx context.Context, userID int64, page, perPage int) (OrderPage, error) {
	if userID == 0 {
		return OrderPage{Page: 1, PerPage: DefaultPerPage}, nil
	}
	return s.ListOrders(ctx, OrderFilter{UserID: userID, Channel: ChannelWholesale, Page: page, PerPage: perPage})
}

// WholesalePriceList is every product a reseller can order now, with its
// group, by slug: published, priced at retail and wholesale, its group
// active (the rule CheckWholesaleLines applies to a line).
func (s *Store) WholesalePriceList(ctx context.Context) ([]Product, error) {
	var ps []Product
	err := s.db.WithContext(ctx).Joins("Group").
		Where("products.published = ? AND products.retail_breakdown_id IS NOT NULL AND products.price_amount > 0", true).
		Where("products.wholesale_breakdown_id IS NOT NULL AND products.wholesale_price_amount > 0").
		Where(`"Group".active = ?`, true).
		Order("products.slug").Find(&ps).Error
	if err != nil {
		return nil, fmt.Errorf("wholesale price list: %w", err)
	}
	return ps, nil
}
