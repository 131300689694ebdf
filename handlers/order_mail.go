package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ciap/qhatu/mailer"
	"github.com/ciap/qhatu/models"
	"github.com/riverqueue/river"
)

// The buyer's mails about an order: received (with the bank details and
// the reference for a bank transfer), paid, cancelled, shipped (with the
// carrier and tracking number). The job
// (models.OrderMailArgs) carries only the order's ID and is enqueued in
// the transaction of the change it tells about; the mail is composed when
// it is sent, in the language the buyer checked out in, and holds the
// order's private link as a secret (the outbox, which admins read, never
// shows it).

// orderMailWorker sends models.OrderMailArgs.
type orderMailWorker struct {
	river.WorkerDefaults[models.OrderMailArgs]
	s *Server
}

// Work composes and sends one mail (sendJobMail).
func (w *orderMailWorker) Work(ctx context.Context, job *river.Job[models.OrderMailArgs]) error {
	s := w.s
	return s.sendJobMail(ctx, fmt.Sprintf("%s mail of order %d", job.Args.Mail, job.Args.OrderID), func() (mailer.Message, error) {
		o, err := s.store.OrderByID(ctx, job.Args.OrderID)
		if err != nil {
			return mailer.Message{}, err
		}
		sh, err := s.shipmentFor(ctx, o, job.Args.Mail)
		if err != nil {
			return mailer.Message{}, err
		}
		msg, err := s.orderMail(o, job.Args.Mail, sh)
		if err != nil {
			return msg, river.JobCancel(err)
		}
		return msg, nil
	})
}

// sendJobMail is the end of every worker that composes its mail from the
// database when it runs: compose reads the record and writes the mail
// (a record gone, or an error compose marks with river.JobCancel, gives
// the mail up; another error is retried), then the mail is sent; a send
// that failed is retried by River, one that can never succeed (a bad
// address) is given up.
func (s *Server) sendJobMail(ctx context.Context, what string, compose func() (mailer.Message, error)) error {
	msg, err := compose()
	if errors.Is(err, models.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if err := s.acct.mail.Send(ctx, msg); err != nil {
		if errors.Is(err, mailer.ErrBadMessage) {
			return river.JobCancel(err)
		}
		return fmt.Errorf("send %s: %w", what, err)
	}
	s.log.Info("mail sent", "mail", what)
	return nil
}

// shipmentFor reads the order's shipment when the mail tells it.
func (s *Server) shipmentFor(ctx context.Context, o *models.Order, kind models.OrderMail) (*models.Shipment, error) {
	if kind != models.OrderMailShipped {
		return nil, nil
	}
	return s.store.ShipmentOfOrder(ctx, o.ID)
}

// orderMail composes one of an order's mails in the order's language; sh
// is the order's shipment, for the "shipped" mail.
func (s *Server) orderMail(o *models.Order, kind models.OrderMail, sh *models.Shipment) (mailer.Message, error) {
	l := s.tr.For(o.Lang)
	link := s.absURL(orderPath(o))
	var b strings.Builder
	line := func(id string, args ...any) { b.WriteString(l.T(id, args...) + "\n") }
	line("order.mail.greeting", "Name", o.Customer.Name)
	b.WriteString("\n")
	var subject string
	switch kind {
	case models.OrderMailReceived:
		subject = l.T("order.mail.received_subject", "Number", o.Number)
		line("order.mail.received_intro", "Number", o.Number)
		b.WriteString("\n")
		for i := range o.Lines {
			ol := &o.Lines[i]
			line("order.mail.line", "Quantity", ol.Quantity, "Name", ol.Name(l.Lang()), "Amount", l.Money(ol.Total()))
		}
		line("order.mail.shipping", "Zone", l.T("zone."+string(o.ShippingZoneCode)), "Amount", l.Money(o.Shipping()))
		line("order.mail.total", "Amount", l.Money(o.Total()))
		line("order.mail.to_artisans", "Amount", l.Money(o.PaidToArtisans()))
		b.WriteString("\n")
		if o.Method == models.PaymentBankTransfer {
			bank := s.cfg.Payments.Bank
			line("order.mail.bank_intro", "Amount", l.Money(o.Total()), "Deadline", shopDateTime(o.ExpiresAt))
			if bank.Placeholder {
				line("order.bank.placeholder")
			}
			line("order.mail.bank_details", "Bank", bank.Bank, "Holder", bank.Holder, "Account", bank.Account, "CCI", bank.CCI)
			line("order.mail.bank_reference", "Number", o.Number)
		} else {
			line("order.mail.card_intro")
		}
		if d := documentsOf(o); d != nil {
			line("order.mail.proforma", "Link", s.absURL(d.Proforma))
		}
	case models.OrderMailPaid:
		subject = l.T("order.mail.paid_subject", "Number", o.Number)
		line("order.mail.paid_intro", "Number", o.Number, "Amount", l.Money(o.Total()))
		line("order.mail.paid_next", "Min", o.ShippingMinDays, "Max", o.ShippingMaxDays)
		if d := documentsOf(o); d != nil && d.Receipt != "" {
			line("order.mail.receipt", "Link", s.absURL(d.Receipt))
		}
	case models.OrderMailCancelled:
		subject = l.T("order.mail.cancelled_subject", "Number", o.Number)
		line("order.mail.cancelled_intro", "Number", o.Number)
	case models.OrderMailShipped:
		if sh == nil {
			return mailer.Message{}, fmt.Errorf("order %s: shipped mail without a shipment", o.Number)
		}
		subject = l.T("order.mail.shipped_subject", "Number", o.Number)
		line("order.mail.shipped_intro", "Number", o.Number)
		line("order.mail.shipped_carrier", "Carrier", sh.Carrier)
		line("order.mail.shipped_tracking", "Tracking", sh.TrackingNumber)
		line("order.mail.shipped_days", "Min", o.ShippingMinDays, "Max", o.ShippingMaxDays)
	default:
		return mailer.Message{}, fmt.Errorf("order %s: unknown mail %q", o.Number, kind)
	}
	b.WriteString("\n")
	line("order.mail.link", "Link", link)
	b.WriteString("\n")
	line("order.mail.signature")
	return mailer.Message{To: o.Customer.Email, Subject: subject, Body: b.String(), Secrets: []string{link}}, nil
}
