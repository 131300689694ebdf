// Package static embeds the shop's stylesheets, scripts and images, so the
// binary serves them with no files beside it.
package static

import "embed"

// FS holds every static file, at paths like "css/site.css".
//
//go:embed css img js
var FS embed.FS
