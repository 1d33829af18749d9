package contentdir_test

import (
	"context"
	"os"
	"path/filepath"
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
