package handlers

import (
	"errors"
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Product pictures: uploaded through the back office, checked by their
// content (models.CheckImage), stored in the database named by their hash
// (models/media.go), and served by media.go with the content type
// recorded at upload, never one guessed from the name.

// maxUploadBody is the most an upload request may carry: the picture and
// the form's other fields with their multipart headers (upload_limit.go).
const maxUploadBody = models.MaxImageBytes + 64<<10

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
