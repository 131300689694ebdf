package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// outboxView is the admin's list of emails written to the outbox.
type outboxView struct {
	Viewer Viewer
	models.OutboxPage
	To   string
	Prev string
	Next string
}

// adminOutbox lists the emails the shop wrote to its outbox because no
// SMTP server is configured (GET /admin/outbox, admins only).
func (s *Server) adminOutbox(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	page, _ := strconv.Atoi(c.QueryParam("page"))
	to := c.QueryParam("to")
	p, err := s.store.ListOutbox(c.Request().Context(), to, page, 50)
	if err != nil {
		return err
	}
	v := outboxView{Viewer: s.viewer(c), OutboxPage: p, To: to}
	link := func(n int) string {
		q := "/admin/outbox?page=" + strconv.Itoa(n)
		if to != "" {
			q += "&to=" + url.QueryEscape(to)
		}
		return q
	}
	if p.Page > 1 {
		v.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages() {
		v.Next = link(p.Page + 1)
	}
	return s.render(c, http.StatusOK, "admin_outbox", Page{L: l, Title: l.T("outbox.title"), NoIndex: true, Data: v})
}
