package render_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/web"
)

// baseURL is the base URL of every fixture's renderer.
const baseURL = "https://blog.example.org"

// feedFixture is a small blog made for the feed, sitemap and metadata
// tests: three visible posts, one scheduled a day after fixtureNow, and a
// page, by an author with a display name.
type feedFixture struct {
	*fixture
	posts map[string]*blog.Post // by short name: links, second, tricky, future, about
}

// The times of the feed fixture's content.
var (
	linksAt  = fixtureNow.Add(-72 * time.Hour)
	secondAt = fixtureNow.Add(-48 * time.Hour)
	trickyAt = fixtureNow.Add(-24 * time.Hour)
	futureAt = fixtureNow.Add(24 * time.Hour)
)

// linksBody has every kind of URL that feed content must make absolute,
// and some it must keep.
const linksBody = `Intro with [the docs](/docs/), an ![image](/media/x.png), a [sibling](other/),
a [fragment](#details), [mail](mailto:ada@example.org) and [elsewhere](https://elsewhere.example/x?a=1&b=2).

<!--more-->

<img src="/media/y.png" srcset="/media/y.png 1x, /media/y@2x.png 2x" alt="y">

## Details

More text, then a protocol-relative <a href="//cdn.example/z.js">script</a>.
`

func newFeedFixture(t testing.TB) *feedFixture {
	t.Helper()
	f := &feedFixture{fixture: newFixture(t, false, 10), posts: map[string]*blog.Post{}}
	ctx := context.Background()
	author := &blog.User{Username: "grace", DisplayName: "Grace Hopper", Role: blog.RoleAuthor}
	if err := f.store.CreateUser(ctx, author); err != nil {
		t.Fatal(err)
	}
	st, err := f.store.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.Title, st.Description = "Feed Test Blog", "A blog for testing feeds."
	if err := f.store.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	save := func(name string, savedAt time.Time, p *blog.Post) {
		t.Helper()
		f.clock.T = savedAt
		p.AuthorID = author.ID
		if err := f.svc.Save(ctx, p); err != nil {
			t.Fatalf("saving %s: %v", name, err)
		}
		f.posts[name] = p
	}
	save("links", linksAt, &blog.Post{Title: "Relative links", Body: linksBody, Status: blog.StatusPublished,
		PublishedAt: linksAt, Description: "A post whose links are relative.",
		Tags: []blog.Tag{{Name: "Go"}, {Name: "Feeds"}}})
	save("second", secondAt, &blog.Post{Title: "Second post", Status: blog.StatusPublished, PublishedAt: secondAt,
		Body: "The second post, tagged Go.\n\nIts second paragraph.", Tags: []blog.Tag{{Name: "Go"}}})
	save("tricky", trickyAt, &blog.Post{Title: `Crème brûlée </script><script>alert("x")</script> & <b>more</b>`,
		Slug: "crème-brûlée", Status: blog.StatusPublished, PublishedAt: trickyAt,
		Body: "Text with a control character \x0b and <em>markup</em> & an ampersand.", Tags: []blog.Tag{{Name: "Crème"}}})
	save("future", fixtureNow.Add(-time.Hour), &blog.Post{Title: "From the future", Status: blog.StatusScheduled,
		PublishedAt: futureAt, Body: "Not yet.", Tags: []blog.Tag{{Name: "Go"}, {Name: "Future"}}})
	save("about", linksAt, &blog.Post{Kind: blog.KindPage, Title: "About", Slug: "about", Status: blog.StatusPublished,
		PublishedAt: linksAt, Body: "About this blog."})
	f.clock.T = fixtureNow
	return f
}

// serve serves the fixture's renderer through the web layer (page cache
// included) and returns the server's URL.
func (f *fixture) serve(t testing.TB) string {
	t.Helper()
	srv := web.New(web.Options{Renderer: f.renderer, Cache: web.NewCache(32 << 20), DB: f.store,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}
