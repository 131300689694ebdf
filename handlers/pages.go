package handlers

import (
	"github.com/labstack/echo/v4"
)

// registerPages adds the storefront's HTML pages and the transparency
// downloads. Every GET here is the same for all anonymous visitors of a
// language, so it goes through the page cache. (HEAD is answered for every
// GET route by headAsGet in server.go.)
func (s *Server) registerPages(e *echo.Echo) {
	e.GET("/", s.cached(s.homePage))
	e.GET("/products", s.cachedCatalog(s.productsPage))
	e.GET("/products/:slug", s.cached(s.productPage))
	e.GET("/products/:slug/history", s.cached(s.priceHistoryPage))
	e.GET("/groups", s.cached(s.groupsPage))
	e.GET("/groups/:slug", s.cached(s.groupPage))
	e.GET("/transparency", s.cached(s.transparencyPage))
	e.GET("/shipping", s.cached(s.shippingPage))
	e.GET("/returns", s.cached(s.returnsPage))
	e.GET("/contact", s.cached(s.contactPage))
	e.GET("/transparency/breakdowns.csv", attachment("qhatu-breakdowns.csv", s.cached(s.breakdownsCSV)))
	e.GET("/transparency/breakdowns.json", attachment("qhatu-breakdowns.json", s.cached(s.breakdownsJSON)))
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
