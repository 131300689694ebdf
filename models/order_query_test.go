package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

func TestOrders_Queries(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := newShop(t, db, 10)
		u, err := c.store.CreateUser(ctx, models.NewHasher(cheap, 1), models.NewUser{Email: "ana@example.com",
			Name: "Ana", Password: "una clave larga de prueba", Role: models.RoleCustomer})
		if err != nil {
			t.Fatal(err)
		}
		uid := u.ID
		var mine []*models.Order
		for i := range 3 {
			in := buyer(line(c.prod.ID, 1))
			if i < 2 {
				in.UserID = &uid
			} else {
				in.Customer.Email = "otro@example.com"
			}
			o, err := c.store.CreateOrder(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if i < 2 {
				mine = append(mine, o)
			}
		}
		page, err := c.store.UserOrders(ctx, uid, 1, 10)
		if err != nil || page.Total != 2 || page.Items[0].ID != mine[1].ID || page.Items[1].ID != mine[0].ID {
			t.Fatalf("my orders %+v %v", page, err)
		}
		if _, _, err := c.store.MarkOrderPaid(ctx, cardPayment(mine[0], "cs_q")); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			f    models.OrderFilter
			want int64
		}{
			{"all", models.OrderFilter{}, 3},
			{"paid", models.OrderFilter{Status: models.StatusPaid}, 1},
			{"pending", models.OrderFilter{Status: models.StatusPendingPayment}, 2},
			{"by email", models.OrderFilter{Query: "OTRO@"}, 1},
			{"by number", models.OrderFilter{Query: mine[1].Number}, 1},
			{"by number part", models.OrderFilter{Query: "q-"}, 3},
			{"like wildcards are literal", models.OrderFilter{Query: "%"}, 0},
			{"from the future", models.OrderFilter{From: mine[1].CreatedAt.AddDate(0, 0, 1)}, 0},
			{"until now", models.OrderFilter{To: mine[1].CreatedAt.AddDate(0, 0, 1)}, 3},
		} {
			page, err := c.store.ListOrders(ctx, tc.f)
			if err != nil || page.Total != tc.want || int64(len(page.Items)) != tc.want {
				t.Errorf("%s: %d orders (%v)", tc.name, page.Total, err)
			}
		}
		other := mine[0].Token[:31] + "A"
		if other == mine[0].Token {
			other = mine[0].Token[:31] + "B"
		}
		for _, token := range []string{"", "short", mine[0].Token + "x", other} {
			if _, err := c.store.OrderByToken(ctx, token); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("token %q: %v", token, err)
			}
		}
		got, err := c.store.OrderByNumber(ctx, mine[0].Number)
		if err != nil || got.Token != mine[0].Token || len(got.Payments) != 1 || len(got.History) != 2 || len(got.Lines) != 1 {
			t.Errorf("by number: %+v %v", got, err)
		}
		if err := c.store.SetCheckoutSession(ctx, mine[1].ID, "cs_abc"); err != nil {
			t.Fatal(err)
		}
		if err := c.store.SetCheckoutSession(ctx, mine[1].ID, "cs_abc"); err != nil {
			t.Errorf("same session again: %v", err)
		}
		if err := c.store.SetCheckoutSession(ctx, mine[1].ID, "cs_other"); !errors.Is(err, models.ErrConflict) {
			t.Errorf("another session: %v", err)
		}
		if o, err := c.store.OrderByCheckoutSession(ctx, "cs_abc"); err != nil || o.ID != mine[1].ID {
			t.Errorf("by session: %v", err)
		}
	})
}
