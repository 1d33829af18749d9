package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/render"
	"octavo/internal/static"
)

// TestRebuildMatchesColdBuild runs the steps of `build --watch` (the
// changed file read again by ReloadPaths, then the builder of the last
// build, which looks only at the pages whose keys changed) and checks
// after each edit that the output is, file for file and byte for byte,
// what a cold build of the same folder writes.
func TestRebuildMatchesColdBuild(t *testing.T) {
	dir := t.TempDir()
	n := 0
	write := func(rel, body string) string {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		// A new modification time even on coarse file systems.
		n++
		tm := time.Now().Add(time.Duration(n) * time.Second)
		os.Chtimes(p, tm, tm)
		return p
	}
	tags := []string{"go", "web", "databases"}
	post := func(i int, title, tag, body string) string {
		return fmt.Sprintf("---\ntitle: %s\ndate: 2026-%02d-%02dT10:00:00Z\ntags: [%s]\n---\n%s\n", title, 1+i%5, 1+i, tag, body)
	}
	for i := range 25 {
		write(fmt.Sprintf("posts/p%02d.md", i), post(i, fmt.Sprintf("Post %d", i), tags[i%3], fmt.Sprintf("Body of post %d, with `code` & <b>HTML</b>.", i)))
	}
	write("about.md", "---\ntitle: About\n---\nAbout this blog.\n")
	write("posts/trip/index.md", "---\ntitle: Trip\ndate: 2026-03-03T09:00:00Z\ntags: [web]\n---\n![View](view.txt)\n")
	write("posts/trip/view.txt", "a view")
	t.Setenv("HOME", t.TempDir())

	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	env := Env{Getenv: func(string) string { return "" }, Stdout: io.Discard, Stderr: io.Discard}
	const base = "https://example.org"
	now := time.Now()
	clock := &blog.FixedClock{T: now}
	site, err := openContent(ctx, buildFlags{content: dir, noCache: true}, clock, log, env)
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	th, _, err := render.LoadTheme(site.ThemeDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	var files []static.File
	for _, r := range site.Resources() {
		files = append(files, static.File{Path: r.Path, Src: r.File})
	}
	out := filepath.Join(t.TempDir(), "watched")
	bd, err := static.NewBuilder(static.Options{
		Renderer: render.New(site, th, base, clock), Source: site, Out: out, Gzip: static.DefaultGzipLevel,
		Files: files, Now: now, Stamp: programStamp(), Protect: []string{dir}, Log: log,
		LaterManifest: true, SearchEntries: searchEntries(site),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bd.Build(ctx, now); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name    string
		change  func() string
		patched bool // only a body changed: the snapshot is patched
	}{
		{"a post's body edited", func() string {
			return write("posts/p07.md", post(7, "Post 7", tags[7%3], "A new body for post 7."))
		}, true},
		{"a post's title and tag changed", func() string {
			return write("posts/p12.md", post(12, "Post twelve <renamed>", "travel", "Body of post 12."))
		}, false},
		{"a new post", func() string {
			return write("posts/p99.md", post(26, "A new post", "go", "Just written."))
		}, false},
		{"a post deleted", func() string {
			p := filepath.Join(dir, "posts", "p03.md")
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			return p
		}, false},
	}
	for i, st := range steps {
		changed := st.change()
		stats, ok, err := rebuild(ctx, site, bd, clock, []string{changed})
		if err != nil || !ok {
			t.Fatalf("%s: rebuild: ok %v, %v", st.name, ok, err)
		}
		if err := bd.Close(); err != nil { // the manifest written
			t.Fatal(err)
		}
		if got := site.Stats().Patched; got != st.patched {
			t.Errorf("%s: snapshot patched %v, want %v", st.name, got, st.patched)
		}
		if stats.Rendered >= stats.Pages/2 {
			t.Errorf("%s: %d of %d pages rendered: the rebuild was not incremental", st.name, stats.Rendered, stats.Pages)
		}
		cold := filepath.Join(t.TempDir(), fmt.Sprintf("cold%d", i))
		if err := build(ctx, []string{"--content", dir, "--out", cold, "--no-cache", "--base-url", base, "--quiet"}, env); err != nil {
			t.Fatalf("%s: cold build: %v", st.name, err)
		}
		compareOutputs(t, st.name, out, cold)
	}
}

// compareOutputs checks that two build outputs hold the same files with
// the same bytes, and the same manifest but for the program's stamp.
func compareOutputs(t *testing.T, name, got, want string) {
	t.Helper()
	a, b := readTree(t, got), readTree(t, want)
	for _, f := range slices.Sorted(maps.Keys(b)) {
		if f == static.ManifestName {
			continue
		}
		if g, ok := a[f]; !ok {
			t.Errorf("%s: %s missing from the watched build's output", name, f)
		} else if !bytes.Equal(g, b[f]) {
			t.Errorf("%s: %s differs from the cold build's", name, f)
		}
	}
	for f := range a {
		if _, ok := b[f]; !ok {
			t.Errorf("%s: %s is in the watched build's output only", name, f)
		}
	}
	var ma, mb map[string]any
	if err := json.Unmarshal(a[static.ManifestName], &ma); err != nil {
		t.Fatalf("%s: manifest: %v", name, err)
	}
	if err := json.Unmarshal(b[static.ManifestName], &mb); err != nil {
		t.Fatalf("%s: manifest: %v", name, err)
	}
	delete(ma, "stamp")
	delete(mb, "stamp")
	if !reflect.DeepEqual(ma, mb) {
		t.Errorf("%s: the manifests differ", name)
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
