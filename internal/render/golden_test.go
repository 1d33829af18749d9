package render_test

import (
	"bytes"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of rendered pages")

// goldenPages are one of each page type of the demo blog, 4 posts a page.
var goldenPages = []struct{ name, path string }{
	{"home", "/"},
	{"home-page-2", "/page/2/"},
	{"tag", "/tag/go/"},
	{"archive", "/archive/"},
	{"year", "/2026/"},
	{"month", "/2026/06/"},
	{"post-toc", "/2026/10/making-a-small-blog-fast/"},
	{"post-table", "/2026/08/security-headers-for-a-small-site/"},
	{"post-footnotes", "/2026/07/why-i-still-write-in-markdown/"},
	{"page", "/about/"},
	{"404", "/no/such/page/"},
}

// uuidRE matches the random part of ids, which differs from run to run.
var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}`)

// TestGoldenPages compares each page type with its golden file; run
// `go test ./internal/render -update` to accept a deliberate change.
func TestGoldenPages(t *testing.T) {
	f := newFixture(t, true, 4)
	for _, g := range goldenPages {
		t.Run(g.name, func(t *testing.T) {
			p := f.get(t, g.path)
			want := http.StatusOK
			if g.name == "404" {
				want = http.StatusNotFound
			}
			if p.Status != want {
				t.Fatalf("status %d, want %d", p.Status, want)
			}
			got := uuidRE.ReplaceAll(p.Body, []byte("00000000-0000-7000-0000-000000000000"))
			file := filepath.Join("testdata", "golden", g.name+".html")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want2, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want2) {
				t.Errorf("%s differs from %s (run with -update to accept):\n%s", g.path, file, firstDiff(string(want2), string(got)))
			}
		})
	}
}

// firstDiff shows the first differing line with its neighbours.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n- " + w + "\n+ " + g
		}
	}
	return "(only trailing bytes differ)"
}
