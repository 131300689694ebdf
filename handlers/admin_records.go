package handlers

import (
	"context"
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

// newRecordForm starts the creation form of a record listed at base
// (nav is its back-office section, listTitle the list's title ID).
func (s *Server) newRecordForm(c echo.Context, l *Localizer, nav, base, listTitle string) recordFormView {
	return recordFormView{adminView: s.newAdminView(c, l, nav), Action: base,
		Submit: l.T("admin.action.create"), Cancel: base,
		Breadcrumb: []adminLink{{"/admin", l.T("admin.title")}, {base, l.T(listTitle)}}}
}

// edits turns a creation form into the edit form of record id, as seen
// at version.
func (v *recordFormView) edits(l *Localizer, base string, id, version int64) {
	v.Action, v.LockVersion, v.Submit = idPath(base, id), version, l.T("admin.action.save")
}

// recordOptions are a select's choices among records (each gives its ID,
// name and whether it is active), after "choose"; inactive ones say so.
func recordOptions[T any](items []T, each func(T) (id int64, name string, active bool)) func(*Localizer) []formOption {
	return func(l *Localizer) []formOption {
		out := []formOption{{Value: "", Label: l.T("admin.choose")}}
		for _, it := range items {
			id, label, active := each(it)
			if !active {
				label += " (" + l.T("admin.status.inactive") + ")"
			}
			out = append(out, formOption{Value: strconv.FormatInt(id, 10), Label: label})
		}
		return out
	}
}

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

func (s *Server) associationForm(c echo.Context, l *Localizer, a *models.Association) recordFormView {
	v := s.newRecordForm(c, l, "associations", "/admin/associations", "admin.associations.title")
	if a != nil && a.ID != 0 {
		v.edits(l, "/admin/associations", a.ID, a.LockVersion)
		v.Facts = []adminFact{activeFact(l, a.Active)}
		v.Actions = []adminAction{activeAction(l, "/admin/associations", a.ID, a.LockVersion, a.Active)}
		v.Links = []adminLink{{"/admin/groups", l.T("admin.groups.title")},
			{auditLink(models.EntityAssociation, a.ID), l.T("admin.audit.of_record")}}
	}
	return v
}

// activeDone are the notices after the deactivate/reactivate button.
var activeDone = map[bool]string{true: "activated", false: "deactivated"}

func (s *Server) associationKind() recordKind[*models.Association] {
	return recordKind[*models.Association]{s: s, base: "/admin/associations", entity: models.EntityAssociation,
		newTitle: "admin.association.new", defaults: url.Values{},
		specs: func(echo.Context) ([]fieldsetSpec, error) { return associationSpecs, nil },
		form:  s.associationForm, values: associationValues,
		title: func(_ *Localizer, a *models.Association) string { return a.Name },
		id:    func(a *models.Association) int64 { return a.ID },
		byID:  s.store.AssociationByID,
		parse: parseAssociation, validate: models.ValidateAssociation,
		add: (*models.Editor).CreateAssociation,
		change: func(e *models.Editor, ctx context.Context, a *models.Association, id, seen int64) error {
			a.ID, a.LockVersion = id, seen
			return e.UpdateAssociation(ctx, a)
		},
		flag: "active", done: activeDone, setFlag: (*models.Editor).SetAssociationActive}
}

// ---- producer groups ----

func (s *Server) groupSpecs(c echo.Context) ([]fieldsetSpec, error) {
	as, err := s.store.ListAssociations(c.Request().Context())
	if err != nil {
		return nil, err
	}
	assocOptions := recordOptions(as, func(a models.Association) (int64, string, bool) { return a.ID, a.Name, a.Active })
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
			{Name: "lead_time_days", Label: "admin.field.lead_time_days", Hint: "admin.hint.lead_time_days", Type: "number",
				Min: "1", Max: strconv.Itoa(models.MaxLeadTimeDays), Step: "1"},
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
		"photo": {g.Photo}, "lead_time_days": {strconv.Itoa(g.LeadTimeDays)}}
}

// checkPhoto accepts an empty photo, a static file or an uploaded picture.
func (s *Server) checkPhoto(f *formReader, photo string) {
	if _, uploaded := models.MediaName(photo); photo != "" && !uploaded && !s.assets.Has(photo) {
		f.fail("photo", "admin.error.photo")
	}
}

// parseGroup reads a posted group; its photo must be one the site has.
func (s *Server) parseGroup(f *formReader) *models.Group {
	g := &models.Group{Name: f.str("name"), Slug: f.str("slug"), AssociationID: f.id("association"),
		Region: models.Region(f.str("region")), Place: f.str("place"), Craft: models.Craft(f.str("craft")),
		Artisans: f.integer("artisans", true), WomenPercent: f.integer("women_percent", true),
		AssemblyCadence: f.str("assembly_cadence"), StoryES: f.str("story_es"), StoryEN: f.str("story_en"),
		Photo: f.str("photo"), LeadTimeDays: f.integer("lead_time_days", false)}
	s.checkPhoto(f, g.Photo)
	return g
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
	v := s.newRecordForm(c, l, "groups", "/admin/groups", "admin.groups.title")
	if g != nil && g.ID != 0 {
		v.edits(l, "/admin/groups", g.ID, g.LockVersion)
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

func (s *Server) groupKind() recordKind[*models.Group] {
	return recordKind[*models.Group]{s: s, base: "/admin/groups", entity: models.EntityGroup,
		newTitle: "admin.group.new", defaults: url.Values{"women_percent": {"0"}, "artisans": {"0"},
			"lead_time_days": {strconv.Itoa(models.DefaultLeadTimeDays)}},
		specs: s.groupSpecs, form: s.groupForm, values: groupValues,
		title: func(_ *Localizer, g *models.Group) string { return g.Name },
		id:    func(g *models.Group) int64 { return g.ID },
		byID:  s.store.GroupByID,
		parse: s.parseGroup, validate: models.ValidateGroup,
		add: (*models.Editor).CreateGroup,
		change: func(e *models.Editor, ctx context.Context, g *models.Group, id, seen int64) error {
			g.ID, g.LockVersion = id, seen
			return e.UpdateGroup(ctx, g)
		},
		flag: "active", done: activeDone, setFlag: (*models.Editor).SetGroupActive}
}

// auditLink is the audit log filtered to one record.
func auditLink(entity string, id int64) string {
	return "/admin/audit?" + url.Values{"entity": {entity}, "id": {strconv.FormatInt(id, 10)}}.Encode()
}
