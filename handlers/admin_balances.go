package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Balances in the back office: per producing group, what its ledger
// entries owe it, the payouts and advances CIAP sent, and the balance.
// Staff record a payout or an advance, and correct one with a reversing
// record; reviewers read everything and see no forms. Every write is one
// audited models call (models/payout.go).

// registerBalances adds the balances page and its forms.
func (s *Server) registerBalances(g guarded, form func(string, echo.HandlerFunc)) {
	form("/admin/balances", s.adminBalances)
	g.POST("/admin/balances/payouts", s.adminPayoutRecord)
	g.POST("/admin/balances/advances", s.adminAdvanceRecord)
	g.POST("/admin/balances/payouts/:id/reverse", s.adminPayoutReverse)
	g.POST("/admin/balances/advances/:id/reverse", s.adminAdvanceReverse)
}

// balanceRowView is one group's balance in one currency.
type balanceRowView struct {
	GroupID int64
	Group   string
	B       models.GroupBalance
}

// transferRowView is a payout or an advance in the group's history.
type transferRowView struct {
	ID                         int64
	PaidOn, Recorded           string
	Amount                     models.Money
	Reference, Covers, Note    string
	Actor                      string
	Reversal, Reversed, Orders string
	CanReverse                 bool
	reverses                   *int64 // the record this one corrects
}

type adminBalancesView struct {
	adminView
	Rows      []balanceRowView
	GroupID   int64
	GroupName string
	Payouts   []transferRowView
	Advances  []transferRowView
	Payout    []fieldset
	Advance   []fieldset
}

func balanceGroupOptions(s *Server, c echo.Context) func(l *Localizer) []formOption {
	return func(l *Localizer) []formOption {
		opts, _, err := s.groupOptions(c, 0, l)
		if err != nil {
			return nil
		}
		opts[0].Label = l.T("admin.balances.choose_group")
		return opts
	}
}

func payoutSpecs(group func(*Localizer) []formOption) []fieldsetSpec {
	return []fieldsetSpec{{Legend: "admin.balances.payout.legend", Fields: []fieldSpec{
		{Name: "payout_group", Label: "admin.work_orders.group", Type: "select", Required: true, Options: group},
		{Name: "payout_paid_on", Label: "admin.balances.paid_on", Hint: "admin.balances.paid_on_hint", Type: "date", Required: true},
		{Name: "payout_amount", Label: "admin.balances.amount", Hint: "admin.order.transfer.amount_hint", Type: "text", Required: true, MaxLength: 30},
		{Name: "bank_reference", Label: "admin.order.transfer.reference", Hint: "admin.order.transfer.reference_hint", Type: "text", Required: true, MaxLength: 255},
		{Name: "covers", Label: "admin.balances.covers", Hint: "admin.balances.covers_hint", Type: "textarea", Rows: 2, Required: true, MaxLength: 1000},
		{Name: "payout_note", Label: "admin.field.note", Type: "textarea", Rows: 2, MaxLength: 1000},
	}}}
}

func advanceSpecs(group func(*Localizer) []formOption) []fieldsetSpec {
	return []fieldsetSpec{{Legend: "admin.balances.advance.legend", Fields: []fieldSpec{
		{Name: "advance_group", Label: "admin.work_orders.group", Type: "select", Required: true, Options: group},
		{Name: "advance_paid_on", Label: "admin.balances.paid_on", Hint: "admin.balances.paid_on_hint", Type: "date", Required: true},
		{Name: "advance_amount", Label: "admin.balances.amount", Hint: "admin.order.transfer.amount_hint", Type: "text", Required: true, MaxLength: 30},
		{Name: "advance_reference", Label: "admin.order.transfer.reference", Hint: "admin.order.transfer.reference_hint", Type: "text", Required: true, MaxLength: 255},
		{Name: "advance_note", Label: "admin.field.note", Hint: "admin.balances.advance.note_hint", Type: "textarea", Rows: 2, MaxLength: 1000},
		{Name: "advance_production_order", Label: "admin.balances.advance.production_order",
			Hint: "admin.balances.advance.production_order_hint", Type: "number", Min: "1", Step: "1"},
	}}}
}

// balanceForms are the values and messages of the two forms.
type balanceForms struct {
	payout, advance       url.Values
	payoutErr, advanceErr map[string]string
}

// adminBalances lists every group's balance; ?group= opens one group's
// payouts and advances.
func (s *Server) adminBalances(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	var groupID int64
	if g := c.QueryParam("group"); g != "" {
		id, err := strconv.ParseInt(g, 10, 64)
		if err != nil || id <= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "group: not a group")
		}
		groupID = id
	}
	v, err := s.balancesView(c, l, groupID, balanceForms{})
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "admin_balances", l.T("admin.balances.title"), l, v)
}

func (s *Server) balancesView(c echo.Context, l *Localizer, groupID int64, forms balanceForms) (adminBalancesView, error) {
	ctx := c.Request().Context()
	v := adminBalancesView{adminView: s.newAdminView(c, l, "balances"), GroupID: groupID}
	gs, err := s.store.AllGroups(ctx)
	if err != nil {
		return v, fmt.Errorf("groups: %w", err)
	}
	all, err := s.store.AllGroupBalances(ctx)
	if err != nil {
		return v, err
	}
	found := groupID == 0
	for _, g := range gs {
		bs, ok := all[g.ID]
		if !ok {
			bs = models.ZeroBalance()
		}
		for _, b := range bs {
			v.Rows = append(v.Rows, balanceRowView{GroupID: g.ID, Group: g.Name, B: b})
		}
		if g.ID == groupID {
			found, v.GroupName = true, g.Name
		}
	}
	if !found {
		return v, fmt.Errorf("group %d: %w", groupID, models.ErrNotFound)
	}
	if groupID != 0 {
		if v.Payouts, v.Advances, err = s.transfersOf(c, groupID); err != nil {
			return v, err
		}
	}
	today := s.acct.now().In(shopZone).Format(time.DateOnly)
	gid := ""
	if groupID != 0 {
		gid = strconv.FormatInt(groupID, 10)
	}
	if forms.payout == nil {
		forms.payout = url.Values{"payout_paid_on": {today}, "payout_group": {gid}}
	}
	if forms.advance == nil {
		forms.advance = url.Values{"advance_paid_on": {today}, "advance_group": {gid}}
		// From the production orders' list: the advance for one of them.
		if po, err := strconv.ParseInt(c.QueryParam("production_order"), 10, 64); err == nil && po > 0 {
			forms.advance.Set("advance_production_order", strconv.FormatInt(po, 10))
		}
	}
	opts := balanceGroupOptions(s, c)
	v.Payout = buildForm(l, payoutSpecs(opts), forms.payout, forms.payoutErr)
	v.Advance = buildForm(l, advanceSpecs(opts), forms.advance, forms.advanceErr)
	return v, nil
}

// transfersOf lists a group's payouts and advances, marking which were
// reversed and which are reversals.
func (s *Server) transfersOf(c echo.Context, groupID int64) (payouts, advances []transferRowView, err error) {
	ctx := c.Request().Context()
	ps, err := s.store.PayoutsOfGroup(ctx, groupID)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range ps {
		r := transferRowView{ID: p.ID, PaidOn: p.PaidOn.Format(time.DateOnly), Recorded: shopDateTime(p.CreatedAt),
			Amount: p.Money(), Reference: p.BankReference, Covers: p.Covers, Note: p.Note, Actor: p.Actor, reverses: p.ReversesID}
		for i, id := range p.OrderIDs {
			if i > 0 {
				r.Orders += ", "
			}
			r.Orders += strconv.FormatInt(id, 10)
		}
		payouts = append(payouts, r)
	}
	as, err := s.store.AdvancesOfGroup(ctx, groupID)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range as {
		advances = append(advances, transferRowView{ID: a.ID, PaidOn: a.PaidOn.Format(time.DateOnly), Recorded: shopDateTime(a.CreatedAt),
			Amount: a.Money(), Reference: a.Reference, Note: a.Note, Actor: a.Actor, reverses: a.ReversesID})
	}
	markReversals(payouts)
	markReversals(advances)
	return payouts, advances, nil
}

// markReversals says of each record in one list whether it corrects
// another, was corrected, or may still be reversed.
func markReversals(rows []transferRowView) {
	by := map[int64]int64{}
	for _, r := range rows {
		if r.reverses != nil {
			by[*r.reverses] = r.ID
		}
	}
	for i := range rows {
		r := &rows[i]
		if r.reverses != nil {
			r.Reversal = strconv.FormatInt(*r.reverses, 10)
		} else if id, ok := by[r.ID]; ok {
			r.Reversed = strconv.FormatInt(id, 10)
		} else {
			r.CanReverse = true
		}
	}
}

// balancesRefused re-renders the page with a form as typed.
func (s *Server) balancesRefused(c echo.Context, l *Localizer, groupID int64, status int, problem string, forms balanceForms) error {
	v, err := s.balancesView(c, l, groupID, forms)
	if errors.Is(err, models.ErrNotFound) {
		v, err = s.balancesView(c, l, 0, forms)
	}
	if err != nil {
		return err
	}
	v.Problem = problem
	return s.renderAdmin(c, status, "admin_balances", l.T("admin.balances.title"), l, v)
}

// paidOn reads the day money left CIAP (Peru time): not in the future.
func (s *Server) paidOn(f *formReader, name string) time.Time {
	v := f.str(name)
	if v == "" {
		f.fail(name, "admin.error.required")
		return time.Time{}
	}
	d, err := time.ParseInLocation(time.DateOnly, v, shopZone)
	if err != nil {
		f.fail(name, "admin.order.error.date")
		return time.Time{}
	}
	if d.After(s.acct.now().In(shopZone)) {
		f.fail(name, "admin.order.error.future_date")
		return time.Time{}
	}
	return d
}

// renamed maps the models' field names to the form's.
func renamed(errs map[string]string, names map[string]string) map[string]string {
	for from, to := range names {
		if m, ok := errs[from]; ok {
			if _, set := errs[to]; !set {
				errs[to] = m
			}
		}
	}
	return errs
}

// transferRefusal answers a refused write: the form again with messages,
// or the reason a conflict was refused.
func (s *Server) transferRefusal(c echo.Context, l *Localizer, groupID int64, err error, f *formReader,
	names map[string]string, forms func(map[string]string) balanceForms) error {
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		return s.balancesRefused(c, l, groupID, http.StatusBadRequest, l.T("admin.form.fix"), forms(renamed(f.merge(err), names)))
	case errors.Is(err, models.ErrConflict):
		return s.balancesRefused(c, l, groupID, http.StatusConflict, l.T("admin.balances.conflict", "Reason", err.Error()), forms(f.errs))
	}
	return err
}

// adminPayoutRecord records money transferred to a group.
func (s *Server) adminPayoutRecord(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	group := f.id("payout_group")
	if group == 0 {
		f.fail("payout_group", "admin.error.group")
	}
	in := models.PayoutInput{GroupID: group, PaidOn: s.paidOn(f, "payout_paid_on"),
		Amount: models.Soles(f.amount("payout_amount")), BankReference: f.str("bank_reference"),
		Covers: f.str("covers"), Note: f.str("payout_note")}
	forms := func(errs map[string]string) balanceForms { return balanceForms{payout: posted, payoutErr: errs} }
	if len(f.errs) > 0 {
		return s.balancesRefused(c, l, group, http.StatusBadRequest, l.T("admin.form.fix"), forms(f.errs))
	}
	p, err := s.editor(c).RecordPayout(c.Request().Context(), in)
	if err != nil {
		return s.transferRefusal(c, l, group, err, f, map[string]string{"amount": "payout_amount",
			"paid_on": "payout_paid_on", "reference": "bank_reference", "note": "payout_note"}, forms)
	}
	s.flash(c, l.T("admin.balances.payout.done", "Amount", l.Money(p.Money())))
	return seeOther(c, "/admin/balances?group="+strconv.FormatInt(group, 10))
}

// adminAdvanceRecord records an advance paid before goods are sold.
func (s *Server) adminAdvanceRecord(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	group := f.id("advance_group")
	if group == 0 {
		f.fail("advance_group", "admin.error.group")
	}
	// The production order is optional, but one typed wrong must not
	// record the advance unlinked from it.
	po := f.integer("advance_production_order", false)
	if po < 0 || po == 0 && f.str("advance_production_order") != "" {
		f.fail("advance_production_order", "admin.error.positive")
	}
	in := models.AdvanceInput{GroupID: group, PaidOn: s.paidOn(f, "advance_paid_on"),
		Amount: models.Soles(f.amount("advance_amount")), Reference: f.str("advance_reference"), Note: f.str("advance_note"),
		ProductionOrderID: int64(max(po, 0))}
	forms := func(errs map[string]string) balanceForms { return balanceForms{advance: posted, advanceErr: errs} }
	if len(f.errs) > 0 {
		return s.balancesRefused(c, l, group, http.StatusBadRequest, l.T("admin.form.fix"), forms(f.errs))
	}
	a, err := s.editor(c).RecordAdvance(c.Request().Context(), in)
	if err != nil {
		return s.transferRefusal(c, l, group, err, f, map[string]string{"amount": "advance_amount",
			"paid_on": "advance_paid_on", "reference": "advance_reference", "note": "advance_note",
			"production_order": "advance_production_order"}, forms)
	}
	s.flash(c, l.T("admin.balances.advance.done", "Amount", l.Money(a.Money())))
	return seeOther(c, "/admin/balances?group="+strconv.FormatInt(group, 10))
}

// adminPayoutReverse corrects a payout with a reversing record.
func (s *Server) adminPayoutReverse(c echo.Context) error {
	return s.reverseTransfer(c, func(ctx echo.Context, id int64, reason string) (int64, error) {
		p, err := s.editor(ctx).ReversePayout(ctx.Request().Context(), id, reason)
		if err != nil {
			return 0, err
		}
		return p.GroupID, nil
	})
}

// adminAdvanceReverse corrects an advance with a reversing record.
func (s *Server) adminAdvanceReverse(c echo.Context) error {
	return s.reverseTransfer(c, func(ctx echo.Context, id int64, reason string) (int64, error) {
		a, err := s.editor(ctx).ReverseAdvance(ctx.Request().Context(), id, reason)
		if err != nil {
			return 0, err
		}
		return a.GroupID, nil
	})
}

// reverseTransfer reads the reason and reverses the record; a missing
// reason or a record reversed already is said on the page.
func (s *Server) reverseTransfer(c echo.Context, reverse func(echo.Context, int64, string) (int64, error)) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	group := int64(0)
	if g, err := strconv.ParseInt(c.FormValue("group"), 10, 64); err == nil && g > 0 {
		group = g
	}
	reason := c.FormValue("reason")
	gid, err := reverse(c, id, reason)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		return s.balancesRefused(c, l, group, http.StatusBadRequest, l.T("admin.balances.reverse.reason_needed"), balanceForms{})
	case errors.Is(err, models.ErrConflict):
		return s.balancesRefused(c, l, group, http.StatusConflict, l.T("admin.balances.conflict", "Reason", err.Error()), balanceForms{})
	case err != nil:
		return err
	}
	s.flash(c, l.T("admin.balances.reverse.done"))
	return seeOther(c, "/admin/balances?group="+strconv.FormatInt(gid, 10))
}
