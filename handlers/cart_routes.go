package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// registerCart adds the cart page and its forms. The cart page is never
// cached: it is the visitor's own. Adding is a "first write": a visitor
// with no session yet (the cached catalog pages carry no CSRF token) may
// add without one when the browser proves the form is the shop's own
// (see firstWrite in csrf.go); the add then starts the session and its
// token, which every later form carries. A reviewer is refused them
// (shopWrites in roles.go).
func (s *Server) registerCart(e *echo.Echo) {
	e.GET("/cart", s.cartPage)
	s.shopWrite(e, http.MethodPost, "/cart/add", s.cartAdd)
	s.shopWrite(e, http.MethodPost, "/cart/update", s.cartUpdate)
	s.shopWrite(e, http.MethodPost, "/cart/remove", s.cartRemove)
	s.firstWrite("/cart/add")
}
