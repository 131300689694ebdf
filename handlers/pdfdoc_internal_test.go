package handlers

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciap/qhatu/models"
	"github.com/go-pdf/fpdf"
)

// samplePDF writes a document with every kind of block and rows table rows.
func samplePDF(t *testing.T, lang string, rows int, uncompressed bool) []byte {
	t.Helper()
	tr := testTranslations(t)
	l := tr.For(lang)
	d := newPDFDoc(l, pdfMeta{Title: "Proforma Q-2026-000042", Created: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		Footer: "CIAP · RUC 20100000001 · Jr. Túpac Amaru 123, Lima", Uncompressed: uncompressed})
	d.Title("Factura proforma", "N.° Q-2026-000042", "Fecha: 4 de marzo de 2026")
	d.Fields([]pdfField{{Key: "Razón social", Value: "Artesanías Ñañez E.I.R.L."}, {Key: "RUC", Value: "20512345678"}})
	d.Heading("Líneas del pedido")
	table := pdfTable{Columns: []pdfColumn{{Header: "Producto", Width: 6}, {Header: "Cant.", Width: 1, Align: pdfRight},
		{Header: "Precio unitario", Width: 2, Align: pdfRight}, {Header: "Importe", Width: 2, Align: pdfRight}}}
	for i := range rows {
		name := fmt.Sprintf("Retablo ayacuchano n.° %d", i+1)
		if i%7 == 0 { // some names wrap onto two or three lines
			name += " con escenas de la vida cotidiana en la sierra, pintado a mano por las artesanas de Huamanga"
		}
		table.Rows = append(table.Rows, []string{name, "6", l.Money(models.Soles(12345)), l.Money(models.Soles(74070))})
	}
	table.Foot = [][]string{{"Total", "", "", l.Money(models.Soles(123456789))}}
	d.Table(table)
	d.Totals([]pdfField{{Key: "Subtotal", Value: l.Money(models.Soles(104624397))}, {Key: "Total", Value: l.Money(models.Soles(123456789)), Bold: true}})
	d.Note("¿Preguntas? ¡Escríbenos! Este documento no es un comprobante electrónico de la SUNAT.")
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPDFDoc_SpanishTextPageNumbersAndRepeatedHeader(t *testing.T) {
	t.Parallel()
	b := samplePDF(t, "es", 120, false)
	text, err := PDFText(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Factura proforma", "N.° Q-2026-000042", "Razón social", "Artesanías Ñañez E.I.R.L.",
		"Líneas del pedido", "Retablo ayacuchano n.° 120", "S/\u00a01,234,567.89", "¿Preguntas? ¡Escríbenos!",
		"CIAP · RUC 20100000001 · Jr. Túpac Amaru 123, Lima"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q", want)
		}
	}
	pages := regexp.MustCompile(`Página (\d+) de (\d+)`).FindAllStringSubmatch(text, -1)
	if len(pages) < 3 {
		t.Fatalf("120 rows on %d pages, want at least 3", len(pages))
	}
	for i, p := range pages {
		if p[1] != fmt.Sprint(i+1) || p[2] != fmt.Sprint(len(pages)) {
			t.Errorf("footer %d reads %q, want Página %d de %d", i+1, p[0], i+1, len(pages))
		}
	}
	if n := strings.Count(text, "Precio unitario"); n != len(pages) {
		t.Errorf("table header printed %d times on %d pages", n, len(pages))
	}
	// No row is split across pages: each row's name is one text run or
	// a run of wrapped lines, and every row is there once.
	for i := 1; i <= 120; i++ {
		if n := strings.Count(text, fmt.Sprintf("Retablo ayacuchano n.° %d\n", i)) +
			strings.Count(text, fmt.Sprintf("Retablo ayacuchano n.° %d con", i)); n != 1 {
			t.Errorf("row %d appears %d times", i, n)
		}
	}
}

func TestPDFDoc_SameInputSameBytes(t *testing.T) {
	t.Parallel()
	a, b := samplePDF(t, "en", 30, false), samplePDF(t, "en", 30, false)
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same document differ")
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20260304050607)")) {
		t.Error("the creation date is not the document's date")
	}
	text, err := PDFText(a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Page 1 of 2") || !strings.Contains(text, "Page 2 of 2") {
		t.Errorf("the English footer lacks its page number:\n%s", text)
	}
}

func TestPDFDoc_RightAlignedMoneyEndsAtTheColumnEdge(t *testing.T) {
	t.Parallel()
	// In a right-aligned column the header and the amounts of different
	// widths all end at the same x (the column's edge less the cell margin).
	b := samplePDF(t, "en", 1, true)
	at := func(s string) float64 {
		m := regexp.MustCompile(`BT ([0-9.]+) [0-9.]+ Td \(` + regexp.QuoteMeta(s) + `\) ?Tj`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("no text %q in the uncompressed PDF", s)
		}
		x, err := strconv.ParseFloat(string(m[1]), 64)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	p := fpdf.New("P", "pt", "A4", "")
	p.SetFont("Helvetica", "B", pdfTableSize)
	header := at("Importe") + p.GetStringWidth("Importe")
	p.SetFont("Helvetica", "", pdfTableSize)
	amount := at("S/740.70") + p.GetStringWidth("S/740.70")
	if math.Abs(header-amount) > 0.05 {
		t.Errorf("header ends at %.2f pt, amount at %.2f pt", header, amount)
	}
	// And they end near the page's right margin: A4 is 595.28 pt wide.
	if right := 595.28 - 15*72/25.4; amount > right || amount < right-5 {
		t.Errorf("the last column ends at %.2f pt, the margin is at %.2f pt", amount, right)
	}
}
