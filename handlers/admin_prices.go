package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The price breakdown form: the eight components of the retail and the
// wholesale price side by side, the local market price and labour time
// they share, and the reason for the change. The sum against each price
// is computed here on every render; static/js/breakdown-sum.js updates it
// while typing, but the server always checks again. Saving records new
// versions; the old ones stay listed and readable.

// priceInput is one amount field of the form.
type priceInput struct {
	ID, Name, Label, Value, Error string
	Key                           models.ComponentKey
	PaysArtisans                  bool
}

// priceColumn is one channel's side of the form.
type priceColumn struct {
	Channel    models.Channel
	Heading    string
	Price      priceInput
	Components []priceInput
	// Sum is the components typed so far; SumText says how it compares
	// with the price (the same text the script writes).
	Sum            models.Money
	SumOK          bool
	SumText        string
	PaidToArtisans models.Money
	Error          string // about the whole column (does not add up, artisans paid less)
	Current        *models.Breakdown
}

// hourlyPay is the resulting hourly pay, as staff type.
type hourlyPay struct {
	Pay, Minimum models.Money
	Known, Below bool
	Text         string
	// Texts for the script, with {pay} and {min} in them.
	TextOK, TextBelow, TextUnknown string
}

// priceConfirm asks to confirm a save: each warning, and the token the
// confirm checkbox posts back. The token names the figures confirmed, so
// a form changed after the warning is asked about again.
type priceConfirm struct {
	Warnings []string
	Token    string
}

type priceVersionRow struct {
	B   models.Breakdown
	URL string
}

// adminPricesView is page_admin_prices.html.
type adminPricesView struct {
	adminView
	Product           *models.Product
	LockVersion       int64
	Retail, Wholesale priceColumn
	Columns           []priceColumn // retail, wholesale
	LocalMarket       priceInput
	LocalMarketInfo   []localMarketField // source, date, method (admin_prices_local.go)
	// Labour time per piece, typed as hours and minutes.
	LabourHours, LabourMins priceInput
	// Reason and ReasonEn are why, in Spanish and in English.
	Reason, ReasonEn priceInput
	// Hourly is the effective hourly pay the typed breakdown gives, and
	// how it compares with the RMV; the script updates it while typing.
	Hourly hourlyPay
	// Confirm lists what must be confirmed before saving (pay under the
	// RMV, a thin wholesale margin); nil when nothing needs it.
	Confirm   *priceConfirm
	FormError string
	// Sum texts for the script, with {sum}, {price} and {diff} in them.
	SumTextOK, SumTextShort, SumTextOver string
	Versions                             []priceVersionRow
	Breadcrumb                           []adminLink
}

// breakdownValues are a product's current breakdowns as form values.
func breakdownValues(p *models.Product) url.Values {
	v := url.Values{}
	for _, b := range []*models.Breakdown{p.RetailBreakdown, p.WholesaleBreakdown} {
		if b == nil {
			continue
		}
		ch := string(b.Channel)
		v.Set(ch+".price", models.Soles(b.Price).Decimal())
		for _, c := range b.Components() {
			v.Set(ch+"."+string(c.Key), c.Amount.Decimal())
		}
		v.Set("local_market_price", models.Soles(b.LocalMarketPrice).Decimal())
		v.Set("labour_hours", strconv.Itoa(b.LabourMinutes/60))
		v.Set("labour_mins", strconv.Itoa(b.LabourMinutes%60))
		localMarketValues(v, b)
	}
	return v
}

// parseBreakdowns reads both columns; amounts that do not parse are
// reported by the reader and count as zero in the sums.
func parseBreakdowns(f *formReader) (retail, wholesale *models.Breakdown) {
	local := f.amount("local_market_price")
	minutes := labourMinutes(f)
	read := func(ch models.Channel) *models.Breakdown {
		b := &models.Breakdown{Channel: ch, Currency: models.PEN, LocalMarketPrice: local, LabourMinutes: minutes}
		b.Price = f.amount(string(ch) + ".price")
		for _, k := range models.ComponentKeys {
			b.SetComponent(k, f.amount(string(ch)+"."+string(k)))
		}
		return b
	}
	retail, wholesale = read(models.ChannelRetail), read(models.ChannelWholesale)
	readLocalMarket(f, retail, wholesale)
	return retail, wholesale
}

// maxLabourHours bounds the labour time typed for one piece (a year).
const maxLabourHours = 24 * 366

// labourMinutes reads the labour time as hours and minutes
// (labour_hours, labour_mins); a form that sends minutes alone
// (labour_minutes, as before) is read too.
func labourMinutes(f *formReader) int {
	if !f.v.Has("labour_hours") && !f.v.Has("labour_mins") {
		if f.v.Has("labour_minutes") {
			return f.integer("labour_minutes", true)
		}
		f.fail("labour_hours", "admin.prices.labour_required")
		return 0
	}
	h, m := f.integer("labour_hours", false), f.integer("labour_mins", false)
	if h < 0 || h > maxLabourHours {
		f.fail("labour_hours", "admin.error.at_most", "Max", maxLabourHours)
	}
	if m < 0 || m > 59 {
		f.fail("labour_mins", "admin.prices.minutes_range")
	}
	if h*60+m <= 0 {
		f.fail("labour_hours", "admin.prices.labour_required")
	}
	return h*60 + m
}

// priceErrorField maps the store's field names to the form's: the local
// market price and labour time are typed once for both channels.
func priceErrorField(field string) string {
	switch field {
	case "retail.local_market_price", "wholesale.local_market_price":
		return "local_market_price"
	case "retail.labour_minutes", "wholesale.labour_minutes", "labour_minutes":
		return "labour_hours"
	}
	if _, name, ok := strings.Cut(field, "."); ok && slices.Contains(localMarketNames, name) {
		return name
	}
	return field
}

// typedMinutes is the labour time in values, 0 when it does not parse.
func typedMinutes(values url.Values) int {
	if !values.Has("labour_hours") && !values.Has("labour_mins") {
		n, _ := strconv.Atoi(values.Get("labour_minutes"))
		return n
	}
	h, _ := strconv.Atoi(strings.TrimSpace(values.Get("labour_hours")))
	m, _ := strconv.Atoi(strings.TrimSpace(values.Get("labour_mins")))
	if h < 0 || m < 0 || m > 59 {
		return 0
	}
	return h*60 + m
}

// newHourlyPay is the hourly pay of labour (céntimos) over minutes,
// against the minimum wage's hourly figure.
func newHourlyPay(l *Localizer, labour int64, minutes int, minimum models.Money) hourlyPay {
	h := hourlyPay{Minimum: minimum,
		TextOK:      l.T("admin.prices.hourly_ok", "Pay", "{pay}", "Min", "{min}"),
		TextBelow:   l.T("admin.prices.hourly_below", "Pay", "{pay}", "Min", "{min}"),
		TextUnknown: l.T("admin.prices.hourly_unknown")}
	if labour < 0 || minutes <= 0 {
		h.Text = h.TextUnknown
		return h
	}
	b := models.Breakdown{Currency: models.PEN, ArtisanLabour: labour, LabourMinutes: minutes}
	h.Pay, h.Known = b.EffectiveHourlyPay(), true
	h.Below = h.Pay.Amount < minimum.Amount
	id := "admin.prices.hourly_ok"
	if h.Below {
		id = "admin.prices.hourly_below"
	}
	h.Text = l.T(id, "Pay", l.Money(h.Pay), "Min", l.Money(minimum))
	return h
}

// priceWarnings are what a save must confirm: retail pay under the RMV,
// a wholesale margin under the floor. The token names those figures.
func (s *Server) priceWarnings(l *Localizer, retail, wholesale *models.Breakdown) *priceConfirm {
	var c priceConfirm
	minimum := s.cfg.MinimumWage.Hourly()
	pay := retail.EffectiveHourlyPay()
	if pay.Amount < minimum.Amount {
		c.Warnings = append(c.Warnings, l.T("admin.prices.warn_rmv", "Pay", l.Money(pay), "Min", l.Money(minimum),
			"Source", s.cfg.MinimumWage.Source))
	}
	margin := wholesale.SharePermille(wholesale.Margin)
	if floor := s.cfg.WholesaleMarginFloor; floor > 0 && margin < floor {
		c.Warnings = append(c.Warnings, l.T("admin.prices.warn_margin", "Margin", l.Money(models.Soles(wholesale.Margin)),
			"Share", l.Permille(margin), "Floor", l.Permille(floor)))
	}
	if len(c.Warnings) == 0 {
		return nil
	}
	c.Token = fmt.Sprintf("pay:%d;margin:%d;price:%d", pay.Amount, margin, wholesale.Price)
	return &c
}

// scriptArgs leave the sum messages' figures as placeholders the script fills.
var scriptArgs = []any{"sum", "{sum}", "price", "{price}", "diff", "{diff}"}

func (s *Server) pricesView(c echo.Context, l *Localizer, p *models.Product, values url.Values, errs map[string]string) (adminPricesView, error) {
	v := adminPricesView{adminView: s.newAdminView(c, l, "products"), Product: p, LockVersion: p.LockVersion,
		SumTextOK: l.T("admin.prices.sum_ok", scriptArgs...), SumTextShort: l.T("admin.prices.sum_short", scriptArgs...),
		SumTextOver: l.T("admin.prices.sum_over", scriptArgs...),
		Breadcrumb: []adminLink{{"/admin", l.T("admin.title")}, {"/admin/products", l.T("admin.products.title")},
			{idPath("/admin/products", p.ID), p.Name(l.Lang())}}}
	v.Errors = errs
	input := func(name, label string) priceInput {
		return priceInput{ID: "f-" + name, Name: name, Label: label, Value: values.Get(name), Error: errs[name]}
	}
	column := func(ch models.Channel, cur *models.Breakdown) priceColumn {
		pre := string(ch) + "."
		col := priceColumn{Channel: ch, Heading: l.T("admin.prices.channel." + string(ch)), Current: cur,
			Price: input(pre+"price", l.T("admin.prices.price")), Error: errs[string(ch)+".components"]}
		col.Price.ID = "f-" + string(ch) + "-price"
		price, _ := models.ParseAmount(col.Price.Value)
		var sum, artisans int64
		for _, k := range models.ComponentKeys {
			in := input(pre+string(k), l.ComponentLabel(k))
			in.ID, in.Key, in.PaysArtisans = "f-"+string(ch)+"-"+string(k), k, k.PaysArtisans()
			a, _ := models.ParseAmount(in.Value)
			sum += a
			if k.PaysArtisans() {
				artisans += a
			}
			col.Components = append(col.Components, in)
		}
		col.Sum, col.PaidToArtisans, col.SumOK = models.Soles(sum), models.Soles(artisans), sum == price && price > 0
		args := []any{"sum", l.Money(col.Sum), "price", l.Money(models.Soles(price)),
			"diff", l.Money(models.Soles(max(price-sum, sum-price)))}
		switch {
		case sum == price:
			col.SumText = l.T("admin.prices.sum_ok", args...)
		case sum < price:
			col.SumText = l.T("admin.prices.sum_short", args...)
		default:
			col.SumText = l.T("admin.prices.sum_over", args...)
		}
		return col
	}
	v.Retail, v.Wholesale = column(models.ChannelRetail, p.RetailBreakdown), column(models.ChannelWholesale, p.WholesaleBreakdown)
	if msg := errs["wholesale"]; msg != "" {
		if v.Wholesale.Error != "" {
			msg = v.Wholesale.Error + " " + msg
		}
		v.Wholesale.Error = msg
	}
	v.Columns = []priceColumn{v.Retail, v.Wholesale}
	v.LocalMarket = input("local_market_price", l.T("admin.prices.local_market"))
	v.LocalMarketInfo = localMarketFields(l, values, errs)
	if !values.Has("labour_hours") && values.Has("labour_minutes") {
		// A form posted with minutes alone is shown back as hours and minutes.
		if n := typedMinutes(values); n > 0 {
			values.Set("labour_hours", strconv.Itoa(n/60))
			values.Set("labour_mins", strconv.Itoa(n%60))
		}
	}
	v.LabourHours = input("labour_hours", l.T("admin.prices.labour_hours"))
	v.LabourMins = input("labour_mins", l.T("admin.prices.labour_mins"))
	v.Reason = input("reason", l.T("admin.prices.reason_es"))
	v.ReasonEn = input("reason_en", l.T("admin.prices.reason_en"))
	labour, err := models.ParseAmount(values.Get("retail." + string(models.ArtisanLabour)))
	if err != nil {
		labour = -1
	}
	v.Hourly = newHourlyPay(l, labour, typedMinutes(values), s.cfg.MinimumWage.Hourly())
	v.FormError = errs["breakdown"]

	ctx := c.Request().Context()
	for _, ch := range []models.Channel{models.ChannelRetail, models.ChannelWholesale} {
		hist, err := s.store.BreakdownHistory(ctx, p.ID, ch)
		if err != nil {
			return v, err
		}
		for _, b := range hist {
			v.Versions = append(v.Versions, priceVersionRow{B: b,
				URL: idPath("/admin/products", p.ID) + "/prices/" + strconv.FormatInt(b.ID, 10)})
		}
	}
	// Newest first; retail before wholesale at the same moment.
	for i := 1; i < len(v.Versions); i++ {
		for j := i; j > 0 && v.Versions[j].B.CreatedAt.After(v.Versions[j-1].B.CreatedAt); j-- {
			v.Versions[j], v.Versions[j-1] = v.Versions[j-1], v.Versions[j]
		}
	}
	return v, nil
}

func (s *Server) priceTitle(l *Localizer, p *models.Product) string {
	return l.T("admin.prices.title") + " · " + p.Name(l.Lang())
}

// adminPricesForm shows the current breakdowns in the form, and the
// versions before them.
func (s *Server) adminPricesForm(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	p, err := loadRecord(c, s.store.ProductByID)
	if err != nil {
		return err
	}
	v, err := s.pricesView(c, l, p, breakdownValues(p), nil)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "admin_prices", s.priceTitle(l, p), l, v)
}

// adminPricesSave records new versions of the breakdowns.
func (s *Server) adminPricesSave(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, seen, err := editTarget(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	retail, wholesale := parseBreakdowns(f)
	// "Preview" (the form's second button) shows the figures the typed
	// breakdown gives, hourly pay included, without saving: what the
	// script shows while typing, for a browser without it. It needs no
	// reason yet.
	preview := f.str("preview") != ""
	reasons := models.PriceReasons{ES: f.str("reason"), EN: f.str("reason_en")}
	if reasons.ES == "" && reasons.EN == "" && !preview {
		f.fail("reason", "admin.error.reason")
	}
	for name, text := range map[string]string{"reason": reasons.ES, "reason_en": reasons.EN} {
		if len([]rune(text)) > models.MaxReasonLen {
			f.fail(name, "admin.error.too_long", "Max", models.MaxReasonLen)
		}
	}
	var confirm *priceConfirm
	if len(f.errs) == 0 {
		// Pay under the RMV or a thin wholesale margin is saved only once
		// confirmed for these very figures.
		if confirm = s.priceWarnings(l, retail, wholesale); confirm != nil && f.str("confirm") == confirm.Token {
			confirm = nil
		}
	}
	if len(f.errs) == 0 && confirm == nil && !preview {
		_, err = s.editor(c).SaveBreakdownsWithReasons(ctx, id, seen, retail, wholesale, reasons)
		if err == nil {
			return seeOther(c, idPath("/admin/products", id)+"/prices?done=prices")
		}
		if !errors.Is(err, models.ErrInvalid) && !isStale(err) {
			return err
		}
	}
	p, lerr := s.store.ProductByID(ctx, id)
	if lerr != nil {
		return lerr
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		for k, fe := range ve.Fields {
			if k := priceErrorField(k); f.errs[k] == "" {
				f.errs[k] = fieldMessage(l, fe)
			}
		}
	}
	typed := url.Values{}
	for k := range posted {
		if k != "_csrf" && k != "lock_version" && k != "confirm" && k != "preview" {
			typed.Set(k, posted.Get(k))
		}
	}
	v, verr := s.pricesView(c, l, p, typed, f.errs)
	if verr != nil {
		return verr
	}
	if isStale(err) {
		v.Conflict = s.conflictFor(c, l, models.EntityProduct, id)
		saved := breakdownValues(p)
		for _, col := range []priceColumn{v.Retail, v.Wholesale} {
			for _, in := range append([]priceInput{col.Price}, col.Components...) {
				if a, b := saved.Get(in.Name), typed.Get(in.Name); a != b {
					v.Conflict.Diffs = append(v.Conflict.Diffs, fieldDiff{Label: col.Heading + ": " + in.Label, Saved: a, Yours: b})
				}
			}
		}
		shared := []priceInput{v.LocalMarket, v.LabourHours, v.LabourMins}
		for _, in := range v.LocalMarketInfo {
			shared = append(shared, in.priceInput)
		}
		for _, in := range shared {
			if a, b := saved.Get(in.Name), typed.Get(in.Name); a != b {
				v.Conflict.Diffs = append(v.Conflict.Diffs, fieldDiff{Label: in.Label, Saved: a, Yours: b})
			}
		}
	} else if preview && len(f.errs) == 0 {
		v.LockVersion, v.Confirm = seen, confirm
		v.Notice = l.T("admin.prices.preview_notice")
		return s.renderAdmin(c, http.StatusOK, "admin_prices", s.priceTitle(l, p), l, v)
	} else if confirm != nil && len(f.errs) == 0 {
		// Nothing wrong, but a figure to confirm: the same form again with
		// the warnings and the confirm checkbox.
		v.LockVersion, v.Confirm = seen, confirm
		v.Problem = l.T("admin.prices.confirm_needed")
		return s.renderAdmin(c, http.StatusUnprocessableEntity, "admin_prices", s.priceTitle(l, p), l, v)
	} else {
		v.LockVersion = seen
		v.Problem = l.T("admin.prices.not_saved")
	}
	return s.renderAdmin(c, formStatus(v.Conflict), "admin_prices", s.priceTitle(l, p), l, v)
}

// adminBreakdownVersionView is one past or current version, read-only.
type adminBreakdownVersionView struct {
	adminView
	Product    *models.Product
	B          *models.Breakdown
	Table      *breakdownTable
	Current    bool
	Breadcrumb []adminLink
}

// adminBreakdownVersion shows one breakdown version as it was recorded.
func (s *Server) adminBreakdownVersion(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	bid, err := idParam(c, "bid")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.store.ProductByID(ctx, id)
	if err != nil {
		return err
	}
	b, err := s.store.BreakdownByID(ctx, id, bid)
	if err != nil {
		return err
	}
	cur := (p.RetailBreakdownID != nil && *p.RetailBreakdownID == b.ID) ||
		(p.WholesaleBreakdownID != nil && *p.WholesaleBreakdownID == b.ID)
	base := idPath("/admin/products", p.ID)
	v := adminBreakdownVersionView{adminView: s.newAdminView(c, l, "products"), Product: p, B: b, Current: cur,
		Table: newBreakdownTable(b, s.cfg.MinimumWage.Hourly()),
		Breadcrumb: []adminLink{{"/admin", l.T("admin.title")}, {"/admin/products", l.T("admin.products.title")},
			{base, p.Name(l.Lang())}, {base + "/prices", l.T("admin.prices.title")}}}
	title := l.T("admin.prices.version_title", "Channel", l.T("admin.prices.channel."+string(b.Channel)), "Version", b.Version)
	return s.renderAdmin(c, http.StatusOK, "admin_breakdown", title, l, v)
}
