package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"octavo/internal/blog"
)

// TestEditorFeaturedImage sets a post's featured image from the editor's
// list and by address, clears it, and refuses a file the library does not
// have (or an address that is none) with a message, saving nothing.
func TestEditorFeaturedImage(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("editor-user", adminPassword)
	hashOf := func(name string, w, h int) string {
		t.Helper()
		status, up := c.uploadJSON(name, testPNG(t, w, h))
		if status != 200 {
			t.Fatalf("upload %s: %d %+v", name, status, up)
		}
		return strings.TrimSuffix(up.Files[0].Name, ".png")
	}
	cover, other := hashOf("cover.png", 800, 400), hashOf("other.png", 300, 200)
	unknown := strings.Repeat("ab", 16)

	p := c.create("/admin/posts", postForm("With a cover", "Text.", blog.StatusPublished, "featured", cover))
	if p.Featured == nil || p.Featured.Hash != cover || p.Featured.Width != 800 {
		t.Fatalf("featured image after creating: %+v", p.Featured)
	}
	_, page := c.get("/admin/posts/" + p.ID)
	for _, want := range []string{
		`<input type="radio" id="featured-` + cover + `" name="featured" value="` + cover + `" checked>`,
		`<input type="radio" id="featured-` + other + `" name="featured" value="` + other + `">`,
		`<input type="radio" id="featured-none" name="featured" value="">`,
		`cover.png, 800×400 <span class="badge">now</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("editor lacks %s", want)
		}
	}
	if _, pub := c.get(p.Path); !strings.Contains(pub, `<img class="featured u-featured" src="/media/`+cover+`.png"`) {
		t.Errorf("the published post does not show its featured image")
	}

	edit := func(version int, extra ...string) (*http.Response, string) {
		t.Helper()
		f := postForm("With a cover", "Text.", blog.StatusPublished, append([]string{"version", itoa(int64(version)),
			"publish_at", p.PublishedAt.Format("2006-01-02T15:04")}, extra...)...)
		return c.post("/admin/posts/"+p.ID, f)
	}
	for _, tc := range []struct {
		name  string
		extra []string
		want  string // the stored hash afterwards, "" for none
	}{
		{"by address, a copy's full URL", []string{"featured", cover, "featured_url", " https://example.test/media/" + other + "-480.png?x=1 "}, other},
		{"from the list", []string{"featured", cover}, cover},
		{"the form without the field keeps it", nil, cover},
		{"cleared", []string{"featured", ""}, ""},
		{"by file name", []string{"featured_url", cover + ".png"}, cover},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := b.stored(t, p.ID).Version
			if res, page := edit(v, tc.extra...); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%d\n%.1500s", res.StatusCode, page)
			}
			got := b.stored(t, p.ID)
			if (got.Featured == nil) != (tc.want == "") || (got.Featured != nil && got.Featured.Hash != tc.want) || got.Version != v+1 {
				t.Errorf("stored %+v v%d, want %q v%d", got.Featured, got.Version, tc.want, v+1)
			}
		})
	}

	// Refusals: a 400 with the message, the form again with what was
	// typed, nothing saved.
	for _, tc := range []struct {
		name  string
		extra []string
		want  string
	}{
		{"a hash the library does not have", []string{"featured", unknown},
			"Featured image: the media library has no file " + unknown + " (it was deleted, or never uploaded here). Nothing was saved."},
		{"an address of no library file", []string{"featured_url", "/media/" + unknown + ".jpg"}, "Featured image: the media library has no file " + unknown},
		{"an address that is not a library image", []string{"featured_url", "https://example.org/images/cat.png"},
			`Featured image: "https://example.org/images/cat.png" is not the address of a library image`},
		{"a choice that is no hash", []string{"featured", "../../etc/passwd"}, `Featured image: "../../etc/passwd" is not a file of the media library`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := b.stored(t, p.ID)
			res, page := edit(before.Version, tc.extra...)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(page), tc.want) || !strings.Contains(page, `<p class="error" role="alert">`) {
				t.Errorf("%d, want 400 with %q\n%.2000s", res.StatusCode, tc.want, page)
			}
			if tc.extra[0] == "featured_url" && !strings.Contains(page, `value="`+html.EscapeString(tc.extra[1])+`"`) {
				t.Errorf("the typed address is not shown again")
			}
			after := b.stored(t, p.ID)
			if after.Version != before.Version || (after.Featured == nil) != (before.Featured == nil) {
				t.Errorf("saved: v%d → v%d, featured %+v → %+v", before.Version, after.Version, before.Featured, after.Featured)
			}
		})
	}
	// An autosave is refused the same way (JSON).
	draft := c.create("/admin/posts", postForm("A draft", "Draft text.", blog.StatusDraft))
	res, body := c.send("/admin/autosave", url.Values{"post_id": {draft.ID}, "version": {"1"}, "title": {"A draft"}, "body": {"changed"}, "featured": {unknown}}, c.csrf)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "the media library has no file "+unknown) || b.stored(t, draft.ID).Version != 1 {
		t.Errorf("autosave with an unknown featured image: %d %s", res.StatusCode, body)
	}

	// An author is offered their own uploads only (and the no-JavaScript
	// upload page, since the library is the editors').
	author := b.client(t)
	author.login("author-user", adminPassword)
	mine := strings.TrimSuffix(func() string { _, up := author.uploadJSON("mine.png", testPNG(t, 64, 48)); return up.Files[0].Name }(), ".png")
	_, page = author.get("/admin/posts/new")
	if !strings.Contains(page, `value="`+mine+`"`) || strings.Contains(page, `value="`+cover+`"`) || !strings.Contains(page, `<a href="/admin/media/upload">`) {
		t.Errorf("an author's editor offers:\n%s", page)
	}
	res, page = author.get("/admin/media/upload")
	if res.StatusCode != 200 || !strings.Contains(page, `<form method="post" action="/admin/media" enctype="multipart/form-data">`) {
		t.Errorf("the upload page: %d\n%s", res.StatusCode, page)
	}
}

// TestEditorImagesPreview: the editor has the image button and its status
// line; the live preview of an uploaded image has its srcset and size,
// and the admin's CSP lets the page load it.
func TestEditorImagesPreview(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("contributor-user", adminPassword)
	res, page := c.get("/admin/posts/new")
	for _, want := range []string{
		`<button type="button" class="small secondary" data-media-upload="body" aria-describedby="media-hint" hidden>Insert image</button>`,
		`<p id="media-status" class="media-status" role="status" aria-live="polite"></p>`,
		`Upload without JavaScript: <a href="/admin/media/upload">the media library</a> gives you the Markdown to paste.`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the editor lacks %s", want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self'") {
		t.Errorf("CSP %q does not allow the blog's images", csp)
	}
	_, up := c.uploadJSON("diagram.png", testPNG(t, 1000, 500))
	f := up.Files[0]
	h := strings.TrimSuffix(f.URL, ".png")
	_, preview := c.send("/admin/preview", url.Values{"body": {"See:\n\n![A diagram](" + f.URL + ")"}}, c.csrf)
	want := `<img src="` + f.URL + `" alt="A diagram" srcset="` + h + `-480.png 480w, ` + h + `-960.png 960w, ` + f.URL + ` 1000w" sizes="` +
		blog.ImageSizes + `" width="1000" height="500" loading="eager" decoding="async">`
	if !strings.Contains(preview, want) {
		t.Errorf("preview: want\n%s\nin\n%s", want, preview)
	}
}

// TestEditorFeaturedChoicesBounded: with a library larger than the list,
// the editor offers the newest twelve files and, first, the post's own
// image wherever it is in the library.
func TestEditorFeaturedChoicesBounded(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("editor-user", adminPassword)
	var hashes []string
	for i := range 15 {
		status, up := c.uploadJSON(fmt.Sprintf("img-%02d.png", i), testPNG(t, 40+i, 30))
		if status != 200 {
			t.Fatalf("upload %d: %d %+v", i, status, up)
		}
		hashes = append(hashes, strings.TrimSuffix(up.Files[0].Name, ".png"))
	}
	recent, err := b.store.RecentMedia(context.Background(), 0, 15)
	if err != nil || len(recent) != 15 {
		t.Fatalf("RecentMedia: %v, %d files", err, len(recent))
	}
	oldest := recent[14].Hash
	p := c.create("/admin/posts", postForm("Oldest cover", "Text.", blog.StatusPublished, "featured", oldest))
	_, page := c.get("/admin/posts/" + p.ID)
	if got := strings.Count(page, `name="featured" value="`); got != 1+1+12 {
		t.Errorf("%d featured choices, want none + the post's + 12", got)
	}
	first := strings.Index(page, `name="featured" value="`+oldest+`" checked>`)
	if first < 0 || first > strings.Index(page, `name="featured" value="`+recent[0].Hash+`"`) {
		t.Errorf("the post's own image is not offered first (at %d)", first)
	}
	if strings.Contains(page, `value="`+recent[13].Hash+`"`) {
		t.Errorf("the 14th newest file is offered")
	}
}
