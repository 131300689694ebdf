package handlers

import (
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// cartLine is one line of the cart page.
type cartLine struct {
	models.CartItem
	Group *models.GroupSummary // nil when the group is no longer listed
	// Problem says why the line cannot be bought as it is, or "";
	// Problems lists a wholesale line's problems.
	Problem  string
	Problems []string
}

// cartView is what page_cart.html shows.
type cartView struct {
	Lines          []cartLine
	Count          int
	ItemsTotal     models.Money
	PaidToArtisans models.Money
	// Error says why the change just posted was refused.
	Error string
	// Quantities are refused quantities as typed, by product, to show
	// them again beside their message.
	Quantities map[int64]string
	// Wholesale: a reseller's cart, priced at wholesale; MinOrder is the
	// smallest order and Below what is missing to reach it.
	Wholesale bool
	MinOrder  models.Money
	Below     models.Money
}

// cartPage shows the visitor's cart (GET /cart).
func (s *Server) cartPage(c echo.Context) error {
	return s.renderCart(c, http.StatusOK, cartView{})
}

// renderCart shows the cart as the catalog prices it now, with v's
// messages.
func (s *Server) renderCart(c echo.Context, status int, v cartView) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	cart := &models.CartView{}
	if k, ok := s.cartKey(c); ok {
		var err error
		if cart, err = s.store.Cart(ctx, k); err != nil {
			return err
		}
	}
	groups, err := s.catalogGroups(ctx)
	if err != nil {
		return err
	}
	byID := make(map[int64]*models.GroupSummary, len(groups))
	for i := range groups {
		byID[groups[i].ID] = &groups[i]
	}
	for _, it := range cart.Items {
		line := cartLine{CartItem: it, Group: byID[it.Product.GroupID]}
		switch p := it.Product; {
		case it.Wholesale != nil:
			line.Problems = wholesaleProblems(l, it.Wholesale)
		case it.Buyable():
		case !p.Published || p.Stock <= 0:
			line.Problem = l.T("cart.line_unavailable")
		default:
			line.Problem = l.T("cart.line_short", "Count", p.Stock)
		}
		v.Lines = append(v.Lines, line)
	}
	v.Count, v.ItemsTotal, v.PaidToArtisans = cart.Count(), cart.ItemsTotal(), cart.PaidToArtisans()
	if cart.Wholesale() {
		v.Wholesale, v.MinOrder = true, s.wholesaleMinOrder()
		if v.ItemsTotal.Amount < v.MinOrder.Amount {
			v.Below = v.MinOrder.Sub(v.ItemsTotal)
		}
	}
	c.Set(cartCountKey, v.Count)
	c.Response().Header().Set(echo.HeaderCacheControl, "private, no-store")
	return s.render(c, status, "cart", Page{L: l, Title: l.T("cart.title"), NoIndex: true, Data: v})
}
