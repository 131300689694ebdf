package handlers

import (
	"context"

	"github.com/ciap/qhatu/mailer"
	"github.com/ciap/qhatu/models"
)

// OrderMailForTest composes an order's mail as the mail worker does.
func (s *Server) OrderMailForTest(ctx context.Context, orderID int64, kind models.OrderMail) (mailer.Message, error) {
	o, err := s.store.OrderByID(ctx, orderID)
	if err != nil {
		return mailer.Message{}, err
	}
	sh, err := s.shipmentFor(ctx, o, kind)
	if err != nil {
		return mailer.Message{}, err
	}
	return s.orderMail(o, kind, sh)
}
