package models_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// A living-wage reference is checked field by field; a good one is
// recorded with its audit entry (before → after); the same one again
// changes nothing; rows cannot be rewritten.
func TestLivingWage_ValidatedAuditedAppendOnly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := storeWithQueue(t, db)
		ed := s.Editor(staffEmail)
		today := time.Now()
		good := models.LivingWageInput{Monthly: models.Soles(185000), HoursPerWeek: 48,
			Source: "WFTO local living wage method, Huancayo 2026", AsOf: today.AddDate(0, -1, 0)}
		cases := []struct {
			name  string
			edit  func(in *models.LivingWageInput)
			field string
			code  models.Code
		}{
			{"zero", func(in *models.LivingWageInput) { in.Monthly = models.Soles(0) }, "monthly", models.CodePositive},
			{"too large", func(in *models.LivingWageInput) { in.Monthly = models.Soles(models.MaxTypedAmount + 1) }, "monthly", models.CodeTooLarge},
			{"dollars", func(in *models.LivingWageInput) { in.Monthly.Currency = "USD" }, "monthly", models.CodeCurrency},
			{"no hours", func(in *models.LivingWageInput) { in.HoursPerWeek = 0 }, "hours_per_week", models.CodeHoursPerWeek},
			{"a week too long", func(in *models.LivingWageInput) { in.HoursPerWeek = 85 }, "hours_per_week", models.CodeHoursPerWeek},
			{"no source", func(in *models.LivingWageInput) { in.Source = "   " }, "source", models.CodeRequired},
			{"source too long", func(in *models.LivingWageInput) { in.Source = string(make([]rune, 301)) }, "source", models.CodeTooLong},
			{"no date", func(in *models.LivingWageInput) { in.AsOf = time.Time{} }, "as_of", models.CodeRequired},
			{"future", func(in *models.LivingWageInput) { in.AsOf = today.AddDate(0, 0, 3) }, "as_of", models.CodeDateFuture},
		}
		for _, tc := range cases {
			in := good
			tc.edit(&in)
			_, err := ed.SetLivingWage(ctx, in)
			var ve *models.ValidationError
			if !errors.As(err, &ve) || ve.Fields[tc.field].Code != tc.code {
				t.Errorf("%s: got %v, want %s on %s", tc.name, err, tc.code, tc.field)
			}
		}
		if w, err := s.LivingWage(ctx); err != nil || w != nil {
			t.Fatalf("refused inputs recorded something: %v %v", w, err)
		}
		w, err := ed.SetLivingWage(ctx, good)
		if err != nil {
			t.Fatal(err)
		}
		// 1,850.00 × 12 / (52 × 48) = 8.89 an hour, rounded down as the RMV's.
		if w.Hourly() != models.Soles(889) {
			t.Errorf("hourly %v, want 8.89", w.Hourly())
		}
		if _, err := ed.SetLivingWage(ctx, good); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("the same reference again: %v, want refused", err)
		}
		next := good
		next.Monthly, next.Source = models.Soles(200000), "CIAP assembly study 2026"
		if _, err := ed.SetLivingWage(ctx, next); err != nil {
			t.Fatal(err)
		}
		cur, err := s.LivingWage(ctx)
		if err != nil || cur.Monthly != 200000 || cur.Actor != staffEmail {
			t.Fatalf("in force: %+v %v", cur, err)
		}
		entries := audit(t, s, models.AuditFilter{EntityType: models.EntityLivingWage})
		if len(entries) != 2 || entries[0].BeforeJSON == "" || entries[1].BeforeJSON != "" ||
			entries[0].EntityID != cur.ID || entries[0].Actor != staffEmail {
			t.Fatalf("audit entries: %+v", entries)
		}
		if err := db.Exec("UPDATE living_wage_references SET monthly = 1").Error; err == nil {
			t.Error("a living-wage reference was rewritten")
		}
		if err := db.Exec("DELETE FROM living_wage_references").Error; err == nil {
			t.Error("a living-wage reference was deleted")
		}
	})
}

// Products under the RMV or the living wage, or paying no surplus, come
// first; then by pay per hour, lowest first.
func TestFairPayOf_FlaggedFirstThenLowestPay(t *testing.T) {
	t.Parallel()
	rmv := models.Soles(543)
	living := &models.LivingWage{Currency: models.PEN, Monthly: 185000, HoursPerWeek: 48} // 8.89 an hour
	product := func(slug string, group int64, labour int64, minutes int, local int64) models.Product {
		b := dbtest.Breakdown(20000, labour, 1000, 500, local, minutes)
		return models.Product{Slug: slug, GroupID: group, RetailBreakdown: b}
	}
	ps := []models.Product{
		product("rich", 1, 6000, 240, 1000),         // 15.00 an hour
		product("under-living", 1, 3000, 240, 1000), // 7.50: above the RMV, under the living wage
		product("fair", 2, 4000, 240, 1000),         // 10.00
		product("no-surplus", 2, 4800, 240, 9000),   // 12.00, but the market pays more
		product("under-rmv", 1, 1000, 240, 100),     // 2.50
		{Slug: "no-breakdown", GroupID: 1},
	}
	var got []string
	for _, f := range models.FairPayOf(ps, 0, rmv, living) {
		got = append(got, f.Product.Slug)
	}
	want := []string{"under-rmv", "under-living", "no-surplus", "fair", "rich"}
	if len(got) != len(want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
	// Without a living-wage reference only the RMV and the surplus flag.
	fs := models.FairPayOf(ps, 1, rmv, nil)
	if len(fs) != 3 || fs[0].Product.Slug != "under-rmv" || !fs[0].BelowRMV || fs[1].Flagged() || fs[1].Product.Slug != "under-living" {
		t.Errorf("group 1 without a living wage: %+v", fs)
	}
	if !fs[0].Undocumented {
		t.Error("a local market price without source counts as documented")
	}
}

// The local market price's source, date and method are kept on the
// breakdown version; changing only them records a new version.
func TestSaveBreakdowns_KeepsWhereTheLocalMarketPriceComesFrom(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newBOCatalog(t, db, 0)
		day := time.Date(2026, 2, 14, 0, 0, 0, 0, time.UTC)
		r, w := boRetail(), boWholesale()
		for _, b := range []*models.Breakdown{r, w} {
			b.LocalMarketSource, b.LocalMarketDate, b.LocalMarketMethod = "Feria de Huamanga", &day, "three stallholders asked"
		}
		ch, err := c.ed.SaveBreakdowns(ctx, c.prod.ID, c.prod.LockVersion, r, w, "local market price documented")
		if err != nil || !ch.NewRetail || !ch.NewWholesale {
			t.Fatalf("save: %+v %v", ch, err)
		}
		c.reload(t)
		got := c.prod.RetailBreakdown
		if got.Version != 2 || got.LocalMarketSource != "Feria de Huamanga" || got.LocalMarketMethod != "three stallholders asked" ||
			got.LocalMarketDate == nil || got.LocalMarketDate.Format(time.DateOnly) != "2026-02-14" || !got.LocalMarketDocumented() {
			t.Fatalf("saved version: %+v", got)
		}
		long := boRetail()
		long.LocalMarketSource = string(make([]rune, 301))
		if _, err := c.ed.SaveBreakdowns(ctx, c.prod.ID, c.prod.LockVersion, long, boWholesale(), "too long"); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("a 301-character source: %v", err)
		}
	})
}

// sqlCounter counts the statements a store runs (gorm's logger sees each).
type sqlCounter struct {
	logger.Interface
	n atomic.Int64
}

func (c *sqlCounter) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	c.n.Add(1)
}

// The dashboard is summed in SQL with the same few statements however
// many groups there are: never one query per group.
func TestReviewDashboard_SameStatementsForAnyNumberOfGroups(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newFulfilShop(t, db, 5)
		o := c.paidOrder(t, models.OrderLineInput{ProductID: c.prod.ID, Quantity: 1},
			models.OrderLineInput{ProductID: c.prod2.ID, Quantity: 2})
		if _, err := c.store.FulfillOrder(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		year := models.LimaDay(models.LimaNow().Year(), time.January, 1)
		p := models.Period{From: year, To: year.AddDate(1, 0, 0)}
		count := func() (int64, *models.ReviewDashboard) {
			counter := &sqlCounter{Interface: logger.Discard}
			s := models.NewStore(db.Session(&gorm.Session{Logger: counter}))
			d, err := s.ReviewDashboard(ctx, 0, p)
			if err != nil {
				t.Fatal(err)
			}
			return counter.n.Load(), d
		}
		before, d := count()
		if len(d.Groups) != 2 || d.Total.Pieces != 3 || len(d.Months) != 12 {
			t.Fatalf("dashboard: %d groups, %d pieces, %d months", len(d.Groups), d.Total.Pieces, len(d.Months))
		}
		for i := range 5 {
			g := &models.Group{Slug: fmt.Sprintf("grupo-%d", i), Name: fmt.Sprintf("Grupo %d", i), AssociationID: c.assoc.ID,
				Region: models.RegionPuno, Place: "Puno", Craft: models.CraftKnitwear, Artisans: 5, WomenPercent: 100,
				AssemblyCadence: models.CadenceWeekly, StoryES: "Historia", StoryEN: "Story"}
			if err := c.ed.CreateGroup(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		after, d := count()
		if len(d.Groups) != 7 || after != before || before < 4 || before > 5 {
			t.Errorf("%d statements for 2 groups, %d for %d groups; want the same few", before, after, len(d.Groups))
		}
	})
}
