package cli

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"octavo/internal/blog"
)

// TestOpenContentRestoresGC: reading a content folder runs the collector
// at parseGCPercent, and gives the setting back afterwards (a watch build
// or a server must not keep a heap five times what it holds).
func TestOpenContentRestoresGC(t *testing.T) {
	t.Setenv("GOGC", "")
	prev := debug.SetGCPercent(77)
	t.Cleanup(func() { debug.SetGCPercent(prev) })
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "about.md"), []byte("---\ntitle: About\n---\nHello.\n"), 0o644)
	env := Env{Getenv: func(string) string { return "" }, Stdout: io.Discard, Stderr: io.Discard}
	site, err := openContent(context.Background(), buildFlags{content: dir, noCache: true}, &blog.FixedClock{T: time.Now()}, slog.New(slog.DiscardHandler), env)
	if err != nil {
		t.Fatal(err)
	}
	site.Close()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("GOGC after reading the folder is %d, want 77 as before", got)
	}
}
