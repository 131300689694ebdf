// Package templates embeds the HTML templates, parsed once at start-up.
package templates

import "embed"

// FS holds the layout, partials and pages.
//
//go:embed *.html
var FS embed.FS
