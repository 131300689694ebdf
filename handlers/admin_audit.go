package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The audit log: who changed what, when, with the record before and after.
// Staff, admins and reviewers read it; nobody can change it.

type adminAuditView struct {
	adminView
	Filter   auditFilterForm
	Entities []formOption
	Actions  []formOption
	Page     models.AuditPage
	Pager    pager
	Audit    *auditReader
}

// auditFilterForm is the filter as typed, shown back in the form.
type auditFilterForm struct {
	Actor, Entity, ID, Action, From, To string
}

var auditActions = []string{models.ActionCreate, models.ActionUpdate, models.ActionActivate,
	models.ActionDeactivate, models.ActionPublish, models.ActionUnpublish, models.ActionPrice,
	models.ActionStock, models.ActionImage, models.ActionRole, models.ActionApprove, models.ActionReject, models.ActionInvite}

// parseAuditFilter reads the query; a value that is not what it says is
// a 400 naming the parameter.
func parseAuditFilter(c echo.Context) (models.AuditFilter, auditFilterForm, error) {
	q := c.QueryParams()
	ff := auditFilterForm{Actor: strings.TrimSpace(q.Get("actor")), Entity: q.Get("entity"), ID: q.Get("id"),
		Action: q.Get("action"), From: q.Get("from"), To: q.Get("to")}
	f := models.AuditFilter{Actor: ff.Actor}
	var err error
	if f.Page, err = intParam(c, "page", 1, 1, maxPage); err != nil {
		return f, ff, err
	}
	if len(ff.Actor) > 254 {
		return f, ff, badInput("error.query_too_long", "Max", 254)
	}
	if ff.Entity != "" {
		ok := false
		for _, e := range models.EntityTypes {
			ok = ok || e == ff.Entity
		}
		if !ok {
			return f, ff, badInput("error.param_unknown", "Param", "entity", "Value", ff.Entity)
		}
		f.EntityType = ff.Entity
	}
	if ff.ID != "" {
		if f.EntityID, err = strconv.ParseInt(ff.ID, 10, 64); err != nil || f.EntityID <= 0 {
			return f, ff, badInput("error.param_integer", "Param", "id")
		}
	}
	if ff.Action != "" {
		ok := false
		for _, a := range auditActions {
			ok = ok || a == ff.Action
		}
		if !ok {
			return f, ff, badInput("error.param_unknown", "Param", "action", "Value", ff.Action)
		}
		f.Action = ff.Action
	}
	for _, d := range []struct {
		name, val string
		dst       *time.Time
		add       int
	}{{"from", ff.From, &f.From, 0}, {"to", ff.To, &f.To, 1}} {
		if d.val == "" {
			continue
		}
		t, perr := time.Parse(time.DateOnly, d.val)
		if perr != nil {
			return f, ff, badInput("admin.error.date", "Param", d.name)
		}
		*d.dst = t.AddDate(0, 0, d.add) // "to" includes its whole day
	}
	return f, ff, nil
}

// adminAudit lists the audit log, newest first, filtered.
func (s *Server) adminAudit(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	f, ff, err := parseAuditFilter(c)
	if err != nil {
		return err
	}
	page, err := s.store.ListAudit(c.Request().Context(), f)
	if err != nil {
		return err
	}
	v := adminAuditView{adminView: s.newAdminView(c, l, "audit"), Filter: ff, Page: page,
		Pager: newPager("/admin/audit", c.QueryParams(), page.Page, page.Pages()), Audit: s.auditReader(l)}
	v.Entities = []formOption{{Value: "", Label: l.T("admin.audit.any")}}
	for _, e := range models.EntityTypes {
		v.Entities = append(v.Entities, formOption{Value: e, Label: l.T("admin.entity." + e), Selected: e == ff.Entity})
	}
	v.Actions = []formOption{{Value: "", Label: l.T("admin.audit.any")}}
	for _, a := range auditActions {
		v.Actions = append(v.Actions, formOption{Value: a, Label: l.T("admin.audit.action." + a), Selected: a == ff.Action})
	}
	return s.renderAdmin(c, http.StatusOK, "admin_audit", l.T("admin.audit.title"), l, v)
}

type adminAuditEntryView struct {
	adminView
	E          *models.AuditEntry
	Summary    auditSummary
	Changes    []auditChange
	RecordURL  string
	Breadcrumb []adminLink
}

// adminAuditEntry shows one entry with every field before and after.
func (s *Server) adminAuditEntry(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	e, err := loadRecord(c, s.store.AuditEntryByID)
	if err != nil {
		return err
	}
	a := s.auditReader(l)
	v := adminAuditEntryView{adminView: s.newAdminView(c, l, "audit"), E: e, Summary: a.Summary(*e), Changes: a.Changes(e),
		RecordURL:  recordURL(e.EntityType, e.EntityID),
		Breadcrumb: []adminLink{{"/admin", l.T("admin.title")}, {"/admin/audit", l.T("admin.audit.title")}}}
	if e.EntityType == models.EntityUser && !v.Viewer.IsAdmin() {
		v.RecordURL = "" // the users page is the admins' alone
	}
	return s.renderAdmin(c, http.StatusOK, "admin_audit_entry", l.T("admin.audit.entry_title", "ID", e.ID), l, v)
}

// recordURL is the back-office page of an audited record.
func recordURL(entity string, id int64) string {
	switch entity {
	case models.EntityAssociation:
		return idPath("/admin/associations", id)
	case models.EntityGroup:
		return idPath("/admin/groups", id)
	case models.EntityProduct:
		return idPath("/admin/products", id)
	case models.EntityUser:
		return "/admin/users"
	case models.EntityOrder:
		return idPath("/admin/orders", id)
	case models.EntityShippingZone:
		return "/admin/shipping"
	case models.EntityResellerApplication:
		return idPath(adminResellersPath, id)
	}
	return ""
}
