package handlers

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"
)

// media serves an uploaded picture from the database, so any instance
// serves any picture. A name never serves other bytes (new names are the
// picture's hash; older random ones point at a hash), hence the strong
// ETag, the year-long cache and "immutable". The file is never
// interpreted: nosniff, and a CSP that lets it load nothing and run
// nothing even if opened on its own.
func (s *Server) media(c echo.Context) error {
	f, err := s.store.MediaFileByName(c.Request().Context(), c.Param("name"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, f.ContentType)
	h.Set("ETag", f.ETag())
	h.Set(echo.HeaderXContentTypeOptions, "nosniff")
	h.Set(echo.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	h.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	h.Set(echo.HeaderContentDisposition, `inline; filename="`+f.Name+`"`)
	// ServeContent answers If-None-Match (304) and ranges from the ETag.
	http.ServeContent(c.Response(), c.Request(), "", f.CreatedAt, bytes.NewReader(f.Data))
	return nil
}
