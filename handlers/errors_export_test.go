package handlers

import "net/http"

// ServeHTTPError answers r as if a handler had returned err: the tests of
// the one error handler use it for errors no route produces on demand.
func (s *Server) ServeHTTPError(w http.ResponseWriter, r *http.Request, err error) {
	c := s.echo.NewContext(r, w)
	s.handleError(err, c)
}
