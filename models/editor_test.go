package models_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

const staffEmail = "rosa@ciap.example"

// boCatalog is a small catalog made through the back office: one
// association, one group and one product with prices and stock.
type boCatalog struct {
	store *models.Store
	ed    *models.Editor
	assoc *models.Association
	group *models.Group
	prod  *models.Product
}

// boRetail is a retail breakdown of 100.00 soles paying artisans 45.00.
func boRetail() *models.Breakdown {
	return &models.Breakdown{Price: 10000,
		ArtisanLabour: 3500, ArtisanMaterials: 800, CommunityFund: 200,
		CIAPOperations: 1200, Logistics: 900, PaymentFees: 400, Taxes: 1525, Margin: 1475,
		LocalMarketPrice: 2500, LabourMinutes: 360}
}

// boWholesale pays artisans the same and takes 10.00 off CIAP's margin.
func boWholesale() *models.Breakdown {
	w := boRetail()
	w.Price -= 1000
	w.Margin -= 1000
	return w
}

func newBOCatalog(t *testing.T, db *gorm.DB, stock int) *boCatalog {
	t.Helper()
	ctx := context.Background()
	c := &boCatalog{store: storeWithQueue(t, db)}
	c.ed = c.store.Editor(staffEmail)
	c.assoc = &models.Association{Slug: "asoc-quinua", Name: "Asociación Quinua", Region: models.RegionAyacucho}
	if err := c.ed.CreateAssociation(ctx, c.assoc); err != nil {
		t.Fatalf("create association: %v", err)
	}
	c.group = &models.Group{Slug: "ceramistas-quinua", Name: "Ceramistas de Quinua", AssociationID: c.assoc.ID,
		Region: models.RegionAyacucho, Place: "Quinua", Craft: models.CraftCeramics, Artisans: 12,
		WomenPercent: 75, AssemblyCadence: models.CadenceMonthly, StoryES: "Historia", StoryEN: "Story"}
	if err := c.ed.CreateGroup(ctx, c.group); err != nil {
		t.Fatalf("create group: %v", err)
	}
	c.prod = &models.Product{Slug: "iglesia-de-quinua", NameES: "Iglesia de Quinua", NameEN: "Quinua church",
		DescriptionES: "Cerámica", DescriptionEN: "Ceramic", Craft: models.CraftCeramics, GroupID: c.group.ID,
		WholesaleMinQty: 6}
	if err := c.ed.CreateProduct(ctx, c.prod); err != nil {
		t.Fatalf("create product: %v", err)
	}
	if _, err := c.ed.SaveBreakdowns(ctx, c.prod.ID, c.prod.LockVersion, boRetail(), boWholesale(), "first fair price agreed with the group"); err != nil {
		t.Fatalf("set first prices: %v", err)
	}
	if stock > 0 {
		if _, err := c.ed.AdjustStock(ctx, models.StockAdjustment{ProductID: c.prod.ID, Delta: stock,
			Reason: models.StockReceived}); err != nil {
			t.Fatalf("receive stock: %v", err)
		}
	}
	c.reload(t)
	return c
}

func (c *boCatalog) reload(t *testing.T) {
	t.Helper()
	p, err := c.store.ProductByID(context.Background(), c.prod.ID)
	if err != nil {
		t.Fatalf("reload product: %v", err)
	}
	c.prod = p
}

// fieldOf returns the validation code for field, failing when err is
// not a ValidationError.
func fieldOf(t *testing.T, err error, field string) models.Code {
	t.Helper()
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a ValidationError on %q, got %v", field, err)
	}
	fe, ok := ve.Fields[field]
	if !ok {
		t.Fatalf("want a problem on %q, got %v", field, ve.Fields)
	}
	return fe.Code
}

func audit(t *testing.T, s *models.Store, f models.AuditFilter) []models.AuditEntry {
	t.Helper()
	page, err := s.ListAudit(context.Background(), f)
	if err != nil {
		t.Fatalf("list audit: %v", err)
	}
	return page.Items
}

func TestEditor_SaveBreakdowns_NewVersionNeedsAReason(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newBOCatalog(t, db, 0)
		seen := c.prod.LockVersion

		r := boRetail()
		r.Price, r.ArtisanLabour = 11000, 4500 // pay the labour 10 soles more
		w := boWholesale()
		w.Price, w.ArtisanLabour = 10000, 4500

		_, err := c.ed.SaveBreakdowns(ctx, c.prod.ID, seen, r, w, "   ")
		if msg := fieldOf(t, err, "reason"); msg == "" {
			t.Fatal("empty reason message")
		}
		if h, _ := c.store.BreakdownHistory(ctx, c.prod.ID, models.ChannelRetail); len(h) != 1 {
			t.Fatalf("a refused save recorded a version: %d versions", len(h))
		}

		change, err := c.ed.SaveBreakdowns(ctx, c.prod.ID, seen, r, w, "labour paid at the new group rate")
		if err != nil {
			t.Fatalf("save: %v", err)
		}
		if !change.NewRetail || !change.NewWholesale || change.Retail.Version != 2 || change.Wholesale.Version != 2 {
			t.Fatalf("want v2 of both, got %+v", change)
		}
		hist, err := c.store.BreakdownHistory(ctx, c.prod.ID, models.ChannelRetail)
		if err != nil || len(hist) != 2 {
			t.Fatalf("history: %v, %d versions", err, len(hist))
		}
		if hist[0].Price != 10000 || hist[0].Reason != "first fair price agreed with the group" {
			t.Errorf("v1 changed: %+v", hist[0])
		}
		if hist[1].Price != 11000 || hist[1].CreatedBy != staffEmail || hist[1].Reason != "labour paid at the new group rate" {
			t.Errorf("v2 = %+v", hist[1])
		}
		c.reload(t)
		if c.prod.PriceAmount != 11000 || c.prod.PaidToArtisansAmount != 5500 || c.prod.RetailBreakdown.Version != 2 {
			t.Errorf("product not pointed at v2: price %d, paid %d", c.prod.PriceAmount, c.prod.PaidToArtisansAmount)
		}

		// Changing only the wholesale side keeps the retail version.
		w2 := *change.Wholesale
		w2.ID, w2.CIAPOperations, w2.Margin = 0, w2.CIAPOperations-100, w2.Margin+100
		r2 := *change.Retail
		change, err = c.ed.SaveBreakdowns(ctx, c.prod.ID, c.prod.LockVersion, &r2, &w2, "shift 1 sol from operations to margin")
		if err != nil {
			t.Fatalf("save wholesale only: %v", err)
		}
		if change.NewRetail || !change.NewWholesale || change.Retail.Version != 2 || change.Wholesale.Version != 3 {
			t.Fatalf("want retail v2 kept and wholesale v3, got %+v", change)
		}
	})
}

func TestEditor_SaveBreakdowns_RefusesBadPrices(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		retail    func(b *models.Breakdown)
		wholesale func(b *models.Breakdown)
		field     string
	}{
		{"retail does not add up", func(b *models.Breakdown) { b.Margin -= 1 }, nil, "retail.components"},
		{"wholesale does not add up", nil, func(b *models.Breakdown) { b.Price += 50 }, "wholesale.components"},
		{"negative component", func(b *models.Breakdown) { b.Taxes, b.Margin = b.Taxes+b.Margin+100, -100 }, nil, "retail.margin"},
		{"wholesale pays artisans less", nil, func(b *models.Breakdown) {
			b.ArtisanLabour -= 500
			b.Margin += 500
		}, "wholesale"},
		{"wholesale above retail", nil, func(b *models.Breakdown) { b.Price += 2000; b.Margin += 2000 }, "wholesale.price"},
		{"nothing changed", nil, nil, "breakdown"},
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newBOCatalog(t, db, 0)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r, w := boRetail(), boWholesale()
				if tc.retail != nil {
					tc.retail(r)
				}
				if tc.wholesale != nil {
					tc.wholesale(w)
				}
				_, err := c.ed.SaveBreakdowns(ctx, c.prod.ID, c.prod.LockVersion, r, w, "a reason")
				fieldOf(t, err, tc.field)
			})
		}
		c.reload(t)
		if c.prod.RetailBreakdown.Version != 1 || c.prod.WholesaleBreakdown.Version != 1 {
			t.Errorf("a refused save changed the prices")
		}
	})
}

// Two editors open the same record; the first saves; the second's save,
// made from what they saw, is refused instead of overwriting.
func TestEditor_ConcurrentEditsDetected(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		save func(ctx context.Context, c *boCatalog, ed *models.Editor, first bool) error
	}{
		{"association", func(ctx context.Context, c *boCatalog, ed *models.Editor, first bool) error {
			a := *c.assoc
			a.Name = map[bool]string{true: "First", false: "Second"}[first]
			return ed.UpdateAssociation(ctx, &a)
		}},
		{"group", func(ctx context.Context, c *boCatalog, ed *models.Editor, first bool) error {
			g := *c.group
			g.Artisans = map[bool]int{true: 20, false: 30}[first]
			return ed.UpdateGroup(ctx, &g)
		}},
		{"product", func(ctx context.Context, c *boCatalog, ed *models.Editor, first bool) error {
			p := *c.prod
			p.NameEN = map[bool]string{true: "First", false: "Second"}[first]
			return ed.UpdateProduct(ctx, &p)
		}},
		{"prices", func(ctx context.Context, c *boCatalog, ed *models.Editor, first bool) error {
			r, w := boRetail(), boWholesale()
			if first {
				r.Logistics, r.Margin = r.Logistics+100, r.Margin-100
			} else {
				r.Logistics, r.Margin = r.Logistics-100, r.Margin+100
			}
			_, err := ed.SaveBreakdowns(ctx, c.prod.ID, c.prod.LockVersion, r, w, "editor change")
			return err
		}},
		{"unpublish", func(ctx context.Context, c *boCatalog, ed *models.Editor, first bool) error {
			return ed.SetProductPublished(ctx, c.prod.ID, c.prod.LockVersion, !first)
		}},
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := newBOCatalog(t, dbtest.Open(t, db.Dialector.Name()), 0)
				// Both editors loaded version 1 of everything (c holds it).
				first, second := c.store.Editor("first@ciap.example"), c.store.Editor("second@ciap.example")
				if err := tc.save(ctx, c, first, true); err != nil {
					t.Fatalf("first save: %v", err)
				}
				err := tc.save(ctx, c, second, false)
				if !errors.Is(err, models.ErrConflict) || !errors.Is(err, models.ErrStale) {
					t.Fatalf("second save: want ErrConflict (stale), got %v", err)
				}
				if !strings.Contains(err.Error(), "someone else changed this") {
					t.Errorf("error does not explain: %v", err)
				}
				if es := audit(t, c.store, models.AuditFilter{Actor: "second@"}); len(es) != 0 {
					t.Errorf("the refused save was audited: %+v", es)
				}
			})
		}
	})
}

func TestEditor_AdjustStock_RecordsMovementsAndNeverGoesNegative(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newBOCatalog(t, db, 0)
		five := 5
		steps := []struct {
			adj   models.StockAdjustment
			stock int    // expected stock after
			field string // a validation error on this field
			short bool   // ErrNotEnoughStock
			stale bool
		}{
			{adj: models.StockAdjustment{Delta: 5, Reason: models.StockReceived, Note: "delivery 12"}, stock: 5},
			{adj: models.StockAdjustment{Delta: -1, Reason: models.StockDamaged, Note: "broken in transit"}, stock: 4},
			{adj: models.StockAdjustment{Delta: -5, Reason: models.StockDamaged}, stock: 4, short: true},
			{adj: models.StockAdjustment{Delta: -4, Reason: models.StockReceived}, stock: 4, field: "delta"},
			{adj: models.StockAdjustment{Delta: 3, Reason: models.StockDamaged}, stock: 4, field: "delta"},
			{adj: models.StockAdjustment{Delta: 0, Reason: models.StockCorrection, Note: "x"}, stock: 4, field: "delta"},
			{adj: models.StockAdjustment{Delta: 1, Reason: "stolen"}, stock: 4, field: "reason"},
			{adj: models.StockAdjustment{Delta: -1, Reason: models.StockCorrection}, stock: 4, field: "note"},
			{adj: models.StockAdjustment{Delta: -1, Reason: models.StockCorrection, Note: "count", SeenStock: &five}, stock: 4, stale: true},
			{adj: models.StockAdjustment{Delta: -2, Reason: models.StockCorrection, Note: "counted 2"}, stock: 2},
		}
		for i, st := range steps {
			st.adj.ProductID = c.prod.ID
			m, err := c.ed.AdjustStock(ctx, st.adj)
			switch {
			case st.field != "":
				fieldOf(t, err, st.field)
			case st.short:
				var ne *models.NotEnoughStockError
				if !errors.Is(err, models.ErrNotEnoughStock) || !errors.As(err, &ne) || ne.InStock != 4 {
					t.Fatalf("step %d: want not enough stock (4), got %v", i, err)
				}
			case st.stale:
				if !errors.Is(err, models.ErrStale) {
					t.Fatalf("step %d: want ErrStale, got %v", i, err)
				}
			case err != nil:
				t.Fatalf("step %d: %v", i, err)
			default:
				if m.ResultingStock != st.stock || m.Actor != staffEmail {
					t.Errorf("step %d: movement %+v", i, m)
				}
			}
			c.reload(t)
			if c.prod.Stock != st.stock {
				t.Fatalf("step %d: stock %d, want %d", i, c.prod.Stock, st.stock)
			}
		}
		ms, err := c.store.StockMovements(ctx, c.prod.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, m := range ms {
			got = append(got, m.Delta, m.ResultingStock)
		}
		if want := []int{-2, 2, -1, 4, 5, 5}; !equalInts(got, want) {
			t.Errorf("movements (delta, resulting), newest first = %v, want %v", got, want)
		}
		// The database refuses negative stock even if the code did not.
		if err := db.Exec("UPDATE products SET stock = -1 WHERE id = ?", c.prod.ID).Error; err == nil {
			t.Error("the database accepted a negative stock")
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEditor_AdjustStock_LastPieceGoesToExactlyOneOfTwo(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		for round := 0; round < 5; round++ {
			c := newBOCatalog(t, dbtest.Open(t, db.Dialector.Name()), 1)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = c.store.Editor("clerk@ciap.example").AdjustStock(ctx, models.StockAdjustment{
						ProductID: c.prod.ID, Delta: -1, Reason: models.StockDamaged})
				}()
			}
			close(start)
			wg.Wait()
			ok, short := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, models.ErrNotEnoughStock):
					short++
				default:
					t.Fatalf("unexpected error: %v", err)
				}
			}
			if ok != 1 || short != 1 {
				t.Fatalf("round %d: %d succeeded, %d refused; want exactly one each", round, ok, short)
			}
			c.reload(t)
			ms, _ := c.store.StockMovements(ctx, c.prod.ID, 0)
			if c.prod.Stock != 0 || len(ms) != 2 {
				t.Fatalf("round %d: stock %d with %d movements, want 0 and 2", round, c.prod.Stock, len(ms))
			}
		}
	})
}

func TestAudit_EveryChangeHasAnEntry(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		start := time.Now().Add(-time.Minute)
		c := newBOCatalog(t, db, 3)

		p := *c.prod
		p.NameEN = "Church of Quinua"
		if err := c.ed.UpdateProduct(ctx, &p); err != nil {
			t.Fatal(err)
		}
		if err := c.ed.SetProductPublished(ctx, p.ID, p.LockVersion, true); err != nil {
			t.Fatal(err)
		}
		if err := c.ed.SetProductPublished(ctx, p.ID, p.LockVersion+1, false); err != nil {
			t.Fatal(err)
		}
		if err := c.ed.SetGroupActive(ctx, c.group.ID, c.group.LockVersion, false); err != nil {
			t.Fatal(err)
		}
		if err := c.ed.SetAssociationActive(ctx, c.assoc.ID, c.assoc.LockVersion, false); err != nil {
			t.Fatal(err)
		}

		want := []struct{ entity, action string }{
			{models.EntityAssociation, models.ActionDeactivate},
			{models.EntityGroup, models.ActionDeactivate},
			{models.EntityProduct, models.ActionUnpublish},
			{models.EntityProduct, models.ActionPublish},
			{models.EntityProduct, models.ActionUpdate},
			{models.EntityProduct, models.ActionStock},
			{models.EntityProduct, models.ActionPrice},
			{models.EntityProduct, models.ActionCreate},
			{models.EntityGroup, models.ActionCreate},
			{models.EntityAssociation, models.ActionCreate},
		}
		all := audit(t, c.store, models.AuditFilter{})
		if len(all) != len(want) {
			t.Fatalf("%d entries, want %d: %+v", len(all), len(want), all)
		}
		for i, w := range want {
			e := all[i]
			if e.EntityType != w.entity || e.Action != w.action || e.Actor != staffEmail || e.Summary == "" {
				t.Errorf("entry %d = %s %s by %s (%q), want %s %s", i, e.EntityType, e.Action, e.Actor, e.Summary, w.entity, w.action)
			}
		}

		// Before and after for price and stock.
		byAction := map[string]models.AuditEntry{}
		for _, e := range all {
			byAction[e.EntityType+"/"+e.Action] = e
		}
		changes := func(e models.AuditEntry) map[string][2]string {
			m := map[string][2]string{}
			for _, ch := range e.Changes() {
				m[ch.Field] = [2]string{ch.Before, ch.After}
			}
			return m
		}
		if got := changes(byAction["product/stock"])["stock"]; got != [2]string{"0", "3"} {
			t.Errorf("stock before/after = %v", got)
		}
		price := changes(byAction["product/price"])
		if got := price["retail.price"]; got != [2]string{"", "10000"} {
			t.Errorf("retail price before/after = %v", got)
		}
		if got := changes(byAction["product/update"])["name_en"]; got != [2]string{"Quinua church", "Church of Quinua"} {
			t.Errorf("name before/after = %v", got)
		}

		// A second price change has a real before.
		r, w := boRetail(), boWholesale()
		r.Price, r.ArtisanMaterials, w.Price, w.ArtisanMaterials = 10100, 900, 9100, 900
		if _, err := c.ed.SaveBreakdowns(ctx, p.ID, p.LockVersion+2, r, w, "clay costs more"); err != nil {
			t.Fatal(err)
		}
		es := audit(t, c.store, models.AuditFilter{EntityType: models.EntityProduct, EntityID: p.ID, Action: models.ActionPrice})
		if len(es) != 2 {
			t.Fatalf("%d price entries", len(es))
		}
		pc := changes(es[0])
		if pc["retail.price"] != [2]string{"10000", "10100"} || pc["retail.version"] != [2]string{"1", "2"} ||
			pc["wholesale.artisan_materials"] != [2]string{"800", "900"} {
			t.Errorf("price change = %v", pc)
		}
		if !strings.Contains(es[0].Summary, "clay costs more") {
			t.Errorf("summary without the reason: %q", es[0].Summary)
		}

		// Filters.
		for _, tc := range []struct {
			name string
			f    models.AuditFilter
			n    int
		}{
			{"actor part", models.AuditFilter{Actor: "ROSA@"}, 11},
			{"other actor", models.AuditFilter{Actor: "nobody"}, 0},
			{"entity type", models.AuditFilter{EntityType: models.EntityGroup}, 2},
			{"entity", models.AuditFilter{EntityType: models.EntityProduct, EntityID: p.ID}, 7},
			{"from", models.AuditFilter{From: start}, 11},
			{"to", models.AuditFilter{To: start}, 0},
			{"future", models.AuditFilter{From: time.Now().Add(time.Hour)}, 0},
			{"page 2", models.AuditFilter{PerPage: 4, Page: 3}, 3},
		} {
			if got := len(audit(t, c.store, tc.f)); got != tc.n {
				t.Errorf("%s: %d entries, want %d", tc.name, got, tc.n)
			}
		}

		// The log is append-only in the database itself.
		if err := db.Exec("UPDATE audit_log SET actor = 'someone-else'").Error; err == nil {
			t.Error("an audit entry could be changed")
		}
		if err := db.Exec("DELETE FROM audit_log").Error; err == nil {
			t.Error("audit entries could be deleted")
		}
		if err := db.Exec("DELETE FROM stock_movements").Error; err == nil {
			t.Error("stock movements could be deleted")
		}
	})
}

func TestEditor_CatalogRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newBOCatalog(t, db, 0)

		// A slug already taken, on create and on edit.
		dup := &models.Association{Slug: c.assoc.Slug, Name: "Otra", Region: models.RegionLima}
		if code := fieldOf(t, c.ed.CreateAssociation(ctx, dup), "slug"); code != models.CodeSlugTaken {
			t.Errorf("duplicate slug: code %q", code)
		}
		p2 := &models.Product{Slug: "otra-pieza", NameES: "Otra", NameEN: "Other", Craft: models.CraftCeramics,
			GroupID: c.group.ID, WholesaleMinQty: 1}
		if err := c.ed.CreateProduct(ctx, p2); err != nil {
			t.Fatal(err)
		}
		p2.Slug = c.prod.Slug
		fieldOf(t, c.ed.UpdateProduct(ctx, p2), "slug")

		// Empty names and bad numbers, all reported at once.
		bad := &models.Group{Slug: "Bad Slug", Name: " ", Region: "mars", Craft: "plastic", Artisans: -1,
			WomenPercent: 120, AssemblyCadence: "yearly", AssociationID: c.assoc.ID}
		err := c.ed.CreateGroup(ctx, bad)
		for _, f := range []string{"slug", "name", "region", "craft", "artisans", "women_percent", "assembly_cadence", "place"} {
			fieldOf(t, err, f)
		}

		// A draft without prices cannot be published.
		fieldOf(t, c.ed.SetProductPublished(ctx, p2.ID, p2.LockVersion, true), "published")

		// A group with published products cannot be deactivated, nor an
		// association with active groups.
		if err := c.ed.SetProductPublished(ctx, c.prod.ID, c.prod.LockVersion, true); err != nil {
			t.Fatal(err)
		}
		fieldOf(t, c.ed.SetGroupActive(ctx, c.group.ID, c.group.LockVersion, false), "active")
		fieldOf(t, c.ed.SetAssociationActive(ctx, c.assoc.ID, c.assoc.LockVersion, false), "active")

		// No change without someone to record.
		if err := c.store.Editor(" ").CreateAssociation(ctx, &models.Association{Slug: "x", Name: "X",
			Region: models.RegionLima}); err == nil {
			t.Error("a change without an actor was accepted")
		}
		// Unknown records are ErrNotFound.
		if err := c.ed.SetProductPublished(ctx, 999999, 1, false); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown product: %v", err)
		}
	})
}

// ---- images ----

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{155, 35, 53, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 30, 20)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpBytes builds the header of a lossless WebP of w×h (the store checks
// the header; it never decodes the pixels).
func webpBytes(w, h int) []byte {
	payload := make([]byte, 10)
	payload[0] = 0x2f
	binary.LittleEndian.PutUint32(payload[1:], uint32(w-1)|uint32(h-1)<<14)
	chunk := append([]byte("VP8L"), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(chunk[4:], uint32(len(payload)))
	chunk = append(chunk, payload...)
	b := append([]byte("RIFF"), 0, 0, 0, 0)
	b = append(b, "WEBP"...)
	b = append(b, chunk...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// pngHeader is the start of a PNG claiming w×h pixels: signature and IHDR
// chunk, no pixels. A decompression bomb looks like this to a reader of
// its header.
func pngHeader(w, h int) []byte {
	ihdr := binary.BigEndian.AppendUint32([]byte("IHDR"), uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	b := binary.BigEndian.AppendUint32([]byte("\x89PNG\r\n\x1a\n"), uint32(len(ihdr)-4))
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

func TestCheckImage(t *testing.T) {
	big := append(pngBytes(t, 4, 4), make([]byte, 20<<20)...)
	cases := []struct {
		name  string
		data  []byte
		ctype string      // "" = refused
		code  models.Code // of the refusal
		w, h  int
	}{
		{"png", pngBytes(t, 40, 30), "image/png", "", 40, 30},
		{"jpeg", jpegBytes(t), "image/jpeg", "", 30, 20},
		{"webp", webpBytes(640, 480), "image/webp", "", 640, 480},
		{"20 MB", big, "", models.CodeImageTooLarge, 0, 0},
		{"10000×10000 png", pngHeader(10000, 10000), "", models.CodeImagePixels, 0, 0},
		{"5001×5000 png", pngHeader(5001, 5000), "", models.CodeImagePixels, 0, 0},
		{"5000×5000 png", pngHeader(5000, 5000), "image/png", "", 5000, 5000},
		{"webp of 10000×10000", webpBytes(10000, 10000), "", models.CodeImagePixels, 0, 0},
		{"text renamed .png", []byte("just some notes, saved as photo.png\n"), "", models.CodeImageType, 0, 0},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "", models.CodeImageSVG, 0, 0},
		{"html", []byte(`<!DOCTYPE html><html><script>alert(1)</script>`), "", models.CodeImageType, 0, 0},
		{"png header only", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), "", models.CodeImageBroken, 0, 0},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "", models.CodeImageType, 0, 0},
		{"empty", nil, "", models.CodeImageMissing, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			up, err := models.ReadImage(bytes.NewReader(tc.data))
			if tc.ctype == "" {
				if code := fieldOf(t, err, "image"); code != tc.code {
					t.Errorf("code %q, want %q", code, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if up.ContentType != tc.ctype || up.Width != tc.w || up.Height != tc.h {
				t.Errorf("got %s %d×%d", up.ContentType, up.Width, up.Height)
			}
		})
	}
}

func TestEditor_SetProductImage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newBOCatalog(t, db, 0)
		data := pngBytes(t, 8, 8)
		up, err := models.CheckImage(data)
		if err != nil {
			t.Fatal(err)
		}
		m, err := c.ed.SetProductImage(ctx, c.prod.ID, c.prod.LockVersion, up)
		if err != nil {
			t.Fatalf("upload: %v", err)
		}
		if !models.ValidMediaName(m.Name) || !strings.HasSuffix(m.Name, ".png") || m.ContentType != "image/png" ||
			!strings.HasPrefix(m.SHA256, strings.TrimSuffix(m.Name, ".png")) {
			t.Errorf("media = %+v", m)
		}
		f, err := c.store.MediaFileByName(ctx, m.Name)
		if err != nil || !bytes.Equal(f.Data, data) || f.ContentType != "image/png" || f.ETag() != `"`+m.SHA256+`"` {
			t.Fatalf("stored picture: %v", err)
		}
		rec, err := c.store.MediaByName(ctx, m.Name)
		if err != nil || rec.ContentType != "image/png" || rec.UploadedBy != staffEmail {
			t.Fatalf("record: %+v, %v", rec, err)
		}
		c.reload(t)
		if name, ok := models.MediaName(c.prod.Image); !ok || name != m.Name {
			t.Errorf("product image = %q", c.prod.Image)
		}
		if es := audit(t, c.store, models.AuditFilter{Action: models.ActionImage}); len(es) != 1 {
			t.Errorf("%d image audit entries", len(es))
		}

		// A stale form stores nothing: the picture is written in the
		// transaction the lock check rolls back.
		other, err := models.CheckImage(pngBytes(t, 9, 9))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ed.SetProductImage(ctx, c.prod.ID, c.prod.LockVersion-1, other)
		if !errors.Is(err, models.ErrStale) {
			t.Fatalf("stale upload: %v", err)
		}
		var blobs int64
		if err := db.Table("media_blobs").Count(&blobs).Error; err != nil || blobs != 1 {
			t.Errorf("%d pictures stored after a refused upload, want 1 (%v)", blobs, err)
		}
		for _, bad := range []string{"../qhatu.db", "x.svg", strings.Repeat("a", 32) + ".html", strings.Repeat("a", 32) + ".png"} {
			if _, err := c.store.MediaFileByName(ctx, bad); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("open %q: %v", bad, err)
			}
		}
	})
}

// Pictures uploaded when they were kept on disk are copied into the
// database on start: each intact file once, however often it runs; a
// file that is gone or whose bytes differ from the recorded hash is
// listed, never stored.
func TestStore_ImportMediaFiles(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		store := models.NewStore(db)
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "media"), 0o750); err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		record := func(name string, data []byte, onDisk []byte) {
			t.Helper()
			sum := sha256.Sum256(data)
			m := models.Media{Name: name, ContentType: "image/png", Size: int64(len(data)), Width: 8, Height: 8,
				SHA256: hex.EncodeToString(sum[:]), UploadedBy: staffEmail}
			if err := db.Create(&m).Error; err != nil {
				t.Fatal(err)
			}
			if onDisk != nil {
				if err := os.WriteFile(filepath.Join(dir, "media", name), onDisk, 0o640); err != nil {
					t.Fatal(err)
				}
			}
			files[name] = data
		}
		intact, gone, altered := strings.Repeat("1", 32)+".png", strings.Repeat("2", 32)+".png", strings.Repeat("3", 32)+".png"
		record(intact, pngBytes(t, 8, 8), pngBytes(t, 8, 8))
		record(gone, pngBytes(t, 9, 9), nil)
		record(altered, pngBytes(t, 10, 10), pngBytes(t, 11, 11))

		for run := range 2 {
			res, err := store.ImportMediaFiles(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if wantN := 1 - run; res.Imported != wantN || strings.Join(res.Missing, " ") != gone+" "+altered {
				t.Errorf("run %d: %+v, want %d imported and %s %s missing", run, res, wantN, gone, altered)
			}
		}
		f, err := store.MediaFileByName(ctx, intact)
		if err != nil || !bytes.Equal(f.Data, files[intact]) {
			t.Fatalf("imported picture: %v", err)
		}
		for _, name := range []string{gone, altered} {
			if _, err := store.MediaFileByName(ctx, name); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s: %v, want not found", name, err)
			}
		}
	})
}

// Two admins demoting each other at the same moment: one wins, the other
// is told the shop needs an admin, and an active admin always remains.
func TestEditor_UpdateUser_TwoAdminsDemotingEachOtherLeaveOne(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := models.NewStore(db)
		h := models.NewHasher(cheap, 1)
		a := mustUser(t, s, h, "ana@example.org", models.RoleAdmin)
		b := mustUser(t, s, h, "beto@example.org", models.RoleAdmin)
		var err error
		for round := 0; round < 8; round++ {
			users := [2]*models.User{a, b}
			for i, u := range users {
				if users[i], err = s.UserByID(ctx, u.ID); err != nil {
					t.Fatal(err)
				}
			}
			// Each admin demotes the other; half the rounds deactivate instead.
			change := func(u *models.User) models.UserChange {
				if round%2 == 1 {
					return models.UserChange{ID: u.ID, Version: u.Version, Role: models.RoleAdmin, Active: false}
				}
				return models.UserChange{ID: u.ID, Version: u.Version, Role: models.RoleStaff, Active: true}
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, 2)
			for i := range users {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, _, errs[i] = s.Editor(users[i].Email).UpdateUser(ctx, change(users[1-i]))
				}()
			}
			close(start)
			wg.Wait()
			var won, refused int
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case errors.Is(err, models.ErrLastAdmin):
					refused++
				default:
					t.Fatalf("round %d: unexpected error %v", round, err)
				}
			}
			if won != 1 || refused != 1 {
				t.Fatalf("round %d: %d changes succeeded and %d were refused as the last admin, want 1 and 1", round, won, refused)
			}
			if n, err := s.CountActiveAdmins(ctx); err != nil || n != 1 {
				t.Fatalf("round %d: %d active admins (%v), want 1", round, n, err)
			}
			// Make the demoted one an admin again for the next round.
			for _, u := range users {
				cur, err := s.UserByID(ctx, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				if cur.Role != models.RoleAdmin || !cur.Active {
					if _, _, err := s.Editor(models.SystemActor).UpdateUser(ctx, models.UserChange{ID: cur.ID,
						Version: cur.Version, Role: models.RoleAdmin, Active: true}); err != nil {
						t.Fatalf("round %d: restore %s: %v", round, cur.Email, err)
					}
				}
			}
		}
	})
}
