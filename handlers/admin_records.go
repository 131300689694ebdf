package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// recordFormView is the generic create/edit page (page_admin_form.html):
// the record's fields, and beside them the other things one can do to
// the record (deactivate, publish) and links to its related pages.
type recordFormView struct {
	adminView
	Action      string // where the form posts
	LockVersion int64  // 0 on a creation form
	Fieldsets   []fieldset
	Submit      string
	Cancel      string
	Facts       []adminFact
	Actions     []adminAction
	Links       []adminLink
	Breadcrumb  []adminLink
}

// adminFact is a read-only line about the record ("Status: published").
type adminFact struct{ Label, Value string }

// adminAction is a one-button form about the record.
type adminAction struct {
	URL, Label, Hint string
	Hidden           []adminHidden
	Danger           bool
}

type adminHidden struct{ Name, Value string }

type adminLink struct{ URL, Label string }

// idPath is a record's page under base.
func idPath(base string, id int64) string { return base + "/" + strconv.FormatInt(id, 10) }

// activeAction is the deactivate/reactivate button of a record.
func activeAction(l *Localizer, base string, id, version int64, active bool) adminAction {
	a := adminAction{URL: idPath(base, id) + "/active",
		Hidden: []adminHidden{{"lock_version", strconv.FormatInt(version, 10)}}}
	if active {
		a.Label, a.Hint, a.Danger = l.T("admin.action.deactivate"), l.T("admin.action.deactivate_hint"), true
		a.Hidden = append(a.Hidden, adminHidden{"active", "0"})
	} else {
		a.Label = l.T("admin.action.activate")
		a.Hidden = append(a.Hidden, adminHidden{"active", "1"})
	}
	return a
}

func activeFact(l *Localizer, active bool) adminFact {
	if active {
		return adminFact{l.T("admin.field.status"), l.T("admin.status.active")}
	}
	return adminFact{l.T("admin.field.status"), l.T("admin.status.inactive")}
}

// ---- associations ----

var associationSpecs = []fieldsetSpec{{Legend: "admin.association.legend", Fields: []fieldSpec{
	{Name: "name", Label: "admin.field.name", Type: "text", Required: true, MaxLength: 160},
	{Name: "slug", Label: "admin.field.slug", Hint: "admin.hint.slug", Type: "text", Required: true, MaxLength: 80},
	{Name: "region", Label: "admin.field.region", Type: "select", Required: true, Options: regionOptions},
}}}

func associationValues(a *models.Association) url.Values {
	return url.Values{"name": {a.Name}, "slug": {a.Slug}, "region": {string(a.Region)}}
}

func parseAssociation(f *formReader) *models.Association {
	return &models.Association{Name: f.str("name"), Slug: f.str("slug"), Region: models.Region(f.str("region"))}
}

type adminAssociationsView struct {
	adminView
	Items []models.Association
}

// adminAssociations lists every association, active or not.
func (s *Server) adminAssociations(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	as, err := s.store.ListAssociations(c.Request().Context())
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "admin_associations", l.T("admin.associations.title"), l,
		adminAssociationsView{adminView: s.newAdminView(c, l, "associations"), Items: as})
}

func (s *Server) associationForm(c echo.Context, l *Localizer, a *models.Association, values url.Values) recordFormView {
	v := recordFormView{adminView: s.newAdminView(c, l, "associations"), Action: "/admin/associations",
		Submit: l.T("admin.action.create"), Cancel: "/admin/associations",
		Breadcrumb: []adminLink{{"/admin", l.T("admin.title")}, {"/admin/associations", l.T("admin.associations.title")}}}
	if a != nil && a.ID != 0 {
		v.Action, v.LockVersion, v.Submit = idPath("/admin/associations", a.ID), a.LockVersion, l.T("admin.action.save")
		v.Facts = []adminFact{activeFact(l, a.Active)}
		v.Actions = []adminAction{activeAction(l, "/admin/associations", a.ID, a.LockVersion, a.Active)}
		v.Links = []adminLink{{"/admin/groups", l.T("admin.groups.title")},
			{auditLink(models.EntityAssociation, a.ID), l.T("admin.audit.of_record")}}
	}
	v.Fieldsets = buildForm(l, associationSpecs, values, v.Errors)
	return v
}

func (s *Server) adminAssociationNew(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	v := s.associationForm(c, l, nil, url.Values{})
	return s.renderAdmin(c, http.StatusOK, "admin_form", l.T("admin.association.new"), l, v)
}

func (s *Server) adminAssociationCreate(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	a := parseAssociation(f)
	err := s.editor(c).CreateAssociation(c.Request().Context(), a)
	if err == nil {
		return seeOther(c, idPath("/admin/associations", a.ID)+"?done=created")
	}
	if !errors.Is(err, models.ErrInvalid) {
		return err
	}
	v := s.associationForm(c, l, nil, url.Values{})
	v.Errors = f.merge(err)
	v.Fieldsets = buildForm(l, associationSpecs, formValues(posted, associationSpecs), v.Errors)
	return s.renderAdmin(c, http.StatusBadRequest, "admin_form", l.T("admin.association.new"), l, v)
}

func (s *Server) adminAssociationEdit(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	a, err := s.store.AssociationByID(c.Request().Context(), id)
	if err != nil {
		return adminNotFound(err)
	}
	v := s.associationForm(c, l, a, associationValues(a))
	return s.renderAdmin(c, http.StatusOK, "admin_form", a.Name, l, v)
}

func (s *Server) adminAssociationUpdate(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	seen, err := lockVersion(c)
	if err != nil {
		return err
	}
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	a := parseAssociation(f)
	a.ID, a.LockVersion = id, seen
	err = s.editor(c).UpdateAssociation(c.Request().Context(), a)
	if err == nil {
		return seeOther(c, idPath("/admin/associations", id)+"?done=saved")
	}
	return s.associationRefused(c, l, id, err, f, posted, true)
}

// associationRefused re-renders the edit form after a refused change.
// typed is false after a side action (deactivate), whose post carries no
// fields: the form then shows the record as saved.
func (s *Server) associationRefused(c echo.Context, l *Localizer, id int64, err error, f *formReader, posted url.Values, typed bool) error {
	if !errors.Is(err, models.ErrInvalid) && !isStale(err) {
		return adminNotFound(err)
	}
	cur, lerr := s.store.AssociationByID(c.Request().Context(), id)
	if lerr != nil {
		return adminNotFound(lerr)
	}
	v := s.associationForm(c, l, cur, nil)
	values := associationValues(cur)
	if typed {
		values = formValues(posted, associationSpecs)
	}
	if isStale(err) {
		v.Conflict = s.conflictFor(c, l, models.EntityAssociation, id)
		v.Conflict.Diffs = diffValues(l, associationSpecs, associationValues(cur), values)
	} else {
		v.Errors = f.merge(err)
		if typed {
			v.LockVersion = f.id("lock_version")
		}
		if msg, ok := v.Errors["active"]; ok {
			v.Problem = msg
		}
	}
	v.Fieldsets = buildForm(l, associationSpecs, values, v.Errors)
	return s.renderAdmin(c, formStatus(v.Conflict), "admin_form", cur.Name, l, v)
}

func (s *Server) adminAssociationActive(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	seen, err := lockVersion(c)
	if err != nil {
		return err
	}
	active := c.FormValue("active") == "1"
	err = s.editor(c).SetAssociationActive(c.Request().Context(), id, seen, active)
	if err == nil {
		return seeOther(c, idPath("/admin/associations", id)+"?done="+map[bool]string{true: "activated", false: "deactivated"}[active])
	}
	return s.associationRefused(c, l, id, err, newFormReader(l, url.Values{}), nil, false)
}

// ---- producer groups ----

func (s *Server) groupSpecs(c echo.Context) ([]fieldsetSpec, error) {
	as, err := s.store.ListAssociations(c.Request().Context())
	if err != nil {
		return nil, err
	}
	assocOptions := func(l *Localizer) []formOption {
		out := []formOption{{Value: "", Label: l.T("admin.choose")}}
		for _, a := range as {
			label := a.Name
			if !a.Active {
				label += " (" + l.T("admin.status.inactive") + ")"
			}
			out = append(out, formOption{Value: strconv.FormatInt(a.ID, 10), Label: label})
		}
		return out
	}
	return []fieldsetSpec{
		{Legend: "admin.group.legend", Fields: []fieldSpec{
			{Name: "name", Label: "admin.field.name", Type: "text", Required: true, MaxLength: 160},
			{Name: "slug", Label: "admin.field.slug", Hint: "admin.hint.slug", Type: "text", Required: true, MaxLength: 80},
			{Name: "association", Label: "admin.field.association", Type: "select", Required: true, Options: assocOptions},
			{Name: "region", Label: "admin.field.region", Type: "select", Required: true, Options: regionOptions},
			{Name: "place", Label: "admin.field.place", Hint: "admin.hint.place", Type: "text", Required: true, MaxLength: 120},
			{Name: "craft", Label: "admin.field.craft", Type: "select", Required: true, Options: craftOptions},
		}},
		{Legend: "admin.group.people", Fields: []fieldSpec{
			{Name: "artisans", Label: "admin.field.artisans", Type: "number", Required: true, Min: "0", Max: "100000", Step: "1"},
			{Name: "women_percent", Label: "admin.field.women_percent", Type: "number", Required: true, Min: "0", Max: "100", Step: "1"},
			{Name: "assembly_cadence", Label: "admin.field.assembly_cadence", Type: "select", Required: true, Options: cadenceOptions},
		}},
		{Legend: "admin.group.story", Fields: []fieldSpec{
			{Name: "story_es", Label: "admin.field.story_es", Type: "textarea", Rows: 6, Lang: "es"},
			{Name: "story_en", Label: "admin.field.story_en", Type: "textarea", Rows: 6, Lang: "en"},
			{Name: "photo", Label: "admin.field.photo", Hint: "admin.hint.photo", Type: "text", MaxLength: 200},
		}},
	}, nil
}

func groupValues(g *models.Group) url.Values {
	return url.Values{"name": {g.Name}, "slug": {g.Slug}, "association": {strconv.FormatInt(g.AssociationID, 10)},
		"region": {string(g.Region)}, "place": {g.Place}, "craft": {string(g.Craft)},
		"artisans": {strconv.Itoa(g.Artisans)}, "women_percent": {strconv.Itoa(g.WomenPercent)},
		"assembly_cadence": {g.AssemblyCadence}, "story_es": {g.StoryES}, "story_en": {g.StoryEN},
		"photo": {g.Photo}}
}

// checkPhoto accepts an empty photo, a static file or an uploaded picture.
func (s *Server) checkPhoto(f *formReader, photo string) {
	if _, uploaded := models.MediaName(photo); photo != "" && !uploaded && !s.assets.Has(photo) {
		f.fail("photo", "admin.error.photo")
	}
}

func parseGroup(f *formReader) *models.Group {
	return &models.Group{Name: f.str("name"), Slug: f.str("slug"), AssociationID: f.id("association"),
		Region: models.Region(f.str("region")), Place: f.str("place"), Craft: models.Craft(f.str("craft")),
		Artisans: f.integer("artisans", true), WomenPercent: f.integer("women_percent", true),
		AssemblyCadence: f.str("assembly_cadence"), StoryES: f.str("story_es"), StoryEN: f.str("story_en"),
		Photo: f.str("photo")}
}

type adminGroupsView struct {
	adminView
	Items []models.Group
}

// adminGroups lists every producer group, active or not.
func (s *Server) adminGroups(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	gs, err := s.store.AllGroups(c.Request().Context())
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "admin_groups", l.T("admin.groups.title"), l,
		adminGroupsView{adminView: s.newAdminView(c, l, "groups"), Items: gs})
}

func (s *Server) groupForm(c echo.Context, l *Localizer, g *models.Group) recordFormView {
	v := recordFormView{adminView: s.newAdminView(c, l, "groups"), Action: "/admin/groups",
		Submit: l.T("admin.action.create"), Cancel: "/admin/groups",
		Breadcrumb: []adminLink{{"/admin", l.T("admin.title")}, {"/admin/groups", l.T("admin.groups.title")}}}
	if g != nil && g.ID != 0 {
		v.Action, v.LockVersion, v.Submit = idPath("/admin/groups", g.ID), g.LockVersion, l.T("admin.action.save")
		v.Facts = []adminFact{activeFact(l, g.Active)}
		v.Actions = []adminAction{activeAction(l, "/admin/groups", g.ID, g.LockVersion, g.Active)}
		v.Links = []adminLink{{"/admin/products?q=" + url.QueryEscape(g.Name), l.T("admin.group.products")},
			{auditLink(models.EntityGroup, g.ID), l.T("admin.audit.of_record")}}
		if g.Active {
			v.Links = append([]adminLink{{"/groups/" + g.Slug, l.T("admin.link.public_page")}}, v.Links...)
		}
	}
	return v
}

func (s *Server) adminGroupNew(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	specs, err := s.groupSpecs(c)
	if err != nil {
		return err
	}
	v := s.groupForm(c, l, nil)
	v.Fieldsets = buildForm(l, specs, url.Values{"women_percent": {"0"}, "artisans": {"0"}}, nil)
	return s.renderAdmin(c, http.StatusOK, "admin_form", l.T("admin.group.new"), l, v)
}

func (s *Server) adminGroupCreate(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	specs, err := s.groupSpecs(c)
	if err != nil {
		return err
	}
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	g := parseGroup(f)
	s.checkPhoto(f, g.Photo)
	if len(f.errs) == 0 {
		err = s.editor(c).CreateGroup(c.Request().Context(), g)
		if err == nil {
			return seeOther(c, idPath("/admin/groups", g.ID)+"?done=created")
		}
		if !errors.Is(err, models.ErrInvalid) {
			return err
		}
	} else {
		err = validationOf(models.ValidateGroupFields(g)) // every message at once
	}
	v := s.groupForm(c, l, nil)
	v.Errors = f.merge(err)
	v.Fieldsets = buildForm(l, specs, formValues(posted, specs), v.Errors)
	return s.renderAdmin(c, http.StatusBadRequest, "admin_form", l.T("admin.group.new"), l, v)
}

func (s *Server) adminGroupEdit(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	g, err := s.store.GroupByID(c.Request().Context(), id)
	if err != nil {
		return adminNotFound(err)
	}
	specs, err := s.groupSpecs(c)
	if err != nil {
		return err
	}
	v := s.groupForm(c, l, g)
	v.Fieldsets = buildForm(l, specs, groupValues(g), nil)
	return s.renderAdmin(c, http.StatusOK, "admin_form", g.Name, l, v)
}

func (s *Server) adminGroupUpdate(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	seen, err := lockVersion(c)
	if err != nil {
		return err
	}
	posted, _ := c.FormParams()
	f := newFormReader(l, posted)
	g := parseGroup(f)
	g.ID, g.LockVersion = id, seen
	s.checkPhoto(f, g.Photo)
	if len(f.errs) == 0 {
		err = s.editor(c).UpdateGroup(c.Request().Context(), g)
		if err == nil {
			return seeOther(c, idPath("/admin/groups", id)+"?done=saved")
		}
	} else {
		err = validationOf(models.ValidateGroupFields(g))
	}
	return s.groupRefused(c, l, id, err, f, posted, true)
}

// groupRefused re-renders the edit form after a refused change (typed as
// for associationRefused).
func (s *Server) groupRefused(c echo.Context, l *Localizer, id int64, err error, f *formReader, posted url.Values, typed bool) error {
	if !errors.Is(err, models.ErrInvalid) && !isStale(err) {
		return adminNotFound(err)
	}
	cur, lerr := s.store.GroupByID(c.Request().Context(), id)
	if lerr != nil {
		return adminNotFound(lerr)
	}
	specs, serr := s.groupSpecs(c)
	if serr != nil {
		return serr
	}
	v := s.groupForm(c, l, cur)
	values := groupValues(cur)
	if typed {
		values = formValues(posted, specs)
	}
	if isStale(err) {
		v.Conflict = s.conflictFor(c, l, models.EntityGroup, id)
		v.Conflict.Diffs = diffValues(l, specs, groupValues(cur), values)
	} else {
		v.Errors = f.merge(err)
		if typed {
			v.LockVersion = f.id("lock_version")
		}
		if msg, ok := v.Errors["active"]; ok {
			v.Problem = msg
		}
	}
	v.Fieldsets = buildForm(l, specs, values, v.Errors)
	return s.renderAdmin(c, formStatus(v.Conflict), "admin_form", cur.Name, l, v)
}

func (s *Server) adminGroupActive(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	seen, err := lockVersion(c)
	if err != nil {
		return err
	}
	active := c.FormValue("active") == "1"
	err = s.editor(c).SetGroupActive(c.Request().Context(), id, seen, active)
	if err == nil {
		return seeOther(c, idPath("/admin/groups", id)+"?done="+map[bool]string{true: "activated", false: "deactivated"}[active])
	}
	return s.groupRefused(c, l, id, err, newFormReader(l, url.Values{}), nil, false)
}

// auditLink is the audit log filtered to one record.
func auditLink(entity string, id int64) string {
	return "/admin/audit?" + url.Values{"entity": {entity}, "id": {strconv.FormatInt(id, 10)}}.Encode()
}
