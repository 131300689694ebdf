package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Fulfillment on the back office's order page: staff mark each group's
// work order ready, ship the order with its carrier and tracking number
// (the buyer is mailed), mark it delivered, and record refunds of chosen
// lines or of the whole order. Each action is one models call, one
// audited transaction; a refusal re-renders the order page with the form
// as typed and the reason.

// registerFulfillment adds the order page's fulfillment actions and the
// work orders and pick list pages.
func (s *Server) registerFulfillment(g guarded) {
	g.POST("/admin/orders/:id/work-orders/:wo/ready", s.adminWorkOrderReady)
	g.POST("/admin/orders/:id/ship", s.adminOrderShip)
	g.POST("/admin/orders/:id/deliver", s.adminOrderDeliver)
	g.POST("/admin/orders/:id/refund", s.adminOrderRefund)
	g.POST("/admin/orders/:id/refund-all", s.adminOrderRefundAll)
	g.GET("/admin/work-orders", s.adminWorkOrders)
	g.GET("/admin/work-orders/pick-list", s.adminPickList)
}

// workOrderView is one group's share of an order.
type workOrderView struct {
	W      *models.WorkOrder
	Group  string
	Status string
	Ready  bool
	Lines  []workOrderLineView
}

type workOrderLineView struct {
	Name     string
	Quantity int
}

// refundLineView is one order line in the refund form.
type refundLineView struct {
	ID                     int64
	Name                   string
	Quantity, Left         int
	Unit                   models.Money
	Qty, Restock           string // as typed
	QtyError, RestockError string
}

// orderFulfilView is the fulfillment part of the admin order page.
type orderFulfilView struct {
	WorkOrders  []workOrderView
	CanShip     bool // every work order ready and the order may ship
	CanReady    bool // the order is still being prepared
	Shipment    *models.Shipment
	ShippedAt   string
	CanDeliver  bool
	Ship        []fieldset
	Deliver     []fieldset
	CanRefund   bool
	RefundLines []refundLineView
	Refund      []fieldset
	RefundAll   []fieldset
	RefundError string // about the lines as a whole
}

var (
	shipSpecs = []fieldsetSpec{{Legend: "admin.order.ship.legend", Fields: []fieldSpec{
		{Name: "carrier", Label: "admin.order.ship.carrier", Hint: "admin.order.ship.carrier_hint", Type: "text", Required: true, MaxLength: 100},
		{Name: "tracking_number", Label: "admin.order.ship.tracking", Type: "text", Required: true, MaxLength: 100},
		{Name: "ship_note", Label: "admin.field.note", Type: "textarea", Rows: 2, MaxLength: maxNote},
	}}}
	deliverSpecs = []fieldsetSpec{{Legend: "admin.order.deliver.legend", Fields: []fieldSpec{
		{Name: "deliver_note", Label: "admin.field.note", Hint: "admin.order.deliver.note_hint", Type: "textarea", Rows: 2, MaxLength: maxNote},
	}}}
	refundSpecs = []fieldsetSpec{{Legend: "admin.order.refund.legend", Fields: []fieldSpec{
		{Name: "refund_reference", Label: "admin.order.refund.reference", Hint: "admin.order.refund.reference_hint", Type: "text", Required: true, MaxLength: 255},
		{Name: "refund_note", Label: "admin.field.note", Type: "textarea", Rows: 2, MaxLength: maxNote},
	}}}
	refundAllSpecs = []fieldsetSpec{{Legend: "admin.order.refund_all.legend", Fields: []fieldSpec{
		{Name: "refund_all_reference", Label: "admin.order.refund.reference", Hint: "admin.order.refund.reference_hint", Type: "text", Required: true, MaxLength: 255},
		{Name: "refund_all_note", Label: "admin.field.note", Type: "textarea", Rows: 2, MaxLength: maxNote},
	}}}
)

// fulfilForms are the values and messages of the fulfillment forms.
type fulfilForms struct {
	ship, deliver, refund, refundAll             url.Values
	shipErr, deliverErr, refundErr, refundAllErr map[string]string
	refundProblem                                string
}

// refundableStatus: an order paid and not refunded in full.
func refundableStatus(st models.OrderStatus) bool {
	return models.CanTransition(st, models.StatusRefunded)
}

// fulfilView builds the fulfillment part of the order page.
func (s *Server) fulfilView(c echo.Context, l *Localizer, o *models.Order, forms fulfilForms) (*orderFulfilView, error) {
	ctx := c.Request().Context()
	v := &orderFulfilView{}
	wos, err := s.store.WorkOrdersOfOrder(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for i := range o.Lines {
		names[o.Lines[i].ID] = o.Lines[i].Name(l.Lang())
	}
	ready := len(wos) > 0
	for i := range wos {
		w := &wos[i]
		g, err := s.store.GroupByID(ctx, w.GroupID)
		if err != nil {
			return nil, err
		}
		wv := workOrderView{W: w, Group: g.Name, Status: l.T("admin.work_orders.status." + string(w.Status)),
			Ready: w.Status == models.WorkOrderReady}
		for _, ln := range w.Lines {
			wv.Lines = append(wv.Lines, workOrderLineView{Name: names[ln.OrderLineID], Quantity: ln.Quantity})
		}
		ready = ready && wv.Ready
		v.WorkOrders = append(v.WorkOrders, wv)
	}
	if v.Shipment, err = s.store.ShipmentOfOrder(ctx, o.ID); err != nil {
		return nil, err
	}
	if v.Shipment != nil {
		v.ShippedAt = shopDateTime(v.Shipment.CreatedAt)
	}
	v.CanReady = v.Shipment == nil && (o.Status == models.StatusInFulfillment || o.Status == models.StatusPartiallyRefunded)
	v.CanShip = v.CanReady && ready
	v.CanDeliver = o.Status == models.StatusShipped
	v.CanRefund = refundableStatus(o.Status)
	v.Ship = buildForm(l, shipSpecs, forms.ship, forms.shipErr)
	v.Deliver = buildForm(l, deliverSpecs, forms.deliver, forms.deliverErr)
	v.Refund = buildForm(l, refundSpecs, forms.refund, forms.refundErr)
	v.RefundAll = buildForm(l, refundAllSpecs, forms.refundAll, forms.refundAllErr)
	v.RefundError = forms.refundProblem
	if !v.CanRefund {
		return v, nil
	}
	refunded, err := s.store.RefundedLinesOfOrder(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	done := map[int64]int{}
	for _, r := range refunded {
		done[r.OrderLineID] += r.Quantity
	}
	for i := range o.Lines {
		ln := &o.Lines[i]
		id := strconv.FormatInt(ln.ID, 10)
		rv := refundLineView{ID: ln.ID, Name: ln.Name(l.Lang()), Quantity: ln.Quantity, Left: ln.Quantity - done[ln.ID],
			Unit: ln.Unit(), Qty: forms.refund.Get("qty_" + id), Restock: forms.refund.Get("restock_" + id),
			QtyError: forms.refundErr["qty_"+id], RestockError: forms.refundErr["restock_"+id]}
		v.RefundLines = append(v.RefundLines, rv)
	}
	return v, nil
}

// transitionProblem says, in the reader's words, why a status change was
// refused; "" when err is no TransitionError.
func transitionProblem(l *Localizer, err error) string {
	var te *models.TransitionError
	if errors.As(err, &te) {
		return l.T("admin.order.transition_refused", "Status", orderStatusLabel(l, te.From),
			"To", orderStatusLabel(l, te.To))
	}
	return ""
}

// adminWorkOrderReady marks one group's work order ready.
func (s *Server) adminWorkOrderReady(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	wo, err := idParam(c, "wo")
	if err != nil {
		return err
	}
	changed, err := s.store.MarkWorkOrderReady(c.Request().Context(), id, wo, s.actor(c))
	if p := transitionProblem(l, err); p != "" {
		return s.orderRefused(c, l, id, http.StatusConflict, p, orderForms{fulfil: fulfilForms{}})
	}
	if err != nil {
		return err
	}
	if changed {
		s.flash(c, l.T("admin.order.ready.done"))
	} else {
		s.flash(c, l.T("admin.order.ready.again"))
	}
	return seeOther(c, idPath("/admin/orders", id))
}

// adminOrderShip marks the order shipped with carrier and tracking number.
func (s *Server) adminOrderShip(c echo.Context) error {
	l, id, f, err := s.orderForm(c)
	if err != nil {
		return err
	}
	posted := f.v
	in := models.ShipInput{OrderID: id, Carrier: f.str("carrier"), TrackingNumber: f.str("tracking_number"),
		Actor: s.actor(c), Note: f.str("ship_note")}
	o, err := s.store.ShipOrder(c.Request().Context(), in)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		errs := f.merge(err)
		if m, ok := errs["note"]; ok {
			errs["ship_note"] = m
		}
		return s.orderRefused(c, l, id, http.StatusBadRequest, l.T("admin.form.fix"),
			orderForms{fulfil: fulfilForms{ship: posted, shipErr: errs}})
	case errors.Is(err, models.ErrWorkOrdersOpen):
		return s.orderRefused(c, l, id, http.StatusConflict, l.T("admin.order.ship.not_ready"), orderForms{fulfil: fulfilForms{ship: posted}})
	case errors.Is(err, models.ErrProductionPending):
		return s.orderRefused(c, l, id, http.StatusConflict, l.T("admin.order.ship.production_pending"), orderForms{fulfil: fulfilForms{ship: posted}})
	case transitionProblem(l, err) != "":
		return s.orderRefused(c, l, id, http.StatusConflict, transitionProblem(l, err), orderForms{fulfil: fulfilForms{ship: posted}})
	case err != nil:
		return err
	}
	s.flash(c, l.T("admin.order.ship.done", "Number", o.Number))
	return seeOther(c, idPath("/admin/orders", id))
}

// adminOrderDeliver marks a shipped order delivered.
func (s *Server) adminOrderDeliver(c echo.Context) error {
	l, id, f, err := s.orderForm(c)
	if err != nil {
		return err
	}
	posted := f.v
	note := f.note("deliver_note")
	if len(f.errs) > 0 {
		return s.orderRefused(c, l, id, http.StatusBadRequest, l.T("admin.form.fix"),
			orderForms{fulfil: fulfilForms{deliver: posted, deliverErr: f.errs}})
	}
	o, err := s.store.DeliverOrder(c.Request().Context(), id, s.actor(c), note)
	if p := transitionProblem(l, err); p != "" {
		return s.orderRefused(c, l, id, http.StatusConflict, p, orderForms{fulfil: fulfilForms{deliver: posted}})
	}
	if err != nil {
		return err
	}
	s.flash(c, l.T("admin.order.deliver.done", "Number", o.Number))
	return seeOther(c, idPath("/admin/orders", id))
}

// adminOrderRefund records a refund of chosen lines: for each line the
// pieces refunded and, of those, the pieces back in stock. The amount is
// the lines' snapshotted prices times the pieces, computed here, never
// typed.
func (s *Server) adminOrderRefund(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	o, err := s.store.OrderByID(ctx, id)
	if err != nil {
		return err
	}
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	var lines []models.RefundLine
	amount := models.Money{Currency: o.Currency}
	for i := range o.Lines {
		ln := &o.Lines[i]
		key := strconv.FormatInt(ln.ID, 10)
		qty := f.integer("qty_"+key, false)
		restock := f.integer("restock_"+key, false)
		switch {
		case qty < 0 || qty > ln.Quantity:
			f.fail("qty_"+key, "admin.order.refund.bad_quantity", "Count", ln.Quantity)
			continue
		case restock < 0 || restock > qty:
			f.fail("restock_"+key, "admin.order.refund.bad_restock")
			continue
		case qty == 0:
			continue
		}
		lines = append(lines, models.RefundLine{OrderLineID: ln.ID, Quantity: qty, Restock: restock})
		amount.Amount += ln.UnitPrice * int64(qty) // at most the line's total, which fits
	}
	reference, note := f.str("refund_reference"), f.note("refund_note")
	if reference == "" {
		f.fail("refund_reference", "admin.error.bank_reference")
	}
	forms := fulfilForms{refund: posted}
	if len(lines) == 0 && len(f.errs) == 0 {
		forms.refundProblem = l.T("admin.order.refund.no_lines")
	}
	if len(f.errs) > 0 || forms.refundProblem != "" {
		forms.refundErr = f.errs
		return s.orderRefused(c, l, id, http.StatusBadRequest, l.T("admin.form.fix"), orderForms{fulfil: forms})
	}
	o, recorded, err := s.store.RecordRefund(ctx, models.RefundInput{OrderID: o.ID, Method: o.Method, Amount: amount,
		Reference: reference, ReceivedAt: s.acct.now(), Actor: s.actor(c), Note: note, Lines: lines})
	if problem := refundProblem(l, err); problem != "" {
		forms.refundErr, forms.refundProblem = f.merge(err), problem
		return s.orderRefused(c, l, id, http.StatusConflict, problem, orderForms{fulfil: forms})
	}
	if err != nil {
		return err
	}
	if recorded {
		s.flash(c, l.T("admin.order.refund.done", "Amount", l.Money(amount), "Number", o.Number))
	} else {
		s.flash(c, l.T("admin.order.refund.again", "Reference", reference))
	}
	return seeOther(c, idPath("/admin/orders", id))
}

// refundProblem says why the models refused a refund; "" for an error
// that is no refusal.
func refundProblem(l *Localizer, err error) string {
	switch {
	case err == nil:
		return ""
	case transitionProblem(l, err) != "":
		return transitionProblem(l, err)
	case errors.Is(err, models.ErrRefundTooLarge):
		return l.T("admin.order.refund.too_large")
	case errors.Is(err, models.ErrInvalid), errors.Is(err, models.ErrConflict):
		return l.T("admin.order.refund.refused", "Reason", err.Error())
	}
	return ""
}

// adminOrderRefundAll cancels a paid order: a whole refund of what is left.
func (s *Server) adminOrderRefundAll(c echo.Context) error {
	l, id, f, err := s.orderForm(c)
	if err != nil {
		return err
	}
	posted := f.v
	reference, note := f.str("refund_all_reference"), f.note("refund_all_note")
	if reference == "" {
		f.fail("refund_all_reference", "admin.error.bank_reference")
	}
	forms := fulfilForms{refundAll: posted, refundAllErr: f.errs}
	if len(f.errs) > 0 {
		return s.orderRefused(c, l, id, http.StatusBadRequest, l.T("admin.form.fix"), orderForms{fulfil: forms})
	}
	o, recorded, err := s.store.RefundOrder(c.Request().Context(), models.RefundOrderInput{OrderID: id,
		Reference: reference, Actor: s.actor(c), Note: note})
	if problem := refundProblem(l, err); problem != "" {
		return s.orderRefused(c, l, id, http.StatusConflict, problem, orderForms{fulfil: forms})
	}
	if err != nil {
		return err
	}
	if recorded {
		s.flash(c, l.T("admin.order.refund_all.done", "Number", o.Number))
	} else {
		s.flash(c, l.T("admin.order.refund.again", "Reference", reference))
	}
	return seeOther(c, idPath("/admin/orders", id))
}

// groupNames maps group IDs to names, for filters and tables.
func (s *Server) groupOptions(c echo.Context, selected int64, l *Localizer) ([]formOption, map[int64]string, error) {
	gs, err := s.store.AllGroups(c.Request().Context())
	if err != nil {
		return nil, nil, fmt.Errorf("groups: %w", err)
	}
	opts := []formOption{{Value: "", Label: l.T("admin.filter.all_groups"), Selected: selected == 0}}
	names := make(map[int64]string, len(gs))
	for _, g := range gs {
		names[g.ID] = g.Name
		opts = append(opts, formOption{Value: strconv.FormatInt(g.ID, 10), Label: g.Name, Selected: g.ID == selected})
	}
	return opts, names, nil
}
