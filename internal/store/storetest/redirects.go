package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
)

// testHandRedirects checks what AddRedirect refuses, and that whatever it
// refuses leaves the redirects as they were.
func testHandRedirects(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	p := save(t, svc, published("Live post", t0.Add(-time.Hour)))
	if err := s.AddRedirect(ctx, "/b/", "/c/"); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Redirects(ctx)
	for _, tt := range []struct {
		from, to string
		want     string // in the message
	}{
		{"", "/x/", "from: must not be empty"},
		{"old/", "/x/", "from: \"old/\" is not a path of this site"},
		{"https://example.org/old/", "/x/", "leave out the scheme and host"},
		{"/old/", "https://example.org/x/", "to: \"https://example.org/x/\" is not a path"},
		{"/old/", "//evil.example/x/", "two slashes"},
		{"/old/?p=1", "/x/", "query or fragment"},
		{"/old/", "/x/#top", "query or fragment"},
		{"/old path/", "/x/", "space"},
		{"/admin/", "/x/", "under /admin/"},
		{"/", "/x/", "the site itself answers /;"},
		{"/feed.xml", "/x/", "the site itself answers /feed.xml"},
		{"/assets/style.css", "/x/", "the site itself answers"},
		{"/" + strings.Repeat("a", blog.MaxRedirectPath), "/x/", "too long"},
		{"/same/", "/same/", "would loop"},
		{"/c/", "/b/", "already redirects to /c/; this one would make a loop"},
		{"/a/", "/b/", "point straight at /c/"},
		{p.Path, "/x/", "is the address of \"Live post\""},
	} {
		err := s.AddRedirect(ctx, tt.from, tt.to)
		if blog.ErrorCode(err) != blog.EINVALID || !strings.Contains(blog.ErrorMessage(err), tt.want) {
			t.Errorf("AddRedirect(%q, %q) = %v, want EINVALID with %q", tt.from, tt.to, err, tt.want)
		}
	}
	if after, _ := s.Redirects(ctx); len(after) != len(before) || after[0] != before[0] {
		t.Errorf("refused redirects changed the table: %+v", after)
	}
	// A redirect to a path others lead to: they now lead straight to the
	// new target.
	if err := s.AddRedirect(ctx, "/c/", "/d/"); err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{"/b/", "/c/"} {
		if to, _ := s.Redirect(ctx, from); to != "/d/" {
			t.Errorf("%s → %q, want /d/ (no chain)", from, to)
		}
	}
	// A trashed post's path is free to redirect.
	if _, err := svc.Trash(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRedirect(ctx, p.Path, "/d/"); err != nil {
		t.Errorf("redirect from a trashed post's path: %v", err)
	}
}

// testRedirectOrigin checks that Redirects tells hand-made redirects from
// the ones a slug, permalink or tag change made.
func testRedirectOrigin(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	p := save(t, svc, published("Origin", t0.Add(-time.Hour), "golang"))
	old := p.Path
	p.Slug = "origin-moved"
	save(t, svc, p)
	if _, err := svc.RenameTag(ctx, "golang", "Go"); err != nil {
		t.Fatal(err)
	}
	if err := svc.AddRedirect(ctx, "/feed/", "/feed.xml"); err != nil {
		t.Fatal(err)
	}
	rules, err := s.Redirects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]blog.RedirectRule{}
	for _, r := range rules {
		got[r.From] = r
	}
	want := map[string]blog.RedirectRule{
		old:            {From: old, To: p.Path, Manual: false},
		"/tag/golang/": {From: "/tag/golang/", To: "/tag/go/", Manual: false},
		"/feed/":       {From: "/feed/", To: "/feed.xml", Manual: true},
	}
	if len(got) != len(want) {
		t.Fatalf("redirects: %+v", rules)
	}
	for from, w := range want {
		g := got[from]
		if g.To != w.To || g.Manual != w.Manual || g.CreatedAt.IsZero() {
			t.Errorf("%s: got %+v, want %+v", from, g, w)
		}
	}
	// A hand-made redirect is removed like any other, once.
	if err := svc.AddRedirect(ctx, "/by-hand/", "/feed.xml"); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteRedirect(ctx, "/by-hand/"); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteRedirect(ctx, "/by-hand/"); !blog.IsNotFound(err) {
		t.Errorf("deleting twice: %v", err)
	}
}

// testAllTags checks that the admin's tag list has every tag, with posts
// of any status counted.
func testAllTags(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	save(t, svc, published("One", t0.Add(-2*time.Hour), "go", "web"))
	save(t, svc, published("Two", t0.Add(-time.Hour), "go"))
	save(t, svc, &blog.Post{Title: "Draft", Body: "x", Tags: []blog.Tag{{Name: "Drafty"}, {Name: "go"}}})
	tags, err := s.AllTags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range tags {
		got = append(got, tg.Slug+"="+strings.Repeat("|", tg.Count))
	}
	if strings.Join(got, " ") != "drafty=| go=||| web=|" {
		t.Errorf("AllTags: %v", got)
	}
	// The public list has only tags of visible posts.
	if pub, _ := s.Tags(ctx, clock.Now()); len(pub) != 2 {
		t.Errorf("Tags: %+v", pub)
	}
}

// testPermalinkClash changes the pattern so that two posts would share a
// path: the later one to move takes a numbered slug, and both old paths
// redirect.
func testPermalinkClash(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	a := save(t, svc, published("Same", t0.Add(-40*24*time.Hour)))
	b := save(t, svc, published("Same", t0.Add(-time.Hour)))
	oldA, oldB := a.Path, b.Path
	if oldA == oldB {
		t.Fatalf("both at %s", oldA)
	}
	st, _ := s.Settings(ctx)
	st.Permalink = "/:year/:slug/"
	if moved, err := svc.SaveSettings(ctx, st); err != nil || moved != 2 {
		t.Fatalf("moved %d: %v", moved, err)
	}
	a, _ = s.PostByID(ctx, a.ID)
	b, _ = s.PostByID(ctx, b.ID)
	paths := map[string]bool{a.Path: true, b.Path: true}
	if !paths["/2026/same/"] || !paths["/2026/same-2/"] {
		t.Errorf("paths after the change: %s %s", a.Path, b.Path)
	}
	for old, p := range map[string]*blog.Post{oldA: a, oldB: b} {
		if to, err := s.Redirect(ctx, old); err != nil || to != p.Path {
			t.Errorf("%s → %q %v, want %s", old, to, err, p.Path)
		}
	}
}
