package handlers

import "github.com/labstack/echo/v4"

// registerAdmin adds the back office under /admin.
func (s *Server) registerAdmin(e *echo.Echo) {}
