package contentdir_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"octavo/internal/contentdir"
)

// TestWatch: writing, creating (in a new folder) and removing files is
// reported.
func TestWatch(t *testing.T) {
	dir := writeTree(t, map[string]string{"posts/a.md": "---\ntitle: A\ndate: 2026-01-01\n---\nA."})
	s := open(t, contentdir.Options{Dir: dir})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changed := make(chan struct{}, 10)
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx, func() { changed <- struct{}{} }) }()
	wait := func(what string) {
		t.Helper()
		select {
		case <-changed:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s was not reported", what)
		}
	}
	// The watcher starts on its own goroutine: poke until it reports.
	deadline := time.Now().Add(10 * time.Second)
	for ready := false; !ready && time.Now().Before(deadline); {
		os.WriteFile(filepath.Join(dir, "posts", "a.md"), []byte("---\ntitle: A\ndate: 2026-01-01\n---\nA, edited."), 0o644)
		select {
		case <-changed:
			ready = true
		case <-time.After(200 * time.Millisecond):
		}
	}
	os.MkdirAll(filepath.Join(dir, "posts", "new"), 0o755)
	wait("a new folder")
	os.WriteFile(filepath.Join(dir, "posts", "new", "b.md"), []byte("---\ntitle: B\ndate: 2026-01-02\n---\nB."), 0o644)
	wait("a file in the new folder")
	if _, _, err := s.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if got := paths(t, s, later); len(got) != 2 {
		t.Errorf("after the watch: %v", got)
	}
	os.Remove(filepath.Join(dir, "posts", "a.md"))
	wait("a removed file")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestReloadPaths: reloading by the paths a watcher names gives what
// reading the whole folder gives, for edits, removals, new files and
// folders, and editors' side files.
func TestReloadPaths(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"posts/a.md": "---\ntitle: A\ndate: 2026-01-01\ntags: [x]\n---\nA.",
		"posts/b.md": "---\ntitle: B\ndate: 2026-01-03\n---\nB.",
	})
	ctx := context.Background()
	byPaths := open(t, contentdir.Options{Dir: dir})
	whole := open(t, contentdir.Options{Dir: dir})
	p := func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }
	n := 0
	write := func(rel, body string) {
		os.MkdirAll(filepath.Dir(p(rel)), 0o755)
		if err := os.WriteFile(p(rel), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		// A new modification time even on coarse file systems.
		n++
		tm := time.Now().Add(time.Duration(n) * time.Second)
		os.Chtimes(p(rel), tm, tm)
	}
	steps := []struct {
		name    string
		change  func()
		paths   []string
		changed bool
		parsed  int // files byPaths read again
	}{
		{"an edit", func() { write("posts/a.md", "---\ntitle: A2\ndate: 2026-01-01\ntags: [y]\n---\nA, edited.") },
			[]string{"posts/a.md"}, true, 1},
		{"a body edit", func() { write("posts/a.md", "---\ntitle: A2\ndate: 2026-01-01\ntags: [y]\n---\nA, edited again.") },
			[]string{"posts/a.md"}, true, 1},
		{"an editor's backup", func() { write("posts/a.md~", "old") }, []string{"posts/a.md~"}, false, 0},
		{"a file made and removed", func() { write("posts/4913", ""); os.Remove(p("posts/4913")) },
			[]string{"posts/4913"}, false, 0},
		{"a new file", func() { write("posts/c.md", "---\ntitle: C\ndate: 2026-01-02\n---\nC.") },
			[]string{"posts/c.md"}, true, 1},
		{"a removed file", func() { os.Remove(p("posts/c.md")) }, []string{"posts/c.md"}, true, 0},
		{"a new folder", func() { write("posts/new/d.md", "---\ntitle: D\ndate: 2026-01-04\n---\nD.") },
			[]string{"posts/new"}, true, 1},
		{"a folder removed", func() { os.RemoveAll(p("posts/new")) }, []string{"posts/new"}, true, 0},
		{"two edits at once", func() {
			write("posts/a.md", "---\ntitle: A3\ndate: 2026-01-01\n---\nA.")
			write("posts/b.md", "---\ntitle: B3\ndate: 2026-01-05\n---\nB.")
		}, []string{"posts/a.md", "posts/b.md"}, true, 2},
	}
	for _, st := range steps {
		st.change()
		var abs []string
		for _, rel := range st.paths {
			abs = append(abs, p(rel))
		}
		changed, keys, err := byPaths.ReloadPaths(ctx, abs)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		wantChanged, wantKeys, err := whole.Reload(ctx)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		slices.Sort(keys)
		slices.Sort(wantKeys)
		if changed != st.changed || changed != wantChanged || !slices.Equal(keys, wantKeys) {
			t.Errorf("%s: changed %v keys %v, reading the folder: %v %v", st.name, changed, keys, wantChanged, wantKeys)
		}
		if got := byPaths.Stats().Parsed; got != st.parsed {
			t.Errorf("%s: %d files parsed, want %d", st.name, got, st.parsed)
		}
		if got, want := byPaths.Stats().Patched, st.name == "a body edit"; got != want {
			t.Errorf("%s: snapshot patched %v, want %v", st.name, got, want)
		}
		if got, want := hashes(t, byPaths, later), hashes(t, whole, later); !maps.Equal(got, want) {
			t.Errorf("%s: dependency hashes differ from reading the folder's", st.name)
		}
		if got, want := paths(t, byPaths, later), paths(t, whole, later); !slices.Equal(got, want) {
			t.Errorf("%s: paths %v, reading the folder: %v", st.name, got, want)
		}
		for _, path := range paths(t, whole, later) {
			a, errA := byPaths.PostByPath(ctx, path, later)
			b, errB := whole.PostByPath(ctx, path, later)
			if (errA == nil) != (errB == nil) || errA == nil && (a.Title != b.Title || a.Rendered.HTML != b.Rendered.HTML) {
				t.Errorf("%s: %s differs: %+v %v, reading the folder: %+v %v", st.name, path, a, errA, b, errB)
			}
		}
	}
}

func hashes(t *testing.T, s *contentdir.Site, now time.Time) map[string]string {
	t.Helper()
	h, err := s.DepHashes(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
