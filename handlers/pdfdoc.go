package handlers

// pdfdoc.go: the shop's printable documents (pro-forma invoices, receipts,
// price lists, the reviewers' report) on github.com/go-pdf/fpdf.
//
// Typical use, in a handler:
//
//	l := s.tr.For(s.tr.Pick(c))
//	d := newPDFDoc(l, pdfMeta{Title: l.T("…"), Created: o.CreatedAt, Footer: "CIAP · RUC …"})
//	d.Title(l.T("…"), "Q-2026-000123")
//	d.Fields([]pdfField{{Key: l.T("…"), Value: "…"}})
//	d.Heading(l.T("…"))
//	d.Table(pdfTable{Columns: []pdfColumn{{Header: "…", Width: 5}, {Header: "…", Width: 2, Align: pdfRight}},
//		Rows: [][]string{{"…", l.Money(m)}}})
//	d.Totals([]pdfField{{Key: "Total", Value: l.Money(t), Bold: true}})
//	return s.sendPDF(c, "proforma-Q-2026-000123.pdf", d)
//
// Text: the document uses fpdf's core fonts (Helvetica), which are
// cp1252; every string goes through fpdf's cp1252 UnicodeTranslator, so
// Spanish (á é í ó ú ñ ¿ ¡), "S/" and the no-break space the money
// formatter writes all print. A character cp1252 lacks prints as ".".
//
// Same input, same bytes: the creation and modification dates come from
// pdfMeta.Created (not the clock) and the catalog is sorted, so a test can
// compare two outputs, and a document can be cached. Streams are
// compressed unless pdfMeta.Uncompressed (tests may read the text either
// way: pdfText in pdfdoc_test.go inflates).

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/labstack/echo/v4"
)

// Page geometry of every document, in millimetres: A4 with 15 mm margins.
const (
	pdfMargin     = 15.0
	pdfLineHeight = 5.0 // one line of body or table text
	pdfFooterSpan = 12.0
	pdfBodySize   = 9.5
	pdfTableSize  = 8.5
)

// pdfAlign is a table column's alignment; money and quantities go right.
type pdfAlign string

// Alignments of a column (fpdf's codes).
const (
	pdfLeft   pdfAlign = "L"
	pdfRight  pdfAlign = "R"
	pdfCenter pdfAlign = "C"
)

// pdfMeta describes a document.
type pdfMeta struct {
	Title   string // the PDF's title (its metadata, shown by viewers' title bars)
	Subject string
	Author  string    // empty: "CIAP"
	Created time.Time // the document's date; zero means now (then two outputs differ)
	// Footer is printed at the left of every page's foot (who issued the
	// document); the page number "Página 1 de 3" goes at the right.
	Footer    string
	Landscape bool
	// Uncompressed writes the page streams as plain text (debugging).
	Uncompressed bool
}

// pdfField is one key and value of a Fields or Totals block.
type pdfField struct {
	Key   string
	Value string
	Bold  bool // the value in bold (a total)
}

// pdfColumn is one column of a table. Width is relative: the columns
// share the page's width in proportion.
type pdfColumn struct {
	Header string
	Width  float64
	Align  pdfAlign // empty: left
}

// pdfTable is a table: a header row repeated on every page it spans,
// rows whose cells wrap onto as many lines as they need, and foot rows
// (totals) in bold under a rule.
type pdfTable struct {
	Columns []pdfColumn
	Rows    [][]string
	Foot    [][]string
}

// pdfDoc is one document being written. It is not safe for concurrent
// use (neither is fpdf nor its translator): make one per response.
type pdfDoc struct {
	pdf *fpdf.Fpdf
	l   *Localizer
	tr  func(string) string // UTF-8 → cp1252 for the core fonts
}

// newPDFDoc starts an A4 document in l's language with its first page.
func newPDFDoc(l *Localizer, m pdfMeta) *pdfDoc {
	orientation := "P"
	if m.Landscape {
		orientation = "L"
	}
	pdf := fpdf.New(orientation, "mm", "A4", "")
	d := &pdfDoc{pdf: pdf, l: l, tr: pdf.UnicodeTranslatorFromDescriptor("")}
	created := m.Created
	if created.IsZero() {
		created = time.Now()
	}
	pdf.SetCreationDate(created.UTC())
	pdf.SetModificationDate(created.UTC())
	pdf.SetCatalogSort(true)
	pdf.SetCompression(!m.Uncompressed)
	if m.Author == "" {
		m.Author = "CIAP"
	}
	pdf.SetTitle(m.Title, true)
	pdf.SetSubject(m.Subject, true)
	pdf.SetAuthor(m.Author, true)
	pdf.SetCreator("Qhatu", true)
	pdf.SetLang(l.Lang())
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(true, pdfMargin+pdfFooterSpan)
	pdf.AliasNbPages("")
	footer := d.clean(m.Footer)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-(pdfMargin + pdfFooterSpan/2))
		pdf.SetFont("Helvetica", "", 7.5)
		pdf.SetTextColor(90, 90, 90)
		w := d.width()
		page := d.clean(l.T("pdf.page_of", "Page", pdf.PageNo(), "Pages", "{nb}"))
		pw := pdf.GetStringWidth(page) + 2
		pdf.CellFormat(w-pw, 4, fitText(pdf, footer, w-pw), "T", 0, "L", false, 0, "")
		pdf.CellFormat(pw, 4, page, "T", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", pdfBodySize)
	return d
}

// clean turns a UTF-8 string into one line of cp1252: line breaks and
// tabs become spaces (a cell is one line; Text keeps its breaks).
func (d *pdfDoc) clean(s string) string {
	return d.tr(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s))
}

// width is the writable width of a page.
func (d *pdfDoc) width() float64 {
	w, _ := d.pdf.GetPageSize()
	return w - 2*pdfMargin
}

// Title writes the document's heading and, under it, lines such as the
// document's number and date.
func (d *pdfDoc) Title(title string, lines ...string) {
	p := d.pdf
	p.SetFont("Helvetica", "B", 16)
	p.MultiCell(0, 8, d.tr(title), "", "L", false)
	p.SetFont("Helvetica", "", 10)
	for _, line := range lines {
		p.CellFormat(0, pdfLineHeight+0.5, d.clean(line), "", 1, "L", false, 0, "")
	}
	p.Ln(3)
	p.SetFont("Helvetica", "", pdfBodySize)
}

// Heading starts a section, moving to a new page when too little room is
// left under it for a few lines.
func (d *pdfDoc) Heading(s string) {
	p := d.pdf
	d.room(4 * pdfLineHeight)
	p.Ln(2)
	p.SetFont("Helvetica", "B", 11)
	p.CellFormat(0, 6.5, d.clean(s), "B", 1, "L", false, 0, "")
	p.Ln(1.5)
	p.SetFont("Helvetica", "", pdfBodySize)
}

// Text writes a paragraph, wrapped to the page; "\n" starts a new line.
func (d *pdfDoc) Text(s string) {
	d.pdf.SetFont("Helvetica", "", pdfBodySize)
	d.pdf.MultiCell(0, pdfLineHeight, d.tr(s), "", "L", false)
	d.pdf.Ln(1)
}

// Note writes a paragraph in small grey type (a legal note, a demo notice).
func (d *pdfDoc) Note(s string) {
	p := d.pdf
	p.SetFont("Helvetica", "I", 8)
	p.SetTextColor(80, 80, 80)
	p.MultiCell(0, 4, d.tr(s), "", "L", false)
	p.SetTextColor(0, 0, 0)
	p.SetFont("Helvetica", "", pdfBodySize)
	p.Ln(1)
}

// Fields writes key–value pairs, keys in bold on the left, values wrapped
// beside them.
func (d *pdfDoc) Fields(fields []pdfField) {
	p := d.pdf
	keyW := d.width() * 0.3
	for _, f := range fields {
		p.SetFont("Helvetica", "B", pdfBodySize)
		key := d.split(f.Key, keyW)
		style := ""
		if f.Bold {
			style = "B"
		}
		p.SetFont("Helvetica", style, pdfBodySize)
		val := d.split(f.Value, d.width()-keyW)
		n := max(len(key), len(val), 1)
		d.room(float64(n) * pdfLineHeight)
		x, y := p.GetXY()
		p.SetFont("Helvetica", "B", pdfBodySize)
		d.lines(x, y, keyW, key, pdfLeft)
		p.SetFont("Helvetica", style, pdfBodySize)
		d.lines(x+keyW, y, d.width()-keyW, val, pdfLeft)
		p.SetXY(x, y+float64(n)*pdfLineHeight)
	}
	p.SetFont("Helvetica", "", pdfBodySize)
	p.Ln(2)
}

// Totals writes key–value pairs right-aligned at the right of the page,
// under a table: subtotal, tax, total.
func (d *pdfDoc) Totals(fields []pdfField) {
	p := d.pdf
	valW := d.width() * 0.22
	keyW := d.width() * 0.4
	d.room(float64(len(fields)) * (pdfLineHeight + 1))
	for _, f := range fields {
		style := ""
		if f.Bold {
			style = "B"
		}
		p.SetFont("Helvetica", style, pdfBodySize)
		p.SetX(pdfMargin + d.width() - keyW - valW)
		p.CellFormat(keyW, pdfLineHeight+1, fitText(p, d.clean(f.Key), keyW), "", 0, "R", false, 0, "")
		p.CellFormat(valW, pdfLineHeight+1, fitText(p, d.clean(f.Value), valW), "", 1, "R", false, 0, "")
	}
	p.SetFont("Helvetica", "", pdfBodySize)
	p.Ln(2)
}

// Table writes t, breaking pages between rows (never inside one) and
// repeating the header row on each new page.
func (d *pdfDoc) Table(t pdfTable) {
	p := d.pdf
	widths := d.columnWidths(t.Columns)
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Header
	}
	p.SetFont("Helvetica", "B", pdfTableSize)
	headH := d.rowHeight(widths, header)
	printHeader := func() {
		p.SetFont("Helvetica", "B", pdfTableSize)
		p.SetFillColor(235, 235, 235)
		x, y := p.GetXY()
		p.Rect(x, y, d.width(), headH, "F")
		d.row(widths, t.Columns, header, headH)
		p.SetFont("Helvetica", "", pdfTableSize)
	}
	d.room(headH + pdfLineHeight)
	printHeader()
	for _, r := range t.Rows {
		h := d.rowHeight(widths, r)
		if d.room(h) {
			printHeader()
		}
		d.row(widths, t.Columns, r, h)
		x, y := p.GetXY()
		p.SetDrawColor(210, 210, 210)
		p.Line(x, y, x+d.width(), y)
		p.SetDrawColor(0, 0, 0)
	}
	p.SetFont("Helvetica", "B", pdfTableSize)
	for i, r := range t.Foot {
		h := d.rowHeight(widths, r)
		if d.room(h) {
			printHeader()
			p.SetFont("Helvetica", "B", pdfTableSize)
		}
		if i == 0 {
			x, y := p.GetXY()
			p.Line(x, y, x+d.width(), y)
		}
		d.row(widths, t.Columns, r, h)
	}
	p.SetFont("Helvetica", "", pdfBodySize)
	p.Ln(3)
}

// columnWidths shares the page's width among columns by their weights.
func (d *pdfDoc) columnWidths(cols []pdfColumn) []float64 {
	total := 0.0
	for _, c := range cols {
		total += max(c.Width, 0.1)
	}
	w := make([]float64, len(cols))
	for i, c := range cols {
		w[i] = d.width() * max(c.Width, 0.1) / total
	}
	return w
}

// rowHeight is the height of a row whose cells wrap in the current font.
func (d *pdfDoc) rowHeight(widths []float64, cells []string) float64 {
	n := 1
	for i := range widths {
		if i < len(cells) {
			n = max(n, len(d.split(cells[i], widths[i])))
		}
	}
	return float64(n)*pdfLineHeight + 1
}

// row writes one row of cells at the current position, h high.
func (d *pdfDoc) row(widths []float64, cols []pdfColumn, cells []string, h float64) {
	p := d.pdf
	x, y := p.GetXY()
	cx := x
	for i, w := range widths {
		if i < len(cells) {
			d.lines(cx, y+0.5, w, d.split(cells[i], w), cols[i].Align)
		}
		cx += w
	}
	p.SetXY(x, y+h)
}

// split wraps s (UTF-8) into lines of cp1252 that fit w in the current
// font (fpdf keeps its cell margin inside w).
func (d *pdfDoc) split(s string, w float64) []string {
	var out []string
	for _, b := range d.pdf.SplitLines([]byte(d.clean(s)), w) {
		out = append(out, string(b))
	}
	return out
}

// lines writes already split lines one under the other from (x, y).
func (d *pdfDoc) lines(x, y, w float64, lines []string, align pdfAlign) {
	if align == "" {
		align = pdfLeft
	}
	for i, s := range lines {
		d.pdf.SetXY(x, y+float64(i)*pdfLineHeight)
		d.pdf.CellFormat(w, pdfLineHeight, s, "", 0, string(align), false, 0, "")
	}
}

// room starts a new page when less than h is left above the footer, and
// reports whether it did.
func (d *pdfDoc) room(h float64) bool {
	_, pageH := d.pdf.GetPageSize()
	if d.pdf.GetY()+h <= pageH-pdfMargin-pdfFooterSpan {
		return false
	}
	d.pdf.AddPage()
	d.pdf.SetFont("Helvetica", "", pdfBodySize)
	return true
}

// fitText cuts s (already cp1252) to fit a cell w wide, ending it with
// "..." when cut.
func fitText(p *fpdf.Fpdf, s string, w float64) string {
	room := w - 2*p.GetCellMargin()
	if p.GetStringWidth(s) <= room {
		return s
	}
	for len(s) > 0 && p.GetStringWidth(s+"...") > room {
		s = s[:len(s)-1] // cp1252: one byte a character
	}
	return s + "..."
}

// Bytes finishes the document and returns it.
func (d *pdfDoc) Bytes() ([]byte, error) {
	var b bytes.Buffer
	if err := d.pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return b.Bytes(), nil
}

// sendPDF answers the finished document as a download named filename
// (ASCII: an order number, a date). The document is written in full
// before the first byte goes out, so a failure is still an error page.
func (s *Server) sendPDF(c echo.Context, filename string, d *pdfDoc) error {
	b, err := d.Bytes()
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	return c.Blob(http.StatusOK, "application/pdf", b)
}
