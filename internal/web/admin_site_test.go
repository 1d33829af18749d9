package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// settingsForm is a valid settings form: the test blog's settings.
func settingsForm(t *testing.T, b *adminBlog) url.Values {
	t.Helper()
	st, err := b.store.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{
		"title": {st.Title}, "description": {st.Description}, "posts_per_page": {"10"}, "feed_length": {"20"},
		"permalink": {st.Permalink}, "time_zone": {st.TimeZone}, "language": {st.Language},
		"menu": {"About | /about/\nFeed | /feed.xml\n"},
	}
}

// TestAdminSettingsValidation sends one bad field at a time: 422, the
// field named with why, and nothing saved.
func TestAdminSettingsValidation(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("owner-user", adminPassword)
	before, _ := b.store.Settings(context.Background())
	for _, tt := range []struct {
		field, value string
		want         string // in the page
	}{
		{"title", "  ", `<a href="#title">Title</a>: must not be empty`},
		{"posts_per_page", "ten", `Posts per page</a>: &#34;ten&#34; is not a whole number`},
		{"posts_per_page", "0", "must be between 1 and 100, got 0"},
		{"feed_length", "5000", "must be between 1 and 1000, got 5000"},
		{"permalink", "/:year/:slug", "must start and end with / and contain :slug"},
		{"permalink", "/:year/:month/", "must start and end with / and contain :slug"},
		{"permalink", "/:year/:hour/:slug/", "unknown placeholder"},
		{"permalink", "/Blog/:slug/", "lower-case letters"},
		{"permalink", "/tag/:slug/", "starts with /tag/, which the site itself uses"},
		{"time_zone", "Mars/Olympus_Mons", "unknown time zone &#34;Mars/Olympus_Mons&#34;"},
		{"time_zone", "Local", "is not an IANA time zone name"},
		{"language", "english", "&#34;english&#34; is not a BCP 47 language tag"},
		{"language", "", "must not be empty"},
		{"menu", "About /about/", "line 1 (&#34;About /about/&#34;): write the label, a |, then the URL"},
		{"menu", "Home | /\nBad | javascript:alert(1)", "item 2 (&#34;Bad&#34;): &#34;javascript:alert(1)&#34; is neither a path of this site"},
		{"menu", " | /x/", "the label must not be empty"},
	} {
		t.Run(tt.field+"="+tt.value, func(t *testing.T) {
			form := settingsForm(t, b)
			form.Set(tt.field, tt.value)
			form.Set("title", form.Get("title")+" changed") // would be saved with the rest
			if tt.field == "title" {
				form.Set("title", tt.value)
			}
			res, page := c.post("/admin/settings", form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422\n%.400s", res.StatusCode, page)
			}
			if !strings.Contains(page, tt.want) || !strings.Contains(page, `aria-invalid="true"`) ||
				!strings.Contains(page, "The settings are not saved: 1 field to change.") {
				t.Errorf("page lacks %q:\n%s", tt.want, page)
			}
			after, _ := b.store.Settings(context.Background())
			if after.Title != before.Title || after.Permalink != before.Permalink || after.Language != before.Language {
				t.Errorf("a refused form saved something: %+v", after)
			}
		})
	}
	// Two bad fields: both are named.
	form := settingsForm(t, b)
	form.Set("feed_length", "-1")
	form.Set("language", "??")
	res, page := c.post("/admin/settings", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "2 fields to change") ||
		!strings.Contains(page, `href="#feed_length"`) || !strings.Contains(page, `href="#language"`) {
		t.Errorf("two bad fields: %d\n%s", res.StatusCode, page)
	}
}

// TestAdminSettingsPermalinkChange saves new settings: the posts move, the
// page says how many, and the old post URL answers 301 through the public
// site.
func TestAdminSettingsPermalinkChange(t *testing.T) {
	b := newAdminBlog(t)
	p := b.publish("A", "Moving day", testNow.Add(-48*time.Hour), "go")
	b.publish("B", "Staying put", testNow.Add(-24*time.Hour))
	old := p.Path
	b.get(old, http.StatusOK) // cached now
	c := b.client(t)
	c.login("owner-user", adminPassword)
	res, page := c.get("/admin/settings")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `value="/:year/:month/:slug/"`) ||
		!strings.Contains(page, `aria-current="page">Settings`) || !strings.Contains(page, "<code>:day</code>") {
		t.Fatalf("settings page: %d\n%s", res.StatusCode, page)
	}
	form := settingsForm(t, b)
	form.Set("title", "A New Title")
	form.Set("permalink", "/posts/:slug/")
	form.Set("language", "fr-ca")
	form.Set("time_zone", "Europe/Paris")
	form.Set("menu", "Accueil | /\r\n\r\nÀ propos | /about/\r\nCode | https://code.example.org/\r\n")
	res, _ = c.post("/admin/settings", form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/settings?done=settings&moved=2" {
		t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, page = c.get(res.Header.Get("Location"))
	if !strings.Contains(page, "The settings are saved.") || !strings.Contains(page, "2 posts moved to their new addresses") ||
		!strings.Contains(page, `value="/posts/:slug/"`) || !strings.Contains(page, "<code>/posts/hello-world/</code>") {
		t.Errorf("after saving:\n%s", page)
	}
	st, _ := b.store.Settings(context.Background())
	want := []blog.MenuItem{{Label: "Accueil", URL: "/"}, {Label: "À propos", URL: "/about/"}, {Label: "Code", URL: "https://code.example.org/"}}
	if st.Title != "A New Title" || st.Language != "fr-CA" || st.TimeZone != "Europe/Paris" || st.PostsPerPage != 10 ||
		len(st.Menu) != len(want) || st.Menu[0] != want[0] || st.Menu[1] != want[1] || st.Menu[2] != want[2] {
		t.Errorf("stored: %+v", st)
	}
	res, _ = b.get(old, http.StatusMovedPermanently)
	if res.Header.Get("Location") != "/posts/moving-day/" {
		t.Errorf("old URL → %q", res.Header.Get("Location"))
	}
	_, body := b.get("/posts/moving-day/", http.StatusOK)
	if !strings.Contains(string(body), `lang="fr-CA"`) || !strings.Contains(string(body), "A New Title") || !strings.Contains(string(body), "À propos") {
		t.Errorf("the post page does not show the new settings:\n%.600s", body)
	}
	// Saving again without a pattern change moves nothing.
	res, _ = c.post("/admin/settings", settingsForm(t, b))
	if res.Header.Get("Location") != "/admin/settings?done=settings&moved=0" {
		t.Errorf("second save: %s", res.Header.Get("Location"))
	}
	_, page = c.get("/admin/settings?done=settings&moved=0")
	if strings.Contains(page, "moved to") {
		t.Error("a save that moved nothing says posts moved")
	}
}

// TestAdminTags lists tags, renames one and merges two; the old tag URLs
// redirect through the public site.
func TestAdminTags(t *testing.T) {
	b := newAdminBlog(t)
	b.publish("A", "First", testNow.Add(-3*time.Hour), "golang", "Web")
	b.publish("B", "Second", testNow.Add(-2*time.Hour), "Go")
	b.save("D", &blog.Post{Title: "A draft", Body: "x", Tags: []blog.Tag{{Name: "Go"}}})
	b.get("/tag/web/", http.StatusOK)
	b.get("/tag/golang/", http.StatusOK)
	c := b.client(t)
	c.login("editor-user", adminPassword)
	res, page := c.get("/admin/tags")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `aria-current="page">Tags`) {
		t.Fatalf("tags page: %d\n%s", res.StatusCode, page)
	}
	for _, row := range []string{"<td>Go</td>\n<td><a href=\"/tag/go/\"><code>/tag/go/</code></a></td>\n<td>2</td>", "<td>golang</td>", "<td>Web</td>"} {
		if !strings.Contains(page, row) {
			t.Errorf("tags page lacks %q", row)
		}
	}

	// A rename.
	res, _ = c.post("/admin/tags/rename", url.Values{"slug": {"web"}, "name": {"Web development"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/tags?done=tag" {
		t.Fatalf("rename: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = b.get("/tag/web/", http.StatusMovedPermanently)
	if res.Header.Get("Location") != "/tag/web-development/" {
		t.Errorf("/tag/web/ → %q", res.Header.Get("Location"))
	}
	b.get("/tag/web-development/", http.StatusOK)
	res, _ = b.get("/tag/web/feed.xml", http.StatusMovedPermanently)
	if res.Header.Get("Location") != "/tag/web-development/feed.xml" {
		t.Errorf("/tag/web/feed.xml → %q", res.Header.Get("Location"))
	}

	// A merge asks first, and changes nothing until confirmed.
	res, page = c.post("/admin/tags/rename", url.Values{"slug": {"golang"}, "name": {"GO"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "merges the two") || !strings.Contains(page, `name="confirm" value="merge"`) {
		t.Fatalf("merge confirmation: %d\n%s", res.StatusCode, page)
	}
	b.get("/tag/golang/", http.StatusOK)
	res, _ = c.post("/admin/tags/rename", url.Values{"slug": {"golang"}, "name": {"GO"}, "confirm": {"merge"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/tags?done=merged" {
		t.Fatalf("merge: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = b.get("/tag/golang/", http.StatusMovedPermanently)
	if res.Header.Get("Location") != "/tag/go/" {
		t.Errorf("/tag/golang/ → %q", res.Header.Get("Location"))
	}
	_, body := b.get("/tag/go/", http.StatusOK)
	if !strings.Contains(string(body), "First") || !strings.Contains(string(body), "Second") {
		t.Errorf("the merged tag page lacks a post:\n%.800s", body)
	}
	_, page = c.get("/admin/tags?done=merged")
	if !strings.Contains(page, "The tags are merged") || strings.Contains(page, "<td>golang</td>") || !strings.Contains(page, "<td>GO</td>") {
		t.Errorf("tags page after the merge:\n%s", page)
	}

	// Refused renames: the page again, with why.
	for _, tt := range []struct {
		slug, name string
		status     int
		want       string
	}{
		{"go", "!!!", http.StatusUnprocessableEntity, "has no letter or digit"},
		{"go", strings.Repeat("x", 101), http.StatusUnprocessableEntity, "too long for a tag"},
		{"nope", "Anything", http.StatusNotFound, "No tag &#34;nope&#34;"},
	} {
		res, page := c.post("/admin/tags/rename", url.Values{"slug": {tt.slug}, "name": {tt.name}})
		if res.StatusCode != tt.status || !strings.Contains(page, tt.want) {
			t.Errorf("rename %s to %q: %d, want %d with %q", tt.slug, tt.name, res.StatusCode, tt.status, tt.want)
		}
	}
	if tags, _ := b.store.AllTags(context.Background()); len(tags) != 2 {
		t.Errorf("tags after refused renames: %+v", tags)
	}
}

// TestAdminRedirects adds a redirect by hand, refuses bad ones, and
// removes hand-made and automatic ones (the latter after a confirmation);
// the public site follows every change.
func TestAdminRedirects(t *testing.T) {
	b := newAdminBlog(t)
	p := b.publish("A", "Target", testNow.Add(-time.Hour))
	oldPath := p.Path
	p.Slug = "target-renamed"
	b.save("A", p) // an automatic redirect
	c := b.client(t)
	c.login("editor-user", adminPassword)
	b.get("/old-home/", http.StatusNotFound)

	res, _ := c.post("/admin/redirects", url.Values{"from": {" /old-home/ "}, "to": {p.Path}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/redirects?done=redirect" {
		t.Fatalf("add: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = b.get("/old-home/", http.StatusMovedPermanently)
	if res.Header.Get("Location") != p.Path {
		t.Errorf("/old-home/ → %q", res.Header.Get("Location"))
	}
	// Percent-escapes are decoded: the site matches decoded paths.
	if res, _ := c.post("/admin/redirects", url.Values{"from": {"/caf%C3%A9/"}, "to": {"/about/"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("add an escaped path: %d", res.StatusCode)
	}
	res, _ = b.get("/caf%C3%A9/", http.StatusMovedPermanently)
	if res.Header.Get("Location") != "/about/" {
		t.Errorf("/café/ → %q", res.Header.Get("Location"))
	}

	_, page := c.get("/admin/redirects?done=redirect")
	for _, want := range []string{"The redirect is added.", "3 in all: 2 added by hand, 1 made automatically",
		"<td><code>/old-home/</code></td>\n<td><code>/2026/06/target-renamed/</code></td>",
		"<td><code>" + oldPath + "</code></td>", `aria-current="page">Redirects`} {
		if !strings.Contains(page, want) {
			t.Errorf("redirects page lacks %q:\n%s", want, page)
		}
	}

	// Refused: 422, why, and nothing saved.
	count := func() int { rs, _ := b.store.Redirects(context.Background()); return len(rs) }
	n := count()
	for _, tt := range []struct{ from, to, want string }{
		{"https://example.org/x/", "/about/", "leave out the scheme and host"},
		{"/x/", "//evil.example/", "two slashes"},
		{"/x/", "/x/", "would loop"},
		{"/x/", "/old-home/", "point straight at " + p.Path},
		{p.Path, "/about/", "is the address of &#34;Target&#34;"},
		{"", "/about/", "from: must not be empty"},
	} {
		res, page := c.post("/admin/redirects", url.Values{"from": {tt.from}, "to": {tt.to}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tt.want) {
			t.Errorf("add %q → %q: %d, want 422 with %q\n%.300s", tt.from, tt.to, res.StatusCode, tt.want, page)
		}
	}
	if count() != n {
		t.Errorf("refused redirects were saved: %d, want %d", count(), n)
	}

	// A hand-made redirect goes at once; the cached redirect goes with it.
	res, _ = c.post("/admin/redirects/delete", url.Values{"from": {"/old-home/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/redirects?done=removed" {
		t.Fatalf("remove: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	b.get("/old-home/", http.StatusNotFound)
	// An automatic one asks first.
	b.get(oldPath, http.StatusMovedPermanently)
	res, page = c.post("/admin/redirects/delete", url.Values{"from": {oldPath}})
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `name="confirm" value="remove"`) || !strings.Contains(page, "answers 404") {
		t.Fatalf("remove an automatic redirect: %d\n%s", res.StatusCode, page)
	}
	b.get(oldPath, http.StatusMovedPermanently)
	res, _ = c.post("/admin/redirects/delete", url.Values{"from": {oldPath}, "confirm": {"remove"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed removal: %d", res.StatusCode)
	}
	b.get(oldPath, http.StatusNotFound)
	if res, page := c.post("/admin/redirects/delete", url.Values{"from": {oldPath}}); res.StatusCode != http.StatusNotFound || !strings.Contains(page, "No redirect from") {
		t.Errorf("removing twice: %d", res.StatusCode)
	}
}

// TestAdminSiteCSRF sends the settings, tags and redirects forms without
// a valid token: 403, and nothing changes.
func TestAdminSiteCSRF(t *testing.T) {
	b := newAdminBlog(t)
	b.publish("A", "Tagged", testNow.Add(-time.Hour), "go")
	c := b.client(t)
	c.login("owner-user", adminPassword)
	ctx := context.Background()
	if err := b.store.AddRedirect(ctx, "/keep/", "/about/"); err != nil {
		t.Fatal(err)
	}
	sf := settingsForm(t, b)
	sf.Set("title", "Forged")
	for _, token := range []string{"", "AAAA" + c.csrf[4:]} {
		for path, form := range map[string]url.Values{
			"/admin/settings":         sf,
			"/admin/tags/rename":      {"slug": {"go"}, "name": {"Forged"}},
			"/admin/redirects":        {"from": {"/forged/"}, "to": {"/about/"}},
			"/admin/redirects/delete": {"from": {"/keep/"}, "confirm": {"remove"}},
		} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set(auth.CSRFField, token)
			if token == "" {
				f.Del(auth.CSRFField)
			}
			if res, _ := c.do("POST", path, f); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s with token %q: %d, want 403", path, token, res.StatusCode)
			}
		}
	}
	st, _ := b.store.Settings(ctx)
	tags, _ := b.store.AllTags(ctx)
	rs, _ := b.store.Redirects(ctx)
	if st.Title == "Forged" || len(tags) != 1 || tags[0].Name != "go" || len(rs) != 1 || rs[0].From != "/keep/" {
		t.Errorf("a forged form changed something: %q %+v %+v", st.Title, tags, rs)
	}
}

// TestAdminSiteNav checks who sees the Tags, Redirects and Settings
// entries.
func TestAdminSiteNav(t *testing.T) {
	b := newAdminBlog(t)
	for role, want := range map[blog.Role][3]bool{
		blog.RoleOwner:       {true, true, true},
		blog.RoleEditor:      {true, true, false},
		blog.RoleAuthor:      {false, false, false},
		blog.RoleContributor: {false, false, false},
	} {
		c := b.client(t)
		c.login(string(role)+"-user", adminPassword)
		_, page := c.get("/admin/")
		for i, href := range []string{`href="/admin/tags"`, `href="/admin/redirects"`, `href="/admin/settings"`} {
			if strings.Contains(page, href) != want[i] {
				t.Errorf("%s: nav link %s shown %v, want %v", role, href, !want[i], want[i])
			}
		}
	}
}

// TestAdminRedirectsPages splits a long list of redirects into pages.
func TestAdminRedirectsPages(t *testing.T) {
	b := newAdminBlog(t)
	ctx := context.Background()
	for i := range 201 {
		if err := b.store.AddRedirect(ctx, fmt.Sprintf("/old/%03d/", i), "/about/"); err != nil {
			t.Fatal(err)
		}
	}
	c := b.client(t)
	c.login("editor-user", adminPassword)
	for _, tt := range []struct {
		query     string
		rows      int
		want, not string
	}{
		{"", 200, `Page 1 of 2, by old path. <a href="/admin/redirects?page=2" rel="next">`, "/old/200/"},
		{"?page=2", 1, `Page 2 of 2, by old path. <a href="/admin/redirects?page=1" rel="prev">`, "/old/000/"},
		{"?page=99", 1, "Page 2 of 2", "rel=\"next\""},
		{"?page=x", 200, "Page 1 of 2", "rel=\"prev\""},
	} {
		_, page := c.get("/admin/redirects" + tt.query)
		if n := strings.Count(page, `action="/admin/redirects/delete"`); n != tt.rows || !strings.Contains(page, tt.want) ||
			strings.Contains(page, tt.not) || !strings.Contains(page, "201 in all: 201 added by hand") {
			t.Errorf("%s: %d rows, want %d with %q and without %q", tt.query, n, tt.rows, tt.want, tt.not)
		}
	}
}
