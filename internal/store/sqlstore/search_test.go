package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/search"
	"octavo/internal/store/postgres"
	"octavo/internal/store/postgres/pgtest"
	"octavo/internal/store/sqlite"
	"octavo/internal/store/sqlstore"
	"octavo/internal/store/storetest"
)

// TestSearchPlans runs the search conformance tests on both backends with
// every way of reading a tier (sqlstore.Plan): tiers of many candidates
// and of few, terms common and not (a test corpus is too small to have
// many candidates or common terms).
func TestSearchPlans(t *testing.T) {
	ctx := context.Background()
	backends := map[string]storetest.Open{
		"SQLite": func(t *testing.T) storetest.Store {
			s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "octavo.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"PostgreSQL": func(t *testing.T) storetest.Store {
			s, err := postgres.Open(ctx, pgtest.NewDatabase(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	for _, plan := range []struct{ few, commonAt int }{{1, 1}, {1000, 1}, {1, 0}, {1000, 0}} {
		for name, open := range backends {
			t.Run(fmt.Sprintf("%s/few%d/common%d", name, plan.few, plan.commonAt), func(t *testing.T) {
				defer sqlstore.SetFewCandidates(plan.few)()
				defer sqlstore.SetCommonAt(plan.commonAt)()
				storetest.RunSearch(t, open)
			})
		}
	}
}

// TestSearchReach checks that a search counts and pages no further than
// its reach (blog.SearchMaxResults, made 5 here), across tiers, on both
// backends.
func TestSearchReach(t *testing.T) {
	ctx := context.Background()
	backends := map[string]func(t *testing.T) content.Store{
		"SQLite": func(t *testing.T) content.Store {
			s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "octavo.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"PostgreSQL": func(t *testing.T) content.Store {
			s, err := postgres.Open(ctx, pgtest.NewDatabase(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			svc := content.New(s, markdown.New(), &blog.FixedClock{T: now}, nil)
			// Three title matches, then five body matches, newest first.
			for i := range 8 {
				title := fmt.Sprintf("Post %d", i)
				if i%3 == 0 {
					title = fmt.Sprintf("Reach %d", i)
				}
				p := &blog.Post{Title: title, Body: "Within reach.", Status: blog.StatusPublished, PublishedAt: now.Add(-time.Duration(i) * time.Hour)}
				if err := svc.Save(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			terms := search.Parse("reach").Terms
			find := func(off, limit int) (string, int) {
				posts, total, err := s.Search(ctx, blog.SearchQuery{Terms: terms, Now: now, Offset: off, Limit: limit})
				if err != nil {
					t.Fatal(err)
				}
				var ts []string
				for _, p := range posts {
					ts = append(ts, p.Title)
				}
				return strings.Join(ts, ","), total
			}
			if got, total := find(0, 0); got != "Reach 0,Reach 3,Reach 6,Post 1,Post 2,Post 4,Post 5,Post 7" || total != 8 {
				t.Fatalf("all: %s (%d)", got, total)
			}
			defer sqlstore.SetSearchMaxResults(5)()
			for _, tt := range []struct {
				off, limit int
				want       string
			}{
				{0, 10, "Reach 0,Reach 3,Reach 6,Post 1,Post 2"},
				{0, 0, "Reach 0,Reach 3,Reach 6,Post 1,Post 2"},
				{2, 2, "Reach 6,Post 1"},
				{3, 10, "Post 1,Post 2"},
				{4, 10, "Post 2"},
				{5, 10, ""},
				{50, 10, ""},
			} {
				if got, total := find(tt.off, tt.limit); got != tt.want || total != 5 {
					t.Errorf("offset %d limit %d: %q (total %d), want %q (5)", tt.off, tt.limit, got, total, tt.want)
				}
			}
		})
	}
}
