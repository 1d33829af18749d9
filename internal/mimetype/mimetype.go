// Package mimetype gives the Content-Type of a file from its extension,
// from a fixed table of the types a blog serves: the same answer on every
// machine, without mime.TypeByExtension's first call reading the system's
// MIME databases (on a desktop Debian ~11,000 entries that stay in the
// heap for good and are scanned by every garbage collection, and some
// milliseconds of start-up).
package mimetype

import "strings"

// types holds the extensions, lower case with their dot. Where Go's
// mime package has a built-in type, this is the same string.
var types = map[string]string{
	".atom":        "application/atom+xml",
	".avif":        "image/avif",
	".css":         "text/css; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".gif":         "image/gif",
	".htm":         "text/html; charset=utf-8",
	".html":        "text/html; charset=utf-8",
	".ico":         "image/vnd.microsoft.icon",
	".ics":         "text/calendar; charset=utf-8",
	".jpeg":        "image/jpeg",
	".jpg":         "image/jpeg",
	".js":          "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".md":          "text/markdown; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".mp3":         "audio/mpeg",
	".mp4":         "video/mp4",
	".otf":         "font/otf",
	".pdf":         "application/pdf",
	".png":         "image/png",
	".rss":         "application/rss+xml",
	".svg":         "image/svg+xml",
	".ttf":         "font/ttf",
	".txt":         "text/plain; charset=utf-8",
	".wasm":        "application/wasm",
	".webm":        "video/webm",
	".webmanifest": "application/manifest+json",
	".webp":        "image/webp",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".xml":         "text/xml; charset=utf-8",
	".zip":         "application/zip",
}

// ByExtension is the type of files ending in ext (".css"; any case), or
// "" when the table does not know it.
func ByExtension(ext string) string {
	if t, ok := types[ext]; ok {
		return t
	}
	return types[strings.ToLower(ext)]
}
