package handlers

import (
	"context"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Public figures from real sales (issue 8, item 8): what the ledger says a
// group, or the whole shop, has been paid, net of refunds, and the chain
// head. The pages and API answers that show them are cached; they go stale
// when the chain head moves (ledgerClock), not with the catalog version.

// ledgerMaxAge is how long the page cache trusts the chain head it last
// read before reading it again: a ledger entry written by another
// instance (or `qhatu worker`) shows on this one's cached pages within
// this time. Entries written here show at once (noteLedgerWrite).
const ledgerMaxAge = time.Second

// ledgerClock is the chain head's seq as this instance last read it.
type ledgerClock struct {
	store   *models.Store
	seq     atomic.Int64
	checked atomic.Int64 // when seq was read, in Unix nanoseconds; 0: read again
	mu      sync.Mutex   // one reader of the head at a time
}

// current is the head's seq, read again when older than ledgerMaxAge.
// While another request reads it, the last value serves: at worst a page
// stays ledgerMaxAge late, never longer.
func (k *ledgerClock) current() int64 {
	if k == nil || k.store == nil {
		return 0
	}
	if time.Now().UnixNano()-k.checked.Load() < int64(ledgerMaxAge) || !k.mu.TryLock() {
		return k.seq.Load()
	}
	defer k.mu.Unlock()
	if time.Now().UnixNano()-k.checked.Load() < int64(ledgerMaxAge) {
		return k.seq.Load()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	now := time.Now().UnixNano()
	if h, err := k.store.LedgerHead(ctx); err == nil {
		k.seq.Store(h.Seq)
		k.checked.Store(now)
	} else {
		// Unknown head: a page rendered now is tagged -1 and never
		// served from the cache.
		k.seq.Store(-1)
	}
	return k.seq.Load()
}

// stale makes the next look read the head again.
func (k *ledgerClock) stale() { k.checked.Store(0) }

// noteLedgerWrite is called after this instance wrote ledger entries
// (fulfillment, refunds): its cached ledger pages go stale at once.
func (s *Server) noteLedgerWrite() { s.ledger.stale() }

// ledgerKey is the echo.Context key set by a page that shows ledger
// figures (showsLedger).
const ledgerKey = "qhatu.page.ledger"

// showsLedger records that the page being rendered shows figures from the
// ledger: the page cache keeps it only while the chain head stays put.
func showsLedger(c echo.Context) { c.Set(ledgerKey, true) }

// fulfillmentStore is what the fulfillment worker needs, with each order
// fulfilled here marking the ledger pages stale.
type fulfillmentStore struct{ s *Server }

func (f fulfillmentStore) FulfillOrders(ctx context.Context, orderID int64, more int) (models.Fulfilled, error) {
	done, err := f.s.store.FulfillOrders(ctx, orderID, more)
	if done.Changed || len(done.Others) > 0 {
		f.s.noteLedgerWrite()
	}
	return done, err
}

// groupLedgerView is a group's figures from real sales.
type groupLedgerView struct {
	Totals models.LedgerTotals
	Months []ledgerMonthRow
	Chart  template.HTML
	// Legend names the chart's two colours.
	Legend template.HTML
}

// ledgerMonthRow is a row of the table that says what the chart shows.
type ledgerMonthRow struct {
	Label         string
	Paid, Surplus models.Money
}

func (s *Server) groupLedger(ctx context.Context, l *Localizer, g *models.Group) (groupLedgerView, error) {
	t, err := s.store.LedgerTotals(ctx, g.ID)
	if err != nil {
		return groupLedgerView{}, err
	}
	v := groupLedgerView{Totals: t}
	if t.Entries == 0 {
		return v, nil
	}
	months, err := s.store.LedgerMonths(ctx, g.ID)
	if err != nil {
		return v, err
	}
	v.Months = make([]ledgerMonthRow, len(months))
	for i, m := range months {
		v.Months[i] = ledgerMonthRow{Label: monthLabel(l, m.Month), Paid: m.PaidToArtisans, Surplus: m.Surplus}
	}
	v.Chart = monthlyLedgerChart(l, "ledger-chart", g.Name, months)
	v.Legend = ledgerLegend(l)
	return v, nil
}

// ledgerLegend names the two colours of monthlyLedgerChart.
func ledgerLegend(l *Localizer) template.HTML {
	esc := template.HTMLEscapeString
	return template.HTML(`<span class="comp">`) + swatch(paidKey) + template.HTML(`<span>`+esc(l.T("ledger.paid"))+
		`</span></span> <span class="comp">`) + swatch(surplusKey) + template.HTML(`<span>`+esc(l.T("ledger.surplus"))+`</span></span>`)
}

// monthLabel names a month in the reader's language ("mar 2026").
func monthLabel(l *Localizer, m time.Time) string {
	return l.T(fmt.Sprintf("month.%02d", int(m.Month()))) + " " + m.Format("2006")
}

// Colours of the monthly chart, and their legend's swatches: the
// artisans' cochineal (labour's, in the breakdown bar) and the margin's
// green for the surplus.
const (
	paidKey    = models.ArtisanLabour
	surplusKey = models.Margin
)

// monthlyLedgerChart draws paid to artisans and surplus by month as
// paired vertical bars from a zero line (a negative surplus goes below
// it), in inline SVG with a title and a desc that read the figures out;
// the page's table beside it is the accessible equivalent.
func monthlyLedgerChart(l *Localizer, id, group string, months []models.LedgerMonth) template.HTML {
	const (
		h, top, bottom, left = 240.0, 16.0, 40.0, 8.0
		slot, bar            = 72.0, 26.0
	)
	w := left*2 + slot*float64(len(months))
	var hi, lo int64
	parts := make([]string, len(months))
	for i, m := range months {
		hi = max(hi, m.PaidToArtisans.Amount, m.Surplus.Amount)
		lo = min(lo, m.PaidToArtisans.Amount, m.Surplus.Amount)
		parts[i] = l.T("ledger.chart_month", "Month", monthLabel(l, m.Month),
			"Paid", l.Money(m.PaidToArtisans), "Surplus", l.Money(m.Surplus))
	}
	span := float64(hi - lo)
	if span <= 0 {
		span = 1
	}
	y := func(a int64) float64 { return top + (h-top-bottom)*float64(hi-a)/span }
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="history-chart ledger-chart" width="100%%" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-t %s-d" preserveAspectRatio="xMidYMid meet">`,
		w, h, esc(id), esc(id))
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id),
		esc(l.T("ledger.chart_title", "Group", group)), esc(id), esc(strings.Join(parts, "; ")+"."))
	zero := y(0)
	fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#5f534b" stroke-width="1"/>`, left, zero, w-left, zero)
	rect := func(x float64, a int64, colour string) {
		y0, y1 := min(y(a), zero), max(y(a), zero)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%g" height="%.1f" fill="%s"/>`, x, y0, bar, max(y1-y0, 1), colour)
	}
	for i, m := range months {
		x := left + slot*float64(i) + (slot-2*bar-4)/2
		rect(x, m.PaidToArtisans.Amount, componentColor(paidKey))
		rect(x+bar+4, m.Surplus.Amount, componentColor(surplusKey))
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" font-size="13" fill="#5f534b" text-anchor="middle">%s</text>`,
			left+slot*float64(i)+slot/2, h-bottom+24, esc(monthLabel(l, m.Month)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// shopLedgerView is the shop-wide figures from real sales and the chain
// head, for /transparency.
type shopLedgerView struct {
	Totals models.LedgerTotals
	Head   models.LedgerHead
}

func (s *Server) shopLedger(ctx context.Context) (shopLedgerView, error) {
	// The head first: entries written between the two reads are in the
	// totals but not the head, never the other way round.
	h, err := s.store.LedgerHead(ctx)
	if err != nil {
		return shopLedgerView{}, err
	}
	t, err := s.store.LedgerTotals(ctx, 0)
	if err != nil {
		return shopLedgerView{}, err
	}
	return shopLedgerView{Totals: t, Head: h}, nil
}

// apiLedgerTotals is the "ledger" object of the API: what real sales paid,
// net of refunds.
type apiLedgerTotals struct {
	PaidToArtisans models.Money `json:"paid_to_artisans"`
	Surplus        models.Money `json:"surplus"`
	Entries        int64        `json:"entries"`
}

func toAPILedger(t models.LedgerTotals) *apiLedgerTotals {
	return &apiLedgerTotals{PaidToArtisans: t.PaidToArtisans, Surplus: t.Surplus, Entries: t.Entries}
}

// apiLedgerHead is the chain head as the API publishes it.
type apiLedgerHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}
