// Package mimetype gives the Content-Type of a file from its extension,
// from a fixed table of the types a blog serves: the same answer on every
// machine, without mime.TypeByExtension's first call reading the system's
// MIME databases (on a desktop Debian ~11,000 entries that stay in the
// heap for good and are scanned by every garbage collection, and some
// milliseconds of start-up).
package mimetype

import "strings"

// types holds the extensions, lower case with their dot: every one of Go's
// built-in table (mime.TypeByExtension's answers that do not depend on the
// machine), with Go's types, and the web fonts, feeds, manifests, source
// maps and Markdown that a theme or a content folder holds.
var types = map[string]string{
	".ai":          "application/postscript",
	".apk":         "application/vnd.android.package-archive",
	".apng":        "image/apng",
	".atom":        "application/atom+xml",
	".avif":        "image/avif",
	".bin":         "application/octet-stream",
	".bmp":         "image/bmp",
	".com":         "application/octet-stream",
	".css":         "text/css; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".doc":         "application/msword",
	".docx":        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".ehtml":       "text/html; charset=utf-8",
	".eml":         "message/rfc822",
	".eps":         "application/postscript",
	".exe":         "application/octet-stream",
	".flac":        "audio/flac",
	".gif":         "image/gif",
	".gz":          "application/gzip",
	".htm":         "text/html; charset=utf-8",
	".html":        "text/html; charset=utf-8",
	".ico":         "image/vnd.microsoft.icon",
	".ics":         "text/calendar; charset=utf-8",
	".jfif":        "image/jpeg",
	".jpeg":        "image/jpeg",
	".jpg":         "image/jpeg",
	".js":          "text/javascript; charset=utf-8",
	".json":        "application/json",
	".m4a":         "audio/mp4",
	".map":         "application/json",
	".md":          "text/markdown; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".mp3":         "audio/mpeg",
	".mp4":         "video/mp4",
	".oga":         "audio/ogg",
	".ogg":         "audio/ogg",
	".ogv":         "video/ogg",
	".opus":        "audio/ogg",
	".otf":         "font/otf",
	".pdf":         "application/pdf",
	".pjp":         "image/jpeg",
	".pjpeg":       "image/jpeg",
	".png":         "image/png",
	".ppt":         "application/vnd.ms-powerpoint",
	".pptx":        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".ps":          "application/postscript",
	".rdf":         "application/rdf+xml",
	".rss":         "application/rss+xml",
	".rtf":         "application/rtf",
	".shtml":       "text/html; charset=utf-8",
	".svg":         "image/svg+xml",
	".text":        "text/plain; charset=utf-8",
	".tif":         "image/tiff",
	".tiff":        "image/tiff",
	".ttf":         "font/ttf",
	".txt":         "text/plain; charset=utf-8",
	".vtt":         "text/vtt; charset=utf-8",
	".wasm":        "application/wasm",
	".wav":         "audio/wav",
	".webm":        "audio/webm",
	".webmanifest": "application/manifest+json",
	".webp":        "image/webp",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".xbl":         "text/xml; charset=utf-8",
	".xbm":         "image/x-xbitmap",
	".xht":         "application/xhtml+xml",
	".xhtml":       "application/xhtml+xml",
	".xls":         "application/vnd.ms-excel",
	".xlsx":        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".xml":         "text/xml; charset=utf-8",
	".xsl":         "text/xml; charset=utf-8",
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
