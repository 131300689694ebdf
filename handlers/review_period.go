package handlers

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
)

// periodForm is the period a reviewer asks for, as typed: a kind (month,
// quarter, year or custom) and the fields of each. The page keeps every
// field as typed, so a refused period can be corrected in place.
type periodForm struct {
	Kind    string // month, quarter, year, custom
	Month   string // 2026-03
	Quarter string // 2026-Q1
	Year    string // 2026
	From    string // 2026-01-15
	To      string // 2026-02-14
}

// Period kinds.
const (
	periodMonth   = "month"
	periodQuarter = "quarter"
	periodYear    = "year"
	periodCustom  = "custom"
)

// periodKinds is the order the form offers them in.
var periodKinds = []string{periodMonth, periodQuarter, periodYear, periodCustom}

// Bounds of a period a reviewer may ask for: the shop's records start
// after firstYear, and a custom period spans at most maxPeriodMonths
// (the chart draws one pair of bars a month).
const (
	firstYear       = 2000
	lastYear        = 2100
	maxPeriodMonths = 120
)

// readPeriodForm reads the period's fields from the query; the default is
// the current year.
func readPeriodForm(q url.Values, now time.Time) periodForm {
	f := periodForm{Kind: strings.TrimSpace(q.Get("period")), Month: strings.TrimSpace(q.Get("month")),
		Quarter: strings.ToUpper(strings.TrimSpace(q.Get("quarter"))), Year: strings.TrimSpace(q.Get("year")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	switch {
	case f.Kind == "" && (f.From != "" || f.To != ""):
		// Old links (the back office's reconciliation) name two days.
		f.Kind = periodCustom
	case f.Kind == "":
		f.Kind = periodYear
	}
	// Blank fields show the current month, quarter and year.
	if f.Month == "" {
		f.Month = now.Format("2006-01")
	}
	if f.Quarter == "" {
		f.Quarter = fmt.Sprintf("%d-Q%d", now.Year(), (int(now.Month())+2)/3)
	}
	if f.Year == "" {
		f.Year = strconv.Itoa(now.Year())
	}
	return f
}

// period checks the form and returns the period it names, or a 400 with a
// message that says what to write instead.
func (f periodForm) period() (models.Period, error) {
	switch f.Kind {
	case periodMonth:
		t, err := time.Parse("2006-01", f.Month)
		if err != nil || t.Year() < firstYear || t.Year() > lastYear {
			return models.Period{}, badInput("review.period.bad_month", "Value", f.Month)
		}
		from := models.LimaDay(t.Year(), t.Month(), 1)
		return models.Period{From: from, To: from.AddDate(0, 1, 0)}, nil
	case periodQuarter:
		y, q, ok := strings.Cut(f.Quarter, "-Q")
		year, err1 := strconv.Atoi(y)
		n, err2 := strconv.Atoi(q)
		if !ok || err1 != nil || err2 != nil || n < 1 || n > 4 || year < firstYear || year > lastYear || len(q) != 1 {
			return models.Period{}, badInput("review.period.bad_quarter", "Value", f.Quarter)
		}
		from := models.LimaDay(year, time.Month(3*n-2), 1)
		return models.Period{From: from, To: from.AddDate(0, 3, 0)}, nil
	case periodYear:
		year, err := strconv.Atoi(f.Year)
		if err != nil || year < firstYear || year > lastYear {
			return models.Period{}, badInput("review.period.bad_year", "Value", f.Year, "First", firstYear, "Last", lastYear)
		}
		from := models.LimaDay(year, time.January, 1)
		return models.Period{From: from, To: from.AddDate(1, 0, 0)}, nil
	case periodCustom:
		day := func(s string) (time.Time, bool) {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil || t.Year() < firstYear || t.Year() > lastYear {
				return time.Time{}, false
			}
			return models.LimaDay(t.Year(), t.Month(), t.Day()), true
		}
		from, ok := day(f.From)
		if !ok {
			return models.Period{}, badInput("review.period.bad_from", "Value", f.From)
		}
		to, ok := day(f.To)
		if !ok {
			return models.Period{}, badInput("review.period.bad_to", "Value", f.To)
		}
		if to.Before(from) {
			return models.Period{}, badInput("review.period.reversed", "From", f.From, "To", f.To)
		}
		p := models.Period{From: from, To: to.AddDate(0, 0, 1)}
		if len(p.Months()) > maxPeriodMonths {
			return models.Period{}, badInput("review.period.too_long", "Months", maxPeriodMonths)
		}
		return p, nil
	}
	return models.Period{}, badInput("review.period.bad_kind")
}

// query is the period as URL parameters, for links that keep it (the
// exports, the other review pages). Only the kind's own fields are kept.
func (f periodForm) query() url.Values {
	q := url.Values{"period": {f.Kind}}
	switch f.Kind {
	case periodMonth:
		q.Set("month", f.Month)
	case periodQuarter:
		q.Set("quarter", f.Quarter)
	case periodYear:
		q.Set("year", f.Year)
	case periodCustom:
		q.Set("from", f.From)
		q.Set("to", f.To)
	}
	return q
}
