package handlers

import (
	"fmt"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The transparency report: one PDF for a period that CIAP can attach to a
// WFTO self-assessment. For all groups (or the one chosen): sales, what
// the artisans were paid, the surplus, payouts, advances and what is owed
// (the dashboard's figures), then per group its products' pay per hour
// against the RMV and the living-wage reference, and its reconciliation
// (models.Reconcile: the ledger against the paid orders, every
// difference listed); the ledger's chain head closes the first page.

// reviewReport is /review/report.pdf?period=…&group=….
func (s *Server) reviewReport(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	rv, p, perr := s.newReviewView(c, l, "exports")
	if perr != nil {
		return perr
	}
	// The head first: entries written meanwhile are in the figures but
	// not the head, never the other way round.
	head, err := s.store.LedgerHead(ctx)
	if err != nil {
		return err
	}
	d, err := s.store.ReviewDashboard(ctx, rv.GroupID, p)
	if err != nil {
		return err
	}
	fair, living, err := s.fairPay(c, rv.GroupID)
	if err != nil {
		return err
	}
	from, last := p.From.Format(time.DateOnly), p.LastDay().Format(time.DateOnly)
	scope := l.T("review.all_groups")
	if rv.GroupID != 0 {
		scope = d.Groups[0].GroupName
	}
	money := func(n int64) string { return l.Money(models.Soles(n)) }
	rmv := s.cfg.MinimumWage.Hourly()

	doc := newPDFDoc(l, pdfMeta{Title: l.T("review.report.title"), Subject: scope + " " + from + " – " + last,
		Landscape: true, Footer: l.T("review.report.footer", "From", from, "To", last)})
	doc.Title(l.T("review.report.title"), l.T("review.heading", "Group", scope, "From", from, "To", last),
		l.T("review.report.generated", "When", time.Now().In(shopZone).Format("2006-01-02 15:04")+" (PET)"))
	lines := []pdfField{
		{Key: l.T("review.report.chain_head"), Value: l.T("review.report.chain_head_value", "Seq", head.Seq, "Hash", head.Hash)},
		{Key: l.T("review.fair.rmv"), Value: l.T("product.per_hour", "Amount", l.Money(rmv)) + " · " +
			l.T("review.fair.rmv_source", "Source", s.cfg.MinimumWage.Source, "Since", s.cfg.MinimumWage.Since, "Hours", s.cfg.MinimumWage.HoursPerWeek)},
	}
	lw := l.T("review.fair.no_living")
	if living != nil {
		lw = l.T("product.per_hour", "Amount", l.Money(living.Hourly())) + " · " +
			l.T("review.fair.living_source", "Source", living.Source, "AsOf", living.AsOf.Format(time.DateOnly), "Hours", living.HoursPerWeek)
	}
	lines = append(lines, pdfField{Key: l.T("review.fair.living"), Value: lw})
	doc.Fields(lines)
	doc.Note(l.T("review.hint"))

	figureCols := []pdfColumn{{Header: l.T("review.col.pieces"), Width: 1.4, Align: pdfRight},
		{Header: l.T("review.col.sales"), Width: 1.6, Align: pdfRight}, {Header: l.T("review.col.labour"), Width: 1.5, Align: pdfRight},
		{Header: l.T("review.col.materials"), Width: 1.5, Align: pdfRight}, {Header: l.T("review.col.fund"), Width: 1.5, Align: pdfRight},
		{Header: l.T("review.col.paid"), Width: 1.6, Align: pdfRight}, {Header: l.T("review.col.surplus"), Width: 1.6, Align: pdfRight},
		{Header: l.T("review.col.payouts"), Width: 1.5, Align: pdfRight}, {Header: l.T("review.col.advances"), Width: 1.5, Align: pdfRight},
		{Header: l.T("review.col.closing"), Width: 1.6, Align: pdfRight}}
	cells := func(first string, f *models.ReviewFigures) []string {
		return []string{first, fmt.Sprint(f.Pieces), money(f.Sales), money(f.Labour), money(f.Materials), money(f.CommunityFund),
			money(f.PaidToArtisans), money(f.Surplus), money(f.Payouts), money(f.Advances), money(f.Closing)}
	}
	doc.Heading(l.T("review.groups_heading"))
	groups := pdfTable{Columns: append([]pdfColumn{{Header: l.T("review.group"), Width: 3}}, figureCols...),
		Foot: [][]string{cells(l.T("review.total"), &d.Total)}}
	for i := range d.Groups {
		groups.Rows = append(groups.Rows, cells(d.Groups[i].GroupName, &d.Groups[i].ReviewFigures))
	}
	doc.Table(groups)
	doc.Heading(l.T("review.months_heading"))
	months := pdfTable{Columns: append([]pdfColumn{{Header: l.T("ledger.col_month"), Width: 2}}, figureCols...),
		Foot: [][]string{cells(l.T("review.total"), &d.Total)}}
	for i := range d.Months {
		months.Rows = append(months.Rows, cells(monthLabel(l, d.Months[i].Month), &d.Months[i].ReviewFigures))
	}
	doc.Table(months)

	byGroup := map[int64][]models.FairPay{}
	for _, f := range fair {
		byGroup[f.Product.GroupID] = append(byGroup[f.Product.GroupID], f)
	}
	ids := make([]int64, len(d.Groups))
	for i := range d.Groups {
		ids[i] = d.Groups[i].GroupID
	}
	recs, err := s.store.ReconcileGroups(ctx, ids, p.From, p.LastDay())
	if err != nil {
		return err
	}
	for i := range d.Groups {
		g := &d.Groups[i]
		doc.Heading(g.GroupName)
		doc.Fields([]pdfField{
			{Key: l.T("review.col.sales"), Value: money(g.Sales)},
			{Key: l.T("review.col.paid"), Value: l.T("review.report.paid_split", "Paid", money(g.PaidToArtisans),
				"Labour", money(g.Labour), "Materials", money(g.Materials), "Fund", money(g.CommunityFund))},
			{Key: l.T("review.col.surplus"), Value: money(g.Surplus)},
			{Key: l.T("review.col.payouts"), Value: money(g.Payouts)},
			{Key: l.T("review.col.advances"), Value: money(g.Advances)},
			{Key: l.T("review.col.closing"), Value: money(g.Closing), Bold: true},
		})
		if fs := byGroup[g.GroupID]; len(fs) > 0 {
			t := pdfTable{Columns: []pdfColumn{{Header: l.T("review.col.product"), Width: 3},
				{Header: l.T("review.col.hourly"), Width: 1.3, Align: pdfRight}, {Header: l.T("review.col.vs_rmv"), Width: 1, Align: pdfRight},
				{Header: l.T("review.col.vs_living"), Width: 1, Align: pdfRight}, {Header: l.T("review.col.surplus"), Width: 1.3, Align: pdfRight},
				{Header: l.T("review.fair.status"), Width: 2.5}}}
			for _, f := range fs {
				vsLiving := "—"
				if living != nil {
					vsLiving = formatTenths(l.Lang(), tenthsOf(f.Hourly.Amount, living.Hourly().Amount)) + "×"
				}
				t.Rows = append(t.Rows, []string{f.Product.Name(l.Lang()), l.Money(f.Hourly),
					formatTenths(l.Lang(), tenthsOf(f.Hourly.Amount, rmv.Amount)) + "×", vsLiving,
					l.Money(f.Breakdown.Surplus()), fairPayFinding(l, &f, living != nil)})
			}
			doc.Table(t)
		}
		rec := recs[i]
		if len(rec.Differences) == 0 {
			doc.Text(l.T("review.report.reconciled", "Orders", l.T("admin.orders.count", "Count", rec.Totals.Orders),
				"Lines", l.T("admin.reconcile.lines", "Count", rec.Totals.Lines),
				"Expected", l.Money(rec.Totals.ExpectedPaid), "Ledger", l.Money(rec.Totals.LedgerPaid)))
			continue
		}
		doc.Text(l.T("review.report.not_reconciled", "Count", len(rec.Differences),
			"Expected", l.Money(rec.Totals.ExpectedPaid), "Ledger", l.Money(rec.Totals.LedgerPaid)))
		t := pdfTable{Columns: []pdfColumn{{Header: l.T("admin.reconcile.order"), Width: 1.6},
			{Header: l.T("admin.reconcile.product"), Width: 2}, {Header: l.T("admin.reconcile.problem"), Width: 3},
			{Header: l.T("admin.reconcile.expected_paid"), Width: 1.3, Align: pdfRight},
			{Header: l.T("admin.reconcile.ledger_paid"), Width: 1.3, Align: pdfRight}}}
		for _, df := range rec.Differences {
			t.Rows = append(t.Rows, []string{df.OrderNumber, df.ProductSlug, l.T("admin.reconcile.kind." + string(df.Kind)),
				l.Money(df.ExpectedPaid), l.Money(df.LedgerPaid)})
		}
		doc.Table(t)
	}
	return s.sendPDF(c, "qhatu-transparency-"+from+"-"+last+".pdf", doc)
}

// fairPayFinding says in words what the fair pay page marks.
func fairPayFinding(l *Localizer, f *models.FairPay, living bool) string {
	if !f.Flagged() {
		return l.T(fairPayOK(living))
	}
	var out string
	for _, m := range []struct {
		on bool
		id string
	}{{f.BelowRMV, "review.fair.below_rmv"}, {f.BelowLiving, "review.fair.below_living"}, {f.NoSurplus, "review.fair.no_surplus"}} {
		if m.on {
			if out != "" {
				out += "; "
			}
			out += l.T(m.id)
		}
	}
	return out
}

// fairPayOK is what an unflagged product gets: above both lines, or
// above the RMV while no living-wage reference is recorded.
func fairPayOK(living bool) string {
	if living {
		return "review.fair.ok"
	}
	return "review.fair.ok_rmv"
}
