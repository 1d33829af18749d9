package admin

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"octavo/internal/auth"
	"octavo/internal/blog"
	"octavo/internal/store/sqlite"
)

func newTestAdmin(t *testing.T) *Admin {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a, err := New(Options{Auth: auth.New(auth.Options{Store: st, Params: auth.TestParams}), Settings: st})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestEveryPageRenders renders each page with its data, logged out and
// in, and checks that nothing was blanked by html/template's filters.
func TestEveryPageRenders(t *testing.T) {
	a := newTestAdmin(t)
	u := &blog.User{ID: 1, Username: "ada", Email: "ada@example.org", DisplayName: "Ada", Role: blog.RoleOwner}
	setup, err := a.auth.TOTPSetupFor(u, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	post := &blog.Post{ID: "0190c0de-0000-7000-8000-000000000001", Kind: blog.KindPost, Title: "Hello <world>", Slug: "hello", Body: "Text\n\n<!--more-->\n\nMore",
		Status: blog.StatusTrashed, AuthorID: 1, Author: blog.Author{ID: 1, Username: "ada"}, Tags: []blog.Tag{{Name: "Go"}}, Version: 3,
		PublishedAt: now, UpdatedAt: now, Path: "/2026/01/hello/", Pinned: true}
	data := map[string]any{
		"login":      loginForm{Login: "ada", Next: "/admin/users"},
		"login_code": loginForm{Next: "/admin/"},
		"setup":      accountForm{Username: "ada", Action: "/admin/setup/x"},
		"invite":     accountForm{Role: blog.RoleEditor, Action: "/admin/invite/x"},
		"reset":      accountForm{Username: "ada", Action: "/admin/reset/x"},
		"home": homePage{Rules: auth.Rules(), Available: true, CanWrite: true, CanPages: true, Loc: time.UTC,
			Lists:   []dashboardList{{ID: "drafts", Title: "Drafts", Posts: []*blog.Post{post}, Total: 7, More: "/admin/posts?status=draft"}, {ID: "pending", Title: "Pending review", Empty: "None."}},
			Changes: []blog.Change{{RevisionID: 3, PostID: post.ID, Kind: blog.KindPost, Title: post.Title, Version: 3, Author: post.Author, At: now}}},
		"posts": postsPage{Kind: blog.KindPost, Base: "/admin/posts", Status: blog.StatusTrashed, Tabs: []statusTab{{Label: "All", Count: 3, URL: "/admin/posts", Current: true}},
			Authors: []*blog.User{u}, Posts: []*blog.Post{post}, Total: 30, Page: 2, Newer: "/admin/posts", Older: "/admin/posts?page=3", Loc: time.UTC, Labels: statusLabels, CanWrite: true},
		"editor": editorPage{Post: post, Form: formOf(post, time.UTC), Action: "/admin/posts/" + post.ID, TimeZone: "UTC", Autosave: true, CanTrash: true,
			Statuses: []statusOption{{Value: blog.StatusDraft, Label: "Draft", Selected: true}}, Preview: "<p>Hello</p>", MediaLink: "/admin/media",
			Featured: featuredField{URL: "/media/x.png", Choices: []featuredChoice{{Hash: "0123456789abcdef0123456789abcdef", Name: "photo.jpg",
				Thumb: "/media/0123456789abcdef0123456789abcdef-480.jpg", Width: 800, Height: 600, Checked: true, Current: true}}}},
		"conflict":  conflictPage{Post: post, Yours: formOf(post, time.UTC), Current: formOf(post, time.UTC), Diff: lineDiff([]string{"a", "b"}, []string{"a", "c"})},
		"revisions": revisionsPage{Post: post, Revisions: []blog.Revision{{ID: 1, PostID: post.ID, Version: 1, Title: "Old", AuthorID: 1, CreatedAt: now}}, Loc: time.UTC},
		"revision": revisionPage{Post: post, Revision: blog.Revision{ID: 1, PostID: post.ID, Version: 1, Title: "Old", CreatedAt: now},
			Fields: []fieldChange{{"Title", "Old", post.Title}}, Diff: lineDiff([]string{"x"}, []string{"y"}), Loc: time.UTC},
		"delete":         post,
		"account":        accountPage{TwoFactor: true, CodesLeft: 3, Sessions: []sessionRow{{ID: 1, Current: true, CreatedAt: now, LastSeenAt: now, IP: "192.0.2.1", Browser: "Firefox 128 on Linux"}, {ID: 2, CreatedAt: now, LastSeenAt: now, IP: "192.0.2.2", Browser: "Unknown browser"}}},
		"two_factor":     twoFactorPage{Setup: setup},
		"recovery_codes": []string{"AAAA-BBBB-CCCC-DDDD"},
		"users":          usersPage{Users: []*blog.User{u, {ID: 2, Username: "bob", DisplayName: "Bob", Role: blog.RoleAuthor}}},
		"link":           linkPage{Kind: "invitation", For: "editor", Link: &auth.Link{URL: "https://blog.example.org/admin/invite/x", Expires: now}},
		"message":        "Some advice.",
		"settings": settingsPage{Form: formOfSettings(blog.DefaultSettings()), Example: "/2026/01/hello-world/", Moved: 3,
			Problems: map[string]string{"permalink": "the pattern must contain :slug", "menu": "line 2: no |"}},
		"tags":            tagsPage{Tags: []blog.Tag{{ID: 1, Slug: "go", Name: "Go", Count: 3}, {ID: 2, Slug: "café", Name: "Café", Count: 0}}, Slug: "go", Name: "Golang"},
		"tag_merge":       mergePage{From: blog.Tag{Slug: "golang", Name: "golang", Count: 1}, Into: blog.Tag{Slug: "go", Name: "Go", Count: 2}, Name: "Go"},
		"redirects":       redirectsPage{Rules: []blog.RedirectRule{{From: "/old/", To: "/new/", CreatedAt: now, Manual: true}, {From: "/tag/golang/", To: "/tag/go/", CreatedAt: now}}, Total: 402, Hand: 1, Auto: 401, Page: 2, Pages: 3, From: "/x/", To: "/y/"},
		"redirect_delete": blog.RedirectRule{From: "/tag/golang/", To: "/tag/go/", CreatedAt: now},
		"media": mediaPage{Limit: "20 MB", Items: []mediaItem{{Media: testMedia(now), Img: testMedia(now).Image(), Thumb: "/media/0123456789abcdef0123456789abcdef-480.jpg",
			Markdown: "![photo](/media/0123456789abcdef0123456789abcdef.jpg)",
			Uses:     []blog.MediaUse{{Post: blog.PostRef{Title: "A post", Path: "/2026/01/a-post/"}, Status: blog.StatusPublished, Featured: true}}}}},
		"media_delete":   deletePage{Media: testMedia(now), Img: testMedia(now).Image(), Uses: []blog.MediaUse{{Post: blog.PostRef{Title: "A draft"}, Status: blog.StatusDraft}}},
		"media_upload":   mediaPage{Limit: "20 MB"},
		"media_uploaded": uploadedPage{Files: []uploaded{{Markdown: "![photo](/media/0123456789abcdef0123456789abcdef.jpg)"}}},
	}
	public := map[string]bool{"login": true, "login_code": true, "setup": true, "invite": true, "reset": true, "message": true}
	for page := range a.pages {
		if _, ok := data[page]; !ok {
			t.Errorf("page %s: no test data here; add some", page)
		}
		for _, user := range []*blog.User{nil, u} {
			if user == nil && !public[page] {
				continue
			}
			w := httptest.NewRecorder()
			a.render(w, httptest.NewRequest("GET", "/admin/", nil), http.StatusOK, page, view{Title: "T", Error: "E", Notice: "N", User: user, Data: data[page]})
			body := w.Body.String()
			if w.Code != http.StatusOK || strings.Contains(body, "ZgotmplZ") || !strings.Contains(body, "<h1>T</h1>") ||
				strings.Contains(body, `action="/admin/logout"`) != (user != nil || page == "login_code") {
				t.Errorf("%s (user %v): %d\n%s", page, user != nil, w.Code, body)
			}
		}
	}
	// The two-factor page keeps the QR code and the authenticator link.
	w := httptest.NewRecorder()
	a.render(w, httptest.NewRequest("GET", "/", nil), 200, "two_factor", view{User: u, Data: data["two_factor"]})
	if !strings.Contains(w.Body.String(), `src="data:image/png;base64,`) || !strings.Contains(w.Body.String(), `href="otpauth://totp/Octavo:ada?`) {
		t.Errorf("two-factor page:\n%s", w.Body)
	}
}

func TestStatusOf(t *testing.T) {
	for err, want := range map[error]int{
		&auth.LimitError{Wait: time.Second}:  http.StatusTooManyRequests,
		blog.Errorf(blog.EINVALID, "x"):      http.StatusBadRequest,
		blog.Errorf(blog.EUNAUTHORIZED, "x"): http.StatusUnauthorized,
		errors.New("database on fire"):       http.StatusInternalServerError,
	} {
		if got := StatusOf(err); got != want {
			t.Errorf("StatusOf(%v) = %d, want %d", err, got, want)
		}
	}
}

func TestAssets(t *testing.T) {
	a := newTestAdmin(t)
	for _, name := range []string{"admin.css", "admin.js"} {
		u, err := a.assets.url(name)
		if err != nil || !strings.HasPrefix(u, AssetPrefix) {
			t.Fatalf("%s: %q %v", name, u, err)
		}
		r := httptest.NewRequest("GET", u, nil)
		r.SetPathValue("file", strings.TrimPrefix(u, AssetPrefix))
		w := httptest.NewRecorder()
		a.ShowAsset(w, r)
		if w.Code != 200 || w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || w.Body.Len() == 0 {
			t.Errorf("%s: %d %v", name, w.Code, w.Header())
		}
	}
	if _, err := a.assets.url("nope.css"); err == nil {
		t.Error("an unknown asset has a URL")
	}
}

// testMedia is a media file for the page tests.
func testMedia(now time.Time) *blog.Media {
	return &blog.Media{Hash: "0123456789abcdef0123456789abcdef", Type: "image/jpeg", Width: 1200, Height: 800, Size: 123456,
		OriginalName: "photo.jpg", Uploader: "ada", CreatedAt: now}
}
