package models

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// The reviewers' dashboard: what real sales paid each group in a period,
// month by month, with the money CIAP sent and what it still owes. Every
// figure is summed in SQL from the ledger (sales, paid to artisans,
// surplus), the order lines behind its entries (the sale price) and the
// payouts and advances; one query per table for every group and month
// together, never one per group. Amounts are in soles, net of refunds.

// Period is a span of whole days in Peru's time: From is the first day's
// midnight, To the midnight after the last day (exclusive).
type Period struct {
	From, To time.Time
}

// LastDay is the period's last day (inclusive).
func (p Period) LastDay() time.Time { return p.To.AddDate(0, 0, -1) }

// Months lists the first day of every month the period touches.
func (p Period) Months() []time.Time {
	var out []time.Time
	for m := time.Date(p.From.Year(), p.From.Month(), 1, 0, 0, 0, 0, limaZone); m.Before(p.To); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}

// LimaDay is midnight of t's calendar day in Peru's time.
func LimaDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, limaZone) }

// LimaNow is the current time in Peru.
func LimaNow() time.Time { return time.Now().In(limaZone) }

// ReviewFigures are the sums of one row of the dashboard: a group, a
// month, or the whole. Amounts are minor units of soles.
type ReviewFigures struct {
	// Pieces sold, net of pieces refunded.
	Pieces int64
	// Sales is what buyers paid for those pieces (the lines' unit price).
	Sales          int64
	Labour         int64
	Materials      int64
	CommunityFund  int64
	PaidToArtisans int64
	LocalMarket    int64
	Surplus        int64
	Payouts        int64
	Advances       int64
	// Opening and Closing are the balance CIAP owes the group (ledger −
	// payouts − advances) before the first day and after the last.
	Opening, Closing int64
}

func (f *ReviewFigures) add(o ReviewFigures) {
	f.Pieces += o.Pieces
	f.Sales += o.Sales
	f.Labour += o.Labour
	f.Materials += o.Materials
	f.CommunityFund += o.CommunityFund
	f.PaidToArtisans += o.PaidToArtisans
	f.LocalMarket += o.LocalMarket
	f.Surplus += o.Surplus
	f.Payouts += o.Payouts
	f.Advances += o.Advances
}

// ReviewGroupRow is one group's figures over the period.
type ReviewGroupRow struct {
	GroupID   int64
	GroupName string
	ReviewFigures
}

// ReviewMonthRow is one month's figures (of the chosen group, or of all).
type ReviewMonthRow struct {
	Month time.Time // the first day, midnight in Lima
	ReviewFigures
}

// ReviewGroupRef names a group, for the dashboard's choice of group.
type ReviewGroupRef struct {
	ID   int64
	Name string
}

// ReviewGroups lists every group, active or not (a group's past sales
// stay on the record), by name.
func (s *Store) ReviewGroups(ctx context.Context) ([]ReviewGroupRef, error) {
	var all []ReviewGroupRef
	if err := s.db.WithContext(ctx).Table("producer_groups").Select("id, name").Order("name, id").Scan(&all).Error; err != nil {
		return nil, fmt.Errorf("review: groups: %w", err)
	}
	return all, nil
}

// ReviewDashboard is the dashboard of one group (GroupID) or all (0).
type ReviewDashboard struct {
	Period    Period
	GroupID   int64
	AllGroups []ReviewGroupRef // every group, by name
	Groups    []ReviewGroupRow // by name; every group, or the one chosen
	Months    []ReviewMonthRow // every month of the period, oldest first
	Total     ReviewFigures
}

// limaMonth is the SQL for "YYYY-MM" of a timestamp column in Peru's time.
func (s *Store) limaMonth(column string) string {
	if s.Dialect() == "sqlite" {
		return "strftime('%Y-%m', " + column + ", '-5 hours')"
	}
	return "to_char(" + column + " AT TIME ZONE 'UTC' - INTERVAL '5 hours', 'YYYY-MM')"
}

// dateMonth is the SQL for "YYYY-MM" of a date column (payouts' paid_on).
func (s *Store) dateMonth(column string) string {
	if s.Dialect() == "sqlite" {
		return "strftime('%Y-%m', " + column + ")"
	}
	return "to_char(" + column + ", 'YYYY-MM')"
}

// openingBucket names the sums from before the period in the queries
// below: it sorts before every "YYYY-MM".
const openingBucket = "0000-00"

// ReviewDashboard sums the ledger, payouts and advances of one group (or
// all groups when groupID is 0) for a period, by group and month.
func (s *Store) ReviewDashboard(ctx context.Context, groupID int64, p Period) (*ReviewDashboard, error) {
	if !p.From.Before(p.To) {
		return nil, fmt.Errorf("review dashboard: empty period %s – %s: %w", p.From, p.To, ErrInvalid)
	}
	db := s.db.WithContext(ctx)
	d := &ReviewDashboard{Period: p, GroupID: groupID}

	// Every group is read and summed (one query per table whatever the
	// number of groups); a chosen group keeps only its own rows.
	all, err := s.ReviewGroups(ctx)
	if err != nil {
		return nil, err
	}
	d.AllGroups = all
	byGroup := map[int64]*ReviewGroupRow{}
	for _, g := range all {
		if groupID == 0 || g.ID == groupID {
			d.Groups = append(d.Groups, ReviewGroupRow{GroupID: g.ID, GroupName: g.Name})
		}
	}
	if groupID != 0 && len(d.Groups) == 0 {
		return nil, fmt.Errorf("review dashboard: group %d: %w", groupID, ErrNotFound)
	}
	for i := range d.Groups {
		byGroup[d.Groups[i].GroupID] = &d.Groups[i]
	}
	months := p.Months()
	byMonth := map[string]*ReviewMonthRow{}
	d.Months = make([]ReviewMonthRow, len(months))
	for i, m := range months {
		d.Months[i] = ReviewMonthRow{Month: m}
		byMonth[m.Format("2006-01")] = &d.Months[i]
	}

	type cell struct {
		GroupID int64
		Bucket  string
		ReviewFigures
	}
	var cells []cell
	from, to := p.From.UTC(), p.To.UTC()
	// The ledger: sales from the line's unit price × the entry's pieces
	// (negative on a refund), everything else from the entry itself.
	var ledger []cell
	err = rawScan(db, &ledger, `SELECT e.group_id, CASE WHEN e.created_at < ? THEN '`+openingBucket+`' ELSE `+s.limaMonth("e.created_at")+` END AS bucket,
			SUM(e.quantity) AS pieces, SUM(e.quantity * l.unit_price) AS sales,
			SUM(e.artisan_labour) AS labour, SUM(e.artisan_materials) AS materials,
			SUM(e.community_fund) AS community_fund, SUM(e.paid_to_artisans) AS paid_to_artisans,
			SUM(e.local_market_price) AS local_market, SUM(e.surplus) AS surplus
		FROM ledger_entries e JOIN order_lines l ON l.id = e.order_line_id
		WHERE e.currency = ? AND e.created_at < ?
		GROUP BY e.group_id, bucket`, from, PEN, to)
	if err != nil {
		return nil, fmt.Errorf("review dashboard: ledger by group and month: %w", err)
	}
	cells = append(cells, ledger...)
	// Payouts and advances by the day they were paid (a date column).
	for _, t := range []struct {
		table string
		set   func(c *cell, n int64)
	}{
		{"payouts", func(c *cell, n int64) { c.Payouts = n }},
		{"advances", func(c *cell, n int64) { c.Advances = n }},
	} {
		var sums []struct {
			GroupID int64
			Bucket  string
			Total   int64
		}
		err := rawScan(db, &sums, `SELECT group_id, CASE WHEN paid_on < ? THEN '`+openingBucket+`' ELSE `+s.dateMonth("paid_on")+` END AS bucket,
				SUM(amount) AS total
			FROM `+t.table+` WHERE currency = ? AND paid_on < ?
			GROUP BY group_id, bucket`, p.From.Format(time.DateOnly), PEN, p.To.Format(time.DateOnly))
		if err != nil {
			return nil, fmt.Errorf("review dashboard: %s by group and month: %w", t.table, err)
		}
		for _, x := range sums {
			c := cell{GroupID: x.GroupID, Bucket: x.Bucket}
			t.set(&c, x.Total)
			cells = append(cells, c)
		}
	}

	// Opening balances first (their bucket sorts first), then the months.
	sort.SliceStable(cells, func(i, j int) bool { return cells[i].Bucket < cells[j].Bucket })
	var opening int64
	for _, c := range cells {
		g := byGroup[c.GroupID]
		if g == nil {
			continue // another group's: one group was chosen
		}
		owed := c.PaidToArtisans - c.Payouts - c.Advances
		if c.Bucket == openingBucket {
			g.Opening += owed
			opening += owed
			continue
		}
		g.add(c.ReviewFigures)
		d.Total.add(c.ReviewFigures)
		if m := byMonth[c.Bucket]; m != nil {
			m.add(c.ReviewFigures)
		}
	}
	for i := range d.Groups {
		g := &d.Groups[i]
		g.Closing = g.Opening + g.PaidToArtisans - g.Payouts - g.Advances
	}
	d.Total.Opening = opening
	d.Total.Closing = opening + d.Total.PaidToArtisans - d.Total.Payouts - d.Total.Advances
	running := opening
	for i := range d.Months {
		m := &d.Months[i]
		m.Opening = running
		running += m.PaidToArtisans - m.Payouts - m.Advances
		m.Closing = running
	}
	return d, nil
}
