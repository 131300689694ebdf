package handlers

import (
	"errors"
	"io"
	"net/http"
	"regexp"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Product pictures: uploaded through the back office, checked by their
// content (models.CheckImage), stored in the database named by their hash
// (models/media.go), and served by media.go with the content type
// recorded at upload, never one guessed from the name.

// maxUploadBody is the most an upload request may carry: the picture and
// the form's other fields with their multipart headers.
const maxUploadBody = models.MaxImageBytes + 64<<10

var imageUploadRE = regexp.MustCompile(`^/admin/products/[0-9]+/image$`)

// isImageUpload matches the picture upload, which skips the site-wide 1 MB
// body limit (server.go) for the limit below.
func isImageUpload(c echo.Context) bool {
	r := c.Request()
	return r.Method == http.MethodPost && imageUploadRE.MatchString(r.URL.Path)
}

// drainLimit is how much of an oversized upload is read and dropped before
// the answer: a browser sends the whole file before it reads a reply, and
// a server that stops reading resets the connection, so the editor would
// see a network error instead of the page saying the limit. A body larger
// still is not read.
const drainLimit = 64 << 20

// limitImageUpload runs before the form is parsed (checkInput) and before
// the CSRF check: a request announcing more than maxUploadBody, or sending
// more without announcing it (chunked), is answered with a 413 page saying
// the limit, never a reset connection or a 403 for the token the cut form
// lost. The answer reveals nothing: it comes before the access table.
func (s *Server) limitImageUpload(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isImageUpload(c) {
			return next(c)
		}
		r := c.Request()
		body := r.Body
		if r.ContentLength > maxUploadBody {
			return imageTooLarge(body)
		}
		r.Body = http.MaxBytesReader(c.Response(), body, maxUploadBody)
		err := next(c)
		var ue *userError
		if errors.As(err, &ue) && ue.Status == http.StatusRequestEntityTooLarge {
			return imageTooLarge(body)
		}
		return err
	}
}

// imageTooLarge drains what is left of the body, up to drainLimit, and
// says the limit.
func imageTooLarge(body io.Reader) error {
	_, _ = io.CopyN(io.Discard, body, drainLimit)
	return &userError{Status: http.StatusRequestEntityTooLarge, ID: "admin.error.image_too_large"}
}

// adminImageView is the picture upload form.
type adminImageView struct {
	adminView
	Product     *models.Product
	LockVersion int64
	Uploaded    bool // the current picture is an upload, not a static file
	Breadcrumb  []adminLink
}

func (s *Server) imageView(c echo.Context, l *Localizer, p *models.Product) adminImageView {
	_, uploaded := models.MediaName(p.Image)
	return adminImageView{adminView: s.newAdminView(c, l, "products"), Product: p, LockVersion: p.LockVersion,
		Uploaded: uploaded, Breadcrumb: []adminLink{{"/admin", l.T("admin.title")},
			{"/admin/products", l.T("admin.products.title")},
			{idPath("/admin/products", p.ID), p.Name(l.Lang())}}}
}

// adminImageForm shows the product's picture and the upload form.
func (s *Server) adminImageForm(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	p, err := loadRecord(c, s.store.ProductByID)
	if err != nil {
		return err
	}
	v := s.imageView(c, l, p)
	return s.renderAdmin(c, http.StatusOK, "admin_image", l.T("admin.image.title")+" · "+p.Name(l.Lang()), l, v)
}

// adminImageUpload stores a new picture for the product.
func (s *Server) adminImageUpload(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, seen, err := editTarget(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var up *models.Upload
	fh, err := c.FormFile("image")
	switch {
	case errors.Is(err, http.ErrMissingFile):
		err = models.Invalid("image", models.CodeImageMissing)
	case err != nil:
		// The form was parsed, within its limit, by checkInput.
		return badInput("error.bad_request")
	case fh.Size > models.MaxImageBytes:
		err = models.Invalid("image", models.CodeImageTooLarge)
	default:
		f, oerr := fh.Open()
		if oerr != nil {
			return oerr
		}
		up, err = models.ReadImage(f)
		f.Close()
	}
	if err == nil {
		_, err = s.editor(c).SetProductImage(ctx, id, seen, up)
		if err == nil {
			return seeOther(c, idPath("/admin/products", id)+"?done=image")
		}
	}
	if !errors.Is(err, models.ErrInvalid) && !isStale(err) {
		return err
	}
	p, lerr := s.store.ProductByID(ctx, id)
	if lerr != nil {
		return lerr
	}
	v := s.imageView(c, l, p)
	if isStale(err) {
		v.Conflict = s.conflictFor(c, l, models.EntityProduct, id)
	} else {
		v.LockVersion = seen
		v.Errors = newFormReader(l, nil).merge(err)
	}
	return s.renderAdmin(c, formStatus(v.Conflict), "admin_image", l.T("admin.image.title")+" · "+p.Name(l.Lang()), l, v)
}
