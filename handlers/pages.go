package handlers

import (
	"github.com/labstack/echo/v4"
)

// registerPages adds the storefront's HTML pages and the transparency
// downloads. Every GET here is the same for all anonymous visitors of a
// language, so it goes through the page cache. (HEAD is answered for every
// GET route by headAsGet in server.go.)
func (s *Server) registerPages(e *echo.Echo) {
	get := func(path string, h echo.HandlerFunc) { e.GET(path, h) }
	get("/", s.cached(s.homePage))
	get("/products", s.cached(s.productsPage))
	get("/products/:slug", s.cached(s.productPage))
	get("/groups", s.cached(s.groupsPage))
	get("/groups/:slug", s.cached(s.groupPage))
	get("/transparency", s.cached(s.transparencyPage))
	get("/transparency/breakdowns.csv", attachment("qhatu-breakdowns.csv", s.cached(s.breakdownsCSV)))
	get("/transparency/breakdowns.json", attachment("qhatu-breakdowns.json", s.cached(s.breakdownsJSON)))
}

// attachment marks a download. It wraps the cache because the cache keeps
// only the body and content type of an answer, not its other headers.
func attachment(filename string, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
		err := next(c)
		if err != nil {
			h.Del(echo.HeaderContentDisposition) // the error page is shown, not saved
		}
		return err
	}
}
