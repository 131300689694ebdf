package handlers

import (
	"errors"
	"net/url"
	"testing"
	"time"
)

// Every kind of period, read from the query as the form sends it: the
// days it spans in Lima's time, or the message that refuses it.
func TestPeriodForm_ParsesEveryKindAndRefusesWithAMessage(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 20, 10, 0, 0, 0, time.FixedZone("PET", -5*3600))
	cases := []struct {
		query, from, last string // last day, inclusive
		refused           string // message ID
	}{
		{query: "", from: "2026-01-01", last: "2026-12-31"}, // this year
		{query: "period=month", from: "2026-05-01", last: "2026-05-31"},
		{query: "period=month&month=2024-02", from: "2024-02-01", last: "2024-02-29"},
		{query: "period=month&month=+2026-03+", from: "2026-03-01", last: "2026-03-31"},
		{query: "period=quarter", from: "2026-04-01", last: "2026-06-30"},
		{query: "period=quarter&quarter=2025-q4", from: "2025-10-01", last: "2025-12-31"},
		{query: "period=year&year=2025", from: "2025-01-01", last: "2025-12-31"},
		{query: "period=custom&from=2026-01-15&to=2026-02-14", from: "2026-01-15", last: "2026-02-14"},
		{query: "period=custom&from=2026-03-01&to=2026-03-01", from: "2026-03-01", last: "2026-03-01"},
		{query: "period=custom&from=2016-01-01&to=2025-12-31", from: "2016-01-01", last: "2025-12-31"}, // 120 months
		{query: "period=month&month=2026-13", refused: "review.period.bad_month"},
		{query: "period=month&month=1999-12", refused: "review.period.bad_month"},
		{query: "period=month&month=marzo", refused: "review.period.bad_month"},
		{query: "period=quarter&quarter=2026-Q0", refused: "review.period.bad_quarter"},
		{query: "period=quarter&quarter=2026-Q12", refused: "review.period.bad_quarter"},
		{query: "period=quarter&quarter=2026Q1", refused: "review.period.bad_quarter"},
		{query: "period=year&year=26", refused: "review.period.bad_year"},
		{query: "period=year&year=2101", refused: "review.period.bad_year"},
		{query: "period=custom&to=2026-01-01", refused: "review.period.bad_from"},
		{query: "period=custom&from=2026-01-01&to=2026-02-30", refused: "review.period.bad_to"},
		{query: "period=custom&from=2026-03-02&to=2026-03-01", refused: "review.period.reversed"},
		{query: "period=custom&from=2015-12-31&to=2025-12-31", refused: "review.period.too_long"},
		{query: "period=week", refused: "review.period.bad_kind"},
	}
	for _, tc := range cases {
		q, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		f := readPeriodForm(q, now)
		p, err := f.period()
		var ue *userError
		switch {
		case tc.refused != "":
			if !errors.As(err, &ue) || ue.ID != tc.refused || ue.Status != 400 {
				t.Errorf("%q: got %v, want 400 %s", tc.query, err, tc.refused)
			}
		case err != nil:
			t.Errorf("%q: refused: %v", tc.query, err)
		default:
			lima := time.FixedZone("PET", -5*3600)
			if got := p.From.In(lima); got.Format(time.DateOnly) != tc.from || got.Hour() != 0 {
				t.Errorf("%q: from %v, want %s 00:00 in Lima", tc.query, got, tc.from)
			}
			if got := p.LastDay().In(lima).Format(time.DateOnly); got != tc.last {
				t.Errorf("%q: last day %s, want %s", tc.query, got, tc.last)
			}
			// The kind's own fields round-trip through the links.
			if again, err := readPeriodForm(f.query(), now).period(); err != nil || !again.From.Equal(p.From) || !again.To.Equal(p.To) {
				t.Errorf("%q: the link's period differs: %v %v", tc.query, again, err)
			}
		}
	}
}
