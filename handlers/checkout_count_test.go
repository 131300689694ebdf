package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ciap/qhatu/handlers"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// checkoutRoundTrips is the most statements a buyer's card checkout may
// cost, per request (issue 7's 300 checkouts/s rests on it), per engine:
// a browser adding a piece to a new cart (its session made by the test
// client's token fetch, counted here), opening the checkout form and
// placing the order by card. On PostgreSQL every round trip counts,
// BEGIN and COMMIT included; on SQLite the statements GORM runs.
var checkoutRoundTrips = map[string]map[string]int{
	"postgres": {"add": 9, "form": 6, "place": 20},
	"sqlite":   {"add": 4, "form": 4, "place": 17},
}

// A checkout costs a fixed, small number of round trips: a change that
// adds one fails here, with the statements listed.
func TestCheckout_RoundTrips(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		counted, n := dbtest.Counted(t, db)
		mock := handlers.NewStripeMock(t)
		ts, _, _, id := cartShop(t, counted, 50, mock.Option())
		steps := []struct {
			name string
			run  func(c *testClient) int
		}{
			{"add", func(c *testClient) int { addToCart(t, c, id, 1); return http.StatusSeeOther }},
			{"form", func(c *testClient) int { return c.Get("/checkout").Status }},
			{"place", func(c *testClient) int { return c.PostForm("/checkout", checkoutValues("card")).Status }},
		}
		// The first buyer prepares the statements on the connections.
		warm := englishClient(t, ts)
		for _, s := range steps {
			s.run(warm)
		}
		c := englishClient(t, ts)
		for _, s := range steps {
			n.Reset()
			if got := s.run(c); got != http.StatusOK && got != http.StatusSeeOther {
				t.Fatalf("%s: status %d", s.name, got)
			}
			stmts := n.Statements()
			t.Logf("%s: %d statements:\n%s", s.name, len(stmts), strings.Join(stmts, "\n"))
			if max := checkoutRoundTrips[counted.Dialector.Name()][s.name]; len(stmts) > max {
				t.Errorf("%s: %d statements, want at most %d", s.name, len(stmts), max)
			}
		}
	}, demoCatalog)
}
