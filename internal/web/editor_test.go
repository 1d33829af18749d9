package web

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// The editor's pages, through the whole handler, as a browser without
// JavaScript sends them (and as admin.js does for preview and autosave).

// postForm is a complete editor form.
func postForm(title, body string, status blog.Status, extra ...string) url.Values {
	f := url.Values{"title": {title}, "body": {body}, "status": {string(status)}, "op": {"save"}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

var savedRE = regexp.MustCompile(`^/admin/posts/([0-9a-f-]{36})\?done=(\w+)$`)

// create saves a new post through the form and returns the stored post.
func (c *client) create(path string, form url.Values) *blog.Post {
	c.t.Helper()
	c.get(path + "/new")
	res, page := c.post(path, form)
	m := savedRE.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		c.t.Fatalf("creating %q: %d %s\n%.600s", form.Get("title"), res.StatusCode, res.Header.Get("Location"), page)
	}
	p, err := c.b.store.PostByID(context.Background(), m[1])
	if err != nil {
		c.t.Fatal(err)
	}
	return p
}

// send posts a body with the CSRF token in the header, as admin.js does.
func (c *client) send(path string, form url.Values, token string) (*http.Response, string) {
	c.t.Helper()
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.RemoteAddr = c.addr
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		r.Header.Set(auth.CSRFHeader, token)
	}
	for _, ck := range c.cookies {
		r.AddCookie(ck)
	}
	w := httptest.NewRecorder()
	c.b.handler.ServeHTTP(w, r)
	body, _ := io.ReadAll(w.Result().Body)
	return w.Result(), string(body)
}

func (b *adminBlog) count(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.store.DB().QueryRow(`SELECT COUNT(*) FROM posts`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (b *adminBlog) stored(t *testing.T, id string) *blog.Post {
	t.Helper()
	p, err := b.store.PostByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// status fetches a public path and returns its status.
func (b *adminBlog) status(path string) int { return b.do("GET", path).StatusCode }

// TestEditorPublish: an author writes a post with tags; it is live at
// its permalink, on the front page and in the lists; editing its slug
// leaves a 301 from the old URL.
func TestEditorPublish(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("author-user", adminPassword)
	p := c.create("/admin/posts", postForm("Hello, editor", "First part.\n\n<!--more-->\n\nSecond part.", blog.StatusPublished, "tags", "Go, New tag ,,"))
	if p.Status != blog.StatusPublished || p.Path != "/2026/06/hello-editor/" || p.AuthorID != b.users[blog.RoleAuthor].ID ||
		len(p.Tags) != 2 || p.Tags[1].Name != "New tag" || p.Version != 1 {
		t.Fatalf("stored: %+v", p)
	}
	if _, body := b.get("/", 200); !strings.Contains(string(body), "Hello, editor") || !strings.Contains(string(body), "First part.") {
		t.Error("the front page does not show the new post")
	}
	res, page := c.get("/admin/posts/" + p.ID + "?done=published")
	for _, want := range []string{`<p class="notice" role="status">Published.</p>`, `value="Hello, editor"`, `value="hello-editor"`, `value="Go, New tag"`,
		`<input type="hidden" name="version" value="1">`, `<div class="toolbar" id="body-toolbar">`, `data-media-upload="body"`, `<textarea id="body" name="body"`, "<p>Second part.</p>"} {
		if !strings.Contains(page, want) {
			t.Errorf("editor page (%d) lacks %s", res.StatusCode, want)
		}
	}
	// A new slug: the old URL redirects.
	res, _ = c.post("/admin/posts/"+p.ID, postForm("Hello, editor", p.Body, blog.StatusPublished, "slug", "hello-again", "version", "1",
		"publish_at", p.PublishedAt.Format("2006-01-02T15:04")))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("changing the slug: %d", res.StatusCode)
	}
	if got := b.stored(t, p.ID); got.Path != "/2026/06/hello-again/" || !got.PublishedAt.Equal(p.PublishedAt) || got.Version != 2 {
		t.Errorf("after the slug change: %s %v v%d", got.Path, got.PublishedAt, got.Version)
	}
	r := b.do("GET", "/2026/06/hello-editor/")
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/2026/06/hello-again/" {
		t.Errorf("old URL: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	// The lists and the dashboard show it.
	if _, page := c.get("/admin/posts"); !strings.Contains(page, ">Hello, editor</a>") || !strings.Contains(page, "All <span class=\"count\">(1)</span>") {
		t.Errorf("post list:\n%s", page)
	}
	if _, page := c.get("/admin/"); !strings.Contains(page, "Recent changes") || !strings.Contains(page, "version 2") {
		t.Errorf("dashboard:\n%s", page)
	}
}

// TestEditorContributor: a contributor's post goes to review, not live;
// publishing is refused and saves nothing; an editor publishes it.
func TestEditorContributor(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("contributor-user", adminPassword)
	_, page := c.get("/admin/posts/new")
	if strings.Contains(page, `value="published"`) || strings.Contains(page, `value="scheduled"`) || !strings.Contains(page, `value="pending"`) {
		t.Errorf("a contributor is offered statuses beyond draft and review:\n%s", page)
	}
	before := b.count(t)
	res, page := c.post("/admin/posts", postForm("Straight to the front", "text", blog.StatusPublished))
	if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "your role cannot make a post published") || !strings.Contains(page, `value="Straight to the front"`) {
		t.Errorf("a contributor publishing: %d\n%.500s", res.StatusCode, page)
	}
	if b.count(t) != before {
		t.Error("a refused save stored a post")
	}
	p := c.create("/admin/posts", postForm("For review", "Please read.", blog.StatusPending))
	if p.Status != blog.StatusPending || p.Path != "" {
		t.Fatalf("contributor's post: %s %q", p.Status, p.Path)
	}
	if _, page := c.get("/admin/posts/" + p.ID + "?done=submitted"); !strings.Contains(page, "Submitted for review") {
		t.Error("no notice after submitting")
	}
	if n := b.status("/2026/06/for-review/"); n != http.StatusNotFound {
		t.Errorf("a post pending review is public: %d", n)
	}
	// Someone else's post is not the contributor's to open.
	other := b.client(t)
	other.login("editor-user", adminPassword)
	q := other.create("/admin/posts", postForm("The editor's", "x", blog.StatusDraft))
	if res, _ := c.get("/admin/posts/" + q.ID); res.StatusCode != http.StatusForbidden {
		t.Errorf("a contributor opening another's draft: %d", res.StatusCode)
	}
	// The editor sees it pending and publishes it.
	if _, page := other.get("/admin/"); !strings.Contains(page, ">For review</a>") {
		t.Error("the editor's dashboard does not list the post pending review")
	}
	other.get("/admin/posts/" + p.ID)
	res, _ = other.post("/admin/posts/"+p.ID, postForm("For review", "Please read.", blog.StatusPublished, "version", "1"))
	if res.StatusCode != http.StatusSeeOther || b.status("/2026/06/for-review/") != 200 {
		t.Errorf("the editor publishing: %d", res.StatusCode)
	}
	// Published, it is no longer the contributor's to change.
	if res, _ := c.get("/admin/posts/" + p.ID); res.StatusCode != http.StatusForbidden {
		t.Errorf("a contributor opening their published post: %d", res.StatusCode)
	}
}

// TestEditorConflict: two people edit one post; the second save is a
// 409 that keeps the writer's text and overwrites nothing, until they
// choose to keep theirs.
func TestEditorConflict(t *testing.T) {
	b := newAdminBlog(t)
	ed := b.client(t)
	ed.login("editor-user", adminPassword)
	p := ed.create("/admin/posts", postForm("Shared", "line one\nline two", blog.StatusDraft))
	own := b.client(t)
	own.login("owner-user", adminPassword)
	own.get("/admin/posts/" + p.ID)
	ed.get("/admin/posts/" + p.ID)
	if res, _ := ed.post("/admin/posts/"+p.ID, postForm("Shared", "line one\nthe editor's line", blog.StatusDraft, "version", "1")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", res.StatusCode)
	}
	res, page := own.post("/admin/posts/"+p.ID, postForm("Shared", "line one\nthe owner's line", blog.StatusDraft, "version", "1", "featured", ""))
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second save: %d", res.StatusCode)
	}
	for _, want := range []string{"was saved by someone else", "the owner&#39;s line", "the editor&#39;s line",
		"<del>− the editor&#39;s line</del>", "<ins>+ the owner&#39;s line</ins>", `<input type="hidden" name="version" value="2">`, `href="/admin/posts/` + p.ID + `"`,
		`<input type="hidden" name="featured" value="">`} {
		if !strings.Contains(page, want) {
			t.Errorf("conflict page lacks %s", want)
		}
	}
	if got := b.stored(t, p.ID); got.Body != "line one\nthe editor's line" || got.Version != 2 {
		t.Errorf("after the conflict: %q v%d", got.Body, got.Version)
	}
	// Keeping theirs on purpose: the page's own form, with the current version.
	res, _ = own.post("/admin/posts/"+p.ID, postForm("Shared", "line one\nthe owner's line", blog.StatusDraft, "version", "2"))
	if res.StatusCode != http.StatusSeeOther || b.stored(t, p.ID).Body != "line one\nthe owner's line" {
		t.Errorf("keeping mine: %d", res.StatusCode)
	}
}

// TestEditorBadInput: every bad form is refused with a message saying
// what and where, the writer's text kept, nothing saved.
func TestEditorBadInput(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("editor-user", adminPassword)
	p := c.create("/admin/posts", postForm("Kept", "kept body", blog.StatusDraft))
	future := testNow.Add(time.Hour).Format("2006-01-02T15:04")
	past := testNow.Add(-time.Hour).Format("2006-01-02T15:04")
	for _, tt := range []struct {
		name string
		path string
		form url.Values
		code int
		want string
	}{
		{"no title", "/admin/posts", postForm("  ", "typed text", blog.StatusDraft), 400, "Title: a post needs a title."},
		{"unknown status", "/admin/posts", postForm("T", "typed text", "live"), 400, "Status: &#34;live&#34; is not one of"},
		{"scheduled without a date", "/admin/posts", postForm("T", "typed text", blog.StatusScheduled), 400, "a scheduled post needs the date"},
		{"scheduled in the past", "/admin/posts", postForm("T", "typed text", blog.StatusScheduled, "publish_at", past), 400, "is not in the future"},
		{"published in the future", "/admin/posts", postForm("T", "typed text", blog.StatusPublished, "publish_at", future), 400, "choose Scheduled"},
		{"not a date", "/admin/posts", postForm("T", "typed text", blog.StatusScheduled, "publish_at", "tomorrow"), 400, "Publish date: &#34;tomorrow&#34; is not a date and time"},
		{"long description", "/admin/posts", postForm("T", "typed text", blog.StatusDraft, "description", strings.Repeat("d", 301)), 400, "Meta description: 301 characters is too long"},
		{"bad slug", "/admin/posts", postForm("T", "typed text", blog.StatusDraft, "slug", "a/b"), 400, "slug"},
		{"reserved page slug", "/admin/pages", postForm("Tag", "typed text", blog.StatusPublished, "slug", "tag"), 400, "slug"},
		{"bad version", "/admin/posts/" + p.ID, postForm("T", "typed text", blog.StatusDraft, "version", "x"), 400, "version: &#34;x&#34; is not a version number"},
		{"no version", "/admin/posts/" + p.ID, postForm("T", "typed text", blog.StatusDraft), 400, "version: missing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := b.count(t)
			res, page := c.post(tt.path, tt.form)
			if res.StatusCode != tt.code || !strings.Contains(page, `<p class="error" role="alert">`) || !strings.Contains(page, tt.want) ||
				!strings.Contains(page, ">typed text</textarea>") {
				t.Errorf("%d, want %d with %q and the text kept\n%.1500s", res.StatusCode, tt.code, tt.want, page)
			}
			if b.count(t) != before {
				t.Error("a post was stored")
			}
		})
	}
	if got := b.stored(t, p.ID); got.Body != "kept body" || got.Version != 1 {
		t.Errorf("the post changed: %q v%d", got.Body, got.Version)
	}
	// A list filter that is no status.
	if res, _ := c.get("/admin/posts?status=nope"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad status filter: %d", res.StatusCode)
	}
}

// TestEditorCSRF: the editor's forms and scripts' endpoints refuse a
// request without the session's token, and nothing changes.
func TestEditorCSRF(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("editor-user", adminPassword)
	p := c.create("/admin/posts", postForm("Guarded", "body", blog.StatusPublished))
	before := b.count(t)
	for _, path := range []string{"/admin/posts", "/admin/posts/" + p.ID, "/admin/posts/" + p.ID + "/trash", "/admin/autosave", "/admin/preview"} {
		form := postForm("Changed", "changed", blog.StatusDraft, "version", "1", "kind", "post")
		if res, _ := c.do("POST", path, form); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s without a token: %d", path, res.StatusCode)
		}
		if res, _ := c.send(path, form, "AAAA"+c.csrf[4:]); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s with a wrong header token: %d", path, res.StatusCode)
		}
	}
	if got := b.stored(t, p.ID); b.count(t) != before || got.Title != "Guarded" || got.Status != blog.StatusPublished {
		t.Errorf("a refused request changed something: %d posts, %q %s", b.count(t), got.Title, got.Status)
	}
}

// TestEditorScheduleAndPreview: a post scheduled a minute ahead is 404 to
// visitors and previewable by its author; when the clock passes its time
// the scheduler publishes it.
func TestEditorScheduleAndPreview(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("author-user", adminPassword)
	at := testNow.Add(time.Minute)
	p := c.create("/admin/posts", postForm("Later", "Soon.\n\n```go\nfunc main() {}\n```", blog.StatusScheduled, "publish_at", at.Format("2006-01-02T15:04")))
	if p.Status != blog.StatusScheduled || !p.PublishedAt.Equal(at) {
		t.Fatalf("scheduled: %s %v", p.Status, p.PublishedAt)
	}
	if n := b.status(p.Path); n != http.StatusNotFound {
		t.Errorf("before its time: %d", n)
	}
	res, page := c.get("/admin/posts/" + p.ID + "/preview")
	if res.StatusCode != 200 || !strings.Contains(page, `<h1 class="p-name">Later</h1>`) || !strings.Contains(page, `class="chroma"`) ||
		res.Header.Get("X-Robots-Tag") != "noindex" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("author preview: %d %v\n%.500s", res.StatusCode, res.Header, page)
	}
	// Another author may not preview it.
	other := b.client(t)
	other.login("contributor-user", adminPassword)
	if res, _ := other.get("/admin/posts/" + p.ID + "/preview"); res.StatusCode != http.StatusForbidden {
		t.Errorf("another user's preview: %d", res.StatusCode)
	}
	if _, page := c.get("/admin/"); !strings.Contains(page, ">Later</a>") || !strings.Contains(page, "for 15 Jun 2026, 12:01") {
		t.Errorf("the dashboard does not list the scheduled post:\n%s", page)
	}
	b.clock.T = at.Add(time.Second)
	if n := b.publishDue(t); n != 1 {
		t.Fatalf("published %d", n)
	}
	if n := b.status(p.Path); n != 200 {
		t.Errorf("after its time: %d", n)
	}
}

// TestEditorTrash: trash, restore, and deletion for good only from the
// trash after the confirmation page.
func TestEditorTrash(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("author-user", adminPassword)
	p := c.create("/admin/posts", postForm("Doomed", "text", blog.StatusPublished))
	if res, page := c.get("/admin/posts/" + p.ID + "/delete"); res.StatusCode != http.StatusConflict || !strings.Contains(page, "is not in the trash") {
		t.Errorf("deleting a live post: %d", res.StatusCode)
	}
	if res, _ := c.post("/admin/posts/"+p.ID+"/delete", nil); res.StatusCode != http.StatusConflict || b.count(t) != 1 {
		t.Errorf("POST delete of a live post: %d", res.StatusCode)
	}
	res, _ := c.post("/admin/posts/"+p.ID+"/trash", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/posts?status=trashed&done=trashed" {
		t.Fatalf("trash: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if n := b.status(p.Path); n != http.StatusNotFound {
		t.Errorf("a trashed post is public: %d", n)
	}
	_, page := c.get("/admin/posts?status=trashed&done=trashed")
	if !strings.Contains(page, "Moved to the trash.") || !strings.Contains(page, `action="/admin/posts/`+p.ID+`/restore"`) {
		t.Errorf("trash list:\n%s", page)
	}
	if _, page := c.get("/admin/posts"); strings.Contains(page, ">Doomed</a>") {
		t.Error("the trashed post is in the list of all posts")
	}
	if res, _ := c.post("/admin/posts/"+p.ID+"/restore", nil); res.StatusCode != http.StatusSeeOther || b.stored(t, p.ID).Status != blog.StatusDraft {
		t.Errorf("restore: %d", res.StatusCode)
	}
	c.post("/admin/posts/"+p.ID+"/trash", nil)
	res, page = c.get("/admin/posts/" + p.ID + "/delete")
	if res.StatusCode != 200 || !strings.Contains(page, "cannot be undone") || !strings.Contains(page, `action="/admin/posts/`+p.ID+`/delete"`) {
		t.Errorf("confirmation page: %d", res.StatusCode)
	}
	// A contributor cannot delete someone else's trashed post.
	other := b.client(t)
	other.login("contributor-user", adminPassword)
	if res, _ := other.post("/admin/posts/"+p.ID+"/delete", nil); res.StatusCode != http.StatusForbidden || b.count(t) != 1 {
		t.Errorf("a contributor deleting: %d", res.StatusCode)
	}
	res, _ = c.post("/admin/posts/"+p.ID+"/delete", nil)
	if res.StatusCode != http.StatusSeeOther || b.count(t) != 0 {
		t.Errorf("delete: %d, %d posts left", res.StatusCode, b.count(t))
	}
	if res, _ := c.get("/admin/posts/" + p.ID); res.StatusCode != http.StatusNotFound {
		t.Errorf("a deleted post's editor: %d", res.StatusCode)
	}
}

// TestEditorRevisions: every save keeps a revision; the diff against the
// current text; restoring is a new save; a stale restore conflicts.
func TestEditorRevisions(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("editor-user", adminPassword)
	p := c.create("/admin/posts", postForm("First", "alpha\nbeta", blog.StatusDraft, "tags", "one"))
	c.get("/admin/posts/" + p.ID)
	c.post("/admin/posts/"+p.ID, postForm("Second", "alpha\ngamma", blog.StatusDraft, "version", "1", "tags", "two"))
	_, page := c.get("/admin/posts/" + p.ID + "/revisions")
	ids := regexp.MustCompile(`/admin/posts/`+p.ID+`/revisions/(\d+)">Version (\d)`).FindAllStringSubmatch(page, -1)
	if len(ids) != 2 || ids[0][2] != "2" || ids[1][2] != "1" || !strings.Contains(page, "Version 2</a> (current)") {
		t.Fatalf("revision list: %v\n%s", ids, page)
	}
	res, page := c.get("/admin/posts/" + p.ID + "/revisions/" + ids[1][1])
	for _, want := range []string{"<span>  alpha</span>", "<del>− beta</del>", "<ins>+ gamma</ins>", "<td>First</td><td>Second</td>", "<td>one</td><td>two</td>", "Restore version 1"} {
		if !strings.Contains(page, want) {
			t.Errorf("revision page (%d) lacks %s", res.StatusCode, want)
		}
	}
	if res, _ := c.get("/admin/posts/" + p.ID + "/revisions/999999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("no such revision: %d", res.StatusCode)
	}
	if res, _ := c.post("/admin/posts/"+p.ID+"/revisions/"+ids[1][1]+"/restore", url.Values{"version": {"1"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("a restore from a stale version: %d", res.StatusCode)
	}
	if res, _ := c.post("/admin/posts/"+p.ID+"/revisions/"+ids[1][1]+"/restore", nil); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a restore without a version: %d", res.StatusCode)
	}
	res, _ = c.post("/admin/posts/"+p.ID+"/revisions/"+ids[1][1]+"/restore", url.Values{"version": {"2"}})
	got := b.stored(t, p.ID)
	if res.StatusCode != http.StatusSeeOther || got.Title != "First" || got.Body != "alpha\nbeta" || got.Version != 3 || got.Tags[0].Name != "one" {
		t.Errorf("restore: %d %q %q v%d", res.StatusCode, got.Title, got.Body, got.Version)
	}
	// A revision of another post is not this post's.
	q := c.create("/admin/posts", postForm("Other", "x", blog.StatusDraft))
	if res, _ := c.get("/admin/posts/" + q.ID + "/revisions/" + ids[1][1]); res.StatusCode != http.StatusNotFound {
		t.Errorf("another post's revision: %d", res.StatusCode)
	}
}

// TestEditorPreviewAndAutosave: the endpoints admin.js calls.
func TestEditorPreviewAndAutosave(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("author-user", adminPassword)
	c.get("/admin/posts/new")
	res, page := c.send("/admin/preview", url.Values{"body": {"Hi *there*\n\n```go\nfunc main() {}\n```"}}, c.csrf)
	if res.StatusCode != 200 || !strings.Contains(page, "<em>there</em>") || !strings.Contains(page, `<span class="kd">func</span>`) {
		t.Errorf("preview: %d\n%s", res.StatusCode, page)
	}
	// An author's HTML is previewed as it will be published: sanitized.
	if _, page := c.send("/admin/preview", url.Values{"body": {"Hi <script>alert(1)</script><b onclick=\"x()\">b</b>"}}, c.csrf); strings.Contains(page, "<script") ||
		strings.Contains(page, "onclick") || !strings.Contains(page, "<b>b</b>") {
		t.Errorf("an author's preview is not sanitized: %s", page)
	}
	// The no-JavaScript Preview button: the same HTML, nothing saved.
	res, page = c.post("/admin/posts", postForm("Not yet", "Some *words*", blog.StatusDraft, "op", "preview"))
	if res.StatusCode != 200 || !strings.Contains(page, "<p>Some <em>words</em></p>") || !strings.Contains(page, `value="Not yet"`) || b.count(t) != 0 {
		t.Errorf("preview button: %d, %d posts", res.StatusCode, b.count(t))
	}

	autosave := func(form url.Values) (int, map[string]any) {
		t.Helper()
		res, body := c.send("/admin/autosave", form, c.csrf)
		var v map[string]any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("autosave answer %d %q: %v", res.StatusCode, body, err)
		}
		return res.StatusCode, v
	}
	code, v := autosave(url.Values{"kind": {"post"}, "title": {"Draft in progress"}, "body": {"one"}, "status": {"published"}})
	id, _ := v["id"].(string)
	if code != 200 || id == "" || v["version"] != 1.0 || v["url"] != "/admin/posts/"+id {
		t.Fatalf("first autosave: %d %v", code, v)
	}
	if p := b.stored(t, id); p.Status != blog.StatusDraft || p.Body != "one" {
		t.Errorf("autosaved: %s %q (an autosave never publishes)", p.Status, p.Body)
	}
	code, v = autosave(url.Values{"post_id": {id}, "version": {"1"}, "title": {"Draft in progress"}, "body": {"one two"}})
	if code != 200 || v["version"] != 2.0 {
		t.Errorf("second autosave: %d %v", code, v)
	}
	code, v = autosave(url.Values{"post_id": {id}, "version": {"1"}, "title": {"Draft in progress"}, "body": {"stale"}})
	if code != http.StatusConflict || !strings.Contains(v["error"].(string), "saved by someone else") {
		t.Errorf("stale autosave: %d %v", code, v)
	}
	code, v = autosave(url.Values{"post_id": {id}, "title": {"Draft in progress"}, "body": {"no version"}})
	if code != http.StatusBadRequest {
		t.Errorf("autosave without a version: %d %v", code, v)
	}
	if p := b.stored(t, id); p.Body != "one two" {
		t.Errorf("after refused autosaves: %q", p.Body)
	}
	// Published posts are not autosaved.
	pub := c.create("/admin/posts", postForm("Live", "live text", blog.StatusPublished))
	code, _ = autosave(url.Values{"post_id": {pub.ID}, "version": {"1"}, "title": {"Live"}, "body": {"half-typed"}})
	if code != http.StatusConflict || b.stored(t, pub.ID).Body != "live text" {
		t.Errorf("autosave of a published post: %d", code)
	}
	// Someone else's draft is not the author's to autosave.
	ed := b.client(t)
	ed.login("editor-user", adminPassword)
	theirs := ed.create("/admin/posts", postForm("Editor's draft", "mine", blog.StatusDraft))
	if code, _ := autosave(url.Values{"post_id": {theirs.ID}, "version": {"1"}, "title": {"x"}, "body": {"x"}}); code != http.StatusForbidden {
		t.Errorf("autosave of another's draft: %d", code)
	}
}

// TestEditorLists: the post list's filters, title search and full-text
// search; authors see only their own posts; pages have their own list.
func TestEditorLists(t *testing.T) {
	b := newAdminBlog(t)
	ed := b.client(t)
	ed.login("editor-user", adminPassword)
	au := b.client(t)
	au.login("author-user", adminPassword)
	// A minute between saves: the lists' order is the order of writing.
	ed.create("/admin/posts", postForm("Editor on SQLite", "vacuum and indexes", blog.StatusDraft, "tags", "Databases"))
	b.clock.T = b.clock.T.Add(time.Minute)
	au.create("/admin/posts", postForm("Author on Go", "goroutines and channels", blog.StatusPublished, "tags", "Go"))
	b.clock.T = b.clock.T.Add(time.Minute)
	au.create("/admin/posts", postForm("Author draft", "unfinished vacuum thoughts", blog.StatusDraft))
	ed.create("/admin/pages", postForm("About", "who we are", blog.StatusPublished))
	titles := func(page string) string {
		var out []string
		for _, m := range regexp.MustCompile(`<td><a href="/admin/posts/[^"]+">([^<]+)</a>`).FindAllStringSubmatch(page, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
		return strings.Join(out, "|")
	}
	authorID := b.users[blog.RoleAuthor].ID
	for _, tt := range []struct {
		name string
		c    *client
		path string
		want string
	}{
		{"editor, everything", ed, "/admin/posts", "Author draft|Author on Go|Editor on SQLite"},
		{"editor, drafts", ed, "/admin/posts?status=draft", "Author draft|Editor on SQLite"},
		{"editor, by tag", ed, "/admin/posts?tag=Databases", "Editor on SQLite"},
		{"editor, by author", ed, "/admin/posts?author=" + itoa(authorID), "Author draft|Author on Go"},
		{"editor, title", ed, "/admin/posts?title=author+ON", "Author on Go"},
		{"editor, full text with drafts", ed, "/admin/posts?q=vacuum", "Author draft|Editor on SQLite"},
		{"author, own only", au, "/admin/posts", "Author draft|Author on Go"},
		{"author, full text, own only", au, "/admin/posts?q=vacuum", "Author draft"},
		{"editor, pages", ed, "/admin/pages", "About"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, page := tt.c.get(tt.path)
			if got := titles(page); res.StatusCode != 200 || got != tt.want {
				t.Errorf("%d %q, want %q", res.StatusCode, got, tt.want)
			}
		})
	}
	if _, page := ed.get("/admin/posts?q=AND"); !strings.Contains(page, `<p class="error" role="alert">`) {
		t.Error("a search of only operators has no message")
	}
	// Pages of 20.
	for i := range 21 {
		ed.create("/admin/posts", postForm("Filler "+itoa(int64(i)), "x", blog.StatusDraft))
	}
	_, page := ed.get("/admin/posts?status=draft")
	if !strings.Contains(page, `href="/admin/posts?page=2&amp;status=draft" rel="next"`) || strings.Count(page, "<tr>") != 21 {
		t.Errorf("first page of drafts:\n%s", page)
	}
	_, page = ed.get("/admin/posts?page=2&status=draft")
	if !strings.Contains(page, `rel="prev"`) || strings.Contains(page, `rel="next"`) || strings.Count(page, "<tr>") != 4 {
		t.Errorf("second page of drafts: %d rows", strings.Count(page, "<tr>"))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// publishDue runs the scheduler's step, as serve's scheduler does when
// the clock passes a post's time.
func (b *adminBlog) publishDue(t *testing.T) int {
	t.Helper()
	n, err := b.svc.PublishDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
