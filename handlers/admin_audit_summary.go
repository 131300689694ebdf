package handlers

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/ciap/qhatu/models"
)

// Readable audit entries. An entry keeps the record before and after as
// JSON (models/audit.go) and an English summary written when it was made;
// the back office tells each entry from the JSON, at read time, in the
// reader's language: field names as words, amounts in soles. A price
// change is told as what matters for fair pay (hourly pay, what the
// artisans get and their share, the surplus over the local market) and is
// marked when it leaves the hourly pay under the legal minimum wage.

// auditReader tells audit entries in one language against one RMV.
type auditReader struct {
	l         *Localizer
	minHourly models.Money
}

func (s *Server) auditReader(l *Localizer) *auditReader {
	return &auditReader{l: l, minHourly: s.cfg.MinimumWage.Hourly()}
}

// auditSummary is an entry told for a reader.
type auditSummary struct {
	Lines []auditLine
	// BelowMinimum: the change leaves the hourly pay under the RMV;
	// Minimum says so with the figure.
	BelowMinimum bool
	Minimum      string
	// Reason is the reason given for a price change, in the reader's
	// language or the other one (Lang says which).
	Reason *models.LocalText
	// More is how many lines a list left out.
	More int
}

// auditLine is one thing that changed, before → after.
type auditLine struct {
	Label, Before, After string
	// Warn marks the line that goes under the RMV.
	Warn bool
}

// Text is the summary on one line, for an export: what the audit_summary
// template shows, in the same words.
func (s auditSummary) Text(l *Localizer) string {
	var parts []string
	if s.BelowMinimum {
		parts = append(parts, "⚠ "+s.Minimum)
	}
	for _, ln := range s.Lines {
		v := cmp.Or(ln.After, "—")
		if ln.Before != "" {
			v = ln.Before + " → " + v
		}
		parts = append(parts, ln.Label+": "+v)
	}
	if len(s.Lines) == 0 {
		parts = append(parts, l.T("audit.no_change"))
	}
	if s.Reason != nil {
		parts = append(parts, l.T("admin.prices.reason")+": "+s.Reason.Text)
	}
	return strings.Join(parts, "; ")
}

// Summary tells one entry.
func (a *auditReader) Summary(e models.AuditEntry) auditSummary {
	if e.EntityType == models.EntityProduct && e.Action == models.ActionPrice {
		if s, ok := a.prices(e); ok {
			return s
		}
	}
	return a.fields(e)
}

// auditBreakdowns is a price entry's JSON: each channel's breakdown as
// stored by models.pricesAudit, and the reasons.
type auditBreakdowns struct {
	Retail    map[string]json.Number `json:"retail"`
	Wholesale map[string]json.Number `json:"wholesale"`
	Reason    *struct {
		ES string `json:"es"`
		EN string `json:"en"`
	} `json:"reason"`
}

func parseAuditPrices(s string) (auditBreakdowns, bool) {
	var b auditBreakdowns
	if s == "" {
		return b, true
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	return b, d.Decode(&b) == nil
}

// auditBreakdown rebuilds the figures of a stored breakdown; nil when
// there was none.
func auditBreakdown(m map[string]json.Number) *models.Breakdown {
	if m == nil {
		return nil
	}
	n := func(k string) int64 { v, _ := m[k].Int64(); return v }
	b := &models.Breakdown{Currency: models.PEN, Price: n("price"), LocalMarketPrice: n("local_market_price"),
		LabourMinutes: int(n("labour_minutes")), Version: int(n("version"))}
	for _, k := range models.ComponentKeys {
		b.SetComponent(k, n(string(k)))
	}
	return b
}

func (a *auditReader) prices(e models.AuditEntry) (auditSummary, bool) {
	before, ok1 := parseAuditPrices(e.BeforeJSON)
	after, ok2 := parseAuditPrices(e.AfterJSON)
	if !ok1 || !ok2 || after.Retail == nil {
		return auditSummary{}, false
	}
	l := a.l
	var s auditSummary
	money := func(m models.Money) string { return l.Money(m) }
	line := func(label, before, after string) {
		s.Lines = append(s.Lines, auditLine{Label: label, Before: before, After: after})
	}
	for _, ch := range []struct {
		channel       models.Channel
		before, after map[string]json.Number
	}{{models.ChannelRetail, before.Retail, after.Retail}, {models.ChannelWholesale, before.Wholesale, after.Wholesale}} {
		was, now := auditBreakdown(ch.before), auditBreakdown(ch.after)
		if now == nil {
			continue
		}
		label := l.T("audit.price_of", "Channel", l.T("admin.prices.channel."+string(ch.channel)))
		if was == nil {
			line(label, "", money(now.PriceMoney()))
		} else if was.Price != now.Price || was.Version != now.Version {
			line(label, money(was.PriceMoney()), money(now.PriceMoney()))
		}
	}
	// Labour, materials and community fund are the same in both channels
	// (models.SameArtisanPay): the retail breakdown tells them.
	b, r := auditBreakdown(before.Retail), auditBreakdown(after.Retail)
	was := func(f func(*models.Breakdown) string) string {
		if b == nil {
			return ""
		}
		return f(b)
	}
	labour := func(x *models.Breakdown) string { return formatHoursMinutes(x.LabourMinutes) }
	hourly := func(x *models.Breakdown) string {
		return l.T("audit.per_hour", "Amount", money(x.EffectiveHourlyPay()))
	}
	share := func(x *models.Breakdown) string {
		return l.T("audit.share", "Amount", money(x.PaidToArtisans()), "Share", l.Permille(x.SharePermille(x.PaidToArtisans().Amount)))
	}
	surplus := func(x *models.Breakdown) string { return money(x.Surplus()) }
	line(l.T("admin.prices.labour_time"), was(labour), labour(r))
	line(l.T("admin.prices.hourly"), was(hourly), hourly(r))
	if r.EffectiveHourlyPay().Amount < a.minHourly.Amount {
		s.Lines[len(s.Lines)-1].Warn = true
		s.BelowMinimum = true
		s.Minimum = l.T("audit.below_minimum", "Min", money(a.minHourly))
	}
	line(l.T("audit.paid_to_artisans"), was(share), share(r))
	line(l.T("admin.prices.surplus"), was(surplus), surplus(r))
	if rs := after.Reason; rs != nil {
		t := models.Bilingual(rs.ES, rs.EN, l.Lang())
		s.Reason = &t
	}
	return s, true
}

// fields tells any other entry: each changed field by its name in words.
func (a *auditReader) fields(e models.AuditEntry) auditSummary {
	var s auditSummary
	for _, c := range e.Changes() {
		if !c.Changed || auditHidden[c.Field] {
			continue
		}
		s.Lines = append(s.Lines, auditLine{Label: a.fieldLabel(c.Field),
			Before: a.value(c.Field, c.Before), After: a.value(c.Field, c.After)})
	}
	return s
}

// auditHidden are bookkeeping fields no reader needs.
var auditHidden = map[string]bool{"session_epoch": true, "password_hash": true,
	"updated_at": true, "search_text": true, "lock_version": true, "token": true, "session": true}

// fieldLabel names a field in words: its audit or form label, a price
// component's name, or the key made readable.
func (a *auditReader) fieldLabel(key string) string {
	var parts []string
	for _, k := range strings.Split(key, ".") {
		parts = append(parts, a.wordFor(k))
	}
	return strings.Join(parts, ": ")
}

func (a *auditReader) wordFor(k string) string {
	l := a.l
	if k == string(models.ChannelRetail) || k == string(models.ChannelWholesale) {
		return l.T("admin.prices.channel." + k)
	}
	if slices.Contains(models.ComponentKeys, models.ComponentKey(k)) {
		return l.ComponentLabel(models.ComponentKey(k))
	}
	for _, id := range []string{"audit.field." + k, "admin.field." + k} {
		if t := l.T(id); t != id {
			return t
		}
	}
	w := strings.ReplaceAll(k, "_", " ")
	return strings.ToUpper(w[:1]) + w[1:]
}

// auditMoneyKeys hold céntimos.
var auditMoneyKeys = map[string]bool{"price": true, "local_market_price": true, "price_amount": true,
	"wholesale_price_amount": true, "amount": true, "rate_amount": true, "paid_to_artisans_amount": true}

// value writes a field's value for a reader: soles, yes/no, a role's name.
func (a *auditReader) value(key, v string) string {
	l := a.l
	if v == "" || v == "null" {
		return ""
	}
	last := key[strings.LastIndexByte(key, '.')+1:]
	switch {
	case auditMoneyKeys[last] || slices.Contains(models.ComponentKeys, models.ComponentKey(last)):
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return l.Money(models.Soles(n))
		}
	case last == "labour_minutes":
		if n, err := strconv.Atoi(v); err == nil {
			return formatHoursMinutes(n)
		}
	case v == "true":
		return l.T("audit.yes")
	case v == "false":
		return l.T("audit.no")
	case last == "role" && models.Role(v).Valid():
		return l.T("role." + v)
	case last == "application_status" && models.ApplicationStatus(v).Valid():
		return l.T("apply.status." + v)
	case last == "status" && l.T("order.status."+v) != "order.status."+v:
		return l.T("order.status." + v)
	case last == "reason" && l.T("admin.stock.reason."+v) != "admin.stock.reason."+v:
		// A stock movement's reason is a code (received_from_group).
		return l.T("admin.stock.reason." + v)
	}
	return v
}

// auditListLines is how many lines an entry shows in a list; its page
// shows all.
const auditListLines = 6

// Short tells an entry for a list: at most auditListLines lines, and how
// many more there are.
func (a *auditReader) Short(e models.AuditEntry) auditSummary {
	s := a.Summary(e)
	if n := len(s.Lines); n > auditListLines {
		s.Lines, s.More = s.Lines[:auditListLines], n-auditListLines
	}
	return s
}

// auditChange is one field of an entry's before/after table, in words.
type auditChange struct {
	Label, Before, After string
	Changed              bool
}

// Changes lists every field of the entry, changed ones first, in words.
func (a *auditReader) Changes(e *models.AuditEntry) []auditChange {
	var out []auditChange
	for _, c := range e.Changes() {
		if auditHidden[c.Field] {
			continue
		}
		out = append(out, auditChange{Label: a.fieldLabel(c.Field), Before: a.value(c.Field, c.Before),
			After: a.value(c.Field, c.After), Changed: c.Changed})
	}
	return out
}
