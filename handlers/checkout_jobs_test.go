package handlers

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"
)

// pendingOrder places a bank-transfer order of qty pieces of a product
// given stock pieces, expiring an hour from the test clock.
func pendingOrder(t *testing.T, ts *TestServer, db *gorm.DB, stock, qty int) (*models.Order, int64) {
	t.Helper()
	var p models.Product
	if err := db.Where("published = ? AND retail_breakdown_id IS NOT NULL AND price_amount > 0", true).
		Order("id").First(&p).Error; err != nil {
		t.Fatalf("a product for sale: %v", err)
	}
	if err := db.Model(&p).Update("stock", stock).Error; err != nil {
		t.Fatal(err)
	}
	o, err := ts.Store.PlaceOrder(context.Background(), models.OrderInput{
		Customer: models.Customer{Email: "rosa@example.org", Name: "Rosa Mamani", Phone: "+51 987 654 321",
			Address: models.Address{Country: "PE", Region: "puno", City: "Puno", Line: "Jr. Lima 1"}},
		Method: models.PaymentBankTransfer, Lang: "es", ExpiresAt: ts.Clock.Now().Add(time.Hour),
		Lines: []models.OrderLineInput{{ProductID: p.ID, Quantity: qty}}}, nil)
	if err != nil {
		t.Fatalf("place order: %v", err)
	}
	return o, p.ID
}

// expireJob runs the expiry worker on the order as River would.
func expireJob(ts *TestServer, o *models.Order) error {
	w := &expireOrderWorker{s: ts.Server}
	return w.Work(context.Background(), &river.Job[models.ExpireOrderArgs]{
		JobRow: &rivertype.JobRow{ID: 1, Kind: models.ExpireOrderArgs{}.Kind()},
		Args:   models.ExpireOrderArgs{OrderID: o.ID, At: o.ExpiresAt}})
}

func stockNow(t *testing.T, db *gorm.DB, id int64) int {
	t.Helper()
	var p models.Product
	if err := db.First(&p, id).Error; err != nil {
		t.Fatal(err)
	}
	return p.Stock
}

func releases(t *testing.T, db *gorm.DB, orderID int64) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&models.StockMovement{}).Where("order_id = ? AND reason = ?", orderID, models.StockReleased).
		Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestExpireOrderJob_ReleasesStockExactlyOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := NewTestServer(t, db)
		o, pid := pendingOrder(t, ts, db, 5, 2)

		// Too early (another instance's clock ran ahead): it waits.
		var snooze *rivertype.JobSnoozeError
		if err := expireJob(ts, o); !errors.As(err, &snooze) {
			t.Fatalf("expiry before the deadline: %v, want a snooze", err)
		}
		if got, _ := ts.Store.OrderByID(context.Background(), o.ID); got.Status != models.StatusPendingPayment {
			t.Fatalf("expired early: %s", got.Status)
		}

		ts.Clock.Advance(time.Hour + time.Minute)
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = expireJob(ts, o) }()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Errorf("expiry run: %v", err)
			}
		}
		got, _ := ts.Store.OrderByID(context.Background(), o.ID)
		if got.Status != models.StatusCancelled || stockNow(t, db, pid) != 5 || releases(t, db, o.ID) != 1 {
			t.Errorf("after three runs: %s, stock %d, %d releases", got.Status, stockNow(t, db, pid), releases(t, db, o.ID))
		}
		ts.RunJobs(t)
		subjects := map[string]int{}
		for _, m := range ts.Mail.To("rosa@example.org") {
			subjects[m.Subject]++
		}
		want := map[string]int{"Recibimos tu pedido " + o.Number: 1, "El pedido " + o.Number + " fue cancelado": 1}
		if len(subjects) != len(want) || subjects["El pedido "+o.Number+" fue cancelado"] != 1 ||
			subjects["Recibimos tu pedido "+o.Number] != 1 {
			t.Errorf("mails %v, want %v (in the buyer's Spanish)", subjects, want)
		}
	}, DemoCatalog)
}

func TestExpireOrderJob_RacingALatePaymentReleasesStockOnceOrNever(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ts := NewTestServer(t, db)
		for round := range 4 {
			o, pid := pendingOrder(t, ts, db, 5, 2)
			ts.Clock.Advance(time.Hour + time.Minute)
			var wg sync.WaitGroup
			var expErr, payErr error
			wg.Add(3)
			go func() { defer wg.Done(); expErr = expireJob(ts, o) }()
			go func() { defer wg.Done(); _ = expireJob(ts, o) }()
			go func() {
				defer wg.Done()
				_, _, payErr = ts.Store.PayOrder(context.Background(), models.PaymentInput{OrderID: o.ID,
					Method: models.PaymentBankTransfer, Amount: o.Total(), Reference: "BCP-" + o.Number,
					Actor: "staff@example.org"})
			}()
			wg.Wait()
			if expErr != nil || (payErr != nil && !errors.Is(payErr, models.ErrPaymentRefused)) {
				t.Fatalf("round %d: expiry %v, payment %v", round, expErr, payErr)
			}
			got, _ := ts.Store.OrderByID(context.Background(), o.ID)
			switch got.Status {
			case models.StatusPaid: // the payment locked the order first
				if stockNow(t, db, pid) != 3 || releases(t, db, o.ID) != 0 {
					t.Errorf("round %d: paid, stock %d, %d releases", round, stockNow(t, db, pid), releases(t, db, o.ID))
				}
			case models.StatusCancelled: // the expiry did: the payment is refused and flagged
				if stockNow(t, db, pid) != 5 || releases(t, db, o.ID) != 1 || !got.NeedsAttention || payErr == nil {
					t.Errorf("round %d: cancelled, stock %d, %d releases, flagged %v, payment error %v",
						round, stockNow(t, db, pid), releases(t, db, o.ID), got.NeedsAttention, payErr)
				}
			default:
				t.Errorf("round %d: order %s", round, got.Status)
			}
		}
	}, DemoCatalog)
}
