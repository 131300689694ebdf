package handlers

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// userError is an expected failure whose message is shown to the user,
// translated: ID is a message ID, Args its name/value pairs.
type userError struct {
	Status int
	ID     string
	Args   []any
}

func (e *userError) Error() string { return e.ID }

// badInput builds a 400 with a translated message.
func badInput(id string, args ...any) error {
	return &userError{Status: http.StatusBadRequest, ID: id, Args: args}
}

// errNotFound is the 404 every unknown slug gets.
var errNotFound = &userError{Status: http.StatusNotFound, ID: "error.not_found"}

// handleError is Echo's one error handler: it maps expected errors to a
// status and a message, logs the unexpected ones, and answers JSON under
// /api/ and a page elsewhere. A visitor never sees a stack trace or SQL.
// JSON errors carry a stable code beside the translated message:
// {"error": "...", "code": "not_found"}, and a refused input also each
// field's code and message: "fields": {"slug": {"code": "slug_taken",
// "message": "..."}}.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msgID, args := http.StatusInternalServerError, "error.internal", []any(nil)
	var ue *userError
	var he *echo.HTTPError
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ue):
		status, msgID, args = ue.Status, ue.ID, ue.Args
	case errors.Is(err, models.ErrNotFound):
		status, msgID = http.StatusNotFound, "error.not_found"
	case errors.Is(err, models.ErrConflict):
		status, msgID = http.StatusConflict, "error.conflict"
	case errors.Is(err, models.ErrBusy), errors.Is(err, context.DeadlineExceeded),
		// The request's work budget (requestWork) ran out: SQLite reports
		// its cut query as "interrupted", not as the context's error.
		errors.Is(c.Request().Context().Err(), context.DeadlineExceeded):
		// Overloaded, not broken: the client may try again shortly.
		status, msgID = http.StatusServiceUnavailable, "error.busy"
		c.Response().Header().Set("Retry-After", "5")
	case errors.As(err, &ve):
		status, msgID = http.StatusBadRequest, "error.invalid"
	case errors.As(err, &he):
		status = he.Code
		switch {
		case status == http.StatusNotFound:
			msgID = "error.not_found"
		case status == http.StatusMethodNotAllowed:
			msgID = "error.method_not_allowed"
		case status == http.StatusRequestEntityTooLarge:
			msgID = "error.too_large"
		case status == http.StatusTooManyRequests:
			msgID = "error.too_many_requests"
		case status == http.StatusForbidden:
			msgID = "error.forbidden"
		case status < 500:
			msgID = "error.bad_request"
		}
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path,
			"status", status, "err", err)
	}
	l := s.tr.For(s.tr.Pick(c))
	text := l.T(msgID, args...)
	if isAPI(c) {
		if c.Request().Method == http.MethodHead {
			err = c.NoContent(status)
		} else {
			err = c.JSON(status, apiError{Error: text, Code: strings.TrimPrefix(msgID, "error."), Fields: apiFields(l, ve)})
		}
	} else {
		if ve != nil {
			text += " " + l.Invalid(ve)
		}
		err = s.renderErrorPage(c, l, status, text)
	}
	if err != nil {
		s.log.Error("write error response", "err", err)
	}
}

// apiError is the JSON body of every API error.
type apiError struct {
	Error  string                   `json:"error"`
	Code   string                   `json:"code"`
	Fields map[string]apiFieldError `json:"fields,omitempty"`
}

type apiFieldError struct {
	Code    models.Code `json:"code"`
	Message string      `json:"message"`
}

func apiFields(l *Localizer, ve *models.ValidationError) map[string]apiFieldError {
	if ve == nil {
		return nil
	}
	out := make(map[string]apiFieldError, len(ve.Fields))
	for f, fe := range ve.Fields {
		out[f] = apiFieldError{Code: fe.Code, Message: fieldMessage(l, fe)}
	}
	return out
}

// Invalid says, in the reader's language, what is wrong with each field
// of a refused input, in field order: for a page that has no form to put
// the messages beside, and for the command line.
func (l *Localizer) Invalid(ve *models.ValidationError) string {
	fields := make([]string, 0, len(ve.Fields))
	for f := range ve.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	msgs := make([]string, len(fields))
	for i, f := range fields {
		msgs[i] = f + ": " + fieldMessage(l, ve.Fields[f])
	}
	return strings.Join(msgs, " ")
}

func isAPI(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/api/") }
