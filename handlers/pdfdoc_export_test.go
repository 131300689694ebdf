package handlers

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// PDFText is the text a PDF of pdfdoc.go shows, one string per text
// operator in page order, joined by "\n": page streams are inflated,
// strings unescaped and read back from cp1252. Tests of any document look
// for order numbers, RUCs and amounts in it.
func PDFText(pdf []byte) (string, error) {
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return "", fmt.Errorf("not a PDF: starts %q", pdf[:min(len(pdf), 8)])
	}
	var out []string
	rest := pdf
	for {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			break
		}
		dict := rest[:i]
		if j := bytes.LastIndex(dict, []byte("<<")); j >= 0 {
			dict = dict[j:]
		}
		rest = rest[i+len("stream\n"):]
		end := bytes.Index(rest, []byte("endstream"))
		if end < 0 {
			return "", fmt.Errorf("stream without endstream")
		}
		// fpdf ends a stream's data with one "\n" before endstream; the
		// compressed data itself may end in \r or \n bytes, so only that
		// one is cut.
		body := bytes.TrimSuffix(rest[:end], []byte("\n"))
		rest = rest[end+len("endstream"):]
		if bytes.Contains(dict, []byte("/FlateDecode")) {
			r, err := zlib.NewReader(bytes.NewReader(body))
			if err != nil {
				return "", fmt.Errorf("inflate stream: %w", err)
			}
			if body, err = io.ReadAll(r); err != nil {
				return "", fmt.Errorf("inflate stream: %w", err)
			}
		}
		for _, m := range pdfShowText.FindAllSubmatch(body, -1) {
			s, err := charmap.Windows1252.NewDecoder().Bytes(pdfUnescape.ReplaceAll(m[1], []byte("$1")))
			if err != nil {
				return "", fmt.Errorf("decode cp1252: %w", err)
			}
			out = append(out, string(s))
		}
	}
	return strings.Join(out, "\n"), nil
}

var (
	pdfShowText = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\) ?Tj`)
	pdfUnescape = regexp.MustCompile(`\\([\\()])`)
)
