package handlers

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// The shop reads text only: a NUL byte or invalid UTF-8 in a query
// parameter or a form field is refused here, once for every route, before
// a handler or the CSRF check reads it. PostgreSQL refuses such text (a 500
// deep in a query) and SQLite would store it. So are control characters
// other than tab, LF and CR (multi-line fields need those; single-line
// fields refuse line breaks in models), line separators and bidi overrides:
// they garble mails, documents, logs and CSV exports, or make text read
// otherwise than it is stored. Uploaded files are not form values and are
// not checked here.

// maxBody is the site-wide limit of a request body; picture uploads have
// their own (admin_images.go).
const maxBody = 1 << 20

// formMemory is how much of a multipart form is kept in memory; larger
// files go to temporary files.
const formMemory = 8 << 20

// rawBody marks a route whose body the edge must leave unread (a webhook
// verifying a signature over the exact bytes). Bodies that are not forms
// are never read here anyway; query parameters are still checked.
func (s *Server) rawBody(path string) { s.rawBodies[path] = true }

// checkInput parses the query and, for form content types, the body, and
// refuses text that is not text with a 400 naming the parameter. A form
// over its body limit is a 413 saying the limit.
func (s *Server) checkInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkText(c.QueryParams()); err != nil {
			return err
		}
		r := c.Request()
		if s.rawBodies[c.Path()] {
			return next(c)
		}
		switch formType(r) {
		case "application/x-www-form-urlencoded":
			if err := r.ParseForm(); err != nil {
				return formReadError(err)
			}
		case "multipart/form-data":
			if err := r.ParseMultipartForm(formMemory); err != nil {
				return formReadError(err)
			}
			// net/http removes the temporary files of the request it
			// handed out, not of this copy (WithContext) of it.
			defer r.MultipartForm.RemoveAll()
		default:
			return next(c)
		}
		if err := checkText(r.PostForm); err != nil {
			return err
		}
		return next(c)
	}
}

// formType is the media type of a body the edge parses as a form, or "".
func formType(r *http.Request) string {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
	default:
		return ""
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil {
		return ""
	}
	return mt
}

// formReadError tells a body over its limit from a malformed one.
func formReadError(err error) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return tooLarge(mbe.Limit)
	case errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		return tooLarge(maxBody)
	}
	return fmt.Errorf("%w: %w", badInput("error.bad_request"), err)
}

// tooLarge is the 413 that says the limit.
func tooLarge(limit int64) error {
	return &userError{Status: http.StatusRequestEntityTooLarge, ID: "error.too_large_limit",
		Args: []any{"Limit", megabytes(limit)}}
}

// megabytes writes a limit in bytes for a message ("1 MB").
func megabytes(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }

// checkText refuses a NUL byte, invalid UTF-8 or a control character
// (models.ControlChar) in any name or value.
func checkText(vs url.Values) error {
	for k, values := range vs {
		id := textProblem(k)
		for _, v := range values {
			if id == "" {
				id = textProblem(v)
			}
		}
		if id != "" {
			return badInput(id, "Param", printable(k))
		}
	}
	return nil
}

// textProblem is the message ID that says why s is refused, or "".
func textProblem(s string) string {
	switch {
	case !isText(s):
		return "error.not_text"
	case strings.ContainsFunc(s, models.ControlChar):
		return "error.control_chars"
	}
	return ""
}

func isText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// printable shows a parameter's name in a message: valid text, short.
func printable(s string) string {
	s = strings.Map(func(r rune) rune {
		if models.ControlChar(r) {
			return '�'
		}
		return r
	}, strings.ToValidUTF8(s, "�"))
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return s
}
