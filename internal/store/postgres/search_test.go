package postgres_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/search"
	"octavo/internal/seed"
	"octavo/internal/store"
	"octavo/internal/store/sqlite"
)

// TestSearchAfterCopy checks that `octavo db copy` carries the search index
// both ways: PostgreSQL computes its tsvectors from the copied words, SQLite
// fills its FTS5 index from them, and the generated columns stay out of
// the copy and its checksums. Both then find the same posts.
func TestSearchAfterCopy(t *testing.T) {
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	svc := content.New(lite, markdown.New(), blog.SystemClock{}, nil)
	if _, err := seed.Run(ctx, lite, svc); err != nil {
		t.Fatal(err)
	}
	if err := svc.Save(ctx, &blog.Post{Title: "Draft on SQLite", Body: "Unseen."}); err != nil {
		t.Fatal(err)
	}
	pg := open(t)
	if _, err := store.Copy(ctx, lite, pg); err != nil {
		t.Fatalf("SQLite → PostgreSQL: %v", err)
	}
	back, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if _, err := store.Copy(ctx, pg, back); err != nil {
		t.Fatalf("PostgreSQL → SQLite: %v", err)
	}
	now := time.Now().AddDate(1, 0, 0)
	for _, q := range []string{"sqlite", `"query plan*"`, "markdown footnotes", "httptest", "zzz"} {
		var got []string
		for _, s := range []store.Store{lite, pg, back} {
			for _, drafts := range []bool{false, true} {
				posts, total, err := s.Search(ctx, blog.SearchQuery{Terms: search.Parse(q).Terms, Now: now, IncludeDrafts: drafts})
				if err != nil {
					t.Fatalf("%T %q: %v", s, q, err)
				}
				var ids []string
				for _, p := range posts {
					ids = append(ids, p.ID)
				}
				if len(ids) != total {
					t.Errorf("%T %q: %d posts, total %d", s, q, len(ids), total)
				}
				got = append(got, strings.Join(ids, ","))
			}
		}
		if got[0] != got[2] || got[0] != got[4] || got[1] != got[3] || got[1] != got[5] {
			t.Errorf("%q found differently after the copies:\n%s", q, strings.Join(got, "\n"))
		}
		if q == "sqlite" && (got[0] == "" || got[0] == got[1]) {
			t.Errorf("%q: want posts, and the draft with drafts: %q", q, got[:2])
		}
	}
}
