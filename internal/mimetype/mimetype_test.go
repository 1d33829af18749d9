package mimetype

import (
	"strings"
	"testing"
)

func TestByExtension(t *testing.T) {
	for _, c := range []struct{ ext, want string }{
		{".css", "text/css; charset=utf-8"},
		{".JS", "text/javascript; charset=utf-8"},
		{".woff2", "font/woff2"},
		{".ico", "image/vnd.microsoft.icon"},
		{".svg", "image/svg+xml"},
		{".vtt", "text/vtt; charset=utf-8"},
		{".xsl", "text/xml; charset=utf-8"},
		{".exe", "application/octet-stream"},
		{".nosuchtype", ""},
		{"", ""},
		{"css", ""},
	} {
		if got := ByExtension(c.ext); got != c.want {
			t.Errorf("ByExtension(%q) = %q, want %q", c.ext, got, c.want)
		}
	}
}

// The table's keys are what ByExtension looks up: lower case, with the dot.
func TestTableKeys(t *testing.T) {
	for ext := range types {
		if ext != strings.ToLower(ext) || !strings.HasPrefix(ext, ".") {
			t.Errorf("%q: extensions are lower case and start with a dot", ext)
		}
	}
}
