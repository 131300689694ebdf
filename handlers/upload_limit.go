package handlers

import (
	"errors"
	"io"
	"net/http"
	"regexp"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// File uploads skip the site-wide 1 MB body limit (server.go) for their
// own: a product picture (admin_images.go) and a reseller's order sheet
// (wholesale_csv.go).

// uploadRoute is a form post that carries a file, with its body limit
// and the 413 that says it.
type uploadRoute struct {
	path     *regexp.Regexp
	limit    int64
	tooLarge *userError
}

var uploadRoutes = []uploadRoute{
	{regexp.MustCompile(`^/admin/products/[0-9]+/image$`), maxUploadBody,
		&userError{Status: http.StatusRequestEntityTooLarge, ID: "admin.error.image_too_large"}},
	{regexp.MustCompile(`^/wholesale/csv$`), maxSheetBody, &userError{Status: http.StatusRequestEntityTooLarge,
		ID: "wholesale.csv.error." + string(models.CodeSheetTooLarge), Args: []any{"Max", megabytes(models.MaxSheetBytes)}}},
}

// uploadFor finds the upload a request posts, if any.
func uploadFor(c echo.Context) (uploadRoute, bool) {
	r := c.Request()
	if r.Method == http.MethodPost {
		for _, u := range uploadRoutes {
			if u.path.MatchString(r.URL.Path) {
				return u, true
			}
		}
	}
	return uploadRoute{}, false
}

// isUpload is the site-wide body limit's skipper.
func isUpload(c echo.Context) bool {
	_, ok := uploadFor(c)
	return ok
}

// drainLimit is how much of an oversized upload is read and dropped before
// the answer: a browser sends the whole file before it reads a reply, and
// a server that stops reading resets the connection, so the user would
// see a network error instead of the page saying the limit. A body larger
// still is not read.
const drainLimit = 64 << 20

// limitUpload runs before the form is parsed (checkInput) and before the
// CSRF check: a request announcing more than its upload's limit, or
// sending more without announcing it (chunked), is answered with a 413
// page saying the limit, never a reset connection or a 403 for the token
// the cut form lost. The answer reveals nothing: it comes before the
// access table.
func (s *Server) limitUpload(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, ok := uploadFor(c)
		if !ok {
			return next(c)
		}
		r := c.Request()
		body := r.Body
		if r.ContentLength > u.limit {
			return drainTooLarge(body, u.tooLarge)
		}
		r.Body = http.MaxBytesReader(c.Response(), body, u.limit)
		err := next(c)
		var ue *userError
		if errors.As(err, &ue) && ue.Status == http.StatusRequestEntityTooLarge {
			return drainTooLarge(body, u.tooLarge)
		}
		return err
	}
}

// drainTooLarge drains what is left of the body, up to drainLimit, and
// says the limit.
func drainTooLarge(body io.Reader, tooLarge *userError) error {
	_, _ = io.CopyN(io.Discard, body, drainLimit)
	return tooLarge
}
