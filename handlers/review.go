package handlers

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The reviewers' portal at /review: what real sales paid each producer
// group, fair pay per product, and the exports a WFTO reviewer takes
// away. Every route is a GET for the back office's readers (roles.go); the
// portal has no form that writes, so a reviewer changes nothing here.

// registerReview adds the portal's pages.
func (s *Server) registerReview(e *echo.Echo) {
	g := s.guard(e)
	g.GET("/review", s.reviewDashboard)
	g.GET("/review/fair-pay", s.reviewFairPay)
	g.GET("/review/exports", s.reviewExports)
	g.GET("/review/exports/:table", s.reviewExport)
	g.GET("/review/report.pdf", s.reviewReport)
	s.registerReviewTrail(g)
}

// reviewView starts the Data of every /review page.
type reviewView struct {
	adminView
	// Form is the period as typed; Query keeps it (and the group) in links.
	Form    periodForm
	Kinds   []formOption
	Groups  []formOption
	GroupID int64
	Query   string
}

// newReviewView reads the period and group of the request. A period or
// group that does not parse is reported in Problem with the error to
// answer (400), and the page still shows the form to correct it.
func (s *Server) newReviewView(c echo.Context, l *Localizer, nav string) (reviewView, models.Period, error) {
	v := reviewView{adminView: s.newAdminView(c, l, nav), Form: readPeriodForm(c.QueryParams(), models.LimaNow())}
	for _, k := range periodKinds {
		v.Kinds = append(v.Kinds, formOption{Value: k, Label: l.T("review.period.kind." + k), Selected: k == v.Form.Kind})
	}
	q := v.Form.query()
	var perr error
	if raw := c.QueryParam("group"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			perr = badInput("review.bad_group")
		} else {
			v.GroupID = id
			q.Set("group", raw)
		}
	}
	p, err := v.Form.period()
	if perr == nil {
		perr = err
	}
	if perr != nil {
		v.Problem = userMessage(l, perr)
	}
	v.Query = q.Encode()
	return v, p, perr
}

// userMessage is a userError's text in the reader's language.
func userMessage(l *Localizer, err error) string {
	var ue *userError
	if errors.As(err, &ue) {
		return l.T(ue.ID, ue.Args...)
	}
	return l.T("error.bad_request")
}

// groupOptions fills the group choice: all groups first.
func (v *reviewView) groupOptions(l *Localizer, groups []models.ReviewGroupRef) {
	v.Groups = []formOption{{Value: "", Label: l.T("review.all_groups"), Selected: v.GroupID == 0}}
	for _, g := range groups {
		v.Groups = append(v.Groups, formOption{Value: strconv.FormatInt(g.ID, 10), Label: g.Name, Selected: g.ID == v.GroupID})
	}
}

// offerGroups fills the group choice from the store, for a page whose
// own data does not list the groups.
func (s *Server) offerGroups(ctx context.Context, l *Localizer, v *reviewView) error {
	groups, err := s.store.ReviewGroups(ctx)
	if err != nil {
		return err
	}
	v.groupOptions(l, groups)
	return nil
}

// reviewDashboardView is what page_review.html shows.
type reviewDashboardView struct {
	reviewView
	Dash      *models.ReviewDashboard
	GroupName string
	Months    []reviewMonthRow
	Chart     template.HTML
	Legend    template.HTML
	// Split is the period's sales as one bar: the artisans' three parts
	// and the rest (CIAP, costs and taxes).
	Split template.HTML
}

type reviewMonthRow struct {
	Label string
	models.ReviewFigures
}

// reviewDashboard is /review: per group (or all) and period, sales, what
// the artisans were paid (labour, materials, community fund), the surplus
// over local market prices, payouts, advances and the balance owed, by
// group and by month, with a chart of the months.
func (s *Server) reviewDashboard(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	rv, p, perr := s.newReviewView(c, l, "review")
	v := reviewDashboardView{reviewView: rv}
	status := http.StatusOK
	if perr != nil {
		status = http.StatusBadRequest
		if err := s.offerGroups(ctx, l, &v.reviewView); err != nil { // the form still offers them
			return err
		}
		return s.renderReview(c, status, "review", l.T("review.title"), l, v)
	}
	d, err := s.store.ReviewDashboard(ctx, v.GroupID, p)
	if errors.Is(err, models.ErrNotFound) {
		return &userError{Status: http.StatusNotFound, ID: "review.no_such_group"}
	}
	if err != nil {
		return err
	}
	v.Dash = d
	v.groupOptions(l, d.AllGroups)
	v.GroupName = l.T("review.all_groups")
	if v.GroupID != 0 {
		v.GroupName = d.Groups[0].GroupName
	}
	months := make([]models.LedgerMonth, len(d.Months))
	v.Months = make([]reviewMonthRow, len(d.Months))
	for i, m := range d.Months {
		v.Months[i] = reviewMonthRow{Label: monthLabel(l, m.Month), ReviewFigures: m.ReviewFigures}
		months[i] = models.LedgerMonth{Month: m.Month, PaidToArtisans: models.Soles(m.PaidToArtisans), Surplus: models.Soles(m.Surplus)}
	}
	v.Chart = monthlyLedgerChart(l, "review-chart", v.GroupName, months)
	v.Legend = ledgerLegend(l)
	v.Split = salesSplitChart(l, "review-split", &d.Total)
	return s.renderReview(c, status, "review", l.T("review.title"), l, v)
}

// renderReview renders a /review page with the back office's styles.
func (s *Server) renderReview(c echo.Context, status int, page, title string, l *Localizer, data any) error {
	return s.render(c, status, page, Page{L: l, Title: title, NoIndex: true, Section: "review", Data: data})
}

// Link is a /review path with the page's period and group kept.
func (v reviewView) Link(path string) string {
	if v.Query == "" {
		return path
	}
	return path + "?" + v.Query
}

// GroupLink is the dashboard of another group for the page's period.
func (v reviewView) GroupLink(id int64) string {
	q := v.Form.query()
	q.Set("group", strconv.FormatInt(id, 10))
	return "/review?" + q.Encode()
}

// Export is the link to a table's export in a format (csv or json).
func (v reviewView) Export(table, format string) string {
	q, _ := url.ParseQuery(v.Query)
	q.Set("format", format)
	return "/review/exports/" + table + "?" + q.Encode()
}

// salesSplitChart draws what the period's sales paid, split as the
// product page's breakdown bar is (chart.go): labour, materials and the
// community fund, then CIAP's side, costs and taxes as one segment.
func salesSplitChart(l *Localizer, id string, f *models.ReviewFigures) template.HTML {
	if f.Sales <= 0 {
		return ""
	}
	permille := func(n int64) int64 { return n * 1000 / f.Sales }
	rest := f.Sales - f.PaidToArtisans
	parts := []string{
		fmt.Sprintf("%s: %s (%s)", l.ComponentLabel(models.ArtisanLabour), l.Money(models.Soles(f.Labour)), l.Permille(permille(f.Labour))),
		fmt.Sprintf("%s: %s (%s)", l.ComponentLabel(models.ArtisanMaterials), l.Money(models.Soles(f.Materials)), l.Permille(permille(f.Materials))),
		fmt.Sprintf("%s: %s (%s)", l.ComponentLabel(models.CommunityFund), l.Money(models.Soles(f.CommunityFund)), l.Permille(permille(f.CommunityFund))),
		l.T("review.split_rest", "Amount", l.Money(models.Soles(rest)), "Share", l.Permille(permille(rest))),
	}
	artisans := permille(f.PaidToArtisans)
	return stackedBar{
		ID:           id,
		Title:        l.T("review.split_title", "Sales", l.Money(models.Soles(f.Sales))),
		Desc:         l.T("chart.breakdown_desc", "Share", l.Permille(artisans)) + " " + strings.Join(parts, "; ") + ".",
		ArtisanLabel: l.T("chart.artisans", "Share", l.Permille(artisans)),
		OtherLabel:   l.T("chart.others", "Share", l.Permille(1000-artisans)),
		Segments: []chartSegment{{models.ArtisanLabour, f.Labour}, {models.ArtisanMaterials, f.Materials},
			{models.CommunityFund, f.CommunityFund}, {models.CIAPOperations, rest}},
	}.SVG()
}
