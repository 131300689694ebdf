package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The living-wage reference fair pay is measured against, beside the RMV:
// staff record a new one (value, legal week, source, the day it is of);
// every earlier one stays listed; reviewers read them.

var livingWageSpecs = []fieldsetSpec{{Legend: "admin.living_wage.legend", Fields: []fieldSpec{
	{Name: "monthly", Label: "admin.living_wage.monthly", Hint: "admin.living_wage.monthly_hint", Type: "text", Required: true, MaxLength: 20},
	{Name: "hours_per_week", Label: "admin.living_wage.hours", Hint: "admin.living_wage.hours_hint", Type: "number", Required: true},
	{Name: "source", Label: "admin.living_wage.source", Hint: "admin.living_wage.source_hint", Type: "text", Required: true, MaxLength: 300},
	{Name: "as_of", Label: "admin.living_wage.as_of", Hint: "admin.living_wage.as_of_hint", Type: "date", Required: true},
}}}

type adminLivingWageView struct {
	adminView
	Current   *models.LivingWage
	History   []models.LivingWage
	MinHourly models.Money
	Fieldsets []fieldset
}

func (s *Server) livingWageView(c echo.Context, l *Localizer, values url.Values, errs map[string]string) (adminLivingWageView, error) {
	hist, err := s.store.LivingWageHistory(c.Request().Context())
	if err != nil {
		return adminLivingWageView{}, err
	}
	v := adminLivingWageView{adminView: s.newAdminView(c, l, "living_wage"), History: hist,
		MinHourly: s.cfg.MinimumWage.Hourly()}
	if len(hist) > 0 {
		v.Current = &hist[0]
		if values == nil {
			w := hist[0]
			values = url.Values{"monthly": {w.MonthlyMoney().Decimal()}, "hours_per_week": {strconv.Itoa(w.HoursPerWeek)},
				"source": {w.Source}, "as_of": {w.AsOf.Format(time.DateOnly)}}
		}
	}
	if values == nil {
		values = url.Values{"hours_per_week": {strconv.Itoa(s.cfg.MinimumWage.HoursPerWeek)}}
	}
	v.Errors = errs
	v.Fieldsets = buildForm(l, livingWageSpecs, values, errs)
	return v, nil
}

// adminLivingWage shows the reference in force, the form and the history.
func (s *Server) adminLivingWage(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	v, err := s.livingWageView(c, l, nil, nil)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "admin_living_wage", l.T("admin.living_wage.title"), l, v)
}

// adminLivingWageSave records a new reference (audited).
func (s *Server) adminLivingWageSave(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	in := models.LivingWageInput{Monthly: models.Soles(f.amount("monthly")), HoursPerWeek: f.integer("hours_per_week", true),
		Source: f.str("source"), AsOf: s.paidOn(f, "as_of")}
	var err error
	if len(f.errs) == 0 {
		if _, err = s.editor(c).SetLivingWage(c.Request().Context(), in); err == nil {
			return seeOther(c, "/admin/living-wage?done=saved")
		}
		if !errors.Is(err, models.ErrInvalid) {
			return err
		}
	}
	v, verr := s.livingWageView(c, l, formValues(posted, livingWageSpecs), f.merge(err))
	if verr != nil {
		return verr
	}
	v.Problem = l.T("admin.living_wage.not_saved")
	return s.renderAdmin(c, http.StatusBadRequest, "admin_living_wage", l.T("admin.living_wage.title"), l, v)
}
