package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/templates"
	"github.com/labstack/echo/v4"
)

// Views holds every page template, parsed once at start-up: each page is
// its own set of layout + partials + the page, so pages may each define
// "content" without clashing.
type Views struct {
	pages map[string]*template.Template
}

// NewViews parses templates/page_*.html with the layout and partials.
func NewViews(assets *Assets) (*Views, error) {
	funcs := templateFuncs(assets)
	var base *template.Template
	funcs["card"] = cardFunc(&base) // catalog_cards.go
	funcs["frag"] = fragFunc(&base) // product_fragments.go
	names, err := fs.Glob(templates.FS, "page_*.html")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("find page templates: %v", err)
	}
	// The layout and partials are parsed once and cloned for each page:
	// parsing them per page made every server start (and every test) pay
	// for them dozens of times.
	base, err = template.New("layout.html").Funcs(funcs).ParseFS(templates.FS, "layout.html", "partial_*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout and partials: %w", err)
	}
	v := &Views{pages: map[string]*template.Template{}}
	for _, name := range names {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone layout for %s: %w", name, err)
		}
		if t, err = t.ParseFS(templates.FS, name); err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		v.pages[strings.TrimSuffix(strings.TrimPrefix(name, "page_"), ".html")] = t
	}
	return v, nil
}

// Page is what every page template receives.
type Page struct {
	L           *Localizer
	Title       string
	Description string
	// Path and Query are the current URL, for the language switch and
	// pagination links.
	Path  string
	Query string
	// Canonical is the page's absolute URL.
	Canonical string
	Demo      bool
	Status    int
	Data      any
	// Section names the main navigation entry the page belongs to
	// ("home", "products", "groups", "transparency"), for aria-current.
	Section string
	// NoIndex asks search engines to skip the page (errors, filtered lists).
	NoIndex bool
	// Viewer is who is signed in, and the CSRF token their forms carry.
	Viewer Viewer
	// Flash is a one-time message from the visitor's last change.
	Flash string
}

// render writes a page: it renders to a buffer first, so a template error
// becomes a clean 500 page instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, p Page) error {
	t, ok := s.views.pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	if p.L == nil {
		p.L = s.tr.For(s.tr.Pick(c))
	}
	r := c.Request()
	p.Path, p.Query, p.Demo, p.Status = r.URL.Path, r.URL.RawQuery, s.cfg.DemoNotice, status
	p.Viewer = s.viewer(c)
	if p.Flash == "" {
		p.Flash = s.popFlash(c)
	}
	p.Canonical = s.absURL(r.URL.Path)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// errorView is what the error page shows.
type errorView struct {
	Message string
	Heading string
}

// renderErrorPage shows an error in the site's style.
func (s *Server) renderErrorPage(c echo.Context, l *Localizer, status int, msg string) error {
	title := l.T(errorTitleID(status))
	p := Page{L: l, Title: title, NoIndex: true, Data: errorView{Message: msg, Heading: title}}
	if err := s.render(c, status, "error", p); err != nil {
		// The error page itself failed: fall back to plain text.
		s.log.Error("render error page", "err", err)
		return c.String(status, msg)
	}
	return nil
}

// errorTitleID names the heading of an error page for its status.
func errorTitleID(status int) string {
	switch {
	case status == http.StatusNotFound:
		return "error.title.not_found"
	case status == http.StatusMethodNotAllowed:
		return "error.title.method_not_allowed"
	case status == http.StatusTooManyRequests:
		return "error.title.too_many_requests"
	case status == http.StatusForbidden:
		return "error.title.forbidden"
	case status == http.StatusConflict:
		return "error.title.conflict"
	case status == http.StatusServiceUnavailable:
		return "error.title.busy"
	case status >= 500:
		return "error.title.internal"
	default:
		return "error.title.bad_request"
	}
}

func templateFuncs(assets *Assets) template.FuncMap {
	return template.FuncMap{
		"asset":    assets.URL,
		"hasAsset": assets.Has,
		"base":     path.Base,
		// image is the URL of a product or group picture: an uploaded one
		// (see admin_images.go), the static file, the craft's picture, and
		// then the logo, so a missing file never shows a broken image.
		"image":          assets.Image,
		"langURL":        langURL,
		"dict":           dict,
		"componentColor": componentColor,
		"hours":          formatHours,
		"hm":             formatHoursMinutes,
		"list":           func(xs ...any) []any { return xs },
		"date":           func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"isoTime":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"shopTime":       shopDateTime,
		"number":         formatInt,
		"soles":          models.Soles,
		"swatch":         swatch,
		"meter":          shareMeter,
		"tenths":         formatTenths,
		"paras":          paragraphs,
		"ptrs": func(ps []models.Product) []*models.Product {
			out := make([]*models.Product, len(ps))
			for i := range ps {
				out[i] = &ps[i]
			}
			return out
		},
	}
}

// formatHoursMinutes writes a labour time as hours and minutes: 9000 →
// "150 h", 1230 → "20 h 30 min" (the same in Spanish and English).
func formatHoursMinutes(minutes int) string {
	h, m := minutes/60, minutes%60
	switch {
	case m == 0:
		return strconv.Itoa(h) + " h"
	case h == 0:
		return strconv.Itoa(m) + " min"
	}
	return strconv.Itoa(h) + " h " + strconv.Itoa(m) + " min"
}

// langURL links to the same page in another language, keeping the query.
func langURL(p, rawQuery, lang string) string {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		q = url.Values{}
	}
	q.Set("lang", lang)
	return p + "?" + q.Encode()
}

// dict builds a map from name/value pairs, to pass several values to a
// partial template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// decimalSep is the decimal separator of the page's plain numbers, the
// same as Localizer.Permille's, so hours, ratios and percentages agree with
// prices on one page. Peruvian Spanish (es-PE) writes a decimal point, as
// its prices do ("S/ 12.50"), so both languages use one.
func decimalSep(string) string { return "." }

// formatHours writes minutes as hours with at most one decimal: 150 →
// "2.5" in both languages (see decimalSep).
func formatHours(lang string, minutes int) string {
	tenths := (minutes*10 + 30) / 60
	s := strconv.Itoa(tenths / 10)
	if tenths%10 != 0 {
		s += decimalSep(lang) + strconv.Itoa(tenths%10)
	}
	return s
}

// formatInt groups thousands the way the language does: 2000 → "2,000"
// (en) or "2000" (es keeps four-digit numbers whole, as the RAE advises).
func formatInt(lang string, n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	// es-PE groups with a comma, as prices do, but keeps four-digit
	// numbers whole (CLDR's minimum grouping digits for Spanish).
	sep := ","
	if lang == "es" && len(s) <= 4 {
		sep = ""
	}
	if sep != "" {
		var b strings.Builder
		for i, r := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteString(sep)
			}
			b.WriteRune(r)
		}
		s = b.String()
	}
	if neg {
		return "-" + s
	}
	return s
}

// swatch is a small colour square for a legend, drawn as SVG so it needs
// no style attribute. It is decorative: the text beside it says the rest.
func swatch(k models.ComponentKey) template.HTML {
	return template.HTML(`<svg class="swatch" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">` +
		`<rect width="14" height="14" rx="3" fill="` + componentColor(k) + `"/></svg>`)
}

// formatTenths writes a count of tenths with one decimal: 23 → "2.3" in
// both languages (see decimalSep).
func formatTenths(lang string, n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + strconv.FormatInt(n/10, 10) + decimalSep(lang) + strconv.FormatInt(n%10, 10)
}

// paragraphs splits a text on blank lines, for stories kept as plain text.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
