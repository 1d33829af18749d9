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
	data := map[string]any{
		"login":          loginForm{Login: "ada", Next: "/admin/users"},
		"login_code":     loginForm{Next: "/admin/"},
		"setup":          accountForm{Username: "ada", Action: "/admin/setup/x"},
		"invite":         accountForm{Role: blog.RoleEditor, Action: "/admin/invite/x"},
		"reset":          accountForm{Username: "ada", Action: "/admin/reset/x"},
		"home":           homePage{Rules: auth.Rules()},
		"account":        accountPage{TwoFactor: true, CodesLeft: 3, Sessions: []sessionRow{{ID: 1, Current: true, CreatedAt: now, LastSeenAt: now, IP: "192.0.2.1", Browser: "Firefox 128 on Linux"}, {ID: 2, CreatedAt: now, LastSeenAt: now, IP: "192.0.2.2", Browser: "Unknown browser"}}},
		"two_factor":     twoFactorPage{Setup: setup},
		"recovery_codes": []string{"AAAA-BBBB-CCCC-DDDD"},
		"users":          usersPage{Users: []*blog.User{u, {ID: 2, Username: "bob", DisplayName: "Bob", Role: blog.RoleAuthor}}},
		"link":           linkPage{Kind: "invitation", For: "editor", Link: &auth.Link{URL: "https://blog.example.org/admin/invite/x", Expires: now}},
		"message":        "Some advice.",
		"media": mediaPage{Limit: "20 MB", Items: []mediaItem{{Media: testMedia(now), Img: testMedia(now).Image(), Thumb: "/media/0123456789abcdef0123456789abcdef-480.jpg",
			Markdown: "![photo](/media/0123456789abcdef0123456789abcdef.jpg)",
			Uses:     []blog.MediaUse{{Post: blog.PostRef{Title: "A post", Path: "/2026/01/a-post/"}, Status: blog.StatusPublished, Featured: true}}}}},
		"media_delete":   deletePage{Media: testMedia(now), Img: testMedia(now).Image(), Uses: []blog.MediaUse{{Post: blog.PostRef{Title: "A draft"}, Status: blog.StatusDraft}}},
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
