package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The cart's forms read a product (product_id, or slug on add), a
// quantity and an optional next page; nothing price-like the browser
// posts (price, total, discount, channel, wholesale) is ever read:
// prices come from the catalog when the cart is shown and at checkout.

// maxQuantityDigits bounds what is parsed: no stock reaches 10,000 pieces,
// and "20 digits" is refused before it can overflow anything.
const maxQuantityDigits = 4

// parseQuantity reads a whole number of pieces from 1 up. It says why it
// refused as a message ID.
func parseQuantity(raw string) (int, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, "cart.error.quantity_required"
	}
	for _, r := range raw {
		if r < '0' || r > '9' {
			return 0, "cart.error.quantity_whole"
		}
	}
	if len(raw) > maxQuantityDigits {
		return 0, "cart.error.quantity_too_many"
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, "cart.error.quantity_min"
	}
	return n, ""
}

// errCartProduct refuses a form that names no product the shop sells.
var errCartProduct = &userError{Status: http.StatusUnprocessableEntity, ID: "cart.error.product"}

// cartProduct finds the product a form names: product_id, or a
// published product's slug.
func (s *Server) cartProduct(c echo.Context, allowSlug bool) (int64, error) {
	if raw := c.FormValue("product_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return 0, errCartProduct
		}
		return id, nil
	}
	if slug := c.FormValue("slug"); allowSlug && slug != "" {
		p, err := s.productBySlug(c.Request().Context(), slug)
		if errors.Is(err, models.ErrNotFound) {
			return 0, errCartProduct
		}
		if err != nil {
			return 0, err
		}
		return p.ID, nil
	}
	return 0, errCartProduct
}

// cartAdd adds pieces to the cart (POST /cart/add), making the cart at
// the first add.
func (s *Server) cartAdd(c echo.Context) error {
	return s.changeCart(c, true, func(k models.CartKey, id int64, qty int) error {
		ctx := c.Request().Context()
		if _, sent := c.Request().PostForm["quantity"]; !sent && k.Channel == models.ChannelWholesale {
			// A card's form, for a reseller: the smallest quantity they
			// may order (the minimum rounded up to the pack step), which
			// the store checks as any wholesale line.
			p, err := s.store.ProductByID(ctx, id)
			if err != nil {
				return err
			}
			qty = p.WholesaleStartQty()
		}
		return s.store.AddToCart(ctx, k, id, qty)
	}, "cart.added")
}

// cartUpdate sets a line's quantity (POST /cart/update); in a
// reseller's cart also whether the pieces beyond stock are made to order
// (made_to_order), checked as the grid checks a line.
func (s *Server) cartUpdate(c echo.Context) error {
	return s.changeCart(c, false, func(k models.CartKey, id int64, qty int) error {
		if k.Channel == models.ChannelWholesale {
			return s.store.AddWholesaleLines(c.Request().Context(), k, []models.WholesaleLineInput{
				{ProductID: id, Quantity: qty, MadeToOrder: c.FormValue("made_to_order") != ""}})
		}
		return s.store.SetCartQuantity(c.Request().Context(), k, id, qty)
	}, "cart.updated")
}

// changeCart runs an add or an update: it parses the form, changes the
// cart, and answers 303 with a message, or the cart page with the
// refusal (422).
func (s *Server) changeCart(c echo.Context, add bool, change func(models.CartKey, int64, int) error, doneID string) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := s.cartProduct(c, add)
	if err != nil {
		return s.cartRefused(c, err)
	}
	// A card's form sends no quantity: one piece. A field sent empty is
	// a mistake to point out.
	raw := c.FormValue("quantity")
	qty, msgID := 1, ""
	if _, sent := c.Request().PostForm["quantity"]; sent || !add {
		qty, msgID = parseQuantity(raw)
	}
	if msgID != "" {
		return s.renderCart(c, http.StatusUnprocessableEntity,
			cartView{Error: l.T(msgID), Quantities: map[int64]string{id: raw}})
	}
	var k models.CartKey
	if add {
		k, err = s.ensureCartKey(c)
	} else {
		var ok bool
		if k, ok = s.cartKey(c); !ok {
			return seeOther(c, "/cart") // nothing to update
		}
	}
	if err == nil {
		err = change(k, id, qty)
	}
	var qe *models.QuantityError
	var we *models.WholesaleLinesError
	switch {
	case errors.As(err, &we):
		var msgs []string
		for _, ch := range we.Bad() {
			msgs = append(msgs, wholesaleProblems(l, &ch)...)
		}
		return s.renderCart(c, http.StatusUnprocessableEntity,
			cartView{Error: strings.Join(msgs, " "), Quantities: map[int64]string{id: raw}})
	case errors.As(err, &qe):
		msg := l.T("cart.error.stock", "Count", qe.Available)
		if qe.Available <= 0 {
			msg = l.T("cart.error.sold_out")
		}
		return s.renderCart(c, http.StatusUnprocessableEntity, cartView{Error: msg, Quantities: map[int64]string{id: raw}})
	case err != nil:
		return s.cartRefused(c, err)
	}
	s.flash(c, l.T(doneID))
	return s.cartRedirect(c)
}

// cartRemove drops a line (POST /cart/remove).
func (s *Server) cartRemove(c echo.Context) error {
	id, err := s.cartProduct(c, false)
	if err != nil {
		return s.cartRefused(c, err)
	}
	if k, ok := s.cartKey(c); ok {
		if err := s.store.RemoveFromCart(c.Request().Context(), k, id); err != nil {
			return err
		}
		s.flash(c, s.tr.For(s.tr.Pick(c)).T("cart.removed"))
	}
	return s.cartRedirect(c)
}

// cartRefused shows the cart page with the message of an expected
// refusal; anything else goes to the error handler.
func (s *Server) cartRefused(c echo.Context, err error) error {
	l := s.tr.For(s.tr.Pick(c))
	var ue *userError
	switch {
	case errors.As(err, &ue):
		return s.renderCart(c, ue.Status, cartView{Error: l.T(ue.ID, ue.Args...)})
	case errors.Is(err, models.ErrUnavailable):
		return s.renderCart(c, http.StatusUnprocessableEntity, cartView{Error: l.T("cart.error.unavailable")})
	case errors.Is(err, models.ErrCartFull):
		max := models.MaxCartLines
		if k, _ := s.cartKey(c); k.Channel == models.ChannelWholesale {
			max = models.MaxWholesaleLines
		}
		return s.renderCart(c, http.StatusUnprocessableEntity, cartView{Error: l.T("cart.error.full", "Max", max)})
	}
	return err
}

// cartRedirect answers 303 to the local page the form names, or the cart.
func (s *Server) cartRedirect(c echo.Context) error {
	next := localPath(c.FormValue("next"))
	if next == "" {
		next = "/cart"
	}
	return seeOther(c, next)
}
