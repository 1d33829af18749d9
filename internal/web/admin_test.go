package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"octavo/internal/admin"
	"octavo/internal/auth"
	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/media"
	"octavo/internal/store/sqlite"
)

// adminBlog is a test blog with the admin on, an account of every role
// and a clock the test sets.
type adminBlog struct {
	*testBlog
	auth     *auth.Service
	users    map[blog.Role]*blog.User
	media    *media.Service
	mediaDir string
}

const adminPassword = "a perfectly long passphrase"

func newAdminBlog(t *testing.T) *adminBlog {
	t.Helper()
	var svc *auth.Service
	var lib *media.Service
	mediaDir := filepath.Join(t.TempDir(), "media")
	b := newTestBlog(t, blogOptions{options: func(o *Options) {
		st := o.DB.(*sqlite.Store)
		svc = auth.New(auth.Options{Store: st, Clock: o.Clock, Params: auth.TestParams, BaseURL: "http://example.test"})
		lib = media.New(media.Options{Store: st, Storage: media.Local{Dir: mediaDir}, MaxBytes: testMediaMaxBytes, Clock: o.Clock})
		cs := content.New(st, markdown.New(), o.Clock, o.Cache.Invalidate)
		a, err := admin.New(admin.Options{Auth: svc, Settings: st, Content: cs, Posts: st, Clock: o.Clock, Media: lib,
			PagePreview: o.Renderer.Preview})
		if err != nil {
			t.Fatal(err)
		}
		o.Admin = a
		o.Media = lib
	}})
	ab := &adminBlog{testBlog: b, auth: svc, users: map[blog.Role]*blog.User{}, media: lib, mediaDir: mediaDir}
	for _, r := range auth.Roles() {
		u, err := svc.AddUser(context.Background(), auth.NewAccount{Username: string(r) + "-user", Email: string(r) + "@example.org", Password: adminPassword}, r)
		if err != nil {
			t.Fatal(err)
		}
		ab.users[r] = u
	}
	return ab
}

// client is a browser without JavaScript: it keeps cookies and reads the
// CSRF token of the last page.
type client struct {
	b       *adminBlog
	t       *testing.T
	cookies map[string]*http.Cookie
	csrf    string
	addr    string
}

func (b *adminBlog) client(t *testing.T) *client {
	return &client{b: b, t: t, cookies: map[string]*http.Cookie{}, addr: "192.0.2.10:4000"}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// do sends a request and keeps what it sets.
func (c *client) do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, path, body)
	r.RemoteAddr = c.addr
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, ck := range c.cookies {
		r.AddCookie(ck)
	}
	w := httptest.NewRecorder()
	c.b.handler.ServeHTTP(w, r)
	res := w.Result()
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	page, _ := io.ReadAll(res.Body)
	if m := csrfRE.FindSubmatch(page); m != nil {
		c.csrf = string(m[1])
	}
	return res, string(page)
}

func (c *client) get(path string) (*http.Response, string) { return c.do("GET", path, nil) }

// post sends a form with the CSRF token of the last page.
func (c *client) post(path string, form url.Values) (*http.Response, string) {
	if form == nil {
		form = url.Values{}
	}
	if form.Get(auth.CSRFField) == "" {
		form.Set(auth.CSRFField, c.csrf)
	}
	return c.do("POST", path, form)
}

// login logs in through the form and fails the test otherwise.
func (c *client) login(login, password string) {
	c.t.Helper()
	c.get("/admin/login")
	res, page := c.post("/admin/login", url.Values{"login": {login}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/" {
		c.t.Fatalf("login as %s: %d %s\n%.500s", login, res.StatusCode, res.Header.Get("Location"), page)
	}
	c.get("/admin/account") // a page with the session's CSRF token
}

// adminRoutes is every admin route of routes.go with a request that
// reaches it, and the permission it needs.
var adminRoutes = []struct {
	pattern string
	path    string
	perm    auth.Permission
}{
	{"GET /admin/login", "/admin/login", auth.Public},
	{"POST /admin/login", "/admin/login", auth.Public},
	{"GET /admin/login/code", "/admin/login/code", auth.SecondFactor},
	{"POST /admin/login/code", "/admin/login/code", auth.SecondFactor},
	{"POST /admin/logout", "/admin/logout", auth.Public},
	{"GET /admin/setup/{token}", "/admin/setup/not-a-token", auth.Public},
	{"POST /admin/setup/{token}", "/admin/setup/not-a-token", auth.Public},
	{"GET /admin/invite/{token}", "/admin/invite/not-a-token", auth.Public},
	{"POST /admin/invite/{token}", "/admin/invite/not-a-token", auth.Public},
	{"GET /admin/reset/{token}", "/admin/reset/not-a-token", auth.Public},
	{"POST /admin/reset/{token}", "/admin/reset/not-a-token", auth.Public},
	{"GET /admin/{$}", "/admin/", auth.PermAdmin},
	{"GET /admin/account", "/admin/account", auth.PermAdmin},
	{"POST /admin/account/password", "/admin/account/password", auth.PermAdmin},
	{"GET /admin/account/two-factor", "/admin/account/two-factor", auth.PermAdmin},
	{"POST /admin/account/two-factor", "/admin/account/two-factor", auth.PermAdmin},
	{"POST /admin/account/two-factor/disable", "/admin/account/two-factor/disable", auth.PermAdmin},
	{"POST /admin/account/sessions/{id}/end", "/admin/account/sessions/999999/end", auth.PermAdmin},
	{"POST /admin/account/sessions/end-all", "/admin/account/sessions/end-all", auth.PermAdmin},
	{"GET /admin/users", "/admin/users", auth.PermUsers},
	{"POST /admin/users/invite", "/admin/users/invite", auth.PermUsers},
	{"POST /admin/users/{id}/reset-link", "/admin/users/ID/reset-link", auth.PermUsers},
	{"POST /admin/users/{id}/role", "/admin/users/ID/role", auth.PermUsers},
	{"GET /admin/settings", "/admin/settings", auth.PermSettings},
	{"POST /admin/settings", "/admin/settings", auth.PermSettings},
	{"GET /admin/tags", "/admin/tags", auth.PermTags},
	{"POST /admin/tags/rename", "/admin/tags/rename", auth.PermTags},
	{"GET /admin/redirects", "/admin/redirects", auth.PermEditPosts},
	{"POST /admin/redirects", "/admin/redirects", auth.PermEditPosts},
	{"POST /admin/redirects/delete", "/admin/redirects/delete", auth.PermEditPosts},
	{"GET /admin/posts", "/admin/posts", auth.PermWriteDrafts},
	{"GET /admin/pages", "/admin/pages", auth.PermPages},
	{"GET /admin/posts/new", "/admin/posts/new", auth.PermWriteDrafts},
	{"GET /admin/pages/new", "/admin/pages/new", auth.PermPages},
	{"POST /admin/posts", "/admin/posts", auth.PermWriteDrafts},
	{"POST /admin/pages", "/admin/pages", auth.PermPages},
	{"POST /admin/preview", "/admin/preview", auth.PermWriteDrafts},
	{"POST /admin/autosave", "/admin/autosave", auth.PermWriteDrafts},
	{"GET /admin/posts/{id}", "/admin/posts/no-such-post", auth.PermWriteDrafts},
	{"POST /admin/posts/{id}", "/admin/posts/no-such-post", auth.PermWriteDrafts},
	{"GET /admin/posts/{id}/preview", "/admin/posts/no-such-post/preview", auth.PermWriteDrafts},
	{"GET /admin/posts/{id}/revisions", "/admin/posts/no-such-post/revisions", auth.PermWriteDrafts},
	{"GET /admin/posts/{id}/revisions/{rev}", "/admin/posts/no-such-post/revisions/1", auth.PermWriteDrafts},
	{"POST /admin/posts/{id}/revisions/{rev}/restore", "/admin/posts/no-such-post/revisions/1/restore", auth.PermWriteDrafts},
	{"POST /admin/posts/{id}/trash", "/admin/posts/no-such-post/trash", auth.PermWriteDrafts},
	{"POST /admin/posts/{id}/restore", "/admin/posts/no-such-post/restore", auth.PermWriteDrafts},
	{"GET /admin/posts/{id}/delete", "/admin/posts/no-such-post/delete", auth.PermWriteDrafts},
	{"POST /admin/posts/{id}/delete", "/admin/posts/no-such-post/delete", auth.PermWriteDrafts},
	{"GET /admin/media", "/admin/media", auth.PermMedia},
	{"POST /admin/media", "/admin/media", auth.PermWriteDrafts},
	{"GET /admin/media/upload", "/admin/media/upload", auth.PermWriteDrafts},
	{"POST /admin/media/{hash}/delete", "/admin/media/0123456789abcdef0123456789abcdef/delete", auth.PermMedia},
}

// TestAdminRouteTableIsComplete checks that adminRoutes lists every
// gated admin route of routes.go, and nothing else.
func TestAdminRouteTableIsComplete(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var inSource []string
	for _, m := range regexp.MustCompile(`a\.Gate\(auth\.\w+, a\.\w+\)`).FindAllIndex(src, -1) {
		line := src[:m[0]]
		start := strings.LastIndex(string(line), `mux.Handle("`)
		pattern := string(line[start+len(`mux.Handle("`):])
		inSource = append(inSource, pattern[:strings.Index(pattern, `"`)])
	}
	var inTest []string
	for _, r := range adminRoutes {
		inTest = append(inTest, r.pattern)
	}
	slices.Sort(inSource)
	slices.Sort(inTest)
	if !slices.Equal(inSource, inTest) || len(inSource) == 0 {
		t.Errorf("routes.go has gated admin routes\n  %v\nbut the test lists\n  %v", inSource, inTest)
	}
}

// TestAdminRoutesByRole sends every admin route as every role and logged
// out, with a valid CSRF token, and checks who gets through: a visitor
// who is not logged in is sent to the login page, a role without the
// route's permission gets 403.
func TestAdminRoutesByRole(t *testing.T) {
	b := newAdminBlog(t)
	target := b.users[blog.RoleContributor]
	for _, rt := range adminRoutes {
		method := strings.Fields(rt.pattern)[0]
		path := strings.ReplaceAll(rt.path, "ID", strconv.FormatInt(target.ID, 10))
		for _, role := range append([]blog.Role{""}, auth.Roles()...) {
			name := string(role)
			if name == "" {
				name = "logged-out"
			}
			t.Run(rt.pattern+"/"+name, func(t *testing.T) {
				c := b.client(t)
				if role != "" {
					c.login(string(role)+"-user", adminPassword)
				} else {
					c.get("/admin/login") // the pre-session CSRF token
				}
				var res *http.Response
				var page string
				if method == "GET" {
					res, page = c.get(path)
				} else {
					res, page = c.post(path, url.Values{})
				}
				loc := res.Header.Get("Location")
				toLogin := res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/admin/login")
				switch {
				case rt.perm == auth.Public:
					if res.StatusCode == http.StatusForbidden {
						t.Errorf("a public route refused: %d\n%.300s", res.StatusCode, page)
					}
				case rt.perm == auth.SecondFactor:
					// Only a login that waits for its code gets in.
					if !toLogin {
						t.Errorf("want a redirect to the login page, got %d %s", res.StatusCode, loc)
					}
				case role == "":
					if !toLogin {
						t.Errorf("logged out: want a redirect to the login page, got %d %s", res.StatusCode, loc)
					}
				case auth.Can(role, rt.perm):
					if res.StatusCode == http.StatusForbidden || toLogin && !strings.Contains(rt.pattern, "end-all") {
						t.Errorf("allowed role refused: %d %s\n%.300s", res.StatusCode, loc, page)
					}
				default:
					if res.StatusCode != http.StatusForbidden {
						t.Errorf("want 403, got %d %s", res.StatusCode, loc)
					}
				}
			})
		}
	}
	// The refused requests changed nothing: no role changed, no link made.
	u, _ := b.store.UserByID(context.Background(), target.ID)
	if u.Role != blog.RoleContributor {
		t.Errorf("the contributor became %s", u.Role)
	}
}

// TestAdminCSRF sends state-changing forms without a token, with a wrong
// one and with another session's: 403, and nothing changes.
func TestAdminCSRF(t *testing.T) {
	b := newAdminBlog(t)
	ctx := context.Background()
	owner := b.client(t)
	owner.login("owner-user", adminPassword)
	other := b.client(t)
	other.login("editor-user", adminPassword)
	links := func() int {
		var n int
		if err := b.store.DB().QueryRow(`SELECT COUNT(*) FROM account_tokens`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := links()
	for _, tt := range []struct {
		name  string
		token string
	}{{"no token", ""}, {"a wrong token", "AAAA" + owner.csrf[4:]}, {"another session's token", other.csrf}} {
		form := url.Values{"current": {adminPassword}, "password": {"a different passphrase"}, "confirm": {"a different passphrase"}}
		if tt.token != "" {
			form.Set(auth.CSRFField, tt.token)
		}
		res, page := owner.do("POST", "/admin/account/password", form)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "nothing was changed") {
			t.Errorf("password change with %s: %d", tt.name, res.StatusCode)
		}
		form = url.Values{"role": {"owner"}}
		if tt.token != "" {
			form.Set(auth.CSRFField, tt.token)
		}
		if res, _ := owner.do("POST", "/admin/users/invite", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("invitation with %s: %d", tt.name, res.StatusCode)
		}
		if res, _ := owner.do("POST", "/admin/users/"+strconv.FormatInt(b.users[blog.RoleAuthor].ID, 10)+"/role", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("role change with %s: %d", tt.name, res.StatusCode)
		}
	}
	if links() != before {
		t.Error("a refused invitation made a link")
	}
	if u, _ := b.store.UserByID(ctx, b.users[blog.RoleAuthor].ID); u.Role != blog.RoleAuthor {
		t.Error("a refused role change changed the role")
	}
	// The password is the old one.
	c := b.client(t)
	c.login("owner-user", adminPassword)

	// A login form without its token logs nobody in.
	anon := b.client(t)
	res, _ := anon.do("POST", "/admin/login", url.Values{"login": {"owner-user"}, "password": {adminPassword}})
	if res.StatusCode != http.StatusForbidden || len(res.Cookies()) > 1 {
		t.Errorf("login without a token: %d %v", res.StatusCode, res.Cookies())
	}
	// A cross-site form is refused even with a token.
	anon.get("/admin/login")
	r := httptest.NewRequest("POST", "/admin/login", strings.NewReader(url.Values{"login": {"owner-user"}, "password": {adminPassword}, "csrf": {anon.csrf}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	for _, ck := range anon.cookies {
		r.AddCookie(ck)
	}
	w := httptest.NewRecorder()
	b.handler.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden {
		t.Errorf("cross-site login: %d", w.Code)
	}
}

// TestAdminHeaders checks the security headers of admin pages.
func TestAdminHeaders(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("owner-user", adminPassword)
	for _, p := range []string{"/admin/login", "/admin/", "/admin/account", "/admin/users", "/admin/account/two-factor", "/admin/setup/nope", "/admin/posts", "/admin/posts/new", "/admin/pages/new"} {
		res, page := c.get(p)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
			!strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("X-Frame-Options") != "DENY" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", p, h)
		}
		// No inline script or style, no style attribute.
		if regexp.MustCompile(`<script>|<script [^>]*>[^<]|<style|style="`).MatchString(page) {
			t.Errorf("%s has inline script or style", p)
		}
	}
	// Assets: hashed URLs, immutable.
	_, page := b.client(t).get("/admin/login")
	m := regexp.MustCompile(`href="(/admin/assets/admin\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no hashed stylesheet in %s", page)
	}
	res, css := c.get(m[1])
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") ||
		!strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.Contains(css, "prefers-color-scheme") {
		t.Errorf("stylesheet: %d %v", res.StatusCode, res.Header)
	}
	if res, _ := c.get("/admin/assets/admin.0000000000.css"); res.StatusCode != 404 {
		t.Errorf("an unknown asset: %d", res.StatusCode)
	}
	if res, _ := c.get("/admin"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/admin/" {
		t.Errorf("/admin: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestAdminStatusMatchesWeb keeps the admin's error statuses in step
// with statusFor.
func TestAdminStatusMatchesWeb(t *testing.T) {
	for _, code := range []blog.Code{blog.ENOTFOUND, blog.EINVALID, blog.ECONFLICT, blog.EUNAUTHORIZED, blog.EFORBIDDEN, blog.EUNAVAILABLE, blog.EINTERNAL} {
		if got, want := admin.StatusOf(blog.Errorf(code, "x")), statusFor(code); got != want {
			t.Errorf("%s: admin %d, web %d", code, got, want)
		}
	}
}

// TestAdminLoginPage checks what a wrong login shows: one message and
// status for a wrong password and an unknown account, the login kept, the
// password not; and the rate limit's wait.
func TestAdminLoginPage(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.get("/admin/login?next=/admin/users")
	var pages []string
	for _, login := range []string{"owner-user", "nobody-here"} {
		res, page := c.post("/admin/login", url.Values{"login": {login}, "password": {"wrong wrong wrong"}, "next": {"/admin/users"}})
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, `value="`+login+`"`) || strings.Contains(page, "wrong wrong wrong") {
			t.Errorf("wrong login %s: %d", login, res.StatusCode)
		}
		msg := regexp.MustCompile(`<p class="error" role="alert">([^<]*)</p>`).FindStringSubmatch(page)
		if msg == nil {
			t.Fatalf("no error message:\n%s", page)
		}
		pages = append(pages, msg[1])
	}
	if pages[0] != pages[1] {
		t.Errorf("messages differ: %q, %q", pages[0], pages[1])
	}
	for range 4 {
		c.post("/admin/login", url.Values{"login": {"owner-user"}, "password": {"wrong wrong wrong"}})
	}
	res, page := c.post("/admin/login", url.Values{"login": {"owner-user"}, "password": {adminPassword}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "900" ||
		!strings.Contains(page, "Too many failed attempts. Try again in 900 seconds.") {
		t.Errorf("rate limit: %d %s\n%.400s", res.StatusCode, res.Header.Get("Retry-After"), page)
	}
	// The way back after logging in stays on this site.
	d := b.client(t)
	d.get("/admin/login")
	res, _ = d.post("/admin/login", url.Values{"login": {"editor-user"}, "password": {adminPassword}, "next": {"//evil.example/"}})
	if res.Header.Get("Location") != "/admin/" {
		t.Errorf("next=//evil.example/ went to %s", res.Header.Get("Location"))
	}
	d.get("/admin/account")
	d.post("/admin/logout", nil)
	d.get("/admin/login")
	res, _ = d.post("/admin/login", url.Values{"login": {"editor-user"}, "password": {adminPassword}, "next": {"/admin/account"}})
	if res.Header.Get("Location") != "/admin/account" {
		t.Errorf("next=/admin/account went to %s", res.Header.Get("Location"))
	}
}

var linkPathRE = regexp.MustCompile(`http://example\.test(/admin/(?:setup|invite|reset)/[A-Za-z0-9_-]{43})`)

// TestAdminSetupFlow creates the owner with a setup link, once; a second
// use and an expired link are refused.
func TestAdminSetupFlow(t *testing.T) {
	b := newTestBlog(t, blogOptions{})
	svc := auth.New(auth.Options{Store: b.store, Clock: b.clock, Params: auth.TestParams, BaseURL: "http://example.test"})
	a, err := admin.New(admin.Options{Auth: svc})
	if err != nil {
		t.Fatal(err)
	}
	b.server.admin = a
	b.handler = b.server.Handler()
	ab := &adminBlog{testBlog: b, auth: svc}
	ctx := context.Background()

	l, err := svc.SetupLink(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := linkPathRE.FindStringSubmatch(l.URL)[1]
	c := ab.client(t)
	res, page := c.get(path)
	if res.StatusCode != 200 || !strings.Contains(page, "Create the owner") {
		t.Fatalf("setup page: %d", res.StatusCode)
	}
	form := url.Values{"username": {"Olive"}, "email": {"olive@example.org"}, "password": {"an owner's long passphrase"}, "confirm": {"an owner's long passphrase!"}}
	res, page = c.post(path, form)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "The two passwords differ") || !strings.Contains(page, `value="Olive"`) {
		t.Errorf("different passwords: %d", res.StatusCode)
	}
	form.Set("confirm", "an owner's long passphrase")
	res, _ = c.post(path, form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/?done=welcome" {
		t.Fatalf("setup: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, page = c.get("/admin/?done=welcome")
	if res.StatusCode != 200 || !strings.Contains(page, "Welcome! Your account is ready.") || !strings.Contains(page, "an <strong>owner</strong>") {
		t.Errorf("dashboard after setup: %d\n%.500s", res.StatusCode, page)
	}
	// Used: the link is gone, for this visitor and any other.
	for _, cl := range []*client{c, ab.client(t)} {
		if res, page := cl.get(path); res.StatusCode != http.StatusNotFound || !strings.Contains(page, "not valid") {
			t.Errorf("second GET of a used setup link: %d", res.StatusCode)
		}
	}
	other := ab.client(t)
	other.get("/admin/login")
	form.Set("username", "mallory")
	form.Del(auth.CSRFField)
	if res, _ := other.post(path, form); res.StatusCode != http.StatusNotFound {
		t.Errorf("second POST of a used setup link: %d", res.StatusCode)
	}
	if _, err := b.store.UserByLogin(ctx, "mallory"); !blog.IsNotFound(err) {
		t.Error("a used setup link made a second account")
	}
	// With an owner, no new setup link can be made.
	if _, err := svc.SetupLink(ctx); blog.ErrorCode(err) != blog.ECONFLICT {
		t.Errorf("setup link with an owner: %v", err)
	}
}

func TestAdminSetupLinkExpires(t *testing.T) {
	b := newAdminBlog(t)
	// A blog without an owner.
	if _, err := b.store.DB().Exec(`DELETE FROM users`); err != nil {
		t.Fatal(err)
	}
	l, err := b.auth.SetupLink(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	path := linkPathRE.FindStringSubmatch(l.URL)[1]
	c := b.client(t)
	if _, page := c.get("/admin/login"); !strings.Contains(page, "This blog has no owner yet") {
		t.Error("the login page of a blog without an owner does not point to the setup link")
	}
	c.get(path)
	b.clock.T = testNow.Add(time.Hour)
	res, page := c.post(path, url.Values{"username": {"late"}, "password": {"a late long passphrase"}, "confirm": {"a late long passphrase"}})
	if res.StatusCode != http.StatusNotFound || !strings.Contains(page, "expired") {
		t.Errorf("an hour later: %d", res.StatusCode)
	}
	if ok, _ := b.store.HasOwner(context.Background()); ok {
		t.Error("an expired setup link made an owner")
	}
}

// TestAdminInvitationAndReset: the owner makes an invitation and a reset
// link in the users page; each works once.
func TestAdminInvitationAndReset(t *testing.T) {
	b := newAdminBlog(t)
	owner := b.client(t)
	owner.login("owner-user", adminPassword)
	owner.get("/admin/users")
	res, page := owner.post("/admin/users/invite", url.Values{"role": {"editor"}})
	m := linkPathRE.FindStringSubmatch(page)
	if res.StatusCode != 200 || m == nil || !strings.Contains(page, "the role <strong>editor</strong>") {
		t.Fatalf("invite: %d\n%.500s", res.StatusCode, page)
	}
	invite := m[1]
	guest := b.client(t)
	if res, page := guest.get(invite); res.StatusCode != 200 || !strings.Contains(page, "as <strong>editor</strong>") {
		t.Fatalf("invitation page: %d", res.StatusCode)
	}
	res, _ = guest.post(invite, url.Values{"username": {"newbie"}, "password": {"newbie's long passphrase"}, "confirm": {"newbie's long passphrase"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accepting: %d", res.StatusCode)
	}
	if res, page := guest.get("/admin/"); res.StatusCode != 200 || !strings.Contains(page, "<strong>editor</strong>") {
		t.Errorf("the invited editor's dashboard: %d", res.StatusCode)
	}
	again := b.client(t)
	if res, _ := again.get(invite); res.StatusCode != http.StatusNotFound {
		t.Errorf("a used invitation: %d", res.StatusCode)
	}

	// A reset link for the author.
	author := b.client(t)
	author.login("author-user", adminPassword)
	owner.get("/admin/users")
	res, page = owner.post("/admin/users/"+strconv.FormatInt(b.users[blog.RoleAuthor].ID, 10)+"/reset-link", nil)
	m = linkPathRE.FindStringSubmatch(page)
	if res.StatusCode != 200 || m == nil {
		t.Fatalf("reset link: %d\n%.500s", res.StatusCode, page)
	}
	reset := m[1]
	r := b.client(t)
	if res, page := r.get(reset); res.StatusCode != 200 || !strings.Contains(page, "author-user") {
		t.Fatalf("reset page: %d", res.StatusCode)
	}
	res, _ = r.post(reset, url.Values{"password": {"the author's new phrase"}, "confirm": {"the author's new phrase"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/login?done=reset" {
		t.Fatalf("reset: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := author.get("/admin/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the author's old session survived the reset: %d", res.StatusCode)
	}
	late := b.client(t)
	late.get("/admin/login")
	if res, _ := late.post(reset, url.Values{"password": {"a third long phrase"}, "confirm": {"a third long phrase"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("a used reset link: %d", res.StatusCode)
	}
	b.client(t).login("author-user", "the author's new phrase")
}

// TestAdminRoles: the owner changes roles; the last owner stays.
func TestAdminRoles(t *testing.T) {
	b := newAdminBlog(t)
	owner := b.client(t)
	owner.login("owner-user", adminPassword)
	owner.get("/admin/users")
	self := strconv.FormatInt(b.users[blog.RoleOwner].ID, 10)
	res, page := owner.post("/admin/users/"+self+"/role", url.Values{"role": {"editor"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(page, "must keep an owner") {
		t.Errorf("demoting the last owner: %d", res.StatusCode)
	}
	res, _ = owner.post("/admin/users/"+strconv.FormatInt(b.users[blog.RoleAuthor].ID, 10)+"/role", url.Values{"role": {"editor"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("making the author an editor: %d", res.StatusCode)
	}
	res, _ = owner.post("/admin/users/"+strconv.FormatInt(b.users[blog.RoleAuthor].ID, 10)+"/role", url.Values{"role": {"superuser"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown role: %d", res.StatusCode)
	}
	if u, _ := b.store.UserByID(context.Background(), b.users[blog.RoleAuthor].ID); u.Role != blog.RoleEditor {
		t.Errorf("role %s", u.Role)
	}
	// The role is checked on every request: the demoted user loses access at once.
	ed := b.client(t)
	ed.login("editor-user", adminPassword)
	if res, _ := ed.get("/admin/users"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an editor on the users page: %d", res.StatusCode)
	}
}

// TestAdminTwoFactor turns two-factor on through the pages, with a clock
// the test sets, and logs in with a code and with a recovery code.
func TestAdminTwoFactor(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("author-user", adminPassword)
	_, page := c.get("/admin/account/two-factor")
	m := regexp.MustCompile(`<code id="totp-secret" class="secret">([A-Z2-7]{32})</code>`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `src="data:image/png;base64,`) || !strings.Contains(page, `href="otpauth://totp/`) {
		t.Fatalf("set-up page:\n%s", page)
	}
	secret := m[1]
	code, _ := auth.TOTPCode(secret, b.clock.T)
	res, page := c.post("/admin/account/two-factor", url.Values{"secret": {secret}, "code": {"000000"}, "password": {adminPassword}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, secret) {
		t.Errorf("a wrong code: %d (the same secret must be shown again)", res.StatusCode)
	}
	res, page = c.post("/admin/account/two-factor", url.Values{"secret": {secret}, "code": {code}, "password": {adminPassword}})
	codes := regexp.MustCompile(`<li><code>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})</code></li>`).FindAllStringSubmatch(page, -1)
	if res.StatusCode != 200 || len(codes) != auth.RecoveryCodes {
		t.Fatalf("enabling: %d\n%s", res.StatusCode, page)
	}
	if _, page := c.get("/admin/account"); !strings.Contains(page, "Recovery codes left: 10") {
		t.Error("the account page does not say two-factor is on")
	}

	// Logging in now takes a code.
	b.clock.T = b.clock.T.Add(time.Minute)
	d := b.client(t)
	d.get("/admin/login")
	res, _ = d.post("/admin/login", url.Values{"login": {"author-user"}, "password": {adminPassword}, "next": {"/admin/account"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/login/code?next=%2Fadmin%2Faccount" {
		t.Fatalf("password step: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := d.get("/admin/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/login/code" {
		t.Errorf("the admin before the code: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	d.get("/admin/login/code?next=%2Fadmin%2Faccount")
	if res, page := d.post("/admin/login/code", url.Values{"code": {"123456"}, "next": {"/admin/account"}}); res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "not right") {
		t.Errorf("a wrong code: %d", res.StatusCode)
	}
	now, _ := auth.TOTPCode(secret, b.clock.T)
	res, _ = d.post("/admin/login/code", url.Values{"code": {now}, "next": {"/admin/account"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/account" {
		t.Fatalf("code step: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := d.get("/admin/account"); res.StatusCode != 200 {
		t.Errorf("after the code: %d", res.StatusCode)
	}

	// A recovery code, once.
	for i, want := range []int{http.StatusSeeOther, http.StatusUnauthorized} {
		e := b.client(t)
		e.get("/admin/login")
		e.post("/admin/login", url.Values{"login": {"author-user"}, "password": {adminPassword}})
		e.get("/admin/login/code")
		if res, _ := e.post("/admin/login/code", url.Values{"code": {codes[0][1]}}); res.StatusCode != want {
			t.Errorf("recovery code, use %d: %d", i+1, res.StatusCode)
		}
	}

	// Off again, with the password.
	d.get("/admin/account")
	if res, _ := d.post("/admin/account/two-factor/disable", url.Values{"password": {"not the password"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("disable with a wrong password: %d", res.StatusCode)
	}
	if res, _ := d.post("/admin/account/two-factor/disable", url.Values{"password": {adminPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("disable: %d", res.StatusCode)
	}
	b.client(t).login("author-user", adminPassword)
}

// TestAdminSessions: expiry by the clock, the session list, ending one
// session and logging out everywhere.
func TestAdminSessions(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("editor-user", adminPassword)
	b.clock.T = b.clock.T.Add(auth.DefaultIdleTimeout - time.Minute)
	if res, _ := c.get("/admin/"); res.StatusCode != 200 {
		t.Fatalf("before the idle timeout: %d", res.StatusCode)
	}
	b.clock.T = b.clock.T.Add(auth.DefaultIdleTimeout)
	if res, _ := c.get("/admin/"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
		t.Errorf("after the idle timeout: %d", res.StatusCode)
	}

	c.login("editor-user", adminPassword)
	other := b.client(t)
	other.addr = "198.51.100.4:999"
	other.login("editor-user", adminPassword)
	_, page := c.get("/admin/account")
	if !strings.Contains(page, "198.51.100.4") || !strings.Contains(page, "This session") {
		t.Errorf("session list:\n%s", page)
	}
	ids := regexp.MustCompile(`/admin/account/sessions/(\d+)/end`).FindAllStringSubmatch(page, -1)
	if len(ids) != 1 {
		t.Fatalf("want one other session to end, got %v", ids)
	}
	if res, _ := c.post("/admin/account/sessions/"+ids[0][1]+"/end", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("ending a session: %d", res.StatusCode)
	}
	if res, _ := other.get("/admin/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("an ended session: %d", res.StatusCode)
	}
	// Another user's session cannot be ended from here.
	owner := b.client(t)
	owner.login("owner-user", adminPassword)
	var ownerSession int64
	b.store.DB().QueryRow(`SELECT id FROM sessions WHERE user_id = ?`, b.users[blog.RoleOwner].ID).Scan(&ownerSession)
	c.get("/admin/account")
	if res, _ := c.post("/admin/account/sessions/"+strconv.FormatInt(ownerSession, 10)+"/end", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("ending another user's session: %d", res.StatusCode)
	}
	if res, _ := owner.get("/admin/"); res.StatusCode != 200 {
		t.Error("the owner's session was ended by someone else")
	}

	other.login("editor-user", adminPassword)
	c.get("/admin/account")
	res, _ := c.post("/admin/account/sessions/end-all", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/login?done=everywhere" {
		t.Errorf("log out everywhere: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	for _, cl := range []*client{c, other} {
		if res, _ := cl.get("/admin/"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("a session survived logging out everywhere: %d", res.StatusCode)
		}
	}
}

// TestAdminChangePassword changes the password through the account page.
func TestAdminChangePassword(t *testing.T) {
	b := newAdminBlog(t)
	c := b.client(t)
	c.login("contributor-user", adminPassword)
	res, page := c.post("/admin/account/password", url.Values{"current": {adminPassword}, "password": {"qwertyuiop123"}, "confirm": {"qwertyuiop123"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "too common") {
		t.Errorf("a weak password: %d", res.StatusCode)
	}
	res, page = c.post("/admin/account/password", url.Values{"current": {"wrong"}, "password": {"a new long passphrase"}, "confirm": {"a new long passphrase"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "current password is wrong") {
		t.Errorf("a wrong current password: %d", res.StatusCode)
	}
	res, _ = c.post("/admin/account/password", url.Values{"current": {adminPassword}, "password": {"a new long passphrase"}, "confirm": {"a new long passphrase"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if _, page := c.get("/admin/account?done=password"); !strings.Contains(page, "Your password is changed") {
		t.Error("no notice")
	}
	b.client(t).login("contributor-user", "a new long passphrase")
}
