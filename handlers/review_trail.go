package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The reviewers' trail (issue 10, items 4 to 6): from an order to its
// lines, the breakdown each was sold under, its ledger entries and the
// payouts that covered it, and back from a ledger entry to its order; the
// ledger with its verification and export; a random sample of orders; the
// reconciliation. Every page only reads (GET, backOfficeReaders). Orders
// are reached by number here, behind sign-in: the buyer's own page uses
// the order's private token instead.

// registerReviewTrail adds the trail's pages to the reviewers' portal.
func (s *Server) registerReviewTrail(g guarded) {
	g.GET(reviewOrdersArea.Base, s.ordersPage(reviewOrdersArea))
	g.GET("/review/orders/:number", s.reviewOrderTrail)
	g.GET(reviewLedgerArea.Base, s.ledgerPage(reviewLedgerArea))
	g.GET("/review/ledger/export.jsonl", s.reviewLedgerExport)
	g.GET("/review/ledger/:seq", s.reviewLedgerEntry)
	g.GET("/review/sample", s.reviewSample)
	g.GET(reviewReconcileArea.Base, s.reconcilePage(reviewReconcileArea))
}

// reviewOrderURL is an order's trail.
func reviewOrderURL(number string) string { return "/review/orders/" + url.PathEscape(number) }

// reviewEntryURL is a ledger entry's page.
func reviewEntryURL(seq int64) string { return "/review/ledger/" + strconv.FormatInt(seq, 10) }

// breakdownURL is the back-office page of a breakdown version.
func breakdownURL(productID, breakdownID int64) string {
	return idPath(idPath("/admin/products", productID)+"/prices", breakdownID)
}

// trailEntryView is a ledger entry on the trail.
type trailEntryView struct {
	E      *models.LedgerEntry
	When   string
	URL    string
	Refund bool
}

func newTrailEntry(e *models.LedgerEntry) trailEntryView {
	return trailEntryView{E: e, When: shopDateTime(e.CreatedAt), URL: reviewEntryURL(e.Seq), Refund: e.Kind == models.LedgerRefund}
}

// trailLineView is an order line with the snapshot it was sold under and
// its ledger entries.
type trailLineView struct {
	L            *models.OrderLine
	Name, Group  string
	B            *models.Breakdown
	Table        *breakdownTable
	BreakdownURL string
	Entries      []trailEntryView
	// NetPaid and NetPieces add the line's entries (sales less refunds).
	NetPaid   models.Money
	NetPieces int
}

// trailPayoutView is a payout that names the order, or its correction.
type trailPayoutView struct {
	P        *models.Payout
	Group    string
	PaidOn   string
	Reversal bool
}

type reviewTrailView struct {
	adminView
	O           *models.Order
	StatusLabel string
	Placed      string
	Paid        string
	AdminURL    string
	Lines       []trailLineView
	Payouts     []trailPayoutView
}

// reviewOrderTrail shows an order's trail.
func (s *Server) reviewOrderTrail(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	t, err := s.store.OrderTrail(ctx, c.Param("number"))
	if err != nil {
		return err
	}
	_, groups, err := s.groupOptions(c, 0, l)
	if err != nil {
		return err
	}
	o := t.Order
	v := reviewTrailView{adminView: s.newAdminView(c, l, "review_orders"), O: o,
		StatusLabel: orderStatusLabel(l, o.Status), Placed: shopDateTime(o.CreatedAt),
		AdminURL: idPath("/admin/orders", o.ID)}
	if o.PaidAt != nil {
		v.Paid = shopDateTime(*o.PaidAt)
	}
	minHourly := s.cfg.MinimumWage.Hourly()
	for i := range o.Lines {
		ln := &o.Lines[i]
		b := ln.Breakdown()
		lv := trailLineView{L: ln, Name: ln.Name(l.Lang()), Group: groups[ln.GroupID], B: b,
			Table: newBreakdownTable(b, minHourly), BreakdownURL: breakdownURL(ln.ProductID, ln.BreakdownID),
			NetPaid: models.Money{Currency: ln.Currency}}
		for j := range t.Entries {
			e := &t.Entries[j]
			if e.OrderLineID != ln.ID {
				continue
			}
			lv.Entries = append(lv.Entries, newTrailEntry(e))
			lv.NetPaid.Amount += e.PaidToArtisans
			lv.NetPieces += e.Quantity
		}
		v.Lines = append(v.Lines, lv)
	}
	for i := range t.Payouts {
		p := &t.Payouts[i]
		v.Payouts = append(v.Payouts, trailPayoutView{P: p, Group: groups[p.GroupID],
			PaidOn: p.PaidOn.Format("2006-01-02"), Reversal: p.ReversesID != nil})
	}
	return s.renderReview(c, http.StatusOK, "review_trail", l.T("review.trail.title", "Number", o.Number), l, v)
}

type reviewEntryView struct {
	adminView
	R            *models.LedgerRow
	Entry        trailEntryView
	Product      string
	OrderURL     string
	BreakdownURL string
	ReversesURL  string
	PrevURL      string
	PrevSeq      int64
	Canonical    string
}

// reviewLedgerEntry shows one ledger entry, its canonical form and hash,
// and leads back to its order.
func (s *Server) reviewLedgerEntry(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	seq, err := idParam(c, "seq")
	if err != nil {
		return err
	}
	r, err := s.store.LedgerRowBySeq(c.Request().Context(), seq)
	if err != nil {
		return err
	}
	v := reviewEntryView{adminView: s.newAdminView(c, l, "review_ledger"), R: r, Entry: newTrailEntry(&r.LedgerEntry),
		Product: r.ProductName(l.Lang()), OrderURL: reviewOrderURL(r.OrderNumber),
		BreakdownURL: breakdownURL(r.ProductID, r.BreakdownID), Canonical: r.Canonical()}
	if r.ReversesSeq != nil {
		v.ReversesURL = reviewEntryURL(*r.ReversesSeq)
	}
	if r.Seq > 1 {
		v.PrevSeq, v.PrevURL = r.Seq-1, reviewEntryURL(r.Seq-1)
	}
	return s.renderReview(c, http.StatusOK, "review_entry", l.T("review.entry.title", "Seq", r.Seq), l, v)
}

// reviewLedgerExport streams the whole chain as JSON Lines
// (models.ExportLedger), to verify offline with `qhatu ledger verify
// --file`. Once the first line is sent the status cannot change: an error
// after it ends the download short, which the verifier reports.
func (s *Server) reviewLedgerExport(c echo.Context) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/jsonl; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="qhatu-ledger.jsonl"`)
	check, err := s.store.ExportLedger(c.Request().Context(), c.Response())
	switch {
	case err != nil && !c.Response().Committed:
		h.Del(echo.HeaderContentDisposition) // the error page is shown, not saved
		return err
	case err != nil:
		s.log.Error("export the ledger: cut short", "entries_sent", check.Entries, "err", err)
	case !c.Response().Committed:
		c.Response().WriteHeader(http.StatusOK) // an empty ledger: an empty file
	}
	return nil
}
