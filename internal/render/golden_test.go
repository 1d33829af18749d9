package render_test

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/testkit"
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
			checkGolden(t, g.name+".html", p.Body)
		})
	}
}

// checkGolden compares a rendered body (ids made fixed) with the golden
// file name, or writes it with -update.
func checkGolden(t *testing.T, name string, body []byte) {
	t.Helper()
	got := uuidRE.ReplaceAll(body, []byte("00000000-0000-7000-0000-000000000000"))
	file := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n%s", file, firstDiff(string(want), string(got)))
	}
}

// TestGoldenMedia renders a post with a featured image and an image of the
// media library (srcset, sizes, width, height, loading), and its Atom and
// JSON feeds (the featured image as enclosure and image).
func TestGoldenMedia(t *testing.T) {
	f := newFixture(t, false, 4)
	ctx := context.Background()
	for _, m := range []*blog.Media{
		{Hash: "0123456789abcdef0123456789abcdef", Type: "image/jpeg", Width: 2400, Height: 1600, Size: 1, OriginalName: "harbour.jpg", CreatedAt: fixtureNow},
		{Hash: "fedcba9876543210fedcba9876543210", Type: "image/png", Width: 700, Height: 420, Size: 1, OriginalName: "chart.png", CreatedAt: fixtureNow},
	} {
		if _, err := f.store.AddMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	p := &blog.Post{Title: "A harbour at dusk", Slug: "harbour", Status: blog.StatusPublished, PublishedAt: fixtureNow.Add(-time.Hour),
		Featured: &blog.Image{Hash: "0123456789abcdef0123456789abcdef"},
		Body: "The boats came in late.\n\n![A bar chart of boats by hour](/media/fedcba9876543210fedcba9876543210.png \"Boats\")\n\n" +
			"![The same chart, smaller](/media/fedcba9876543210fedcba9876543210-480.png)\n\n![Not in the library](/media/00000000000000000000000000000000.png)"}
	if err := f.svc.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	page := f.get(t, p.Path).Body
	checkGolden(t, "post-media.html", page)
	testkit.ValidateHTML(t, "post with media", page)
	checkGolden(t, "feed-media.atom", f.get(t, "/atom.xml").Body)
	checkGolden(t, "feed-media.json", f.get(t, "/feed.json").Body)
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
