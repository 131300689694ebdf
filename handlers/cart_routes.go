package handlers

import "github.com/labstack/echo/v4"

// registerCart adds the cart page and its forms. The cart page is never
// cached: it is the visitor's own. Adding is a "first write": a visitor
// with no session yet (the cached catalog pages carry no CSRF token) may
// add without one when the browser proves the form is the shop's own
// (see firstWrite in csrf.go); the add then starts the session and its
// token, which every later form carries.
func (s *Server) registerCart(e *echo.Echo) {
	e.GET("/cart", s.cartPage)
	e.POST("/cart/add", s.cartAdd)
	e.POST("/cart/update", s.cartUpdate)
	e.POST("/cart/remove", s.cartRemove)
	s.firstWrite("/cart/add")
}
