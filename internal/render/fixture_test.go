package render_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/render"
	"octavo/internal/seed"
	"octavo/internal/store/sqlite"
)

// fixtureNow is the fixed time of every fixture: after all demo posts.
var fixtureNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// fixture is a real blog on SQLite in a temporary folder, rendered with the
// embedded theme at a fixed time.
type fixture struct {
	store    *sqlite.Store
	svc      *content.Service
	clock    *blog.FixedClock
	renderer *render.Renderer
	changed  [][]string // the dependency keys of every write, in order
}

// newFixture opens an empty blog; with demo set, it holds the demo content
// (10 posts, an About page) with perPage posts a page.
func newFixture(t testing.TB, demo bool, perPage int) *fixture {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{store: store, clock: &blog.FixedClock{T: fixtureNow}}
	f.svc = content.New(store, markdown.New(), f.clock, func(keys []string) { f.changed = append(f.changed, keys) })
	if demo {
		if _, err := seed.Run(ctx, store, f.svc); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.PostsPerPage = perPage
	if err := store.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	th, problems, err := render.LoadTheme("", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || len(problems) > 0 {
		t.Fatalf("LoadTheme: %v %v", err, problems)
	}
	f.renderer = render.New(store, th, "https://blog.example.org", f.clock)
	return f
}

// get renders path and fails the test on error.
func (f *fixture) get(t testing.TB, path string) *render.Page {
	t.Helper()
	p, err := f.renderer.Render(context.Background(), path)
	if err != nil {
		t.Fatalf("Render(%q): %v", path, err)
	}
	return p
}
