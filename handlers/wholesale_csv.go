package handlers

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/labstack/echo/v4"
)

// Spreadsheet upload (issue 9): a reseller uploads the sheet they keep
// (GET/POST /wholesale/csv), sees a preview of every row with its problem,
// fixes quantities, marks lines made to order or drops rows there
// (POST /wholesale/csv/preview, action "check"), and adds every line to
// the cart at once (action "add", AddWholesaleLines: all or nothing).
//
// The preview's rows travel in the form, never in the session: they are
// read again and checked again from scratch on every post, exactly like
// the file, and nothing price-like is ever read from it (prices come from
// the catalog in CheckWholesaleLines).

// maxSheetBody is the upload request's limit: the file and the form's
// other fields with their multipart headers (upload_limit.go).
const maxSheetBody = models.MaxSheetBytes + 64<<10

// registerWholesaleCSV adds the upload, its preview and its template.
func (s *Server) registerWholesaleCSV(e *echo.Echo) {
	g := s.guard(e)
	g.GET("/wholesale/csv", s.wholesaleCSVForm)
	g.POST("/wholesale/csv", s.wholesaleCSVUpload)
	g.POST("/wholesale/csv/preview", s.wholesaleCSVPreview)
	g.GET("/wholesale/csv/template.csv", s.wholesaleCSVTemplate)
}

// wholesaleCSVView is what page_wholesale_csv.html shows: the upload form,
// and the preview once a sheet was read.
type wholesaleCSVView struct {
	MaxSize  string
	MaxRows  int
	Example  [][2]string // the example file layout: reference, quantity
	Header   [2]string
	FileErr  string // why the file was refused whole
	Preview  *sheetPreview
	Template string // the template's download URL
}

// sheetPreview is the checked rows of a sheet.
type sheetPreview struct {
	Source  string // how the file was read (encoding, delimiter, header)
	Rows    []previewRow
	Bad     int // rows with a problem
	Lines   int // products that would be added
	Pieces  int
	Total   models.Money
	ToMake  int    // pieces to be made to order
	Ready   bool   // every row is fine: "add to cart" is offered
	Message string // why an add was refused
}

// previewRow is one line of the preview: a row of the sheet, or several
// rows for one product merged.
type previewRow struct {
	Index     int    // position in the form (ref_<i>, qty_<i>, …)
	Rows      []int  // the sheet rows it comes from
	Ref       string // as typed
	Product   *models.Product
	Quantity  string // as typed, or the merged sum
	MTO       bool   // made to order asked
	OfferMTO  bool   // above stock: the made-to-order box is offered
	InStock   int
	LeadTime  int
	ToMake    int
	UnitPrice models.Money
	Total     models.Money
	Problems  []string
}

// Merged reports whether several sheet rows became this line.
func (r previewRow) Merged() bool { return len(r.Rows) > 1 }

// RowList is the rows as the form carries them: "3 7".
func (r previewRow) RowList() string { return joinRows(r.Rows, " ") }

// RowLabel is the rows as the page names them: "3, 7".
func (r previewRow) RowLabel() string { return joinRows(r.Rows, ", ") }

func joinRows(rows []int, sep string) string {
	parts := make([]string, len(rows))
	for i, n := range rows {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, sep)
}

// wholesaleCSVForm shows the upload form (GET /wholesale/csv).
func (s *Server) wholesaleCSVForm(c echo.Context) error {
	return s.renderWholesaleCSV(c, http.StatusOK, wholesaleCSVView{})
}

// wholesaleCSVUpload reads the uploaded sheet and shows its preview
// (POST /wholesale/csv). Nothing is added to the cart here.
func (s *Server) wholesaleCSVUpload(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	sheet, err := s.readUploadedSheet(c)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		status := http.StatusUnprocessableEntity
		if ve.Fields["file"].Code == models.CodeSheetTooLarge {
			status = http.StatusRequestEntityTooLarge
		}
		return s.renderWholesaleCSV(c, status, wholesaleCSVView{FileErr: sheetMessage(l, ve.Fields["file"])})
	case err != nil:
		return err
	}
	p, err := s.previewSheet(c, l, sheet.Rows, nil)
	if err != nil {
		return err
	}
	p.Source = sheetSource(l, sheet)
	return s.renderWholesaleCSV(c, http.StatusOK, wholesaleCSVView{Preview: p})
}

// readUploadedSheet reads the form's file within the sheet's limit (the
// request's own was checked by limitUpload, the multipart form parsed by
// checkInput).
func (s *Server) readUploadedSheet(c echo.Context) (*models.WholesaleSheet, error) {
	fh, err := c.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile):
		return nil, models.Invalid("file", models.CodeSheetMissing)
	case err != nil:
		return nil, badInput("error.bad_request")
	case fh.Size > models.MaxSheetBytes:
		return nil, models.Invalid("file", models.CodeSheetTooLarge, "Max", models.MaxSheetBytes)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("open uploaded sheet: %w", err)
	}
	defer f.Close()
	return models.ReadWholesaleSheet(f)
}

// wholesaleCSVPreview checks the preview's rows again, as the reseller
// fixed them, and adds them when asked and every one is fine
// (POST /wholesale/csv/preview).
func (s *Server) wholesaleCSVPreview(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	rows, merged, err := previewFormRows(c)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		v := wholesaleCSVView{FileErr: l.T("wholesale.csv.error.all_removed")}
		return s.renderWholesaleCSV(c, http.StatusUnprocessableEntity, v)
	}
	p, err := s.previewSheet(c, l, rows, merged)
	if err != nil {
		return err
	}
	if c.FormValue("action") != "add" {
		return s.renderWholesaleCSV(c, http.StatusOK, wholesaleCSVView{Preview: p})
	}
	if !p.Ready {
		p.Message = l.T("wholesale.csv.fix_first", "Count", p.Bad)
		return s.renderWholesaleCSV(c, http.StatusUnprocessableEntity, wholesaleCSVView{Preview: p})
	}
	// The channel comes from the signed-in role, never from the form
	// (behind the access table the user is a reseller).
	k, _ := s.cartKey(c)
	err = s.store.AddWholesaleLines(c.Request().Context(), k, sheetLines(rows))
	var le *models.WholesaleLinesError
	var ve *models.ValidationError
	switch {
	case errors.As(err, &le):
		// The catalog moved between the check and the add (stock sold,
		// a price or minimum changed): show the rows as they are now.
		p = s.previewChecks(l, rows, merged, le.Checks)
		p.Message = l.T("wholesale.csv.changed")
		return s.renderWholesaleCSV(c, http.StatusConflict, wholesaleCSVView{Preview: p})
	case errors.As(err, &ve):
		for _, fe := range ve.Fields {
			p.Message = fieldMessage(l, fe)
		}
		p.Ready = false
		return s.renderWholesaleCSV(c, http.StatusUnprocessableEntity, wholesaleCSVView{Preview: p})
	case err != nil:
		return err
	}
	s.flash(c, l.T("wholesale.csv.added", "Lines", p.Lines, "Pieces", p.Pieces))
	return seeOther(c, "/cart")
}

// previewFormRows reads the preview's rows back from the form: n rows,
// each ref_<i>, qty_<i>, rows_<i> (the sheet rows it stands for, for the
// page only), mto_<i> and remove_<i> (checkboxes). merged maps a line's
// first row to all of them.
func previewFormRows(c echo.Context) ([]models.WholesaleSheetRow, map[int][]int, error) {
	n, err := strconv.Atoi(c.FormValue("n"))
	if err != nil || n < 0 || n > models.MaxSheetRows {
		return nil, nil, badInput("error.bad_request")
	}
	rows := make([]models.WholesaleSheetRow, 0, n)
	merged := map[int][]int{}
	seen := 0
	for i := range n {
		key := strconv.Itoa(i)
		if c.FormValue("remove_"+key) != "" {
			continue
		}
		var nums []int
		for f := range strings.FieldsSeq(c.FormValue("rows_" + key)) {
			num, err := strconv.Atoi(f)
			if seen++; err != nil || num < 1 || seen > models.MaxSheetRows {
				return nil, nil, badInput("error.bad_request")
			}
			nums = append(nums, num)
		}
		if len(nums) == 0 {
			return nil, nil, badInput("error.bad_request")
		}
		row := models.ParseWholesaleRow(nums[0], c.FormValue("ref_"+key), c.FormValue("qty_"+key), c.FormValue("mto_"+key) != "")
		rows = append(rows, row)
		if len(nums) > 1 {
			merged[nums[0]] = nums
		}
	}
	return rows, merged, nil
}

// sheetLines are the rows that are order lines.
func sheetLines(rows []models.WholesaleSheetRow) []models.WholesaleLineInput {
	return (&models.WholesaleSheet{Rows: rows}).Lines()
}

// previewSheet checks the rows against the catalog (no writes).
func (s *Server) previewSheet(c echo.Context, l *Localizer, rows []models.WholesaleSheetRow, merged map[int][]int) (*sheetPreview, error) {
	checks, err := s.store.CheckWholesaleLines(c.Request().Context(), sheetLines(rows))
	if err != nil {
		return nil, fmt.Errorf("check sheet lines: %w", err)
	}
	return s.previewChecks(l, rows, merged, checks), nil
}

// previewChecks builds the preview from the rows the parser refused and
// the checks of the others, in sheet order.
func (s *Server) previewChecks(l *Localizer, rows []models.WholesaleSheetRow, merged map[int][]int, checks []models.WholesaleLineCheck) *sheetPreview {
	p := &sheetPreview{}
	// expand gives back the rows an earlier merge folded into a line.
	expand := func(first []int) []int {
		var out []int
		for _, r := range first {
			if m, ok := merged[r]; ok {
				out = append(out, m...)
			} else {
				out = append(out, r)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	for _, r := range rows {
		if r.OK() {
			continue
		}
		p.Rows = append(p.Rows, previewRow{Rows: expand([]int{r.Row}), Ref: r.Ref, Quantity: r.Quantity,
			MTO: r.Line.MadeToOrder, Problems: []string{sheetMessage(l, r.Problem)}})
	}
	for i := range checks {
		ch := &checks[i]
		pr := previewRow{Rows: expand(ch.Rows), Ref: ch.Input.Ref, Product: ch.Product,
			Quantity: strconv.Itoa(ch.Input.Quantity), MTO: ch.Input.MadeToOrder, InStock: ch.InStock,
			LeadTime: ch.LeadTimeDays, ToMake: ch.ToMake(), UnitPrice: ch.UnitPrice, Total: ch.Total}
		pr.OfferMTO = ch.Product != nil && (ch.Has(models.CodeAboveStock) || pr.ToMake > 0)
		for _, pb := range ch.Problems {
			pr.Problems = append(pr.Problems, wholesaleProblemText(l, pb))
		}
		if ch.OK() {
			p.Lines++
			p.Pieces += ch.Input.Quantity
			p.ToMake += pr.ToMake
			if p.Total.Currency == "" {
				p.Total.Currency = ch.Total.Currency
			}
			p.Total.Amount += ch.Total.Amount
		}
		p.Rows = append(p.Rows, pr)
	}
	slices.SortStableFunc(p.Rows, func(a, b previewRow) int { return a.Rows[0] - b.Rows[0] })
	for i := range p.Rows {
		p.Rows[i].Index = i
		if len(p.Rows[i].Problems) > 0 {
			p.Bad++
		}
	}
	p.Ready = p.Bad == 0 && p.Lines > 0
	return p
}

// sheetMessage is a sheet's problem (per file or per row) in the reader's
// language: wholesale.csv.error.<code>.
func sheetMessage(l *Localizer, fe models.FieldError) string {
	args := make([]any, 0, 2*len(fe.Args))
	for name, v := range fe.Args {
		if name == "Max" && fe.Code == models.CodeSheetTooLarge {
			v = megabytes(int64(models.MaxSheetBytes))
		}
		args = append(args, name, v)
	}
	return l.T("wholesale.csv.error."+string(fe.Code), args...)
}

// wholesaleProblemText is a wholesale line's problem in the reader's
// language: wholesale.problem.<code>.
func wholesaleProblemText(l *Localizer, p models.WholesaleProblem) string {
	id, args := "wholesale.problem."+string(p.Code), []any{"Min", p.Min, "Step", p.Step, "Stock", p.Stock,
		"Max", p.MaxQty, "LeadTime", p.LeadTime}
	if p.Code == models.CodeAboveStock {
		// "made to order in 1 day": the form follows the lead time.
		return l.Plural(id, p.LeadTime, args...)
	}
	return l.T(id, args...)
}

// sheetSource says how the file was read, so a reseller sees at once a
// sheet read with the wrong delimiter or encoding.
func sheetSource(l *Localizer, s *models.WholesaleSheet) string {
	delim := map[rune]string{',': "wholesale.csv.delim_comma", ';': "wholesale.csv.delim_semicolon", '\t': "wholesale.csv.delim_tab"}[s.Delimiter]
	header := "wholesale.csv.no_header"
	if s.Header {
		header = "wholesale.csv.header_skipped"
	}
	return l.T("wholesale.csv.read_as", "Rows", len(s.Rows), "Encoding", s.Encoding, "Delimiter", l.T(delim)) + " " + l.T(header)
}

// renderWholesaleCSV shows the upload page, with v's preview or refusal.
func (s *Server) renderWholesaleCSV(c echo.Context, status int, v wholesaleCSVView) error {
	l := s.tr.For(s.tr.Pick(c))
	ex, err := s.sheetExample(c)
	if err != nil {
		return err
	}
	v.MaxSize, v.MaxRows, v.Example, v.Template = megabytes(models.MaxSheetBytes), models.MaxSheetRows, ex, "/wholesale/csv/template.csv"
	v.Header = [2]string{l.T("wholesale.csv.column_ref"), l.T("wholesale.csv.column_qty")}
	return s.render(c, status, "wholesale_csv", Page{L: l, Title: l.T("wholesale.csv.title"), NoIndex: true, Data: v})
}

// sheetExample is a few products of the catalog, each with the smallest
// quantity it is sold at wholesale that is in stock: the example on the
// page and the template's rows, so the template uploads as it is.
func (s *Server) sheetExample(c echo.Context) ([][2]string, error) {
	const examples = 3
	page, err := s.store.ListProducts(c.Request().Context(), models.ProductFilter{PerPage: 30})
	if err != nil {
		return nil, fmt.Errorf("example products: %w", err)
	}
	out := make([][2]string, 0, examples)
	for _, p := range page.Items {
		step := max(p.WholesalePackStep, 1)
		q := (max(p.WholesaleMinQty, 1) + step - 1) / step * step
		if p.WholesaleBreakdownID == nil || p.WholesalePriceAmount <= 0 || q > p.Stock {
			continue
		}
		if out = append(out, [2]string{p.Slug, strconv.Itoa(q)}); len(out) == examples {
			break
		}
	}
	return out, nil
}

// wholesaleCSVTemplate is a sheet to start from (GET
// /wholesale/csv/template.csv): the header in the reader's language and
// the example rows, in UTF-8 with a BOM and Windows line ends, so Excel
// opens it with its accents and columns right.
func (s *Server) wholesaleCSVTemplate(c echo.Context) error {
	l := s.tr.For(s.tr.Pick(c))
	ex, err := s.sheetExample(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	rows := append([][]string{{l.T("wholesale.csv.column_ref"), l.T("wholesale.csv.column_qty")}}, exampleRecords(ex)...)
	if err := w.WriteAll(rows); err != nil {
		return fmt.Errorf("write sheet template: %w", err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+l.T("wholesale.csv.template_file")+`"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func exampleRecords(ex [][2]string) [][]string {
	out := make([][]string, len(ex))
	for i, e := range ex {
		out[i] = []string{e[0], e[1]}
	}
	return out
}
