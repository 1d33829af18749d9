package postgres_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/render"
	"octavo/internal/seed"
	"octavo/internal/store/sqlite"
	"octavo/internal/testkit"
)

// goldenPages are the pages internal/render checks against its golden
// files (render's golden_test.go): the same files must come out of a blog
// on PostgreSQL.
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

// renderNow is the time of render's fixtures: after every demo post.
var renderNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// uuidRE matches post ids, which differ from one seeding to the next.
var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}`)

func normalise(b []byte) []byte {
	return uuidRE.ReplaceAll(b, []byte("00000000-0000-7000-0000-000000000000"))
}

// demoRenderer seeds the demo blog into s (4 posts a page, as render's
// golden fixture) and returns a renderer on it.
func demoRenderer(t *testing.T, s content.Store) *render.Renderer {
	t.Helper()
	ctx := context.Background()
	clock := &blog.FixedClock{T: renderNow}
	if _, err := seed.Run(ctx, s, content.New(s, markdown.New(), clock, nil)); err != nil {
		t.Fatal(err)
	}
	st, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.PostsPerPage = 4
	if err := s.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	th, problems, err := render.LoadTheme("", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || len(problems) > 0 {
		t.Fatalf("LoadTheme: %v %v", err, problems)
	}
	return render.New(s, th, "https://blog.example.org", clock)
}

// TestRenderSameAsSQLite renders the demo blog from PostgreSQL: the golden
// pages byte for byte as render's golden files, and every other public
// path of the site (posts, tags, feeds, sitemap) as the same blog on
// SQLite renders it.
func TestRenderSameAsSQLite(t *testing.T) {
	ctx := context.Background()
	pg := demoRenderer(t, open(t))
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	sq := demoRenderer(t, lite)
	golden := filepath.Join(testkit.RepoRoot(t), "internal", "render", "testdata", "golden")

	for _, g := range goldenPages {
		p, err := pg.Render(ctx, g.path)
		if err != nil {
			t.Fatalf("%s: %v", g.path, err)
		}
		want, err := os.ReadFile(filepath.Join(golden, g.name+".html"))
		if err != nil {
			t.Fatal(err)
		}
		if got := normalise(p.Body); !bytes.Equal(got, want) {
			t.Errorf("%s on PostgreSQL differs from golden %s.html:\n%s", g.path, g.name, firstDiff(string(want), string(got)))
		}
	}

	paths := []string{"/", "/page/3/", "/archive/", "/2026/", "/feed.xml", "/atom.xml", "/feed.json",
		"/sitemap.xml", "/robots.txt", "/tag/go/feed.xml", "/about", "/no/such/page/"}
	refs, err := lite.Archive(ctx, renderNow, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := lite.Pages(ctx, renderNow)
	for _, r := range append(refs, pages...) {
		paths = append(paths, r.Path)
	}
	tags, _ := lite.Tags(ctx, renderNow)
	for _, tg := range tags {
		paths = append(paths, "/tag/"+tg.Slug+"/", "/tag/"+tg.Slug+"/atom.xml")
	}
	if len(refs) < 10 || len(tags) < 3 {
		t.Fatalf("demo blog too small: %d posts, %d tags", len(refs), len(tags))
	}
	for _, path := range paths {
		a, err := sq.Render(ctx, path)
		if err != nil {
			t.Fatalf("SQLite %s: %v", path, err)
		}
		b, err := pg.Render(ctx, path)
		if err != nil {
			t.Fatalf("PostgreSQL %s: %v", path, err)
		}
		if a.Status != b.Status || a.ContentType != b.ContentType || a.Location != b.Location {
			t.Errorf("%s: SQLite %d %s %q, PostgreSQL %d %s %q", path, a.Status, a.ContentType, a.Location, b.Status, b.ContentType, b.Location)
		}
		if x, y := normalise(a.Body), normalise(b.Body); !bytes.Equal(x, y) {
			t.Errorf("%s differs between SQLite and PostgreSQL:\n%s", path, firstDiff(string(x), string(y)))
		}
		if x, y := normalise([]byte(strings.Join(a.Deps, " "))), normalise([]byte(strings.Join(b.Deps, " "))); !bytes.Equal(x, y) {
			t.Errorf("%s: dependencies differ: %s / %s", path, x, y)
		}
	}
}

// firstDiff shows where want and got part, with some bytes around.
func firstDiff(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("at byte %d:\n- %q\n+ %q", i, want[from:min(len(want), i+80)], got[from:min(len(got), i+80)])
}
