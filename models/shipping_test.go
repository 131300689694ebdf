package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

func TestShippingZones_SeededEditedAndAudited(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 5)
		zs, err := c.store.ShippingZones(ctx)
		if err != nil || len(zs) != 3 || zs[0].Code != models.ZoneLima || zs[2].Code != models.ZoneInternational {
			t.Fatalf("zones %+v %v", zs, err)
		}
		for _, z := range zs {
			if z.Rate().Currency != models.PEN || z.RateAmount <= 0 || z.MinDays > z.MaxDays || z.Name("en") == "" {
				t.Errorf("seeded zone %+v", z)
			}
		}
		peru := zs[1]
		bad := peru
		bad.MinDays, bad.MaxDays = 9, 3
		if err := c.ed.UpdateShippingZone(ctx, &bad); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("max before min: %v", err)
		}
		edit := peru
		edit.RateAmount, edit.MinDays, edit.MaxDays = 3000, 4, 9
		if err := c.ed.UpdateShippingZone(ctx, &edit); err != nil {
			t.Fatal(err)
		}
		stale := peru
		stale.RateAmount = 100
		if err := c.ed.UpdateShippingZone(ctx, &stale); !errors.Is(err, models.ErrStale) {
			t.Errorf("edit from a stale form: %v", err)
		}
		got, err := c.store.ShippingZoneByCode(ctx, models.ZonePeru)
		if err != nil || got.RateAmount != 3000 || got.MaxDays != 9 || got.LockVersion != edit.LockVersion {
			t.Errorf("saved zone %+v (%v)", got, err)
		}
		if a := audit(t, c.store, models.AuditFilter{EntityType: models.EntityShippingZone}); len(a) != 1 || a[0].Actor != staffEmail {
			t.Errorf("audit %+v", a)
		}
		// The address picks the zone, and the order charges its rate then.
		in := buyer(line(c.prod.ID, 1))
		in.Customer.Address.Region = "cusco"
		o, err := c.store.CreateOrder(ctx, in)
		if err != nil || o.ShippingZoneCode != models.ZonePeru || o.ShippingAmount != 3000 || o.ShippingMaxDays != 9 {
			t.Fatalf("order to Cusco: %+v %v", o, err)
		}
		in.Customer.Address = models.Address{Country: "DE", Region: "Berlin", City: "Berlin", Line: "Unter den Linden 1"}
		if o, err := c.store.CreateOrder(ctx, in); err != nil || o.ShippingZoneCode != models.ZoneInternational {
			t.Errorf("order to Berlin: %v", err)
		}
	})
}

func TestZoneFor(t *testing.T) {
	for _, tc := range []struct {
		a    models.Address
		want models.ShippingZoneCode
	}{
		{models.Address{Country: "PE", Region: "lima-metropolitana"}, models.ZoneLima},
		{models.Address{Country: "PE", Region: "callao"}, models.ZoneLima},
		{models.Address{Country: "PE", Region: "lima-provincias"}, models.ZonePeru},
		{models.Address{Country: "PE", Region: "puno"}, models.ZonePeru},
		{models.Address{Country: "CL", Region: "lima-metropolitana"}, models.ZoneInternational},
	} {
		if got := models.ZoneFor(tc.a); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.a, got, tc.want)
		}
	}
}
