// Package theme embeds Octavo's default theme: html/template files under
// templates/ and static assets under static/. A user overrides any of them
// with a file of the same name in DATA/theme/templates or DATA/theme/static.
package theme

import "embed"

// FS holds templates/*.html and static/*.
//
//go:embed templates static
var FS embed.FS
