package handlers

import (
	"strings"

	xhtml "golang.org/x/net/html"
)

// htmlToken is one token of a page, as the markup checks need it.
type htmlToken struct {
	kind  string // "start", "self", "end", "text"
	name  string
	attrs []htmlAttr
	text  string
}

type htmlAttr struct{ key, val string }

func (t htmlToken) attr(key string) string {
	for _, a := range t.attrs {
		if a.key == key {
			return a.val
		}
	}
	return ""
}

func (t htmlToken) has(key string) bool {
	for _, a := range t.attrs {
		if a.key == key {
			return true
		}
	}
	return false
}

// htmlTokens walks a page with the HTML5 tokenizer of golang.org/x/net/html.
type htmlTokens struct{ z *xhtml.Tokenizer }

func newTokenizer(page string) *htmlTokens {
	return &htmlTokens{z: xhtml.NewTokenizer(strings.NewReader(page))}
}

func (h *htmlTokens) next() (htmlToken, bool) {
	for {
		tt := h.z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return htmlToken{}, false
		case xhtml.TextToken:
			return htmlToken{kind: "text", text: string(h.z.Text())}, true
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
			tok := h.z.Token()
			kind := map[xhtml.TokenType]string{xhtml.StartTagToken: "start",
				xhtml.SelfClosingTagToken: "self", xhtml.EndTagToken: "end"}[tt]
			out := htmlToken{kind: kind, name: tok.Data}
			for _, a := range tok.Attr {
				out.attrs = append(out.attrs, htmlAttr{key: a.Key, val: a.Val})
			}
			return out, true
		}
	}
}

// parsesAsHTML5 reports whether the HTML5 parser accepts the page at all.
func parsesAsHTML5(page string) error {
	_, err := xhtml.Parse(strings.NewReader(page))
	return err
}
