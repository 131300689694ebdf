package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// What staff do to an order. Each action is one models call (one
// transaction with its audit entry); success answers 303 to the order's
// page with a message, a refusal re-renders the page with the form as
// typed and the reason next to it.

// orderForm starts a staff action on an order: the reader's language, the
// order's id from the path and the posted form.
func (s *Server) orderForm(c echo.Context) (*Localizer, int64, *formReader, error) {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return nil, 0, nil, err
	}
	posted, _ := c.FormParams()
	return l, id, newFormReader(l, posted), nil
}

// adminOrderCancel cancels an unpaid order: its stock returns and the
// buyer is told by mail. A paid order is refused (it is refunded).
func (s *Server) adminOrderCancel(c echo.Context) error {
	l, id, f, err := s.orderForm(c)
	if err != nil {
		return err
	}
	posted := f.v
	note := f.note("cancel_note")
	if len(f.errs) > 0 {
		return s.orderRefused(c, l, id, http.StatusBadRequest, "", orderForms{cancel: posted, cancelErr: f.errs})
	}
	o, err := s.store.StaffCancelOrder(c.Request().Context(), id, s.actor(c), note)
	var te *models.TransitionError
	switch {
	case errors.As(err, &te):
		problem := l.T("admin.order.cancel.refused", "Status", orderStatusLabel(l, te.From))
		return s.orderRefused(c, l, id, http.StatusConflict, problem, orderForms{cancel: posted})
	case err != nil:
		return err
	}
	s.flash(c, l.T("admin.order.cancel.done", "Number", o.Number))
	return seeOther(c, idPath("/admin/orders", id))
}

// adminOrderTransfer records a bank transfer through the one function that
// marks orders paid. A transfer that cannot pay the order is kept as
// refused and flags the order; the message says so plainly.
func (s *Server) adminOrderTransfer(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	amount := f.amount("amount")
	received := s.transferDate(f)
	in := models.BankTransfer{OrderID: id, Amount: models.Soles(amount), ReceivedAt: received,
		Reference: f.str("reference"), Actor: s.actor(c), Note: f.note("transfer_note")}
	if in.Reference == "" {
		f.fail("reference", "admin.error.bank_reference")
	}
	if len(f.errs) > 0 {
		return s.orderRefused(c, l, id, http.StatusBadRequest, l.T("admin.form.fix"), orderForms{transfer: posted, transferErr: f.errs})
	}
	o, recorded, err := s.store.RecordBankTransfer(ctx, in)
	var refused *models.PaymentRefusedError
	var ve *models.ValidationError
	switch {
	case errors.As(err, &refused):
		if recorded {
			s.flash(c, l.T("admin.order.transfer.refused."+string(refused.Reason),
				"Paid", l.Money(refused.Paid), "Due", l.Money(refused.Due), "Number", refused.Number))
		} else {
			s.flash(c, l.T("admin.order.transfer.again", "Reference", in.Reference))
		}
	case errors.As(err, &ve):
		return s.orderRefused(c, l, id, http.StatusBadRequest, l.T("admin.form.fix"),
			orderForms{transfer: posted, transferErr: f.merge(err)})
	case err != nil:
		return err
	case !recorded:
		s.flash(c, l.T("admin.order.transfer.again", "Reference", in.Reference))
	default:
		s.flash(c, l.T("admin.order.transfer.paid", "Number", o.Number, "Amount", l.Money(in.Amount)))
	}
	return seeOther(c, idPath("/admin/orders", id))
}

// transferDate reads the day the transfer arrived (Peru time): not in the
// future. It is stored as that day's start in Peru.
func (s *Server) transferDate(f *formReader) time.Time {
	v := f.str("received_on")
	if v == "" {
		f.fail("received_on", "admin.error.required")
		return time.Time{}
	}
	d, err := time.ParseInLocation(time.DateOnly, v, shopZone)
	if err != nil {
		f.fail("received_on", "admin.order.error.date")
		return time.Time{}
	}
	today := s.acct.now().In(shopZone)
	if d.After(today) {
		f.fail("received_on", "admin.order.error.future_date")
		return time.Time{}
	}
	return d
}

// adminOrderResolve clears an order's flag with a note saying what was done.
func (s *Server) adminOrderResolve(c echo.Context) error {
	l, id, f, err := s.orderForm(c)
	if err != nil {
		return err
	}
	posted := f.v
	note := f.note("resolve_note")
	if note == "" {
		f.fail("resolve_note", "admin.error.transition_note")
	}
	if len(f.errs) > 0 {
		return s.orderRefused(c, l, id, http.StatusBadRequest, "", orderForms{resolve: posted, resolveErr: f.errs})
	}
	if err := s.store.ResolveOrderAttention(c.Request().Context(), id, s.actor(c), note); err != nil {
		return err
	}
	s.flash(c, l.T("admin.order.resolve.done"))
	return seeOther(c, idPath("/admin/orders", id))
}

// orderRefused re-renders the order page with a refused form as typed.
func (s *Server) orderRefused(c echo.Context, l *Localizer, id int64, status int, problem string, forms orderForms) error {
	o, err := s.store.OrderByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v, err := s.orderView(c, l, o, forms)
	if err != nil {
		return err
	}
	v.Problem = problem
	return s.renderAdmin(c, status, "admin_order", l.T("admin.order.title", "Number", o.Number), l, v)
}
