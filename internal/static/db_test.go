package static_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/render"
	"octavo/internal/seed"
	"octavo/internal/static"
	"octavo/internal/store/sqlite"
)

// TestDatabase builds a database blog (the source knows no dependency
// hashes: the build computes them) and builds it again after an edit.
func TestDatabase(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clock := &blog.FixedClock{T: now}
	svc := content.New(db, markdown.New(), clock, nil)
	if _, err := seed.Run(ctx, db, svc); err != nil {
		t.Fatal(err)
	}
	th, _, _ := render.LoadTheme("", slog.New(slog.DiscardHandler))
	build := func(out string) static.Stats {
		t.Helper()
		st, err := static.Build(ctx, static.Options{Renderer: render.New(db, th, "https://example.org", clock),
			Source: db, Out: out, Gzip: 1, Now: now, Stamp: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	out := filepath.Join(t.TempDir(), "public")
	first := build(out)
	if st := build(out); st.Written != 0 || st.Rendered > 2 {
		t.Errorf("a build without changes: %+v", st)
	}
	posts, _, _ := db.ListPosts(ctx, blog.ListQuery{Now: now, Offset: 4, Limit: 1})
	p := posts[0]
	p.Title = "An edited title"
	if err := svc.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	st := build(out)
	if st.Rendered >= first.Pages/2 || st.Written == 0 {
		t.Errorf("after one edit: %+v (of %d pages)", st, first.Pages)
	}
	clean := filepath.Join(t.TempDir(), "clean")
	build(clean)
	sameTree(t, out, clean)
}
