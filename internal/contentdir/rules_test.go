package contentdir_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/contentdir"
)

func paths(t *testing.T, s *contentdir.Site, now time.Time) []string {
	t.Helper()
	ctx := context.Background()
	posts, _, err := s.ListPosts(ctx, blog.ListQuery{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range posts {
		out = append(out, p.Path)
	}
	pages, _ := s.Pages(ctx, now)
	for _, p := range pages {
		out = append(out, "page:"+p.Path)
	}
	return out
}

// TestVisibility: drafts never show, publishDate schedules, expiryDate
// hides, and the Drafts and Future options show them for previews.
func TestVisibility(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"posts/a.md":        "---\ntitle: A\ndate: 2026-01-01\n---\nA.",
		"posts/draft.md":    "---\ntitle: Draft\ndate: 2026-01-02\ndraft: true\n---\nD.",
		"posts/later.md":    "---\ntitle: Later\ndate: 2026-01-03\npublishDate: 2026-03-01T08:00:00Z\n---\nL.",
		"posts/future.md":   "+++\ntitle = \"Future\"\ndate = 2026-04-01T00:00:00Z\n+++\nF.",
		"posts/expires.md":  "{\"title\": \"Expires\", \"date\": \"2026-01-04\", \"expiryDate\": \"2026-02-01\"}\nE.",
		"about.md":          "---\ntitle: About\n---\nMe.",
		"posts/typepage.md": "---\ntitle: Colophon\ntype: page\ndate: 2026-01-01\n---\nC.",
	})
	s := open(t, contentdir.Options{Dir: dir})
	for _, tt := range []struct {
		now  string
		want string
	}{
		{"2026-01-10T00:00:00Z", "/2026/01/expires/ /2026/01/a/ page:/about/ page:/typepage/"},
		{"2026-02-01T00:00:00Z", "/2026/01/a/ page:/about/ page:/typepage/"},
		{"2026-03-01T08:00:00Z", "/2026/01/later/ /2026/01/a/ page:/about/ page:/typepage/"},
		{"2026-04-02T00:00:00Z", "/2026/04/future/ /2026/01/later/ /2026/01/a/ page:/about/ page:/typepage/"},
	} {
		now, _ := time.Parse(time.RFC3339, tt.now)
		if got := strings.Join(paths(t, s, now), " "); got != tt.want {
			t.Errorf("at %s: %s\nwant %s", tt.now, got, tt.want)
		}
	}
	preview := open(t, contentdir.Options{Dir: dir, Drafts: true, Future: true})
	now, _ := time.Parse(time.RFC3339, "2026-01-10T00:00:00Z")
	got := paths(t, preview, now)
	for _, want := range []string{"/2026/01/draft/", "/2026/04/future/", "/2026/01/later/"} {
		if !slices.Contains(got, want) {
			t.Errorf("preview lacks %s: %v", want, got)
		}
	}
}

// TestBrokenFile: a file with bad front matter is reported with its line,
// and the others are published.
func TestBrokenFile(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"posts/good.md":     "---\ntitle: Good\ndate: 2026-01-01\n---\nFine.",
		"posts/badyaml.md":  "---\ntitle: Bad\ntags: [a, b\ndate: 2026-01-02\n---\nBroken.",
		"posts/baddate.md":  "+++\ntitle = \"Bad date\"\n\ndate = \"yesterday\"\n+++\nBroken.",
		"posts/unclosed.md": "---\ntitle: Never closed\n",
	})
	s := open(t, contentdir.Options{Dir: dir})
	if got := paths(t, s, later); !slices.Equal(got, []string{"/2026/01/good/"}) {
		t.Errorf("published %v", got)
	}
	var msgs []string
	for _, p := range s.Problems() {
		if p.Level != contentdir.LevelError {
			t.Errorf("not an error: %s", p)
		}
		msgs = append(msgs, p.String())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		"posts/baddate.md:4: error: front matter date: \"yesterday\" is not a date",
		"posts/badyaml.md:4: error: YAML front matter",
		"posts/unclosed.md:1: error: front matter opened with \"---\" is never closed",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
}

// TestShortcodes runs Octavo's shortcodes and leaves the others visible.
func TestShortcodes(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"posts/a.md": `---
title: A
date: 2026-01-01
---
See [the other post]({{< ref "b.md" >}}) and [its part]({{< relref "/posts/b#part" >}}).

{{< figure src="/img/x.png" alt="An x" caption="The caption" >}}

{{< highlight go >}}
func main() {}
{{< /highlight >}}

{{< unknown arg="1" >}} and {{% other %}}text{{% /other %}} and {{< unknown >}} again.

Written as text: {{</* figure src="y" */>}}.

` + "```" + `
{{< inside-code >}}
` + "```",
		"posts/b.md": "---\ntitle: B\ndate: 2026-01-02\n---\n## Part\nB.",
	})
	s := open(t, contentdir.Options{Dir: dir})
	p, err := s.PostByPath(context.Background(), "/2026/01/a/", later)
	if err != nil {
		t.Fatal(err)
	}
	html := p.Rendered.HTML
	for _, want := range []string{
		`<a href="/2026/01/b/">the other post</a>`,
		`<a href="/2026/01/b/#part">its part</a>`,
		`<figure><img src="/img/x.png" alt="An x" loading="lazy"><figcaption>The caption</figcaption></figure>`,
		`<span class="kd">func</span>`,
		`<code class="shortcode">{{&lt; unknown arg=&quot;1&quot; &gt;}}</code>`,
		`<code class="shortcode">{{% other %}}</code>text<code class="shortcode">{{% /other %}}</code>`,
		`Written as text: <code class="shortcode">{{&lt; figure src=&quot;y&quot; &gt;}}</code>.`,
		"<code>{{&lt; inside-code &gt;}}\n</code>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %s\n%s", want, html)
		}
	}
	var warnings []string
	for _, pr := range s.Problems() {
		warnings = append(warnings, pr.String())
	}
	want := []string{
		filepath.ToSlash(dir) + `/posts/a.md:13: warning: the Hugo shortcode "unknown" is not one Octavo runs: it is shown as text in the page (2 uses)`,
		filepath.ToSlash(dir) + `/posts/a.md:13: warning: the Hugo shortcode "other" is not one Octavo runs: it is shown as text in the page`,
		filepath.ToSlash(dir) + `/posts/a.md:18: warning: the Hugo shortcode "inside-code" is not one Octavo runs: it is shown as text in the page`,
	}
	if !slices.Equal(warnings, want) {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(warnings, "\n"), strings.Join(want, "\n"))
	}
}

// TestBundles: a folder with index.md is a post whose other files are
// published next to it; a headless bundle is not published at all.
func TestBundles(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"posts/trip/index.md":     "---\ntitle: Trip\ndate: 2026-05-01\n---\n![The view](view.jpg)\n\nMore.\n",
		"posts/trip/view.jpg":     "JPEG",
		"posts/trip/notes.md":     "---\ntitle: Notes of the bundle\n---\nNot a post.",
		"headless/index.md":       "---\nheadless: true\n---\n",
		"headless/part.md":        "---\ntitle: Part\n---\nNot a post.",
		"headless/secret.txt":     "hidden",
		"images/logo.png":         "PNG",
		"about/index.md":          "---\ntitle: About\n---\nA page bundle.",
		"about/me.jpg":            "JPEG",
		"posts/_index.md":         "---\ntitle: Posts\naliases: [blog]\n---\n",
		"posts/2019-03-05-old.md": "---\ntitle: Old\n---\nDated by its name.",
	})
	if err := os.MkdirAll(filepath.Join(dir, "static"), 0o755); err == nil {
		os.WriteFile(filepath.Join(dir, "static", "favicon.ico"), []byte("ICO"), 0o644)
	}
	s := open(t, contentdir.Options{Dir: dir})
	if got := strings.Join(paths(t, s, later), " "); got != "/2026/05/trip/ /2019/03/old/ page:/about/" {
		t.Errorf("published %s", got)
	}
	var res []string
	for _, r := range s.Resources() {
		res = append(res, r.Path)
	}
	if got := strings.Join(res, " "); got != "/2026/05/trip/view.jpg /about/me.jpg /favicon.ico /images/logo.png" {
		t.Errorf("resources %s", got)
	}
	p, _, _ := s.ListPosts(context.Background(), blog.ListQuery{Now: later, Limit: 1})
	if !strings.Contains(p[0].Rendered.ExcerptHTML, `src="/2026/05/trip/view.jpg"`) {
		t.Errorf("the bundle's image is not addressed from the root in the excerpt: %s", p[0].Rendered.ExcerptHTML)
	}
	if to, err := s.Redirect(context.Background(), "/blog/"); err != nil || to != "/" {
		t.Errorf("section alias: %q %v", to, err)
	}
}

// TestSettings reads octavo.toml, and Hugo's permalinks.
func TestSettings(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"octavo.toml": `title = "My notes"
base_url = "https://notes.example.org"
posts_per_page = 5
permalink = "/notes/:slug/"
time_zone = "Europe/Paris"
[[menu]]
label = "Home"
url = "/"
`,
		"posts/a.md": "---\ntitle: A\ndate: 2026-01-01T00:30:00\n---\nA.",
	})
	s := open(t, contentdir.Options{Dir: dir})
	st, _ := s.Settings(context.Background())
	if st.Title != "My notes" || st.PostsPerPage != 5 || s.BaseURL() != "https://notes.example.org" || len(st.Menu) != 1 {
		t.Errorf("settings %+v base %s", st, s.BaseURL())
	}
	ps, _, _ := s.ListPosts(context.Background(), blog.ListQuery{Now: later})
	if len(ps) != 1 || ps[0].Path != "/notes/a/" || ps[0].PublishedAt.Format(time.RFC3339) != "2025-12-31T23:30:00Z" {
		t.Errorf("post %+v (a date without zone is in the site's zone)", ps)
	}

	hugo := writeTree(t, map[string]string{
		"config.toml":             "title = 'H'\nbaseURL = 'https://h.example.org/'\n[pagination]\npagerSize = 7\n[permalinks]\nposts = '/:year/:title/'\n",
		"content/posts/a-file.md": "---\ntitle: The Title\ndate: 2026-02-01\n---\nA.",
		"content/notes/n.md":      "---\ntitle: N\ndate: 2026-02-02\n---\nN.",
	})
	s = open(t, contentdir.Options{Dir: filepath.Join(hugo, "content")})
	st, _ = s.Settings(context.Background())
	if st.Title != "H" || st.PostsPerPage != 7 {
		t.Errorf("hugo settings %+v", st)
	}
	if got := strings.Join(paths(t, s, later), " "); got != "/notes/n/ /2026/the-title/" {
		t.Errorf("hugo paths %s", got)
	}
}

// TestReload: a changed file is read again, the others come from memory,
// and the keys of what changed are reported (its neighbours' too when it
// moves).
func TestReload(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"posts/a.md": "---\ntitle: A\ndate: 2026-01-01\n---\nA.",
		"posts/b.md": "---\ntitle: B\ndate: 2026-01-03\n---\nB.",
	})
	ctx := context.Background()
	s := open(t, contentdir.Options{Dir: dir})
	changed, keys, err := s.Reload(ctx)
	if err != nil || changed || len(keys) != 0 || s.Stats().Parsed != 0 {
		t.Fatalf("reload without change: %v %v %v %+v", changed, keys, err, s.Stats())
	}
	a, _ := s.PostByPath(ctx, "/2026/01/a/", later)
	b, _ := s.PostByPath(ctx, "/2026/01/b/", later)
	write := func(name, body string) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		// A new modification time even on coarse file systems.
		tm := time.Now().Add(time.Duration(len(body)) * time.Second)
		os.Chtimes(p, tm, tm)
	}
	write("posts/c.md", "---\ntitle: C\ndate: 2026-01-02\n---\nC, between A and B.")
	changed, keys, err = s.Reload(ctx)
	if err != nil || !changed || s.Stats().Parsed != 1 {
		t.Fatalf("reload: %v %v %+v", changed, err, s.Stats())
	}
	for _, want := range []string{blog.DepList, blog.DepNav(a.ID), blog.DepNav(b.ID)} {
		if !slices.Contains(keys, want) {
			t.Errorf("keys %v lack %s", keys, want)
		}
	}
	write("posts/c.md", "---\ntitle: C again\ndate: 2026-01-02\n---\nC.")
	_, keys, _ = s.Reload(ctx)
	c, _ := s.PostByPath(ctx, "/2026/01/c/", later)
	if c == nil || c.Title != "C again" || !slices.Contains(keys, blog.DepPost(c.ID)) || slices.Contains(keys, blog.DepList) {
		t.Errorf("edit: %+v keys %v", c, keys)
	}
	os.Remove(filepath.Join(dir, "posts", "c.md"))
	changed, _, _ = s.Reload(ctx)
	if _, err := s.PostByPath(ctx, "/2026/01/c/", later); !changed || !blog.IsNotFound(err) {
		t.Errorf("a removed file is still published: %v", err)
	}
}

// TestCache: a new process reads unchanged files from the cache folder,
// and a file touched but not changed is not rendered again.
func TestCache(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"posts/a.md": "---\ntitle: A\ndate: 2026-01-01\n---\nA with `code`.",
		"posts/b.md": "---\ntitle: B\ndate: 2026-01-03\n---\n{{< nope >}}",
	})
	cache := t.TempDir()
	ctx := context.Background()
	first, err := contentdir.Open(ctx, contentdir.Options{Dir: dir, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if first.Stats().Parsed != 2 {
		t.Errorf("first open parsed %d", first.Stats().Parsed)
	}
	want, _ := first.PostByPath(ctx, "/2026/01/a/", later)
	// A second process while the first holds the cache keeps its own.
	busy := open(t, contentdir.Options{Dir: dir, CacheDir: cache})
	if busy.Stats().Parsed != 2 {
		t.Errorf("a second open on a busy cache parsed %d", busy.Stats().Parsed)
	}
	first.Close()

	tm := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(dir, "posts", "a.md"), tm, tm)
	second := open(t, contentdir.Options{Dir: dir, CacheDir: cache})
	if second.Stats().Parsed != 0 {
		t.Errorf("reopen parsed %d, want 0", second.Stats().Parsed)
	}
	got, err := second.PostByPath(ctx, "/2026/01/a/", later)
	if err != nil || got.Rendered != want.Rendered {
		t.Errorf("cached post differs: %+v %v", got, err)
	}
	if len(second.Problems()) != 1 {
		t.Errorf("the cached warning is lost: %v", second.Problems())
	}
}

// TestExcerptOnly: a list read with excerpts only gives each post the
// excerpt the full read gives (refs resolved, bundle files addressed from
// the root), from the cache folder and from memory.
func TestExcerptOnly(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"posts/a.md":          "---\ntitle: A\ndate: 2026-01-01\n---\nSee [B]({{< ref \"b.md\" >}}).\n\n<!--more-->\n\n## One\n\n## Two\n\n## Three\n\nThe rest of A.",
		"posts/b.md":          "---\ntitle: B\ndate: 2026-01-02\n---\nJust B, `short`.",
		"posts/trip/index.md": "---\ntitle: Trip\ndate: 2026-01-03\n---\n![The view](view.jpg)\n\n<!--more-->\n\nMore.",
		"posts/trip/view.jpg": "JPEG",
	})
	for _, cache := range []string{"", t.TempDir()} {
		ctx := context.Background()
		// A new site each time: the post LRU then holds nothing, and the
		// excerpt-only read is the one tested.
		short, _, err := open(t, contentdir.Options{Dir: dir, CacheDir: cache}).ListPosts(ctx, blog.ListQuery{Now: later, ExcerptOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		whole, _, err := open(t, contentdir.Options{Dir: dir, CacheDir: cache}).ListPosts(ctx, blog.ListQuery{Now: later})
		if err != nil || len(whole) != 3 || len(short) != 3 {
			t.Fatalf("cache %q: %d and %d posts, %v", cache, len(short), len(whole), err)
		}
		for i, p := range short {
			w := whole[i]
			if p.Rendered.ExcerptHTML != w.Rendered.ExcerptHTML || p.Rendered.ExcerptHTML == "" {
				t.Errorf("cache %q, %s: excerpt %q, want %q", cache, p.Title, p.Rendered.ExcerptHTML, w.Rendered.ExcerptHTML)
			}
			if p.Rendered.HTML != "" || p.Rendered.TOCHTML != "" || w.Rendered.HTML == "" {
				t.Errorf("cache %q, %s: the excerpt-only read has the whole post (%d bytes), or the full read has not",
					cache, p.Title, len(p.Rendered.HTML))
			}
			if p.Rendered.WordCount != w.Rendered.WordCount || p.Rendered.HasMore != w.Rendered.HasMore {
				t.Errorf("cache %q, %s: word count or Read More differ", cache, p.Title)
			}
		}
		for _, want := range []string{`src="/2026/01/trip/view.jpg"`, `href="/2026/01/b/"`} {
			if !strings.Contains(short[0].Rendered.ExcerptHTML+short[2].Rendered.ExcerptHTML, want) {
				t.Errorf("cache %q: the excerpts lack %s", cache, want)
			}
		}
		if whole[2].Rendered.TOCHTML == "" {
			t.Errorf("cache %q: post A has no table of contents to leave out", cache)
		}
	}
}
