// Package storetest is the conformance suite every blog store must pass:
// the same tests run against SQLite and (once it exists) PostgreSQL, so the
// two backends cannot drift apart.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
)

// Store is what the suite needs: a blog store that can also read any post
// by id (for the content service) and add redirects.
type Store interface {
	content.Store
	AddRedirect(ctx context.Context, from, to string) error
}

// Open returns a new, empty store for one test.
type Open func(t *testing.T) Store

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Run runs the whole suite.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(*testing.T, Store, *content.Service, *blog.FixedClock)
	}{
		{"SaveAndRead", testSaveAndRead},
		{"PathClash", testPathClash},
		{"Visibility", testVisibility},
		{"ListPosts", testListPosts},
		{"Neighbours", testNeighbours},
		{"ArchiveAndTags", testArchiveAndTags},
		{"Redirects", testRedirects},
		{"Settings", testSettings},
		{"Seeded", testSeeded},
		{"NotFound", testNotFound},
		{"RerenderStale", testRerenderStale},
		{"PublishDue", testPublishDue},
		{"VersionsAndRevisions", testVersionsAndRevisions},
		{"SlugChangeRedirects", testSlugChangeRedirects},
		{"TrashAndDelete", testTrashAndDelete},
		{"RenameAndMergeTags", testRenameAndMergeTags},
		{"PermalinkChange", testPermalinkChange},
		{"HandRedirects", testHandRedirects},
		{"RedirectOrigin", testRedirectOrigin},
		{"AllTags", testAllTags},
		{"PermalinkClash", testPermalinkClash},
		{"TagUpdated", testTagUpdated},
		{"TagUpsertKeepsName", testTagUpsertKeepsName},
		{"UnicodeSlugs", testUnicodeSlugs},
		{"OrderingTies", testOrderingTies},
		{"ByteOrder", testByteOrder},
		{"Times", testTimes},
		{"VisibleBoundary", testVisibleBoundary},
		{"ConcurrentSaves", testConcurrentSaves},
		{"DuplicateUser", testDuplicateUser},
		{"AdminLists", testAdminLists},
		{"MediaRecords", testMediaRecords},
		{"Accounts", accountsSuite(open)},
		{"Search", searchSuite(open)},
		{"Import", importSuite(open)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			clock := &blog.FixedClock{T: t0}
			svc := content.New(s, markdown.New(), clock, nil)
			tt.fn(t, s, svc, clock)
		})
	}
}

func save(t *testing.T, svc *content.Service, p *blog.Post) *blog.Post {
	t.Helper()
	if err := svc.Save(context.Background(), p); err != nil {
		t.Fatalf("Save(%q): %v", p.Title, err)
	}
	return p
}

func published(title string, at time.Time, tags ...string) *blog.Post {
	p := &blog.Post{Title: title, Body: "Body of " + title + ".", Status: blog.StatusPublished, PublishedAt: at}
	for _, tg := range tags {
		p.Tags = append(p.Tags, blog.Tag{Name: tg})
	}
	return p
}

func testSaveAndRead(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	u := &blog.User{Username: "ada", DisplayName: "Ada", Role: blog.RoleAuthor}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	p := published("Hello, SQL", t0.Add(-time.Hour), "Go", "Databases")
	p.AuthorID = u.ID
	p.Body = "Intro.\n\n<!--more-->\n\n## More\n\ntext"
	p.Description = "desc"
	save(t, svc, p)
	if len(p.ID) != 36 || p.ID[14] != '7' {
		t.Fatalf("want a UUIDv7 id, got %q", p.ID)
	}
	got, err := s.PostByPath(ctx, "/2026/03/hello-sql/", clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != p.ID || got.Title != p.Title || got.Body != p.Body || got.Description != "desc" ||
		got.Author.DisplayName != "Ada" || !got.PublishedAt.Equal(p.PublishedAt.Truncate(time.Millisecond)) {
		t.Errorf("read back %+v", got)
	}
	if !got.Rendered.HasMore || got.Rendered.ExcerptHTML != "<p>Intro.</p>\n" || got.Rendered.Version != markdown.Version {
		t.Errorf("rendered: %+v", got.Rendered)
	}
	if len(got.Tags) != 2 || got.Tags[0].Slug != "go" || got.Tags[1].Name != "Databases" {
		t.Errorf("tags in order: %+v", got.Tags)
	}
	// An update keeps the id and replaces the tags.
	got.Title = "Hello again"
	got.Tags = []blog.Tag{{Name: "Go"}}
	save(t, svc, got)
	again, err := s.PostByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.Title != "Hello again" || len(again.Tags) != 1 {
		t.Errorf("after update: %q %+v", again.Title, again.Tags)
	}
}

func testPathClash(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	a := save(t, svc, published("Same title", t0.Add(-2*time.Hour)))
	b := save(t, svc, published("Same title", t0.Add(-time.Hour)))
	c := save(t, svc, published("Same title", t0.Add(-time.Minute)))
	if a.Path != "/2026/03/same-title/" || b.Path != "/2026/03/same-title-2/" || c.Path != "/2026/03/same-title-3/" {
		t.Errorf("paths %s %s %s", a.Path, b.Path, c.Path)
	}
	// A page may not take a slug the router owns.
	err := svc.Save(context.Background(), &blog.Post{Kind: blog.KindPage, Title: "Tag", Status: blog.StatusPublished})
	if blog.ErrorCode(err) != blog.EINVALID || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("page slug tag: want EINVALID (reserved), got %v", err)
	}
}

func testVisibility(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	draft := save(t, svc, &blog.Post{Title: "Draft", Body: "x"})
	future := save(t, svc, &blog.Post{Title: "Future", Body: "x", Status: blog.StatusScheduled, PublishedAt: t0.Add(time.Hour)})
	trashed := save(t, svc, published("Trashed", t0.Add(-time.Hour)))
	trashed.Status = blog.StatusTrashed
	save(t, svc, trashed)
	if draft.Path != "" {
		t.Errorf("a draft has no permalink yet, got %q", draft.Path)
	}
	for _, path := range []string{future.Path, trashed.Path} {
		if _, err := s.PostByPath(ctx, path, clock.Now()); !blog.IsNotFound(err) {
			t.Errorf("%s: want ENOTFOUND, got %v", path, err)
		}
	}
	posts, total, err := s.ListPosts(ctx, blog.ListQuery{Now: clock.Now(), Limit: 10})
	if err != nil || total != 0 || len(posts) != 0 {
		t.Errorf("want nothing visible, got %d (%v)", total, err)
	}
	if _, err := s.PostByPath(ctx, future.Path, t0.Add(2*time.Hour)); err != nil {
		t.Errorf("scheduled post invisible after its time: %v", err)
	}
}

func testListPosts(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		tags := []string{"all"}
		if i%2 == 0 {
			tags = append(tags, "even")
		}
		p := published("Post "+string(rune('A'+i)), t0.Add(-time.Duration(7-i)*24*time.Hour), tags...)
		p.Pinned = i == 1
		save(t, svc, p)
	}
	posts, total, err := s.ListPosts(ctx, blog.ListQuery{Now: clock.Now(), PinnedFirst: true, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if total != 7 || titles(posts) != "Post B,Post G,Post F" {
		t.Errorf("page 1: total %d, %s", total, titles(posts))
	}
	posts, total, _ = s.ListPosts(ctx, blog.ListQuery{Now: clock.Now(), Offset: 6, Limit: 3})
	if total != 7 || titles(posts) != "Post A" {
		t.Errorf("last page: total %d, %s", total, titles(posts))
	}
	posts, total, _ = s.ListPosts(ctx, blog.ListQuery{Now: clock.Now(), Offset: 30, Limit: 3})
	if total != 7 || len(posts) != 0 {
		t.Errorf("past the end: total %d, %d posts", total, len(posts))
	}
	posts, total, _ = s.ListPosts(ctx, blog.ListQuery{Now: clock.Now(), TagSlug: "even", Limit: 10})
	if total != 4 || titles(posts) != "Post G,Post E,Post C,Post A" {
		t.Errorf("tag: total %d, %s", total, titles(posts))
	}
	for _, p := range posts {
		if len(p.Tags) != 2 {
			t.Errorf("%s: tags not loaded: %+v", p.Title, p.Tags)
		}
	}
	posts, _, _ = s.ListPosts(ctx, blog.ListQuery{Now: clock.Now(), From: t0.Add(-3 * 24 * time.Hour), To: t0.Add(-24 * time.Hour), Limit: 10})
	if titles(posts) != "Post F,Post E" { // [From, To): G is at To
		t.Errorf("range: %s", titles(posts))
	}
}

func titles(posts []*blog.Post) string {
	var s string
	for i, p := range posts {
		if i > 0 {
			s += ","
		}
		s += p.Title
	}
	return s
}

func testNeighbours(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	a := save(t, svc, published("A", t0.Add(-3*time.Hour)))
	b := save(t, svc, published("B", t0.Add(-2*time.Hour)))
	c := save(t, svc, published("C", t0.Add(-time.Hour)))
	save(t, svc, &blog.Post{Title: "D", Body: "x", Status: blog.StatusScheduled, PublishedAt: t0.Add(time.Hour)})
	older, newer, err := s.Neighbours(ctx, b, clock.Now())
	if err != nil || older == nil || newer == nil || older.ID != a.ID || newer.ID != c.ID {
		t.Fatalf("neighbours of B: %+v %+v %v", older, newer, err)
	}
	older, newer, _ = s.Neighbours(ctx, c, clock.Now())
	if older == nil || older.ID != b.ID || newer != nil {
		t.Errorf("neighbours of C (a scheduled post is not a neighbour yet): %+v %+v", older, newer)
	}
}

func testArchiveAndTags(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	save(t, svc, published("Jan", time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), "x"))
	save(t, svc, published("Feb", time.Date(2026, 2, 5, 0, 0, 0, 0, time.UTC), "x", "y"))
	save(t, svc, &blog.Post{Kind: blog.KindPage, Title: "About", Body: "me", Status: blog.StatusPublished})
	refs, err := s.Archive(ctx, clock.Now(), time.Time{}, time.Time{})
	if err != nil || len(refs) != 2 || refs[0].Title != "Feb" {
		t.Fatalf("archive: %+v %v", refs, err)
	}
	refs, _ = s.Archive(ctx, clock.Now(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	if len(refs) != 1 || refs[0].Title != "Jan" {
		t.Errorf("January: %+v", refs)
	}
	pages, _ := s.Pages(ctx, clock.Now())
	if len(pages) != 1 || pages[0].Path != "/about/" {
		t.Errorf("pages: %+v", pages)
	}
	tags, _ := s.Tags(ctx, clock.Now())
	if len(tags) != 2 || tags[0].Slug != "x" || tags[0].Count != 2 || tags[1].Count != 1 {
		t.Errorf("tags: %+v", tags)
	}
	tag, err := s.TagBySlug(ctx, "y", clock.Now())
	if err != nil || tag.Name != "y" {
		t.Errorf("tag y: %+v %v", tag, err)
	}
}

func testRedirects(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	if err := s.AddRedirect(ctx, "/old/", "/new/"); err != nil {
		t.Fatal(err)
	}
	if to, err := s.Redirect(ctx, "/old/"); err != nil || to != "/new/" {
		t.Errorf("redirect: %q %v", to, err)
	}
	if err := s.AddRedirect(ctx, "/old/", "/newer/"); err != nil {
		t.Fatal(err)
	}
	if to, _ := s.Redirect(ctx, "/old/"); to != "/newer/" {
		t.Errorf("redirect not replaced: %q", to)
	}
	// A path matches exactly: no trailing-slash or case folding here (the
	// renderer decides about "/old" → "/old/").
	for _, p := range []string{"/old", "/OLD/", "/old/x/"} {
		if _, err := s.Redirect(ctx, p); !blog.IsNotFound(err) {
			t.Errorf("Redirect(%q): want ENOTFOUND, got %v", p, err)
		}
	}
	if err := s.AddRedirect(ctx, "/2019/05/café-crème/", "/2026/03/café-crème/"); err != nil {
		t.Fatal(err)
	}
	if to, err := s.Redirect(ctx, "/2019/05/café-crème/"); err != nil || to != "/2026/03/café-crème/" {
		t.Errorf("unicode redirect: %q %v", to, err)
	}
}

func testSettings(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	st, err := s.Settings(ctx)
	if err != nil || st.PostsPerPage != 10 || st.Permalink != "/:year/:month/:slug/" {
		t.Fatalf("defaults: %+v %v", st, err)
	}
	st.Title = "Changed"
	st.Menu = []blog.MenuItem{{Label: "Home", URL: "/"}}
	if err := s.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Settings(ctx)
	if got.Title != "Changed" || len(got.Menu) != 1 {
		t.Errorf("settings: %+v", got)
	}
	st.PostsPerPage = 0
	if err := s.SaveSettings(ctx, st); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("want EINVALID for 0 posts per page, got %v", err)
	}
}

func testSeeded(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	if done, err := s.Seeded(ctx); err != nil || done {
		t.Fatalf("new store seeded: %v %v", done, err)
	}
	if err := s.MarkSeeded(ctx); err != nil {
		t.Fatal(err)
	}
	if done, _ := s.Seeded(ctx); !done {
		t.Error("MarkSeeded not kept")
	}
}

func testNotFound(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	_, err := s.PostByID(ctx, "0190d3c4-0000-7000-8000-000000000000")
	var be *blog.Error
	if !errors.As(err, &be) || be.Code != blog.ENOTFOUND {
		t.Errorf("PostByID: %v", err)
	}
	if _, err := s.TagBySlug(ctx, "none", clock.Now()); !blog.IsNotFound(err) {
		t.Errorf("TagBySlug: %v", err)
	}
	if _, err := s.Redirect(ctx, "/none/"); !blog.IsNotFound(err) {
		t.Errorf("Redirect: %v", err)
	}
}

func testRerenderStale(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	p := save(t, svc, published("Stale", t0.Add(-time.Hour)))
	p.Rendered = blog.Rendered{HTML: "<p>old</p>", Version: markdown.Version - 1}
	updated := p.UpdatedAt
	if err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	n, err := svc.RerenderStale(ctx)
	if err != nil || n != 1 {
		t.Fatalf("RerenderStale: %d %v", n, err)
	}
	got, _ := s.PostByID(ctx, p.ID)
	if got.Rendered.Version != markdown.Version || got.Rendered.HTML != "<p>Body of Stale.</p>\n" || !got.UpdatedAt.Equal(updated.Truncate(time.Millisecond)) {
		t.Errorf("after re-render: %+v, updated %v", got.Rendered, got.UpdatedAt)
	}
	if n, _ := svc.RerenderStale(ctx); n != 0 {
		t.Errorf("second run rendered %d", n)
	}
}

// testTagUpdated checks Tag.Updated: the latest publication or edit among a
// tag's visible posts, to the millisecond, ignoring posts not visible yet.
func testTagUpdated(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	ms := func(d time.Duration) time.Time { return t0.Add(d).Add(123456 * time.Nanosecond) } // sub-ms part dropped
	// Published ten days ago, edited five days ago: the edit is later.
	clock.T = ms(-5 * 24 * time.Hour)
	save(t, svc, published("Edited", ms(-10*24*time.Hour), "edited", "both"))
	// Saved three days ago for publication two days ago: publication is later.
	clock.T = ms(-3 * 24 * time.Hour)
	save(t, svc, published("Later", ms(-2*24*time.Hour), "later", "both"))
	// Scheduled after now: not visible, not counted.
	clock.T = t0
	save(t, svc, &blog.Post{Title: "Future", Body: "x", Status: blog.StatusScheduled, PublishedAt: t0.Add(time.Hour),
		Tags: []blog.Tag{{Name: "both"}, {Name: "later"}}})
	tags, err := s.Tags(ctx, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		count   int
		updated time.Time
	}{
		"both":   {2, ms(-2 * 24 * time.Hour)},
		"edited": {1, ms(-5 * 24 * time.Hour)},
		"later":  {1, ms(-2 * 24 * time.Hour)},
	}
	if len(tags) != len(want) {
		t.Fatalf("tags: %+v", tags)
	}
	for _, tg := range tags {
		w := want[tg.Slug]
		if tg.Count != w.count || !tg.Updated.Equal(w.updated.Truncate(time.Millisecond)) || tg.Updated.Location() != time.UTC {
			t.Errorf("tag %s: count %d updated %v, want %d %v (UTC)", tg.Slug, tg.Count, tg.Updated, w.count, w.updated.Truncate(time.Millisecond))
		}
	}
}

// testTagUpsertKeepsName checks that a tag is found by slug on a later
// save: the first spelling of its name stays.
func testTagUpsertKeepsName(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	a := save(t, svc, published("A", t0.Add(-2*time.Hour), "Go"))
	b := save(t, svc, published("B", t0.Add(-time.Hour), "GO"))
	if a.Tags[0].ID != b.Tags[0].ID || b.Tags[0].Name != "Go" {
		t.Errorf("tag GO after Go: %+v, %+v", a.Tags, b.Tags)
	}
	tags, _ := s.Tags(ctx, clock.Now())
	if len(tags) != 1 || tags[0].Name != "Go" || tags[0].Count != 2 {
		t.Errorf("tags: %+v", tags)
	}
}

// testUnicodeSlugs checks that non-ASCII slugs, paths and tags are stored
// and found byte for byte, and clash like ASCII ones.
func testUnicodeSlugs(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	a := save(t, svc, published("Café à Zürich", t0.Add(-2*time.Hour), "Ünïcode", "日本語"))
	b := save(t, svc, published("café à zürich", t0.Add(-time.Hour)))
	if a.Path != "/2026/03/café-à-zürich/" || b.Path != "/2026/03/café-à-zürich-2/" {
		t.Errorf("paths %q %q", a.Path, b.Path)
	}
	got, err := s.PostByPath(ctx, a.Path, clock.Now())
	if err != nil || got.ID != a.ID || got.Title != "Café à Zürich" {
		t.Fatalf("PostByPath(%q): %+v %v", a.Path, got, err)
	}
	if len(got.Tags) != 2 || got.Tags[0].Slug != "ünïcode" || got.Tags[1].Slug != "日本語" {
		t.Errorf("tags: %+v", got.Tags)
	}
	// NFD spelling of the same path is another path: stored bytes match exactly.
	if _, err := s.PostByPath(ctx, "/2026/03/cafe\u0301-à-zürich/", clock.Now()); !blog.IsNotFound(err) {
		t.Errorf("NFD path: want ENOTFOUND, got %v", err)
	}
	tag, err := s.TagBySlug(ctx, "日本語", clock.Now())
	if err != nil || tag.Name != "日本語" {
		t.Errorf("TagBySlug: %+v %v", tag, err)
	}
	posts, total, err := s.ListPosts(ctx, blog.ListQuery{Now: clock.Now(), TagSlug: "ünïcode", Limit: 10})
	if err != nil || total != 1 || posts[0].ID != a.ID {
		t.Errorf("ListPosts by unicode tag: %d %v", total, err)
	}
}

// testOrderingTies checks that posts published at the same millisecond
// have one order everywhere: the later id (UUIDv7: the later created)
// first, and that neighbours and pages step through ties one by one.
func testOrderingTies(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	at := t0.Add(-time.Hour)
	var ps []*blog.Post
	for _, title := range []string{"Tie one", "Tie two", "Tie three"} {
		ps = append(ps, save(t, svc, published(title, at)))
	}
	pinned := published("Pinned old", at.Add(-time.Hour))
	pinned.Pinned = true
	save(t, svc, pinned)
	if !(ps[0].ID < ps[1].ID && ps[1].ID < ps[2].ID) {
		t.Fatalf("ids not increasing: %s %s %s", ps[0].ID, ps[1].ID, ps[2].ID)
	}
	posts, total, err := s.ListPosts(ctx, blog.ListQuery{Now: clock.Now(), Limit: 10})
	if err != nil || total != 4 || titles(posts) != "Tie three,Tie two,Tie one,Pinned old" {
		t.Errorf("newest first, ties by id: %s (%d) %v", titles(posts), total, err)
	}
	posts, _, _ = s.ListPosts(ctx, blog.ListQuery{Now: clock.Now(), PinnedFirst: true, Limit: 10})
	if titles(posts) != "Pinned old,Tie three,Tie two,Tie one" {
		t.Errorf("pinned first: %s", titles(posts))
	}
	var paged []string
	for off := 0; off < 4; off++ {
		posts, _, _ := s.ListPosts(ctx, blog.ListQuery{Now: clock.Now(), PinnedFirst: true, Offset: off, Limit: 1})
		paged = append(paged, titles(posts))
	}
	if strings.Join(paged, ",") != "Pinned old,Tie three,Tie two,Tie one" {
		t.Errorf("one a page: %v", paged)
	}
	older, newer, err := s.Neighbours(ctx, ps[1], clock.Now())
	if err != nil || older == nil || newer == nil || older.ID != ps[0].ID || newer.ID != ps[2].ID {
		t.Errorf("neighbours of the middle tie: %+v %+v %v", older, newer, err)
	}
	older, newer, _ = s.Neighbours(ctx, ps[0], clock.Now())
	if older == nil || older.Title != "Pinned old" || newer == nil || newer.ID != ps[1].ID {
		t.Errorf("neighbours of the first tie: %+v %+v", older, newer)
	}
	refs, _ := s.Archive(ctx, clock.Now(), time.Time{}, time.Time{})
	if len(refs) != 4 || refs[0].ID != ps[2].ID || refs[2].ID != ps[0].ID {
		t.Errorf("archive: %+v", refs)
	}
	// Limit 0 means no limit.
	if posts, total, _ := s.ListPosts(ctx, blog.ListQuery{Now: clock.Now()}); len(posts) != 4 || total != 4 {
		t.Errorf("no limit: %d posts, total %d", len(posts), total)
	}
}

// testByteOrder checks that text sorts by its bytes (as SQLite compares),
// whatever the database's locale: upper case before lower case before
// accented letters.
func testByteOrder(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	save(t, svc, published("One", t0.Add(-time.Hour), "apple", "Zebra", "Äpfel", "banana"))
	tags, err := s.Tags(ctx, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tg := range tags {
		names = append(names, tg.Name)
	}
	if strings.Join(names, ",") != "Zebra,apple,banana,Äpfel" {
		t.Errorf("tags by name: %v", names)
	}
	for _, title := range []string{"b page", "B page", "a page", "Å page"} {
		save(t, svc, &blog.Post{Kind: blog.KindPage, Title: title, Body: "x", Status: blog.StatusPublished})
	}
	pages, _ := s.Pages(ctx, clock.Now())
	var got []string
	for _, p := range pages {
		got = append(got, p.Title)
	}
	if strings.Join(got, ",") != "B page,a page,b page,Å page" {
		t.Errorf("pages by title: %v", got)
	}
}

// testTimes checks that times come back equal to the millisecond, in UTC,
// for dates before 1970 and far ahead too.
func testTimes(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	for _, at := range []time.Time{
		time.Date(1969, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(1901, 1, 1, 0, 0, 0, 1_000_000, time.FixedZone("X", 5*3600)),
		t0.Add(-1500 * time.Microsecond),
	} {
		p := save(t, svc, published("At "+at.String(), at))
		got, err := s.PostByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.PublishedAt.Equal(at.Truncate(time.Millisecond)) || got.PublishedAt.Location() != time.UTC ||
			!got.CreatedAt.Equal(p.CreatedAt.Truncate(time.Millisecond)) || !got.UpdatedAt.Equal(clock.Now().Truncate(time.Millisecond)) {
			t.Errorf("%v: read back published %v created %v updated %v", at, got.PublishedAt, got.CreatedAt, got.UpdatedAt)
		}
	}
	refs, _ := s.Archive(ctx, clock.Now(), time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(refs) != 1 || refs[0].PublishedAt.Year() != 1969 {
		t.Errorf("archive of 1969: %+v", refs)
	}
	draft := save(t, svc, &blog.Post{Title: "Undated draft", Body: "x"})
	got, _ := s.PostByID(ctx, draft.ID)
	if !got.PublishedAt.IsZero() || got.Path != "" {
		t.Errorf("a draft without a date reads back %v %q", got.PublishedAt, got.Path)
	}
}

// testVisibleBoundary checks that a post is visible from its publication
// time on, to the millisecond.
func testVisibleBoundary(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	p := save(t, svc, &blog.Post{Title: "On the dot", Body: "x", Status: blog.StatusScheduled, PublishedAt: t0.Add(time.Hour)})
	if _, err := s.PostByPath(ctx, p.Path, t0.Add(time.Hour-time.Millisecond)); !blog.IsNotFound(err) {
		t.Errorf("a millisecond early: %v", err)
	}
	if _, err := s.PostByPath(ctx, p.Path, t0.Add(time.Hour)); err != nil {
		t.Errorf("on time: %v", err)
	}
}

// testConcurrentSaves checks that posts saved at the same time with the
// same title all get a path of their own (a unique path, never an error).
func testConcurrentSaves(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	posts := make([]*blog.Post, n)
	for i := range n {
		posts[i] = published("Race", t0.Add(-time.Hour), "race")
		wg.Go(func() { errs[i] = svc.Save(context.Background(), posts[i]) })
	}
	wg.Wait()
	paths := map[string]bool{}
	for i, p := range posts {
		if errs[i] != nil {
			t.Errorf("save %d: %v", i, errs[i])
			continue
		}
		paths[p.Path] = true
	}
	for i := 1; i <= n; i++ {
		want := "/2026/03/race/"
		if i > 1 {
			want = fmt.Sprintf("/2026/03/race-%d/", i)
		}
		if !paths[want] {
			t.Errorf("no post at %s; paths: %v", want, paths)
		}
	}
	_, total, err := s.ListPosts(context.Background(), blog.ListQuery{Now: clock.Now(), TagSlug: "race"})
	if err != nil || total != n {
		t.Errorf("tag race: %d posts, want %d (%v)", total, n, err)
	}
}

// testDuplicateUser checks that a taken username is a conflict.
func testDuplicateUser(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	if err := s.CreateUser(ctx, &blog.User{Username: "ada", DisplayName: "Ada", Role: blog.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	err := s.CreateUser(ctx, &blog.User{Username: "ada", DisplayName: "Other", Role: blog.RoleAuthor})
	if blog.ErrorCode(err) != blog.ECONFLICT {
		t.Errorf("second ada: want ECONFLICT, got %v", err)
	}
}

func testPublishDue(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	a := save(t, svc, &blog.Post{Title: "Soon", Body: "x", Status: blog.StatusScheduled, PublishedAt: t0.Add(time.Minute), Tags: []blog.Tag{{Name: "later"}}})
	save(t, svc, &blog.Post{Title: "Later", Body: "x", Status: blog.StatusScheduled, PublishedAt: t0.Add(time.Hour)})
	if next, ok, err := s.NextDue(ctx); err != nil || !ok || !next.Equal(t0.Add(time.Minute)) {
		t.Fatalf("NextDue: %v %v %v", next, ok, err)
	}
	if posts, err := s.PublishDue(ctx, t0); err != nil || len(posts) != 0 {
		t.Fatalf("nothing is due yet: %d %v", len(posts), err)
	}
	posts, err := s.PublishDue(ctx, t0.Add(2*time.Minute))
	if err != nil || len(posts) != 1 || posts[0].ID != a.ID || posts[0].Status != blog.StatusPublished || len(posts[0].Tags) != 1 {
		t.Fatalf("PublishDue: %+v %v", posts, err)
	}
	if posts, _ := s.PublishDue(ctx, t0.Add(2*time.Minute)); len(posts) != 0 {
		t.Errorf("a post was published twice")
	}
	got, _ := s.PostByID(ctx, a.ID)
	if got.Status != blog.StatusPublished {
		t.Errorf("status %s after PublishDue", got.Status)
	}
	if next, ok, _ := s.NextDue(ctx); !ok || !next.Equal(t0.Add(time.Hour)) {
		t.Errorf("next due %v %v", next, ok)
	}
}
