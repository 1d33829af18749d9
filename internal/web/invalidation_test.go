package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
)

// The invalidation tests build a small stream,
//
//	U (2025-03, misc) · V (2025-05, old) · A (2026-01, go) · B (2026-02, go web) · C (2026-03, web)
//
// cache every page of it, make one write to B (or a new post next to it),
// and check both halves: every page that shows what changed is gone, and
// the pages that do not are still cached (Cache.Has).
//
// U is the unrelated post. V is not checked either way: content.Service
// names a moved post's neighbours by their post keys, which also drops the
// pages that merely link to those neighbours (V links to A). That errs on
// the safe side; a key of a post's own page alone would make it exact (see
// docs/benchmarks.md, "Invalidation").
func invalidationBlog(t *testing.T) *testBlog {
	b := newTestBlog(t, blogOptions{})
	b.publish("U", "Unrelated old post", time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), "misc")
	b.publish("V", "Older neighbour", time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), "old")
	b.publish("A", "Post A", time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC), "go")
	b.publish("B", "Post B", time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC), "go", "web")
	b.publish("C", "Post C", time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), "web")
	return b
}

// listPages are the lists that show the stream: the front page, archives,
// site feeds and the sitemap.
var listPages = []string{
	"/", "/archive/", "/2026/", "/2026/02/",
	// Feeds and sitemap (issue: feeds). Extend this list when new list-like
	// URLs (search, tag archives…) are added to the renderer.
	"/feed.xml", "/atom.xml", "/feed.json", "/sitemap.xml",
}

// allPages warms and returns every cacheable page of the blog.
func warm(t *testing.T, b *testBlog) []string {
	t.Helper()
	paths := append([]string{}, listPages...)
	paths = append(paths, "/tag/go/", "/tag/web/", "/tag/misc/", "/tag/go/feed.xml", "/tag/web/atom.xml", "/tag/misc/feed.xml",
		"/2025/", "/2025/03/", "/robots.txt")
	for _, name := range []string{"U", "V", "A", "B", "C"} {
		if p := b.posts[name]; p.Status == blog.StatusPublished {
			paths = append(paths, p.Path)
		}
	}
	for _, p := range paths {
		if !b.cache.Has(p) {
			b.get(p, http.StatusOK)
		}
		if !b.cache.Has(p) {
			t.Fatalf("%s is not cached after a GET", p)
		}
	}
	return paths
}

func expectDropped(t *testing.T, b *testBlog, what string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if b.cache.Has(p) {
			t.Errorf("%s: %s is still cached; it shows what changed", what, p)
		}
	}
}

func expectKept(t *testing.T, b *testBlog, what string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if !b.cache.Has(p) {
			t.Errorf("%s: %s was dropped; nothing it shows changed", what, p)
		}
	}
}

func TestInvalidationPublish(t *testing.T) {
	b := invalidationBlog(t)
	warm(t, b)

	// A draft changes nothing visitors see: every page stays.
	draft := b.save("N", &blog.Post{Title: "New post", Status: blog.StatusDraft, Body: "Soon.",
		Tags: []blog.Tag{{Name: "go"}}})
	before := warm(t, b)
	expectKept(t, b, "saving a draft", before...)

	// Publishing it between B and C.
	draft.Status = blog.StatusPublished
	draft.PublishedAt = time.Date(2026, 2, 20, 9, 0, 0, 0, time.UTC)
	b.save("N", draft)
	what := "publishing N"
	expectDropped(t, b, what, listPages...)
	expectDropped(t, b, what, "/tag/go/", "/tag/go/feed.xml", // its tag
		b.posts["B"].Path, b.posts["C"].Path) // its neighbours link to it
	expectKept(t, b, what, b.posts["U"].Path, "/tag/misc/", "/tag/misc/feed.xml")

	// The new pages show it.
	_, body := b.get("/", http.StatusOK)
	if !strings.Contains(string(body), "New post") {
		t.Errorf("the front page does not show the new post")
	}
	_, body = b.get(b.posts["C"].Path, http.StatusOK)
	if !strings.Contains(string(body), draft.Path) {
		t.Errorf("C's page does not link to its new neighbour %s", draft.Path)
	}
	_, body = b.get("/feed.xml", http.StatusOK)
	if !strings.Contains(string(body), "New post") {
		t.Errorf("the feed does not show the new post")
	}
}

func TestInvalidationEdit(t *testing.T) {
	b := invalidationBlog(t)
	warm(t, b)

	p := b.posts["B"]
	p.Title = "Post B, retitled"
	b.save("B", p)
	what := "editing B"
	expectDropped(t, b, what, listPages...)
	expectDropped(t, b, what, "/tag/go/", "/tag/web/", "/tag/go/feed.xml", "/tag/web/atom.xml",
		p.Path, b.posts["A"].Path, b.posts["C"].Path)
	expectKept(t, b, what, b.posts["U"].Path, "/tag/misc/", "/tag/misc/feed.xml", "/2025/", "/2025/03/")

	for _, path := range []string{"/", p.Path, b.posts["A"].Path, "/tag/web/", "/atom.xml"} {
		_, body := b.get(path, http.StatusOK)
		if !strings.Contains(string(body), "Post B, retitled") {
			t.Errorf("%s does not show the new title", path)
		}
	}
}

func TestInvalidationTrash(t *testing.T) {
	b := invalidationBlog(t)
	warm(t, b)

	p := b.posts["B"]
	path := p.Path
	p.Status = blog.StatusTrashed
	b.save("B", p)
	what := "trashing B"
	expectDropped(t, b, what, listPages...)
	expectDropped(t, b, what, "/tag/go/", "/tag/web/", "/tag/go/feed.xml", "/tag/web/atom.xml",
		path, b.posts["A"].Path, b.posts["C"].Path)
	expectKept(t, b, what, b.posts["U"].Path, "/tag/misc/", "/tag/misc/feed.xml")

	b.get(path, http.StatusNotFound)
	for _, p := range []string{"/", b.posts["A"].Path, b.posts["C"].Path, "/feed.xml", "/sitemap.xml"} {
		_, body := b.get(p, http.StatusOK)
		if strings.Contains(string(body), "Post B") || strings.Contains(string(body), path) {
			t.Errorf("%s still shows the trashed post", p)
		}
	}
}

// A redirect names no inputs; it must still go when what is published
// moves, or "/about" would redirect to a page that no longer exists.
func TestInvalidationRedirect(t *testing.T) {
	b := newTestBlog(t, blogOptions{})
	about := b.save("about", &blog.Post{Kind: blog.KindPage, Title: "About", Slug: "about", Status: blog.StatusPublished, Body: "Me."})
	res, _ := b.get("/about", http.StatusMovedPermanently)
	if res.Header.Get("Location") != "/about/" {
		t.Fatalf("Location %q", res.Header.Get("Location"))
	}
	if !b.cache.Has("/about") {
		t.Fatal("the redirect is not cached")
	}
	about.Status = blog.StatusTrashed
	b.save("about", about)
	expectDropped(t, b, "trashing the page", "/about")
	b.get("/about", http.StatusNotFound)
}
