package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
)

// importSuite checks ImportPosts (through content.Service.Import): a batch
// written in one transaction must leave the store exactly as saving its
// posts one by one does, and a batch that fails must leave nothing.
func importSuite(open Open) func(*testing.T, Store, *content.Service, *blog.FixedClock) {
	return func(t *testing.T, _ Store, _ *content.Service, _ *blog.FixedClock) {
		t.Run("SameAsSave", func(t *testing.T) { testImportSameAsSave(t, open) })
		t.Run("AllOrNothing", func(t *testing.T) { testImportAllOrNothing(t, open) })
	}
}

// importBatch is the search corpus (every status, a page, code, accents)
// and three posts of one title in one month, whose slugs clash within the
// batch.
func importBatch() []*blog.Post {
	var posts []*blog.Post
	for _, d := range searchCorpus {
		posts = append(posts, d.post())
	}
	for i := range 3 {
		posts = append(posts, published("Same title", t0.Add(-time.Duration(i+1)*time.Hour), "Go", "Clash"))
	}
	return posts
}

func testImportSameAsSave(t *testing.T, open Open) {
	ctx := context.Background()
	clock := &blog.FixedClock{T: t0}
	saved, imported := open(t), open(t)
	bySave := content.New(saved, markdown.New(), clock, nil)
	var keys [][]string
	byImport := content.New(imported, markdown.New(), clock, func(k []string) { keys = append(keys, k) })

	a, b := importBatch(), importBatch()
	for _, p := range a {
		save(t, bySave, p)
	}
	if err := byImport.Import(ctx, b); err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(keys) != 1 || len(keys[0]) != 1 || keys[0][0] != blog.DepSettings {
		t.Errorf("Import told the cache %v, want one change of every page (%q)", keys, blog.DepSettings)
	}
	for i := range b {
		if b[i].ID == "" || b[i].Version != 1 || b[i].Path != a[i].Path {
			t.Errorf("imported %q: id %q, version %d, path %q (Save gave path %q)", b[i].Title, b[i].ID, b[i].Version, b[i].Path, a[i].Path)
		}
	}
	compareStores(t, "after the first batch", saved, a, imported, b)

	// A second batch edits two of them (new bodies, titles, tags) and adds
	// one more: versions go up, revisions are kept, tags and the search
	// index follow.
	edit := func(posts []*blog.Post) []*blog.Post {
		p, q := posts[0], posts[len(posts)-1]
		p.Title, p.Body, p.Tags = "Running a Go web server well", "Now with graceful shutdown.", []blog.Tag{{Name: "Go"}, {Name: "Shutdown"}}
		q.Body, q.Tags = "The last of the three, edited.", nil
		return []*blog.Post{p, q, published("Added later", t0.Add(-30*time.Minute), "Shutdown")}
	}
	againA, againB := edit(a), edit(b)
	for _, p := range againA {
		save(t, bySave, p)
	}
	if err := byImport.Import(ctx, againB); err != nil {
		t.Fatalf("second Import: %v", err)
	}
	if againB[0].Version != 2 || againB[2].Version != 1 {
		t.Errorf("versions after the second batch: %d and %d, want 2 and 1", againB[0].Version, againB[2].Version)
	}
	compareStores(t, "after the second batch", saved, append(a, againA[2]), imported, append(b, againB[2]))
}

// compareStores fails when what the two stores hold of the posts differs
// (ids aside: each store makes its own).
func compareStores(t *testing.T, when string, s1 Store, p1 []*blog.Post, s2 Store, p2 []*blog.Post) {
	t.Helper()
	d1, d2 := describe(t, s1, p1), describe(t, s2, p2)
	if d1 != d2 {
		l1, l2 := strings.Split(d1, "\n"), strings.Split(d2, "\n")
		for i := range min(len(l1), len(l2)) {
			if l1[i] != l2[i] {
				t.Fatalf("%s, line %d differs:\nsaved:    %s\nimported: %s", when, i+1, l1[i], l2[i])
			}
		}
		t.Fatalf("%s: %d lines saved, %d imported", when, len(l1), len(l2))
	}
}

// describe writes down what a store holds of posts and of the blog around
// them: each post as read back (rendered HTML, tags, version, revisions),
// the lists, tag counts, redirects and search results.
func describe(t *testing.T, s Store, posts []*blog.Post) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, p := range posts {
		got, err := s.PostByID(ctx, p.ID)
		if err != nil {
			t.Fatalf("PostByID(%q): %v", p.Title, err)
		}
		var tags []string
		for _, tg := range got.Tags {
			tags = append(tags, tg.Slug+"="+tg.Name)
		}
		revs, err := s.Revisions(ctx, p.ID)
		if err != nil {
			t.Fatalf("Revisions(%q): %v", p.Title, err)
		}
		var rv []string
		for _, r := range revs {
			rv = append(rv, fmt.Sprintf("v%d %q %q %v", r.Version, r.Title, r.Body, r.Tags))
		}
		fmt.Fprintf(&b, "%s %s %q slug=%s path=%s v%d published=%s updated=%s tags=%v html=%q excerpt=%q more=%v words=%d revisions=%v\n",
			got.Kind, got.Status, got.Title, got.Slug, got.Path, got.Version, got.PublishedAt.Format(time.RFC3339Nano),
			got.UpdatedAt.Format(time.RFC3339Nano), tags, got.Rendered.HTML, got.Rendered.ExcerptHTML, got.Rendered.HasMore,
			got.Rendered.WordCount, rv)
	}
	list, total, err := s.ListPosts(ctx, blog.ListQuery{Now: t0, PinnedFirst: true})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "front (%d): %s\n", total, titles(list))
	tagList, err := s.Tags(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range tagList {
		tagged, n, err := s.ListPosts(ctx, blog.ListQuery{Now: t0, TagSlug: tg.Slug})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "tag %s %q count=%d (%d): %s\n", tg.Slug, tg.Name, tg.Count, n, titles(tagged))
	}
	redirects, err := s.Redirects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range redirects {
		fmt.Fprintf(&b, "redirect %s -> %s\n", r.From, r.To)
	}
	for _, q := range []string{"deploy", "ListenAndServe", "postgres", "café", "\"load balancer\"", "shutdown", "same title"} {
		for _, drafts := range []bool{false, true} {
			found, n := find(t, s, q, t0, drafts)
			if drafts {
				// Drafts are ordered by their last edit, the same instant
				// here, and then by a hash of their ids, which differ
				// between the stores: compare which posts are found.
				list := strings.Split(found, ",")
				slices.Sort(list)
				found = strings.Join(list, ",")
			}
			fmt.Fprintf(&b, "search %s drafts=%v (%d): %s\n", q, drafts, n, found)
		}
	}
	return b.String()
}

func testImportAllOrNothing(t *testing.T, open Open) {
	ctx := context.Background()
	clock := &blog.FixedClock{T: t0}
	s := open(t)
	svc := content.New(s, markdown.New(), clock, nil)
	old := save(t, svc, published("Already here", t0.Add(-time.Hour), "Go"))
	stale, err := s.PostByID(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	old.Body = "Edited since."
	save(t, svc, old)
	before := describe(t, s, []*blog.Post{old})

	tests := []struct {
		name    string
		batch   func() []*blog.Post
		code    blog.Code
		message string // the error names the post at fault
	}{
		{"invalid post", func() []*blog.Post {
			return []*blog.Post{published("Fine one", t0.Add(-time.Minute), "Go"), {Title: " ", Body: "no title"}}
		}, blog.EINVALID, `"(untitled)": title: must not be empty`},
		{"bad tag", func() []*blog.Post {
			return []*blog.Post{published("Fine two", t0.Add(-time.Minute)), published("Odd tags", t0.Add(-2*time.Minute), "!!!")}
		}, blog.EINVALID, `"Odd tags": tag "!!!"`},
		{"stale version", func() []*blog.Post {
			stale.Body = "An edit of version 1."
			return []*blog.Post{published("Fine three", t0.Add(-time.Minute), "New tag"), stale}
		}, blog.ECONFLICT, `"Already here": "Already here" was saved by someone else`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			batch := tt.batch()
			err := svc.Import(ctx, batch)
			if blog.ErrorCode(err) != tt.code || !strings.Contains(blog.ErrorMessage(err), tt.message) {
				t.Fatalf("Import: got %v, want %s with %q", err, tt.code, tt.message)
			}
			if batch[0].ID != "" || batch[0].Version != 0 {
				t.Errorf("the new post of a failed batch has id %q, version %d: nothing was saved, so none", batch[0].ID, batch[0].Version)
			}
			if after := describe(t, s, []*blog.Post{old}); after != before {
				t.Errorf("a failed batch changed the store:\nbefore: %s\nafter:  %s", before, after)
			}
			if _, n, err := s.ListPosts(ctx, blog.ListQuery{Now: t0}); err != nil || n != 1 {
				t.Errorf("posts after a failed batch: %d (%v), want 1", n, err)
			}
		})
	}
}
