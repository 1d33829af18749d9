package render_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"octavo/internal/blog"
	"octavo/internal/render"
)

// TestSearchGolden compares a page of search results on the demo blog
// with its golden file (`go test ./internal/render -update` accepts a
// change).
func TestSearchGolden(t *testing.T) {
	f := newFixture(t, true, 4)
	p, err := f.renderer.Search(context.Background(), `sqlite "query plan*"`, 1)
	if err != nil || p.Status != http.StatusOK {
		t.Fatalf("Search: %v %v", p, err)
	}
	got := uuidRE.ReplaceAll(p.Body, []byte("00000000-0000-7000-0000-000000000000"))
	file := filepath.Join("testdata", "golden", "search.html")
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the search page differs from %s (run with -update to accept):\n%s", file, firstDiff(string(want), string(got)))
	}
}

func TestSearchPage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, true, 4)
	if err := f.svc.Save(ctx, &blog.Post{Title: "A draft on SQLite", Body: "Never shown."}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		q       string
		page    int
		has     []string
		hasNot  []string
		results int
	}{
		{q: "", page: 1, has: []string{"<title>Search · Octavo Demo Blog</title>", "<h1>Search</h1>"}, hasNot: []string{"search-message", "search-count"}},
		{q: "sqlite", page: 1, has: []string{"<title>Search: sqlite · Octavo Demo Blog</title>", `<mark>SQLite</mark>`, "search-count"},
			hasNot: []string{"A draft on SQLite", "Never shown"}, results: -1},
		{q: "markdown", page: 1, has: []string{"<mark>Markdown</mark>"}, results: -1},
		{q: "zzzzqqq", page: 1, has: []string{"Nothing matches that search"}, results: 0},
		{q: "AND OR", page: 1, has: []string{"nothing to search for"}, results: 0},
		{q: strings.Repeat("y", 1000), page: 1, has: []string{"1000 characters", strings.Repeat("y", 512) + "…"}, hasNot: []string{strings.Repeat("y", 513)}, results: 0},
		{q: "sqlite", page: 7, has: []string{"There is only one page", `rel="prev"`}, results: 0},
		{q: "sqlite", page: 101, has: []string{"Only the first 100 pages"}, results: 0},
		{q: `<img src=x onerror=alert(1)>`, page: 1, has: []string{"&lt;img src=x onerror=alert(1)&gt;"}, hasNot: []string{"<img src=x"}},
	} {
		p, err := f.renderer.Search(ctx, tt.q, tt.page)
		if err != nil || p.Status != http.StatusOK {
			t.Fatalf("Search(%.20q, %d): %v %v", tt.q, tt.page, p, err)
		}
		body := string(p.Body)
		for _, s := range tt.has {
			if !strings.Contains(body, s) {
				t.Errorf("Search(%.20q, %d) lacks %.80q", tt.q, tt.page, s)
			}
		}
		for _, s := range tt.hasNot {
			if strings.Contains(body, s) {
				t.Errorf("Search(%.20q, %d) has %.80q", tt.q, tt.page, s)
			}
		}
		n := strings.Count(body, "<li>\n<h2>")
		if tt.results >= 0 && n != tt.results || tt.results < 0 && n == 0 {
			t.Errorf("Search(%.20q, %d): %d results", tt.q, tt.page, n)
		}
	}
}

// TestSearchPaging checks that pages of results hold 10 each, link to each
// other and never show a post twice.
func TestSearchPaging(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, false, 10)
	for i := range 23 {
		p := &blog.Post{Title: "Paging post", Body: "A paged body.", Status: blog.StatusPublished,
			PublishedAt: fixtureNow.AddDate(0, 0, -i-1)}
		if err := f.svc.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for page, want := range []int{10, 10, 3} {
		p, err := f.renderer.Search(ctx, "paged", page+1)
		if err != nil {
			t.Fatal(err)
		}
		body := string(p.Body)
		if n := strings.Count(body, "<li>\n<h2>"); n != want {
			t.Errorf("page %d: %d results, want %d", page+1, n, want)
		}
		for _, line := range strings.Split(body, "\n") {
			if strings.HasPrefix(line, `<h2><a href="`) {
				if seen[line] {
					t.Errorf("page %d repeats %s", page+1, line)
				}
				seen[line] = true
			}
		}
		if page < 2 != strings.Contains(body, `rel="next"`) || page > 0 != strings.Contains(body, `rel="prev"`) {
			t.Errorf("page %d: links to its neighbours wrong", page+1)
		}
	}
	if render.SearchPerPage != 10 || render.MaxSearchPage*render.SearchPerPage != blog.SearchMaxResults {
		t.Errorf("pages of %d, at most %d", render.SearchPerPage, render.MaxSearchPage)
	}
}
