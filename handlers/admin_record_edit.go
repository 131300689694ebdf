package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// recordKind is what the create/edit handlers need to know about one kind
// of catalog record (association, group, product). The flow around it
// (parse, save, redirect or re-render with the input kept) is the same for
// all three, so it is written once, in the methods below.
type recordKind[T any] struct {
	s        *Server
	base     string // "/admin/groups"; a record's page is base/<id>
	entity   string // models.Entity*, to explain a conflict
	newTitle string // translation ID of the creation form's title
	defaults url.Values
	specs    func(echo.Context) ([]fieldsetSpec, error)
	form     func(c echo.Context, l *Localizer, r T) recordFormView // r is nil on a creation form
	values   func(T) url.Values
	title    func(*Localizer, T) string
	id       func(T) int64
	byID     func(context.Context, int64) (T, error)
	// parse reads the posted record and reports what does not parse;
	// validate then adds the model's messages, so all show at once.
	parse    func(*formReader) T
	validate func(T) error
	add      func(*models.Editor, context.Context, T) error
	change   func(e *models.Editor, ctx context.Context, r T, id, seen int64) error // saves r as record id, seen at version seen
	// flag is the record's one-button switch ("active", "published"): the
	// posted field, and the field a refusal names, shown as the form's
	// Problem. done maps the new value to the ?done= notice.
	flag    string
	done    map[bool]string
	setFlag func(e *models.Editor, ctx context.Context, id, seen int64, on bool) error
}

// register adds the kind's creation and edit routes under its base path:
// base/new, base, base/:id and base/:id/<flag>.
func (k recordKind[T]) register(g guarded, form func(string, echo.HandlerFunc)) {
	form(k.base+"/new", k.newForm)
	g.POST(k.base, k.create)
	form(k.base+"/:id", k.edit)
	g.POST(k.base+"/:id", k.save)
	g.POST(k.base+"/:id/"+k.flag, k.switchFlag)
}

// loadRecord reads the :id path parameter and loads that record; a bad id
// and a missing record (models.ErrNotFound) are both the 404 page.
func loadRecord[T any](c echo.Context, byID func(context.Context, int64) (T, error)) (T, error) {
	id, err := idParam(c, "id")
	if err != nil {
		var zero T
		return zero, err
	}
	return byID(c.Request().Context(), id)
}

// editTarget reads what every change to an existing record posts: the
// record's :id and the lock_version the editor saw (a bad id is 404 first).
func editTarget(c echo.Context) (id, seen int64, err error) {
	if id, err = idParam(c, "id"); err != nil {
		return 0, 0, err
	}
	seen, err = lockVersion(c)
	return id, seen, err
}

// submit parses the posted record and, when it parsed cleanly, saves it.
// Otherwise err is the model's own check of it, so that every message
// shows at once.
func (k recordKind[T]) submit(c echo.Context, l *Localizer, save func(*models.Editor, context.Context, T) error) (r T, f *formReader, posted url.Values, err error) {
	posted, _ = c.FormParams()
	f = newFormReader(l, posted)
	r = k.parse(f)
	if len(f.errs) == 0 {
		err = save(k.s.editor(c), c.Request().Context(), r)
	} else {
		err = validationOf(k.validate(r))
	}
	return r, f, posted, err
}

// newForm shows an empty creation form.
func (k recordKind[T]) newForm(c echo.Context) error {
	l := k.s.tr.For(k.s.tr.Pick(c))
	specs, err := k.specs(c)
	if err != nil {
		return err
	}
	var none T
	v := k.form(c, l, none)
	v.Fieldsets = buildForm(l, specs, k.defaults, nil)
	return k.s.renderAdmin(c, http.StatusOK, "admin_form", l.T(k.newTitle), l, v)
}

// create adds a record, or shows the creation form again with the input.
func (k recordKind[T]) create(c echo.Context) error {
	l := k.s.tr.For(k.s.tr.Pick(c))
	specs, err := k.specs(c)
	if err != nil {
		return err
	}
	r, f, posted, err := k.submit(c, l, k.add)
	if err == nil {
		return seeOther(c, idPath(k.base, k.id(r))+"?done=created")
	}
	if !errors.Is(err, models.ErrInvalid) {
		return err
	}
	var none T
	v := k.form(c, l, none)
	v.Errors = f.merge(err)
	v.Fieldsets = buildForm(l, specs, formValues(posted, specs), v.Errors)
	return k.s.renderAdmin(c, http.StatusBadRequest, "admin_form", l.T(k.newTitle), l, v)
}

// edit shows a record's form with its saved values.
func (k recordKind[T]) edit(c echo.Context) error {
	l := k.s.tr.For(k.s.tr.Pick(c))
	r, err := loadRecord(c, k.byID)
	if err != nil {
		return err
	}
	specs, err := k.specs(c)
	if err != nil {
		return err
	}
	v := k.form(c, l, r)
	v.Fieldsets = buildForm(l, specs, k.values(r), nil)
	return k.s.renderAdmin(c, http.StatusOK, "admin_form", k.title(l, r), l, v)
}

// save stores the edited record, or shows the form again.
func (k recordKind[T]) save(c echo.Context) error {
	l := k.s.tr.For(k.s.tr.Pick(c))
	id, seen, err := editTarget(c)
	if err != nil {
		return err
	}
	_, f, posted, err := k.submit(c, l, func(e *models.Editor, ctx context.Context, r T) error {
		return k.change(e, ctx, r, id, seen)
	})
	if err == nil {
		return seeOther(c, idPath(k.base, id)+"?done=saved")
	}
	return k.refused(c, l, id, err, f, posted, true)
}

// switchFlag handles the record's one-button form (deactivate, publish).
func (k recordKind[T]) switchFlag(c echo.Context) error {
	l := k.s.tr.For(k.s.tr.Pick(c))
	id, seen, err := editTarget(c)
	if err != nil {
		return err
	}
	on := c.FormValue(k.flag) == "1"
	err = k.setFlag(k.s.editor(c), c.Request().Context(), id, seen, on)
	if err == nil {
		return seeOther(c, idPath(k.base, id)+"?done="+k.done[on])
	}
	return k.refused(c, l, id, err, newFormReader(l, url.Values{}), nil, false)
}

// refused re-renders the edit form after a refused change. typed is false
// after the one-button form, whose post carries no fields: the form then
// shows the record as saved.
func (k recordKind[T]) refused(c echo.Context, l *Localizer, id int64, err error, f *formReader, posted url.Values, typed bool) error {
	if !errors.Is(err, models.ErrInvalid) && !isStale(err) {
		return err
	}
	cur, lerr := k.byID(c.Request().Context(), id)
	if lerr != nil {
		return lerr
	}
	specs, serr := k.specs(c)
	if serr != nil {
		return serr
	}
	v := k.form(c, l, cur)
	values := k.values(cur)
	if typed {
		values = formValues(posted, specs)
	}
	if isStale(err) {
		v.Conflict = k.s.conflictFor(c, l, k.entity, id)
		v.Conflict.Diffs = diffValues(l, specs, k.values(cur), values)
	} else {
		v.Errors = f.merge(err)
		if typed {
			v.LockVersion = f.id("lock_version")
		}
		if msg, ok := v.Errors[k.flag]; ok {
			v.Problem = msg
		}
	}
	v.Fieldsets = buildForm(l, specs, values, v.Errors)
	return k.s.renderAdmin(c, formStatus(v.Conflict), "admin_form", k.title(l, cur), l, v)
}
