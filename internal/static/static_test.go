package static_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/contentdir"
	"octavo/internal/render"
	"octavo/internal/static"
)

var now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// site is a content folder the tests change between builds.
type site struct {
	t   *testing.T
	dir string
}

func newSite(t *testing.T) *site {
	s := &site{t: t, dir: t.TempDir()}
	for i, d := range []string{"2026-01-05", "2026-02-10", "2026-03-15", "2026-04-20", "2026-05-25"} {
		s.write("posts/p"+string(rune('a'+i))+".md", "---\ntitle: Post "+string(rune('A'+i))+"\ndate: "+d+"\ntags: [common, t"+string(rune('a'+i))+"]\n---\nBody of post "+string(rune('A'+i))+", with `code`.\n\n<!--more-->\n\nMore.\n")
	}
	s.write("about.md", "---\ntitle: About\naliases: [me, /who.html]\n---\nAbout me.")
	s.write("posts/trip/index.md", "---\ntitle: Trip\ndate: 2026-06-01\n---\n![A view](view.svg)\n")
	s.write("posts/trip/view.svg", `<svg xmlns="http://www.w3.org/2000/svg"/>`)
	s.write("octavo.toml", "title = \"Test site\"\nposts_per_page = 2\n")
	return s
}

func (s *site) write(name, body string) {
	s.t.Helper()
	p := filepath.Join(s.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		s.t.Fatal(err)
	}
	// A time no earlier write had, even on coarse file systems.
	tm := time.Now().Add(time.Duration(len(body)+int(time.Now().UnixNano()%1000)) * time.Millisecond)
	os.Chtimes(p, tm, tm)
}

// build builds the site into out and returns the stats.
func (s *site) build(out string, opts ...func(*static.Options)) static.Stats {
	s.t.Helper()
	ctx := context.Background()
	clock := &blog.FixedClock{T: now}
	src, err := contentdir.Open(ctx, contentdir.Options{Dir: s.dir, Clock: clock})
	if err != nil {
		s.t.Fatal(err)
	}
	defer src.Close()
	th, _, err := render.LoadTheme("", slog.New(slog.DiscardHandler))
	if err != nil {
		s.t.Fatal(err)
	}
	r := render.New(src, th, "https://example.org", clock)
	var files []static.File
	for _, f := range src.Resources() {
		files = append(files, static.File{Path: f.Path, Src: f.File})
	}
	o := static.Options{Renderer: r, Source: src, Out: out, Gzip: 6, Files: files, Now: now, Stamp: "test",
		Protect: []string{s.dir}, Workers: 3}
	for _, f := range opts {
		f(&o)
	}
	st, err := static.Build(ctx, o)
	if err != nil {
		s.t.Fatal(err)
	}
	return st
}

// tree reads every file of a folder but the manifest.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == static.ManifestName {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameTree checks that an incremental build left what a clean one makes.
func sameTree(t *testing.T, got, want string) {
	t.Helper()
	a, b := tree(t, got), tree(t, want)
	var diffs []string
	for k, v := range b {
		if w, ok := a[k]; !ok {
			diffs = append(diffs, "missing "+k)
		} else if !bytes.Equal(v, w) {
			diffs = append(diffs, "differs "+k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			diffs = append(diffs, "extra "+k)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("the incremental build differs from a clean one:\n%s", strings.Join(diffs, "\n"))
	}
}

func mtimes(t *testing.T, dir string) map[string]time.Time {
	out := map[string]time.Time{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			fi, _ := d.Info()
			out[p] = fi.ModTime()
		}
		return nil
	})
	return out
}

// TestBuild checks a full build: every page as the renderer makes it, its
// .gz, assets, files, 404, redirects.
func TestBuild(t *testing.T) {
	s := newSite(t)
	out := filepath.Join(t.TempDir(), "public")
	st := s.build(out)
	if st.Pages == 0 || st.Rendered != st.Pages || st.Unchanged != 0 {
		t.Errorf("stats %+v", st)
	}
	files := tree(t, out)

	ctx := context.Background()
	src, _ := contentdir.Open(ctx, contentdir.Options{Dir: s.dir, Clock: &blog.FixedClock{T: now}})
	defer src.Close()
	th, _, _ := render.LoadTheme("", slog.New(slog.DiscardHandler))
	r := render.New(src, th, "https://example.org", &blog.FixedClock{T: now})
	paths, _ := r.Paths(ctx)
	if len(paths) != st.Pages {
		t.Errorf("%d pages built, %d paths", st.Pages, len(paths))
	}
	check := func(file string, want []byte) {
		t.Helper()
		got, ok := files[file]
		if !ok {
			t.Errorf("%s not written", file)
			return
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the rendered page", file)
		}
		z, ok := files[file+".gz"]
		if !ok {
			t.Errorf("%s.gz not written", file)
			return
		}
		zr, err := gzip.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		if !bytes.Equal(plain, want) {
			t.Errorf("%s.gz does not hold the page", file)
		}
	}
	for _, p := range paths {
		pg, err := r.Render(ctx, p)
		if err != nil || pg.Status != http.StatusOK {
			t.Fatalf("%s: %v", p, err)
		}
		f := strings.TrimPrefix(p, "/")
		if f == "" || strings.HasSuffix(f, "/") {
			f += "index.html"
		}
		check(f, pg.Body)
	}
	nf, _ := r.NotFound(ctx)
	check("404.html", nf.Body)
	for _, a := range th.Assets() {
		check(strings.TrimPrefix(a.URL, "/"), a.Body)
	}
	check("2026/06/trip/view.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	check("me/index.html", render.Redirect("/about/").Body)
	check("who.html", render.Redirect("/about/").Body)
	for _, line := range []string{"/me/ /about/ 301", "/who.html /about/ 301", "/posts/ / 301", "/index.xml /feed.xml 301", "/tags/common/ /tag/common/ 301"} {
		if !strings.Contains(string(files["_redirects"]), line+"\n") {
			t.Errorf("_redirects lacks %q:\n%s", line, files["_redirects"])
		}
	}
	for _, line := range []string{`"/me/" "/about/";`, `"/me" "/about/";`, `"/index.xml" "/feed.xml";`} {
		if !strings.Contains(string(files["nginx-redirects.conf"]), line+"\n") {
			t.Errorf("nginx-redirects.conf lacks %q", line)
		}
	}
	if _, ok := files["index.xml"]; ok {
		t.Error("a redirect page was written for a feed address")
	}
}

// TestIncremental changes the site between builds; after each change the
// incremental build must leave what a clean build makes, having written
// only what changed.
func TestIncremental(t *testing.T) {
	s := newSite(t)
	out := filepath.Join(t.TempDir(), "public")
	first := s.build(out)

	// Nothing changed: nothing written, only the always-rendered pages
	// (sitemap, robots) rendered.
	before := mtimes(t, out)
	st := s.build(out)
	if st.Written != 0 || st.Rendered > 2 || st.Removed != 0 {
		t.Errorf("a build without changes: %+v", st)
	}
	after := mtimes(t, out)
	for p, tm := range before {
		if !strings.HasSuffix(p, static.ManifestName) && !after[p].Equal(tm) {
			t.Errorf("%s was written again", p)
		}
	}

	steps := []struct {
		name       string
		change     func()
		maxRender  int
		wantGone   []string
		wantExists []string
	}{
		{"edit a body", func() {
			s.write("posts/pc.md", "---\ntitle: Post C\ndate: 2026-03-15\ntags: [common, tc]\n---\nA new body.\n")
		}, 20, nil, nil},
		{"edit a title", func() {
			s.write("posts/pc.md", "---\ntitle: Post C, renamed\ndate: 2026-03-15\ntags: [common, tc]\n---\nA new body.\n")
		}, 25, nil, nil},
		{"add a post between two", func() {
			s.write("posts/pz.md", "---\ntitle: Between\ndate: 2026-03-01\ntags: [new]\n---\nBetween B and C.\n")
		}, first.Pages, nil, []string{"tag/new/index.html", "2026/03/pz/index.html"}},
		{"remove a post", func() {
			os.Remove(filepath.Join(s.dir, "posts", "pa.md"))
		}, first.Pages, []string{"2026/01/pa/index.html", "tag/ta/index.html", "tag/ta/feed.xml", "tag/ta/feed.xml.gz", "2026/01/index.html"}, nil},
		{"change the settings", func() {
			s.write("octavo.toml", "title = \"Renamed site\"\nposts_per_page = 3\n")
		}, first.Pages + 10, []string{"page/4/index.html"}, nil},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.change()
			st := s.build(out)
			if st.Rendered > step.maxRender {
				t.Errorf("%d pages rendered, want at most %d", st.Rendered, step.maxRender)
			}
			clean := filepath.Join(t.TempDir(), "clean")
			s.build(clean)
			sameTree(t, out, clean)
			for _, f := range step.wantGone {
				if _, err := os.Stat(filepath.Join(out, f)); err == nil {
					t.Errorf("%s is still there", f)
				}
			}
			for _, f := range step.wantExists {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("%s is not there", f)
				}
			}
		})
	}
}

// TestChangedSlug: a post moved by a new slug leaves a redirect behind,
// kept by later builds.
func TestChangedSlug(t *testing.T) {
	s := newSite(t)
	out := filepath.Join(t.TempDir(), "public")
	s.build(out)
	s.write("posts/pb.md", "---\ntitle: Post B\nslug: better-name\ndate: 2026-02-10\ntags: [common, tb]\n---\nBody.\n")
	s.build(out)
	s.build(out) // the redirect outlives the build that saw the change
	got, err := os.ReadFile(filepath.Join(out, "2026", "02", "pb", "index.html"))
	if err != nil || !bytes.Equal(got, render.Redirect("/2026/02/better-name/").Body) {
		t.Errorf("no redirect page at the old path: %v %s", err, got)
	}
	red, _ := os.ReadFile(filepath.Join(out, "_redirects"))
	if !strings.Contains(string(red), "/2026/02/pb/ /2026/02/better-name/ 301\n") {
		t.Errorf("_redirects lacks the move:\n%s", red)
	}
}

// TestClean rebuilds from scratch and leaves files no build wrote.
func TestClean(t *testing.T) {
	s := newSite(t)
	out := filepath.Join(t.TempDir(), "public")
	s.build(out)
	os.WriteFile(filepath.Join(out, "CNAME"), []byte("blog.example.org"), 0o644)
	st := s.build(out, func(o *static.Options) { o.Clean = true })
	if st.Unchanged != 0 || st.Rendered != st.Pages {
		t.Errorf("clean build: %+v", st)
	}
	if _, err := os.Stat(filepath.Join(out, "CNAME")); err != nil {
		t.Error("--clean removed a file no build wrote")
	}
	// Another gzip level rewrites the .gz files; level 0 removes them.
	s.build(out, func(o *static.Options) { o.Gzip = 0 })
	if _, err := os.Stat(filepath.Join(out, "index.html.gz")); err == nil {
		t.Error("gzip 0 left index.html.gz")
	}
	s.build(out, func(o *static.Options) { o.Gzip = 9 })
	if _, err := os.Stat(filepath.Join(out, "index.html.gz")); err != nil {
		t.Error("gzip 9 wrote no index.html.gz")
	}
}

// TestRefusedOutputs: the output may not overlap the content.
func TestRefusedOutputs(t *testing.T) {
	s := newSite(t)
	for _, out := range []string{s.dir, filepath.Join(s.dir, "posts"), filepath.Dir(s.dir)} {
		ctx := context.Background()
		src, _ := contentdir.Open(ctx, contentdir.Options{Dir: s.dir})
		th, _, _ := render.LoadTheme("", slog.New(slog.DiscardHandler))
		_, err := static.Build(ctx, static.Options{Renderer: render.New(src, th, "https://example.org", blog.SystemClock{}),
			Source: src, Out: out, Protect: []string{s.dir}, Now: now})
		src.Close()
		if err == nil || !strings.Contains(err.Error(), "overlaps") {
			t.Errorf("building into %s: %v", out, err)
		}
	}
}

// TestInterruptedBuild: a build that stops half way leaves the next one
// to write every page again, and still remove what is gone.
func TestInterruptedBuild(t *testing.T) {
	s := newSite(t)
	out := filepath.Join(t.TempDir(), "public")
	s.build(out)
	os.Remove(filepath.Join(s.dir, "posts", "pe.md"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src, _ := contentdir.Open(context.Background(), contentdir.Options{Dir: s.dir, Clock: &blog.FixedClock{T: now}})
	th, _, _ := render.LoadTheme("", slog.New(slog.DiscardHandler))
	if _, err := static.Build(ctx, static.Options{Renderer: render.New(src, th, "https://example.org", &blog.FixedClock{T: now}),
		Source: src, Out: out, Gzip: 6, Now: now, Stamp: "test"}); err == nil {
		t.Fatal("a cancelled build succeeded")
	}
	src.Close()
	st := s.build(out)
	if st.Rendered != st.Pages {
		t.Errorf("after an interrupted build: %+v", st)
	}
	clean := filepath.Join(t.TempDir(), "clean")
	s.build(clean)
	sameTree(t, out, clean)
}

// TestWatchStoppedBeforeManifest: a watched build writes its manifest
// later; one stopped before that leaves a marker, and the next build
// trusts none of the old manifest's hashes (the files are newer), even
// when the content went back to what the manifest describes.
func TestWatchStoppedBeforeManifest(t *testing.T) {
	s := newSite(t)
	out := filepath.Join(t.TempDir(), "public")
	s.build(out)
	manifest, err := os.ReadFile(filepath.Join(out, static.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(filepath.Join(s.dir, "posts", "pc.md"))
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	clock := &blog.FixedClock{T: now}
	src, err := contentdir.Open(ctx, contentdir.Options{Dir: s.dir, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	th, _, err := render.LoadTheme("", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	bd, err := static.NewBuilder(static.Options{Renderer: render.New(src, th, "https://example.org", clock), Source: src, Out: out,
		Gzip: 6, Now: now, Stamp: "test", Protect: []string{s.dir}, LaterManifest: true, ManifestDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	s.write("posts/pc.md", "---\ntitle: Post C\ndate: 2026-03-15\ntags: [common, tc]\n---\nA body the manifest never saw.\n")
	if _, _, err := src.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := bd.Build(ctx, now); err != nil || st.Written == 0 {
		t.Fatalf("watched build: %+v, %v", st, err)
	}
	if _, err := os.Stat(filepath.Join(out, static.StaleName)); err != nil {
		t.Fatalf("no marker while the manifest is not written: %v", err)
	}
	if m, _ := os.ReadFile(filepath.Join(out, static.ManifestName)); !bytes.Equal(m, manifest) {
		t.Fatal("the manifest was written at once")
	}
	src.Close() // the watch stops here, without Close: killed

	s.write("posts/pc.md", string(orig))
	st := s.build(out)
	if st.Rendered != st.Pages {
		t.Errorf("after a watch stopped before its manifest: %d of %d pages rendered", st.Rendered, st.Pages)
	}
	if _, err := os.Stat(filepath.Join(out, static.StaleName)); !os.IsNotExist(err) {
		t.Errorf("the marker is still there after a build wrote the manifest: %v", err)
	}
	clean := filepath.Join(t.TempDir(), "clean")
	s.build(clean)
	sameTree(t, out, clean)
}
