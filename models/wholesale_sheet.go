package models

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// A wholesale order sheet is the spreadsheet a reseller already keeps,
// saved as CSV or text and uploaded at /wholesale/csv: one row per
// product, its slug or SKU and a quantity. It is read the way spreadsheets
// really export it: UTF-8 with or without a BOM, UTF-16 with a BOM
// (Excel's "Unicode text"), else Windows-1252 (Latin-1); ",", ";" or tab
// between cells, detected; Windows or old Mac line ends; a header row or
// none; blank rows skipped; quoted cells. Nothing here reads the catalog:
// CheckWholesaleLines judges the lines, and a cell is only ever text, never
// evaluated.

// Limits of one sheet. MaxSheetBytes is enforced while reading, before
// anything is parsed; MaxSheetRows as rows are read, so a file of 100,000
// rows stops at row 2,001.
const (
	MaxSheetBytes    = 1 << 20
	MaxSheetRows     = 2000
	MaxSheetQuantity = 10000
	maxSheetRef      = 120 // a slug's column size
	maxSheetShown    = 200 // runes of a refused cell kept to show it
)

// The codes of a sheet's problems. Per file (field "file" of the
// ValidationError ReadWholesaleSheet returns): missing, too large, a workbook
// instead of a CSV, not text, not decodable, empty, one column, too many
// rows. Per row (WholesaleSheetRow.Problem): the rest.
const (
	CodeSheetMissing     Code = "sheet_missing"       // no file chosen
	CodeSheetTooLarge    Code = "sheet_too_large"     // Max (bytes)
	CodeSheetWorkbook    Code = "sheet_workbook"      // .xlsx, .ods, .xls
	CodeSheetNotText     Code = "sheet_not_text"      // binary, control bytes
	CodeSheetEncoding    Code = "sheet_encoding"      // neither UTF-8/16 nor Windows-1252
	CodeSheetEmpty       Code = "sheet_empty"         // no data row
	CodeSheetColumns     Code = "sheet_columns"       // no , ; or tab between cells
	CodeSheetTooManyRows Code = "sheet_too_many_rows" // Max
	CodeSheetQuote       Code = "sheet_quote"         // a quoted cell never closed
	CodeSheetFormula     Code = "sheet_formula"       // Value
	CodeSheetRefMissing  Code = "sheet_ref_missing"
	CodeSheetRefTooLong  Code = "sheet_ref_too_long" // Max
	CodeSheetQtyMissing  Code = "sheet_qty_missing"
	CodeSheetQtyNegative Code = "sheet_qty_negative" // Value
	CodeSheetQtyZero     Code = "sheet_qty_zero"
	CodeSheetQtyWhole    Code = "sheet_qty_whole"     // Value: decimals or a thousands separator
	CodeSheetQtyNumber   Code = "sheet_qty_number"    // Value
	CodeSheetQtyTooLarge Code = "sheet_qty_too_large" // Max
)

// Sheet encodings, as the preview names them.
const (
	SheetUTF8        = "UTF-8"
	SheetUTF8BOM     = "UTF-8 (BOM)"
	SheetUTF16       = "UTF-16"
	SheetWindows1252 = "Windows-1252"
)

// WholesaleSheetRow is one data row of a sheet, or of the preview form
// that carries the rows back (ParseWholesaleRow).
type WholesaleSheetRow struct {
	Row      int    // 1-based line in the file
	Ref      string // product slug or SKU as typed, trimmed
	Quantity string // as typed, trimmed
	// Problem is why the row is not a line ("" Code when it is one).
	Problem FieldError
	// Line is the row as an order line, when Problem is empty.
	Line WholesaleLineInput
}

// OK reports whether the row became a line.
func (r *WholesaleSheetRow) OK() bool { return r.Problem.Code == "" }

// WholesaleSheet is a read sheet: its data rows in file order and how it
// was read.
type WholesaleSheet struct {
	Rows      []WholesaleSheetRow
	Encoding  string // one of the Sheet* encodings
	Delimiter rune   // ',', ';' or '\t'
	Header    bool   // the first row named the columns and was skipped
}

// Lines are the rows that became order lines, for CheckWholesaleLines.
func (s *WholesaleSheet) Lines() []WholesaleLineInput {
	out := make([]WholesaleLineInput, 0, len(s.Rows))
	for _, r := range s.Rows {
		if r.OK() {
			out = append(out, r.Line)
		}
	}
	return out
}

// ReadWholesaleSheet reads at most MaxSheetBytes from r and parses them.
// A file that cannot be read as a sheet at all is a *ValidationError on
// the field "file"; a row that cannot be read says so in its Problem.
func ReadWholesaleSheet(r io.Reader) (*WholesaleSheet, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSheetBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read wholesale sheet: %w", err)
	}
	if len(b) > MaxSheetBytes {
		return nil, Invalid("file", CodeSheetTooLarge, "Max", MaxSheetBytes)
	}
	return ParseWholesaleSheet(b)
}

// ParseWholesaleSheet parses a whole sheet held in memory.
func ParseWholesaleSheet(b []byte) (*WholesaleSheet, error) {
	if len(b) > MaxSheetBytes {
		return nil, Invalid("file", CodeSheetTooLarge, "Max", MaxSheetBytes)
	}
	text, enc, err := decodeSheet(b)
	if err != nil {
		return nil, err
	}
	// encoding/csv ends lines at \n (and \r\n): an old Mac export ends
	// them at a lone \r.
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	}
	sheet := &WholesaleSheet{Encoding: enc}
	// A first line "sep=;" names the delimiter: Excel reads it (and hides
	// it), so exports meant for Excel often start with it.
	if line, rest, _ := strings.Cut(text, "\n"); len(line) == 5 && strings.EqualFold(line[:4], "sep=") &&
		slices.Contains(sheetDelimiters, rune(line[4])) {
		sheet.Delimiter, text = rune(line[4]), rest
	} else {
		sheet.Delimiter = sheetDelimiter(text)
	}
	if sheet.Delimiter == 0 {
		if strings.TrimSpace(text) == "" {
			return nil, Invalid("file", CodeSheetEmpty)
		}
		return nil, Invalid("file", CodeSheetColumns)
	}
	if err := sheet.parseRows(text); err != nil {
		return nil, err
	}
	if len(sheet.Rows) == 0 {
		return nil, Invalid("file", CodeSheetEmpty)
	}
	return sheet, nil
}

// parseRows reads the rows of a decoded sheet.
func (s *WholesaleSheet) parseRows(text string) error {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = s.Delimiter
	cr.FieldsPerRecord = -1 // rows may differ: trailing empty cells, notes
	cr.LazyQuotes = true    // a stray quote inside a cell is text
	cr.ReuseRecord = true
	// `a, "4"`: a space before a quoted cell. Not with tabs, where it
	// would skip empty cells.
	cr.TrimLeadingSpace = s.Delimiter != '\t'
	refCol, qtyCol, first := 0, 1, true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fmt.Errorf("parse wholesale sheet: %w", err)
			}
			return s.add(WholesaleSheetRow{Row: pe.StartLine, Problem: FieldError{Code: CodeSheetQuote}})
		}
		if blankRecord(rec) {
			continue
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if r, q, ok := headerColumns(rec); ok {
				refCol, qtyCol, s.Header = r, q, true
				continue
			}
		}
		row := ParseWholesaleRow(line, cell(rec, refCol), cell(rec, qtyCol), false)
		if strings.ContainsRune(row.Ref, '\n') || (strings.ContainsRune(row.Quantity, '\n') && row.Ref != "" && !isFormula(row.Ref)) {
			// A quote left open swallows the lines after it (LazyQuotes
			// reads to the end of the file): no reference or quantity
			// spans lines. A formula, say =HYPERLINK("a";"b") written
			// by hand in a ";" file, is still named as the formula.
			row.Problem, row.Line = FieldError{Code: CodeSheetQuote}, WholesaleLineInput{}
		}
		if err := s.add(row); err != nil {
			return err
		}
	}
}

// add appends a data row, refusing the file past MaxSheetRows.
func (s *WholesaleSheet) add(r WholesaleSheetRow) error {
	if len(s.Rows) >= MaxSheetRows {
		return Invalid("file", CodeSheetTooManyRows, "Max", MaxSheetRows)
	}
	s.Rows = append(s.Rows, r)
	return nil
}

// ParseWholesaleRow reads one row: a product reference and a quantity as
// typed (in the file, or in the preview form that carries the rows back).
func ParseWholesaleRow(row int, ref, qty string, madeToOrder bool) WholesaleSheetRow {
	ref, qty = strings.TrimSpace(ref), strings.TrimSpace(qty)
	out := WholesaleSheetRow{Row: row, Ref: shortened(ref), Quantity: shortened(qty)}
	switch {
	case ref == "":
		out.Problem = FieldError{Code: CodeSheetRefMissing}
	case isFormula(ref):
		out.Problem = FieldError{Code: CodeSheetFormula, Args: map[string]any{"Value": out.Ref}}
	case utf8.RuneCountInString(ref) > maxSheetRef:
		out.Problem = FieldError{Code: CodeSheetRefTooLong, Args: map[string]any{"Max": maxSheetRef}}
	default:
		n, fe := parseSheetQuantity(out.Quantity)
		out.Problem = fe
		if fe.Code == "" {
			out.Line = WholesaleLineInput{Row: row, Ref: ref, Quantity: n, MadeToOrder: madeToOrder}
		}
	}
	return out
}

// isFormula: a cell a spreadsheet would evaluate (or that a CSV-injection
// payload starts with). It is refused as a product reference, never run.
func isFormula(s string) bool {
	return s != "" && strings.ContainsRune("=+-@", rune(s[0]))
}

// parseSheetQuantity reads a whole number of pieces, 1 to
// MaxSheetQuantity. "12.0" and "12,00" are 12 (a cell formatted with
// decimals); "1.5", "1,5" and "1.000" are refused: a fraction, or a
// thousands separator that "1,000" and "1.000" write differently in en
// and es.
func parseSheetQuantity(q string) (int, FieldError) {
	value := map[string]any{"Value": q}
	switch {
	case q == "":
		return 0, FieldError{Code: CodeSheetQtyMissing}
	case q[0] == '-' && allDigits(q[1:]):
		return 0, FieldError{Code: CodeSheetQtyNegative, Args: value}
	case isFormula(q):
		return 0, FieldError{Code: CodeSheetFormula, Args: value}
	}
	whole := q
	if i := strings.IndexAny(q, ".,"); i > 0 && allDigits(q[:i]) && allDigits(q[i+1:]) && q[i+1:] != "" {
		if len(q)-i-1 > 2 || strings.Trim(q[i+1:], "0") != "" {
			return 0, FieldError{Code: CodeSheetQtyWhole, Args: value}
		}
		whole = q[:i]
	}
	if !allDigits(whole) {
		return 0, FieldError{Code: CodeSheetQtyNumber, Args: value}
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > len(fmt.Sprint(MaxSheetQuantity)) {
		return 0, FieldError{Code: CodeSheetQtyTooLarge, Args: map[string]any{"Max": MaxSheetQuantity}}
	}
	n := 0
	for _, d := range whole {
		n = n*10 + int(d-'0')
	}
	switch {
	case n == 0:
		return 0, FieldError{Code: CodeSheetQtyZero}
	case n > MaxSheetQuantity:
		return 0, FieldError{Code: CodeSheetQtyTooLarge, Args: map[string]any{"Max": MaxSheetQuantity}}
	}
	return n, FieldError{}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// shortened keeps a cell short enough to show back (a refused cell can be
// a whole swallowed file).
func shortened(s string) string {
	if utf8.RuneCountInString(s) <= maxSheetShown {
		return s
	}
	return string([]rune(s)[:maxSheetShown]) + "…"
}

func cell(rec []string, i int) string {
	if i < len(rec) {
		return rec[i]
	}
	return ""
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// File signatures of what resellers upload instead of a CSV.
var (
	utf8BOM     = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM  = []byte{0xFF, 0xFE}
	utf16BEBOM  = []byte{0xFE, 0xFF}
	zipMagic    = []byte("PK\x03\x04")                                   // .xlsx, .ods
	oleMagic    = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls
	encodingErr = Invalid("file", CodeSheetEncoding)
)

// decodeSheet turns the file into text and names its encoding.
func decodeSheet(b []byte) (string, string, error) {
	var text, enc string
	switch {
	case bytes.HasPrefix(b, zipMagic), bytes.HasPrefix(b, oleMagic):
		return "", "", Invalid("file", CodeSheetWorkbook)
	case bytes.HasPrefix(b, utf8BOM):
		if b = b[len(utf8BOM):]; !utf8.Valid(b) {
			return "", "", encodingErr
		}
		text, enc = string(b), SheetUTF8BOM
	case bytes.HasPrefix(b, utf16LEBOM), bytes.HasPrefix(b, utf16BEBOM):
		d := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder()
		out, err := d.Bytes(b)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return "", "", encodingErr
		}
		text, enc = string(out), SheetUTF16
	case bytes.IndexByte(b, 0) >= 0:
		// Binary, or UTF-16 without its BOM: neither is a sheet we read.
		return "", "", Invalid("file", CodeSheetNotText)
	case utf8.Valid(b):
		text, enc = string(b), SheetUTF8
	default:
		out, err := charmap.Windows1252.NewDecoder().Bytes(b)
		// The five bytes Windows-1252 leaves undefined decode to U+FFFD.
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return "", "", encodingErr
		}
		text, enc = string(out), SheetWindows1252
	}
	for _, r := range text {
		if ControlChar(r) || r == utf8.RuneError {
			return "", "", Invalid("file", CodeSheetNotText)
		}
	}
	return text, enc, nil
}

// sheetDelimiters in the order a tie is broken: a tab or ";" is rarely
// inside a cell, a "," often is (a decimal comma, "Retablo, grande").
var sheetDelimiters = []rune{'\t', ';', ','}

// sheetDelimiter picks the delimiter found, outside quotes, on the most
// of the first non-blank lines; 0 when none has any.
func sheetDelimiter(text string) rune {
	const sample = 20
	var lines []string
	for line := range strings.Lines(text) {
		if strings.TrimSpace(line) != "" {
			if lines = append(lines, line); len(lines) == sample {
				break
			}
		}
	}
	best, bestScore := rune(0), 0
	for _, d := range sheetDelimiters {
		score := 0
		for _, line := range lines {
			if hasOutsideQuotes(line, d) {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

func hasOutsideQuotes(line string, d rune) bool {
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == d && !quoted:
			return true
		}
	}
	return false
}

// The words a header row names its columns with, folded (no accents,
// lower case), in Spanish and English. A slug, SKU or code column wins
// over a "product" one, which may hold the product's name.
var (
	sheetRefWords     = []string{"slug", "sku", "codigo", "code", "referencia", "reference", "ref"}
	sheetProductWords = []string{"producto", "product", "articulo", "article", "item"}
	sheetQtyWords     = []string{"cantidad", "quantity", "qty", "cant", "unidades", "units", "piezas", "pieces"}
)

// headerColumns finds the reference and quantity columns of a header row.
func headerColumns(rec []string) (ref, qty int, ok bool) {
	ref, qty = -1, -1
	product := -1
	for i, f := range rec {
		words := strings.FieldsFunc(foldSearch(f), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
		switch {
		case ref < 0 && hasAnyWord(words, sheetRefWords):
			ref = i
		case product < 0 && hasAnyWord(words, sheetProductWords):
			product = i
		case qty < 0 && hasAnyWord(words, sheetQtyWords):
			qty = i
		}
	}
	if ref < 0 {
		ref = product
	}
	return ref, qty, ref >= 0 && qty >= 0
}

func hasAnyWord(words, want []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return slices.Contains(want, w) })
}
