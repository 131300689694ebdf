package handlers

import (
	"fmt"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The cart lives in the database; the session only says whose it is: the
// signed-in user's, or a guest token kept under sessCart. The token (and
// with it the session's cookie) is made at the first add only, so a
// visitor who never adds anything keeps getting cached catalog pages.

const (
	// sessCart is the session key of a guest's cart token.
	sessCart = "cart"
	// sessFlash is a one-time message for the next page the visitor sees.
	sessFlash = "flash"
	// cartCountKey caches the header's count in the request context.
	cartCountKey = "cart_count"
)

// cartKey says whose cart this request reads, or false when the visitor
// has none (no account, no guest token). The channel the cart is priced
// at comes from the signed-in role only: a reseller's cart is wholesale.
func (s *Server) cartKey(c echo.Context) (models.CartKey, bool) {
	if u := s.currentUser(c); u != nil {
		return models.CartKey{UserID: u.ID, Channel: models.ChannelFor(u.Role)}, true
	}
	tok := s.sessionString(c, sessCart)
	return models.CartKey{Token: tok}, tok != ""
}

// ensureCartKey is cartKey, making a guest token first when there is
// none. The session gets a CSRF token too, so the pages this visitor sees
// from now on (never cached: they have a cookie) carry it in their forms.
func (s *Server) ensureCartKey(c echo.Context) (models.CartKey, error) {
	if k, ok := s.cartKey(c); ok {
		return k, nil
	}
	tok, err := models.NewCartToken()
	if err != nil {
		return models.CartKey{}, fmt.Errorf("new cart token: %w", err)
	}
	ctx := c.Request().Context()
	sm := s.acct.sessions
	sm.Put(ctx, sessCart, tok)
	if sm.GetString(ctx, sessCSRF) == "" {
		s.newCSRFToken(c)
	}
	return models.CartKey{Token: tok}, nil
}

// cartCount is the number of pieces in the visitor's cart, for the
// header: one query, none for a visitor without a cart.
func (s *Server) cartCount(c echo.Context) int {
	if n, ok := c.Get(cartCountKey).(int); ok {
		return n
	}
	n := 0
	if k, ok := s.cartKey(c); ok {
		var err error
		if n, err = s.store.CartCount(c.Request().Context(), k); err != nil {
			// The header is not worth failing the page for.
			s.log.Warn("cart count", "err", err)
		}
	}
	c.Set(cartCountKey, n)
	return n
}

// mergeGuestCart gives a guest's cart to the account signing in (lines of
// the same product add up, capped at the stock), and forgets the guest
// token. It runs before startSession, which saves the session.
func (s *Server) mergeGuestCart(c echo.Context, u *models.User) error {
	ctx := c.Request().Context()
	tok := s.acct.sessions.GetString(ctx, sessCart)
	if tok == "" {
		return nil
	}
	if err := s.store.MergeCarts(ctx, tok, u.ID); err != nil {
		return fmt.Errorf("merge guest cart into user %d: %w", u.ID, err)
	}
	s.acct.sessions.Remove(ctx, sessCart)
	c.Set(cartCountKey, nil)
	return nil
}

// flash keeps a message for the next page; popFlash takes it.
func (s *Server) flash(c echo.Context, msg string) {
	s.acct.sessions.Put(c.Request().Context(), sessFlash, msg)
}

func (s *Server) popFlash(c echo.Context) string {
	ctx := c.Request().Context()
	if s.sessionString(c, sessFlash) == "" {
		return "" // and the session stays unmodified
	}
	return s.acct.sessions.PopString(ctx, sessFlash)
}

// sessionString reads a session value, "" when the request's session
// was never loaded (a request refused before loadSession).
func (s *Server) sessionString(c echo.Context, key string) string {
	if loaded, _ := c.Get(sessionLoadedKey).(bool); !loaded {
		return ""
	}
	return s.acct.sessions.GetString(c.Request().Context(), key)
}
