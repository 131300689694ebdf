package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The shipping zones' rates and delivery estimates, which the checkout
// charges and the public /shipping page states. Staff edit them (audited
// by Editor.UpdateShippingZone); reviewers read them. Orders already
// placed keep the rate they were charged.

// zoneForm is one zone's form: the values as saved, or as typed when
// they were refused, with a message per field.
type zoneForm struct {
	Z        *models.ShippingZone
	Name     string
	Rate     string
	MinDays  string
	MaxDays  string
	Estimate string
	Errors   map[string]string
	Problem  string
}

type adminShippingView struct {
	adminView
	Zones []zoneForm
}

func (s *Server) shippingView(c echo.Context, l *Localizer) (adminShippingView, error) {
	zs, err := s.store.ShippingZones(c.Request().Context())
	if err != nil {
		return adminShippingView{}, err
	}
	v := adminShippingView{adminView: s.newAdminView(c, l, "shipping")}
	for i := range zs {
		z := &zs[i]
		v.Zones = append(v.Zones, zoneForm{Z: z, Name: z.Name(l.Lang()), Rate: z.Rate().Decimal(),
			MinDays: strconv.Itoa(z.MinDays), MaxDays: strconv.Itoa(z.MaxDays),
			Estimate: deliveryEstimate(l, z.MinDays, z.MaxDays)})
	}
	return v, nil
}

// adminShipping lists the zones, as forms for staff.
func (s *Server) adminShipping(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	v, err := s.shippingView(c, l)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "admin_shipping", l.T("admin.shipping.title"), l, v)
}

// adminShippingSave saves one zone's rate and delivery estimate.
func (s *Server) adminShippingSave(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, seen, err := editTarget(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	z, err := s.zoneByID(ctx, id)
	if err != nil {
		return err
	}
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	edit := *z
	edit.LockVersion = seen
	edit.RateAmount = f.amount("rate")
	edit.MinDays = f.integer("min_days", true)
	edit.MaxDays = f.integer("max_days", true)
	if len(f.errs) == 0 {
		err = s.editor(c).UpdateShippingZone(ctx, &edit)
		if err == nil {
			s.flash(c, l.T("admin.shipping.saved", "Zone", edit.Name(l.Lang())))
			return seeOther(c, "/admin/shipping")
		}
	}
	if err != nil && !isStale(err) && !errors.Is(err, models.ErrInvalid) {
		return err
	}
	v, verr := s.shippingView(c, l)
	if verr != nil {
		return verr
	}
	status := http.StatusBadRequest
	for i := range v.Zones {
		zf := &v.Zones[i]
		if zf.Z.ID != id {
			continue
		}
		if isStale(err) {
			// The saved values are shown; the editor's typed ones are named.
			status = http.StatusConflict
			cv := s.conflictFor(c, l, models.EntityShippingZone, id)
			zf.Problem = l.T("admin.shipping.stale", "Who", cv.Who, "Rate", posted.Get("rate"),
				"Min", posted.Get("min_days"), "Max", posted.Get("max_days"))
			break
		}
		zf.Rate, zf.MinDays, zf.MaxDays = posted.Get("rate"), posted.Get("min_days"), posted.Get("max_days")
		zf.Errors = f.merge(err)
		zf.Problem = l.T("admin.form.fix")
	}
	return s.renderAdmin(c, status, "admin_shipping", l.T("admin.shipping.title"), l, v)
}

// zoneByID finds a zone among the three; another ID is 404.
func (s *Server) zoneByID(ctx context.Context, id int64) (*models.ShippingZone, error) {
	zs, err := s.store.ShippingZones(ctx)
	if err != nil {
		return nil, err
	}
	for i := range zs {
		if zs[i].ID == id {
			return &zs[i], nil
		}
	}
	return nil, fmt.Errorf("shipping zone %d: %w", id, models.ErrNotFound)
}
