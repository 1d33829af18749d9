package contentdir_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/contentdir"
	"octavo/internal/render"
)

// sharedTestdata returns a folder of ../shared/testdata, skipping the test
// when the shared folder is not there.
func sharedTestdata(t testing.TB, rel string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "testdata", filepath.FromSlash(rel))
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared test data not found: %v", err)
	}
	return dir
}

// writeTree writes files (path → content) under a new folder.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func open(t testing.TB, opts contentdir.Options) *contentdir.Site {
	t.Helper()
	s, err := contentdir.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func renderer(t testing.TB, src blog.Reader, now time.Time) *render.Renderer {
	t.Helper()
	th, _, err := render.LoadTheme("", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return render.New(src, th, "https://example.org", &blog.FixedClock{T: now})
}

var later = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// TestFrontMatterVariants loads the same post written with TOML, YAML and
// JSON front matter: the posts must be identical.
func TestFrontMatterVariants(t *testing.T) {
	dir := sharedTestdata(t, "markdown/derived-frontmatter-variants")
	ctx := context.Background()
	for _, name := range []string{"emoji-support", "placeholder-text", "rich-content"} {
		t.Run(name, func(t *testing.T) {
			var first *blog.Post
			var firstFormat string
			for _, format := range []string{"toml", "yaml", "json"} {
				src, err := os.ReadFile(filepath.Join(dir, name+"."+format+".md"))
				if err != nil {
					t.Fatal(err)
				}
				s := open(t, contentdir.Options{Dir: writeTree(t, map[string]string{"post/" + name + ".md": string(src)})})
				for _, p := range s.Problems() {
					if p.Level == contentdir.LevelError {
						t.Errorf("%s: %s", format, p)
					}
				}
				posts, total, err := s.ListPosts(ctx, blog.ListQuery{Now: later})
				if err != nil || total != 1 {
					t.Fatalf("%s: ListPosts: %d posts, %v", format, total, err)
				}
				p := posts[0]
				if p.Title == "" || len(p.Tags) == 0 || p.PublishedAt.IsZero() || p.Description == "" || !strings.Contains(p.Rendered.HTML, "<p>") {
					t.Errorf("%s: incomplete post: %+v", format, p)
				}
				if first == nil {
					first, firstFormat = p, format
					continue
				}
				if !reflect.DeepEqual(first, p) {
					t.Errorf("%s and %s give different posts:\n%+v\n%+v", firstFormat, format, first, p)
				}
			}
		})
	}
}

// TestHugoBasicExample loads Hugo's example site: its settings, posts,
// pages, aliases and headless bundle, and renders every page.
func TestHugoBasicExample(t *testing.T) {
	dir := sharedTestdata(t, "markdown/hugoBasicExample")
	ctx := context.Background()
	s := open(t, contentdir.Options{Dir: dir})

	st, _ := s.Settings(ctx)
	if st.Title != "Hugo Themes" || st.PostsPerPage != 3 || s.BaseURL() != "https://gohugo.io" {
		t.Errorf("settings: title %q, per page %d, base %q", st.Title, st.PostsPerPage, s.BaseURL())
	}
	if len(st.Menu) != 1 || st.Menu[0].URL != "/about/" {
		t.Errorf("menu %+v", st.Menu)
	}

	// Unknown shortcodes are warnings with file and line, once per file
	// and name; nothing is an error.
	want := map[string]bool{
		"content/post/emoji-support.md:32":    true,
		"content/post/math-typesetting.md:29": true,
		"content/post/placeholder-text.md:41": true,
	}
	for _, p := range s.Problems() {
		if p.Level == contentdir.LevelError {
			t.Errorf("error: %s", p)
			continue
		}
		key := p.File[strings.Index(p.File, "content/"):] + ":" + strconv.Itoa(p.Line)
		if !want[key] {
			t.Errorf("unexpected problem: %s", p)
		}
		delete(want, key)
	}
	for k := range want {
		t.Errorf("no warning at %s", k)
	}

	posts, total, _ := s.ListPosts(ctx, blog.ListQuery{Now: later})
	if total != 5 {
		t.Errorf("%d posts, want 5", total)
	}
	if posts[0].Path != "/post/markdown-syntax/" || posts[0].Title != "Markdown Syntax Guide" {
		t.Errorf("newest post: %s %q", posts[0].Path, posts[0].Title)
	}
	pages, _ := s.Pages(ctx, later)
	var pagePaths []string
	for _, p := range pages {
		pagePaths = append(pagePaths, p.Path)
	}
	if strings.Join(pagePaths, " ") != "/about/ /archives/" {
		t.Errorf("pages %v, want /about/ /archives/ (the homepage bundle is headless)", pagePaths)
	}
	// Categories are tags too.
	if _, err := s.TagBySlug(ctx, "syntax", later); err != nil {
		t.Errorf("category syntax: %v", err)
	}
	for from, to := range map[string]string{
		"/about-us/":                 "/about/",
		"/contact":                   "/about/",
		"/post/migrate-from-jekyl/":  "/post/markdown-syntax/",
		"/tags/markdown/":            "/tag/markdown/",
		"/categories/themes/":        "/tag/themes/",
		"/tags/emoji/index.xml":      "/tag/emoji/feed.xml",
		"/index.xml":                 "/feed.xml",
		"/post/":                     "/",
		"/articles/":                 "/",
		"/homepage/work/":            "",
		"/post/emoji-support/extra/": "",
	} {
		got, err := s.Redirect(ctx, from)
		if to == "" {
			if err == nil {
				t.Errorf("Redirect(%s) = %s, want none", from, got)
			}
			continue
		}
		if err != nil || got != to {
			t.Errorf("Redirect(%s) = %q, %v; want %s", from, got, err, to)
		}
	}

	r := renderer(t, s, later)
	paths, err := r.Paths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		pg, err := r.Render(ctx, p)
		if err != nil || pg.Status != http.StatusOK {
			t.Errorf("%s: %v %v", p, pg, err)
		}
	}
	pg, _ := r.Render(ctx, "/post/emoji-support/")
	body := string(pg.Body)
	for _, want := range []string{
		`<code class="shortcode">{{&lt; css.inline &gt;}}</code>`, // shown, not run
		`<pre tabindex="0" class="chroma">`,                       // {{< highlight >}} is run
		`<a class="p-category" href="/tag/emoji/" rel="tag">emoji</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/post/emoji-support/ lacks %s", want)
		}
	}
	if strings.Contains(body, "highlight html") {
		t.Error("the highlight shortcode is left in the page")
	}
	pg, _ = r.Render(ctx, "/post/rich-content/")
	if !strings.Contains(string(pg.Body), `src="https://www.youtube-nocookie.com/embed/ZJthWmvUzzc"`) {
		t.Error("youtube shortcode not run")
	}
}
