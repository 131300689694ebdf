package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The reconciliation, in the back office (/admin/reconciliation) and in
// the reviewers' portal (/review/reconciliation): one handler, one
// template. The period and group are chosen with the portal's selector
// (review_period.go: month, quarter, year or custom); without a group
// every group is reconciled, each with every difference listed.
var (
	adminReconcileArea  = backArea{Base: "/admin/reconciliation", Nav: "reconciliation"}
	reviewReconcileArea = backArea{Base: "/review/reconciliation", Nav: "review_reconciliation", Review: true}
)

// groupReconciliation is one group's reconciliation.
type groupReconciliation struct {
	Group  models.ReviewGroupRef
	Result *models.Reconciliation
}

// adminReconcileView is what page_admin_reconcile.html shows.
type adminReconcileView struct {
	reviewView
	Area     backArea
	From, To string // the period's first and last day (YYYY-MM-DD)
	Results  []groupReconciliation
	// Differences counts every group's differences.
	Differences int
}

// reconcilePage reconciles the ledger with the paid orders, refunds,
// payouts and advances, for one group or each, over a period (GET form:
// reviewers read it too). A period or group that does not parse is a 400
// with the form to correct it.
func (s *Server) reconcilePage(area backArea) echo.HandlerFunc {
	return func(c echo.Context) error {
		l := s.tr.For(s.tr.Pick(c))
		ctx := c.Request().Context()
		rv, p, perr := s.newReviewView(c, l, area.Nav)
		v := adminReconcileView{reviewView: rv, Area: area}
		groups, err := s.store.ReviewGroups(ctx)
		if err != nil {
			return err
		}
		v.groupOptions(l, groups)
		if perr != nil {
			return s.renderArea(c, area, http.StatusBadRequest, "admin_reconcile", l.T("admin.reconcile.title"), l, v)
		}
		v.From, v.To = p.From.Format(time.DateOnly), p.LastDay().Format(time.DateOnly)
		if v.Results, err = s.reconcileGroups(ctx, groups, v.GroupID, p); err != nil {
			return err
		}
		for _, r := range v.Results {
			v.Differences += len(r.Result.Differences)
		}
		return s.renderArea(c, area, http.StatusOK, "admin_reconcile", l.T("admin.reconcile.title"), l, v)
	}
}

// reconcileGroups reconciles the chosen group, or each group when groupID
// is 0, over a period: the page and the portal's exports read the same.
func (s *Server) reconcileGroups(ctx context.Context, groups []models.ReviewGroupRef, groupID int64, p models.Period) ([]groupReconciliation, error) {
	var chosen []models.ReviewGroupRef
	var ids []int64
	for _, g := range groups {
		if groupID == 0 || g.ID == groupID {
			chosen, ids = append(chosen, g), append(ids, g.ID)
		}
	}
	if groupID != 0 && len(chosen) == 0 {
		return nil, &userError{Status: http.StatusNotFound, ID: "review.no_such_group"}
	}
	rs, err := s.store.ReconcileGroups(ctx, ids, p.From, p.LastDay())
	if err != nil {
		return nil, err
	}
	out := make([]groupReconciliation, len(chosen))
	for i, g := range chosen {
		out[i] = groupReconciliation{Group: g, Result: rs[i]}
	}
	return out, nil
}

// renderArea renders a page shared by the back office and the reviewers'
// portal in its area's section.
func (s *Server) renderArea(c echo.Context, area backArea, status int, page, title string, l *Localizer, data any) error {
	if area.Review {
		return s.renderReview(c, status, page, title, l, data)
	}
	return s.renderAdmin(c, status, page, title, l, data)
}
