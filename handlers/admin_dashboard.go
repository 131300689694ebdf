package handlers

import (
	"net/http"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

type adminDashboardView struct {
	adminView
	Counts models.BackOfficeCounts
	Recent []models.AuditEntry
	Audit  *auditReader
	// Orders waiting for payment and orders flagged for staff.
	PendingOrders, FlaggedOrders int64
	// Wholesale applications waiting for a decision.
	PendingApplications int64
}

// adminDashboard is the back office's front page: the catalog in figures,
// the latest changes, and where to go next.
func (s *Server) adminDashboard(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ctx := c.Request().Context()
	counts, err := s.store.BackOfficeCounts(ctx)
	if err != nil {
		return err
	}
	recent, err := s.store.ListAudit(ctx, models.AuditFilter{PerPage: 10})
	if err != nil {
		return err
	}
	v := adminDashboardView{adminView: s.newAdminView(c, l, "dashboard"), Counts: counts, Recent: recent.Items,
		Audit: s.auditReader(l)}
	for _, q := range []struct {
		f   models.OrderFilter
		dst *int64
	}{{models.OrderFilter{Status: models.StatusPendingPayment, PerPage: 1}, &v.PendingOrders},
		{models.OrderFilter{NeedsAttention: true, PerPage: 1}, &v.FlaggedOrders}} {
		page, err := s.store.ListOrders(ctx, q.f)
		if err != nil {
			return err
		}
		*q.dst = page.Total
	}
	if v.PendingApplications, err = s.store.PendingApplications(ctx); err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "admin_dashboard", l.T("admin.title"), l, v)
}
