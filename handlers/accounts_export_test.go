package handlers

import (
	"context"
	"time"

	"github.com/ciap/qhatu/models"
)

// Test hooks, compiled only into this package's tests.

// SetClockForTest replaces the clock of sign-in limits and reset links.
func (s *Server) SetClockForTest(now func() time.Time) { s.acct.now = now }

// SetSleepForTest replaces the wait of the sign-in slow-down.
func (s *Server) SetSleepForTest(f func(ctx context.Context, d time.Duration) error) {
	s.acct.sleep = f
}

// HasherForTest is the server's password hasher.
func (s *Server) HasherForTest() *models.Hasher { return s.acct.hasher }

// ProtectedRoute is one route of the route × role table, as registered.
type ProtectedRoute struct {
	Method string
	Path   string
	Roles  []models.Role
}

// ProtectedRoutesForTest lists the routes registered through protect.
func (s *Server) ProtectedRoutesForTest() []ProtectedRoute {
	var rs []ProtectedRoute
	for _, p := range s.access.routes {
		rs = append(rs, ProtectedRoute{Method: p.Method, Path: p.Path, Roles: p.Rule.Roles})
	}
	return rs
}

// ShopRoute is one of the public routes a reviewer is refused.
type ShopRoute struct{ Method, Path string }

// ShopWritesForTest lists the routes noReviewer guards (roles.go).
func ShopWritesForTest() []ShopRoute {
	var rs []ShopRoute
	for _, r := range shopWrites {
		rs = append(rs, ShopRoute{Method: r.Method, Path: r.Path})
	}
	return rs
}
