package handlers

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Exports of the reviewers' portal: every table as CSV or JSON, streamed
// row by row. Amounts are in soles as plain decimals ("1234.50"); CSV
// headers are the column names in the reader's language, JSON keys are
// stable English codes with their names beside them ("columns"). A text
// cell that a spreadsheet would read as a formula is prefixed (csvText).

// exportKind says how a column's values are written.
type exportKind int

const (
	exportText  exportKind = iota // string
	exportInt                     // int64
	exportMoney                   // int64 minor units of soles
	exportTime                    // time.Time, RFC 3339 in UTC
	exportDate                    // time.Time, the day in Peru
)

// exportColumn is one column: its JSON key, its name (a message ID) and kind.
type exportColumn struct {
	Key, Label string
	Kind       exportKind
}

// exportTable is a table to download: its columns and its rows, each
// row's values in column order.
type exportTable struct {
	Name    string // file name without extension
	Columns []exportColumn
	Rows    iter.Seq2[[]any, error]
}

// cell writes one value as text, for CSV and JSON alike.
func (k exportKind) cell(v any) string {
	switch k {
	case exportInt:
		return strconv.FormatInt(v.(int64), 10)
	case exportMoney:
		return models.Soles(v.(int64)).Decimal()
	case exportTime:
		return v.(time.Time).UTC().Format(time.RFC3339)
	case exportDate:
		return v.(time.Time).Format(time.DateOnly)
	}
	return v.(string)
}

// writeExport streams t in format (csv or json) as a download.
func (s *Server) writeExport(c echo.Context, l *Localizer, t exportTable, format string, meta map[string]any) error {
	switch format {
	case "csv", "json":
	default:
		return badInput("review.export.bad_format")
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `attachment; filename="qhatu-`+t.Name+`.`+format+`"`)
	if format == "csv" {
		h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	} else {
		h.Set(echo.HeaderContentType, echo.MIMEApplicationJSONCharsetUTF8)
	}
	next, stop := iter.Pull2(t.Rows)
	defer stop()
	// The first row is read before anything is sent, so a failing query
	// still gets an error page instead of a cut download.
	first, err, more := next()
	if err != nil {
		h.Del(echo.HeaderContentDisposition)
		return err
	}
	c.Response().WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(c.Response(), 32<<10)
	if format == "csv" {
		err = writeCSV(bw, l, t, first, more, next)
	} else {
		err = writeJSON(bw, l, t, first, more, next, meta)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		// The status is sent: all that can be done is to log and stop.
		s.log.Error("export cut short", "table", t.Name, "err", err)
	}
	return nil
}

func writeCSV(bw *bufio.Writer, l *Localizer, t exportTable, row []any, more bool, next func() ([]any, error, bool)) error {
	w := csv.NewWriter(bw)
	head := make([]string, len(t.Columns))
	for i, col := range t.Columns {
		head[i] = csvText(l.T(col.Label))
	}
	if err := w.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for more {
		for i, col := range t.Columns {
			rec[i] = col.Kind.cell(row[i])
			if col.Kind == exportText {
				rec[i] = csvText(rec[i])
			}
		}
		if err := w.Write(rec); err != nil {
			return err
		}
		var err error
		if row, err, more = next(); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

func writeJSON(bw *bufio.Writer, l *Localizer, t exportTable, row []any, more bool, next func() ([]any, error, bool), meta map[string]any) error {
	cols := make(map[string]string, len(t.Columns))
	for _, col := range t.Columns {
		cols[col.Key] = l.T(col.Label)
	}
	head := map[string]any{"table": t.Name, "currency": models.PEN, "amounts_in": "soles", "columns": cols}
	for k, v := range meta {
		head[k] = v
	}
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	// The header object, then its "rows" array written row by row.
	bw.Write(b[:len(b)-1])
	bw.WriteString(`,"rows":[`)
	obj := make(map[string]any, len(t.Columns))
	for n := 0; more; n++ {
		for i, col := range t.Columns {
			if col.Kind == exportInt {
				obj[col.Key] = row[i]
			} else {
				obj[col.Key] = col.Kind.cell(row[i])
			}
		}
		b, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n")
		bw.Write(b)
		if row, err, more = next(); err != nil {
			return err
		}
	}
	_, err = bw.WriteString("\n]}\n")
	return err
}

// sliceRows yields rows already in memory.
func sliceRows[T any](items []T, row func(*T) []any) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		for i := range items {
			if !yield(row(&items[i]), nil) {
				return
			}
		}
	}
}

// figureColumns are the dashboard's columns after the first.
var figureColumns = []exportColumn{
	{"pieces", "review.col.pieces", exportInt},
	{"sales", "review.col.sales", exportMoney},
	{"labour", "review.col.labour", exportMoney},
	{"materials", "review.col.materials", exportMoney},
	{"community_fund", "review.col.fund", exportMoney},
	{"paid_to_artisans", "review.col.paid", exportMoney},
	{"local_market_price", "review.col.local_market", exportMoney},
	{"surplus", "review.col.surplus", exportMoney},
	{"payouts", "review.col.payouts", exportMoney},
	{"advances", "review.col.advances", exportMoney},
	{"owed_at_start", "review.col.opening", exportMoney},
	{"owed_at_end", "review.col.closing", exportMoney},
}

func figureCells(first []any, f *models.ReviewFigures) []any {
	return append(first, f.Pieces, f.Sales, f.Labour, f.Materials, f.CommunityFund, f.PaidToArtisans,
		f.LocalMarket, f.Surplus, f.Payouts, f.Advances, f.Opening, f.Closing)
}

// reviewExport downloads one table of the portal for the page's period
// and group: /review/exports/:table?format=csv|json&period=….
func (s *Server) reviewExport(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	rv, p, perr := s.newReviewView(c, l, "exports")
	if perr != nil {
		return perr
	}
	format := c.QueryParam("format")
	meta := map[string]any{"period_from": p.From.Format(time.DateOnly), "period_to": p.LastDay().Format(time.DateOnly)}
	var t exportTable
	switch table := c.Param("table"); table {
	case "months", "groups":
		d, err := s.store.ReviewDashboard(ctx, rv.GroupID, p)
		if err != nil {
			return err
		}
		meta["group_id"] = rv.GroupID
		if table == "months" {
			t = exportTable{Name: "months", Columns: append([]exportColumn{{"month", "ledger.col_month", exportText}}, figureColumns...),
				Rows: sliceRows(d.Months, func(m *models.ReviewMonthRow) []any {
					return figureCells([]any{m.Month.Format("2006-01")}, &m.ReviewFigures)
				})}
		} else {
			t = exportTable{Name: "groups", Columns: append([]exportColumn{{"group_id", "review.col.group_id", exportInt},
				{"group", "review.group", exportText}}, figureColumns...),
				Rows: sliceRows(d.Groups, func(g *models.ReviewGroupRow) []any {
					return figureCells([]any{g.GroupID, g.GroupName}, &g.ReviewFigures)
				})}
		}
	case "fair-pay":
		var extra map[string]any
		var err error
		if t, extra, err = s.fairPayTable(c, l, rv.GroupID); err != nil {
			return err
		}
		for k, v := range extra {
			meta[k] = v
		}
	case "price-history":
		var productID int64
		if raw := c.QueryParam("product"); raw != "" {
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || id <= 0 {
				return badInput("review.export.bad_product")
			}
			productID = id
		}
		t = s.priceHistoryTable(ctx, l, productID)
		t.Name = "price-history"
		return s.writeExport(c, l, t, format, nil)
	case "audit":
		t = auditTable(s.auditReader(l), s.store.AuditEntries(ctx, p.From, p.To))
	case "reconciliation", "differences":
		groups, err := s.store.ReviewGroups(ctx)
		if err != nil {
			return err
		}
		results, err := s.reconcileGroups(ctx, groups, rv.GroupID, p)
		if err != nil {
			return err
		}
		meta["group_id"] = rv.GroupID
		if table == "reconciliation" {
			t = reconcileTable(results)
		} else {
			t = differencesTable(l, results)
		}
	default:
		return errNotFound
	}
	t.Name = fmt.Sprintf("%s-%s-%s", t.Name, p.From.Format(time.DateOnly), p.LastDay().Format(time.DateOnly))
	return s.writeExport(c, l, t, format, meta)
}

// reviewExportsView is what page_review_exports.html shows: every
// download of the portal, for the page's period and group.
type reviewExportsView struct {
	reviewView
	Tables []reviewExportLink
}

// reviewExportLink is one table to download (Table names the route).
type reviewExportLink struct {
	Table, Label, Hint string
}

// reviewExportTables lists the downloads in the order the page shows
// them, Label and Hint as message IDs.
var reviewExportTables = []reviewExportLink{
	{"months", "review.export.months", "review.export.months_hint"},
	{"groups", "review.export.groups", "review.export.groups_hint"},
	{"fair-pay", "review.export.fair_pay", "review.export.fair_pay_hint"},
	{"price-history", "review.export.price_history", "review.export.price_history_hint"},
	{"audit", "review.export.audit", "review.export.audit_hint"},
	{"reconciliation", "review.export.reconciliation", "review.export.reconciliation_hint"},
	{"differences", "review.export.differences", "review.export.differences_hint"},
}

// reviewExports is /review/exports: the list of downloads.
func (s *Server) reviewExports(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	rv, _, perr := s.newReviewView(c, l, "exports")
	if err := s.offerGroups(c.Request().Context(), l, &rv); err != nil {
		return err
	}
	v := reviewExportsView{reviewView: rv}
	status := http.StatusOK
	if perr != nil {
		status = http.StatusBadRequest
	} else {
		for _, t := range reviewExportTables {
			v.Tables = append(v.Tables, reviewExportLink{Table: t.Table, Label: l.T(t.Label), Hint: l.T(t.Hint)})
		}
	}
	return s.renderReview(c, status, "review_exports", l.T("review.export.title"), l, v)
}

// mapRows turns a stream of records into export rows.
func mapRows[T any](seq iter.Seq2[*T, error], row func(*T) []any) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		for v, err := range seq {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(row(v), nil) {
				return
			}
		}
	}
}

// priceHistoryTable is every version of every product's breakdowns (or
// one product's), with the local market price's source, date and method.
func (s *Server) priceHistoryTable(ctx context.Context, l *Localizer, productID int64) exportTable {
	cols := []exportColumn{{"product_slug", "review.col.product_slug", exportText}, {"product", "review.col.product", exportText},
		{"group", "review.group", exportText}, {"channel", "review.col.channel", exportText},
		{"version", "review.col.version", exportInt}, {"effective_from", "review.col.effective_from", exportTime},
		{"created_by", "review.col.created_by", exportText}, {"reason", "review.col.reason", exportText},
		{"reason_lang", "review.col.reason_lang", exportText}, {"price", "review.col.price", exportMoney}}
	for _, k := range models.ComponentKeys {
		cols = append(cols, exportColumn{string(k), "component." + string(k), exportMoney})
	}
	cols = append(cols, exportColumn{"paid_to_artisans", "review.col.paid", exportMoney},
		exportColumn{"local_market_price", "review.col.local_market", exportMoney},
		exportColumn{"surplus", "review.col.surplus", exportMoney},
		exportColumn{"labour_minutes", "review.col.labour_minutes", exportInt},
		exportColumn{"hourly_pay", "review.col.hourly", exportMoney},
		exportColumn{"local_market_source", "review.col.lm_source", exportText},
		exportColumn{"local_market_date", "review.col.lm_date", exportText},
		exportColumn{"local_market_method", "review.col.lm_method", exportText})
	return exportTable{Columns: cols, Rows: mapRows(s.store.BreakdownVersions(ctx, productID), func(v *models.BreakdownVersion) []any {
		b := &v.Breakdown
		row := []any{v.ProductSlug, v.ProductName(l.Lang()), v.GroupName, l.T("admin.prices.channel." + string(b.Channel)),
			int64(b.Version), b.CreatedAt, b.CreatedBy}
		// The reason in the export's language, or the other one's, said which.
		reason := b.ReasonIn(l.Lang())
		row = append(row, reason.Text, reason.Lang, b.Price)
		for _, c := range b.Components() {
			row = append(row, c.Amount.Amount)
		}
		return append(row, b.PaidToArtisans().Amount, b.LocalMarketPrice, b.Surplus().Amount, int64(b.LabourMinutes),
			b.EffectiveHourlyPay().Amount, b.LocalMarketSource, optionalDay(b.LocalMarketDate), b.LocalMarketMethod)
	})}
}

// auditTable is the audit log's entries, each told as the audit log page
// tells it (in the reader's language, hourly pay before → after), with its
// record before and after as JSON.
func auditTable(ar *auditReader, seq iter.Seq2[*models.AuditEntry, error]) exportTable {
	l := ar.l
	return exportTable{Name: "audit", Columns: []exportColumn{{"id", "review.col.audit_id", exportInt},
		{"when", "admin.audit.when", exportTime}, {"who", "admin.audit.who", exportText},
		{"action", "admin.audit.action_label", exportText}, {"record_type", "review.col.record_type", exportText},
		{"record_id", "review.col.record_id", exportInt}, {"summary", "admin.audit.summary", exportText},
		{"before", "review.col.before", exportText}, {"after", "review.col.after", exportText}},
		Rows: mapRows(seq, func(e *models.AuditEntry) []any {
			return []any{e.ID, e.CreatedAt, e.Actor, l.T("admin.audit.action." + e.Action), l.T("admin.entity." + e.EntityType),
				e.EntityID, ar.Summary(*e).Text(l), e.BeforeJSON, e.AfterJSON}
		})}
}

// reconcileTable is the reconciliation's totals, one row per group.
func reconcileTable(results []groupReconciliation) exportTable {
	return exportTable{Name: "reconciliation", Columns: []exportColumn{
		{"group_id", "review.col.group_id", exportInt},
		{"group", "review.group", exportText},
		{"orders", "review.col.orders", exportInt},
		{"lines", "review.col.lines", exportInt},
		{"ledger_entries", "review.col.entries", exportInt},
		{"sold_paid", "admin.reconcile.sold", exportMoney},
		{"refunded_paid", "admin.reconcile.refunded", exportMoney},
		{"expected_paid", "admin.reconcile.expected", exportMoney},
		{"ledger_paid", "admin.reconcile.ledger", exportMoney},
		{"expected_surplus", "admin.reconcile.expected_surplus", exportMoney},
		{"ledger_surplus", "admin.reconcile.ledger_surplus", exportMoney},
		{"payouts", "admin.reconcile.payouts", exportMoney},
		{"advances", "admin.reconcile.advances", exportMoney},
		{"differences", "review.col.differences", exportInt},
	}, Rows: sliceRows(results, func(r *groupReconciliation) []any {
		t := &r.Result.Totals
		return []any{r.Group.ID, r.Group.Name, int64(t.Orders), int64(t.Lines), int64(t.Entries),
			t.SoldPaid.Amount, t.RefundedPaid.Amount, t.ExpectedPaid.Amount, t.LedgerPaid.Amount,
			t.ExpectedSurplus.Amount, t.LedgerSurplus.Amount, t.Payouts.Amount, t.Advances.Amount,
			int64(len(r.Result.Differences))}
	})}
}

// differencesTable lists every line that does not reconcile, of every
// group reconciled, as the page does.
func differencesTable(l *Localizer, results []groupReconciliation) exportTable {
	type row struct {
		g *groupReconciliation
		d *models.ReconcileDifference
	}
	var rows []row
	for i := range results {
		for j := range results[i].Result.Differences {
			rows = append(rows, row{&results[i], &results[i].Result.Differences[j]})
		}
	}
	return exportTable{Name: "differences", Columns: []exportColumn{
		{"group_id", "review.col.group_id", exportInt},
		{"group", "review.group", exportText},
		{"kind", "review.col.kind", exportText},
		{"problem", "admin.reconcile.problem", exportText},
		{"order", "admin.reconcile.order", exportText},
		{"order_line_id", "review.col.order_line", exportInt},
		{"product_slug", "review.col.product_slug", exportText},
		{"expected_quantity", "review.col.expected_quantity", exportInt},
		{"ledger_quantity", "review.col.ledger_quantity", exportInt},
		{"expected_paid", "admin.reconcile.expected_paid", exportMoney},
		{"ledger_paid", "admin.reconcile.ledger_paid", exportMoney},
		{"expected_surplus", "admin.reconcile.expected_surplus", exportMoney},
		{"ledger_surplus", "admin.reconcile.ledger_surplus", exportMoney},
	}, Rows: sliceRows(rows, func(r *row) []any {
		d := r.d
		return []any{r.g.Group.ID, r.g.Group.Name, string(d.Kind), l.T("admin.reconcile.kind." + string(d.Kind)),
			d.OrderNumber, d.OrderLineID, d.ProductSlug, int64(d.ExpectedQuantity), int64(d.LedgerQuantity),
			d.ExpectedPaid.Amount, d.LedgerPaid.Amount, d.ExpectedSurplus.Amount, d.LedgerSurplus.Amount}
	})}
}
