package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"octavo/internal/blog"
)

// guarded is a handler behind Protect that counts its calls.
type guarded struct {
	calls int
	h     http.Handler
}

func newGuarded(e *testEnv, perm Permission) *guarded {
	g := &guarded{}
	g.h = e.svc.Protect(perm, func(w http.ResponseWriter, r *http.Request, status int, msg string) {
		http.Error(w, msg, status)
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.calls++
		w.Write([]byte("token=" + CSRFToken(r)))
	}))
	return g
}

func (g *guarded) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	g.h.ServeHTTP(w, r)
	return w
}

func formRequest(target string, form url.Values, cookies ...*http.Cookie) *http.Request {
	r := httptest.NewRequest("POST", target, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = "192.0.2.1:1"
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return r
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "ada", blog.RoleAuthor)
	g := newGuarded(e, PermAdmin)
	_, c, _ := e.login(t, "ada", goodPassword, "192.0.2.1:1")

	w := g.do(request("GET", "/admin/x", "192.0.2.1:1", c))
	token := strings.TrimPrefix(w.Body.String(), "token=")
	if w.Code != 200 || len(token) != 43 || g.calls != 1 {
		t.Fatalf("GET: %d %q", w.Code, w.Body)
	}
	_, c2, _ := e.login(t, "ada", goodPassword, "192.0.2.1:1")
	other := strings.TrimPrefix(g.do(request("GET", "/admin/x", "192.0.2.1:1", c2)).Body.String(), "token=")
	if other == token {
		t.Fatal("two sessions share a CSRF token")
	}
	g.calls = 0
	for _, tt := range []struct {
		name string
		r    *http.Request
	}{
		{"no token", formRequest("/admin/x", url.Values{"a": {"1"}}, c)},
		{"empty token", formRequest("/admin/x", url.Values{CSRFField: {""}}, c)},
		{"wrong token", formRequest("/admin/x", url.Values{CSRFField: {"x" + token[1:]}}, c)},
		{"another session's token", formRequest("/admin/x", url.Values{CSRFField: {other}}, c)},
		{"cross-site", func() *http.Request {
			r := formRequest("/admin/x", url.Values{CSRFField: {token}}, c)
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			return r
		}()},
	} {
		w := g.do(tt.r)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "nothing was changed") {
			t.Errorf("%s: %d %q", tt.name, w.Code, w.Body)
		}
	}
	if g.calls != 0 {
		t.Fatalf("the handler ran %d times for refused requests", g.calls)
	}
	if w := g.do(formRequest("/admin/x", url.Values{CSRFField: {token}}, c)); w.Code != 200 || g.calls != 1 {
		t.Errorf("right token: %d", w.Code)
	}
	r := request("POST", "/admin/x", "192.0.2.1:1", c)
	r.Header.Set(CSRFHeader, token)
	if w := g.do(r); w.Code != 200 || g.calls != 2 {
		t.Errorf("token in the header: %d", w.Code)
	}
}

func TestCSRFBeforeLogin(t *testing.T) {
	e := newEnv(t)
	g := newGuarded(e, Public)
	w := g.do(request("GET", "/admin/login", "192.0.2.1:1"))
	pre := cookieOf(w, csrfCookie)
	if pre == nil || !pre.HttpOnly || pre.SameSite != http.SameSiteLaxMode {
		t.Fatalf("pre-session cookie: %v", w.Header()["Set-Cookie"])
	}
	token := strings.TrimPrefix(w.Body.String(), "token=")
	g.calls = 0
	if w := g.do(formRequest("/admin/login", url.Values{})); w.Code != http.StatusForbidden || g.calls != 0 {
		t.Errorf("no token: %d", w.Code)
	}
	if w := g.do(formRequest("/admin/login", url.Values{CSRFField: {token}})); w.Code != http.StatusForbidden || g.calls != 0 {
		t.Errorf("a token without its cookie: %d", w.Code)
	}
	if w := g.do(formRequest("/admin/login", url.Values{CSRFField: {token}}, pre)); w.Code != 200 || g.calls != 1 {
		t.Errorf("token and cookie: %d", w.Code)
	}
}

func TestProtectRoles(t *testing.T) {
	e := newEnv(t)
	for _, r := range Roles() {
		e.addUser(t, string(r), r)
	}
	for _, rule := range Rules() {
		g := newGuarded(e, rule.Permission)
		// Logged out: to the login page, with the way back.
		w := g.do(request("GET", "/admin/thing?x=1", "192.0.2.1:1"))
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/login?next=%2Fadmin%2Fthing%3Fx%3D1" {
			t.Errorf("%s logged out: %d %s", rule.Permission, w.Code, w.Header().Get("Location"))
		}
		for _, role := range Roles() {
			_, c, err := e.login(t, string(role), goodPassword, "192.0.2.1:1")
			if err != nil {
				t.Fatal(err)
			}
			w := g.do(request("GET", "/admin/thing", "192.0.2.1:1", c))
			want := http.StatusForbidden
			if Can(role, rule.Permission) {
				want = http.StatusOK
			}
			if w.Code != want {
				t.Errorf("%s as %s: %d, want %d", rule.Permission, role, w.Code, want)
			}
		}
	}
}

func TestPermissionTable(t *testing.T) {
	want := map[Permission][]blog.Role{
		PermAdmin:       {blog.RoleOwner, blog.RoleEditor, blog.RoleAuthor, blog.RoleContributor},
		PermWriteDrafts: {blog.RoleOwner, blog.RoleEditor, blog.RoleAuthor, blog.RoleContributor},
		PermPublishOwn:  {blog.RoleOwner, blog.RoleEditor, blog.RoleAuthor},
		PermEditPosts:   {blog.RoleOwner, blog.RoleEditor},
		PermPages:       {blog.RoleOwner, blog.RoleEditor},
		PermTags:        {blog.RoleOwner, blog.RoleEditor},
		PermMedia:       {blog.RoleOwner, blog.RoleEditor},
		PermUsers:       {blog.RoleOwner},
		PermSettings:    {blog.RoleOwner},
	}
	if len(Rules()) != len(want) {
		t.Errorf("%d rules, want %d", len(Rules()), len(want))
	}
	for perm, roles := range want {
		for _, r := range Roles() {
			should := false
			for _, x := range roles {
				should = should || x == r
			}
			if Can(r, perm) != should {
				t.Errorf("Can(%s, %s) = %v", r, perm, !should)
			}
		}
	}
	if Can("admin", PermAdmin) || Can(blog.RoleOwner, Public) || Can(blog.RoleOwner, "nonsense") {
		t.Error("unknown roles and permissions must hold nothing")
	}
}

func TestCanEditPost(t *testing.T) {
	users := map[blog.Role]*blog.User{}
	for i, r := range Roles() {
		users[r] = &blog.User{ID: int64(i + 1), Role: r}
	}
	contributor, author := users[blog.RoleContributor], users[blog.RoleAuthor]
	own := func(u *blog.User, st blog.Status) *blog.Post {
		return &blog.Post{Kind: blog.KindPost, AuthorID: u.ID, Status: st}
	}
	tests := []struct {
		name string
		u    *blog.User
		p    *blog.Post
		st   blog.Status
		edit bool
		set  bool
	}{
		{"contributor own draft → pending", contributor, own(contributor, blog.StatusDraft), blog.StatusPending, true, true},
		{"contributor own draft → published", contributor, own(contributor, blog.StatusDraft), blog.StatusPublished, true, false},
		{"contributor own published", contributor, own(contributor, blog.StatusPublished), blog.StatusDraft, false, false},
		{"contributor other's draft", contributor, own(author, blog.StatusDraft), blog.StatusDraft, false, false},
		{"author own → published", author, own(author, blog.StatusDraft), blog.StatusPublished, true, true},
		{"author other's post", author, own(contributor, blog.StatusPending), blog.StatusPublished, false, false},
		{"author a page", author, &blog.Post{Kind: blog.KindPage, AuthorID: author.ID}, blog.StatusPublished, false, false},
		{"editor other's post", users[blog.RoleEditor], own(contributor, blog.StatusPending), blog.StatusPublished, true, true},
		{"editor a page", users[blog.RoleEditor], &blog.Post{Kind: blog.KindPage}, blog.StatusPublished, true, true},
		{"owner anything", users[blog.RoleOwner], own(author, blog.StatusPublished), blog.StatusTrashed, true, true},
	}
	for _, tt := range tests {
		if got := CanEditPost(tt.u, tt.p); got != tt.edit {
			t.Errorf("%s: CanEditPost = %v", tt.name, got)
		}
		if got := CanSetStatus(tt.u, tt.p, tt.st); got != tt.set {
			t.Errorf("%s: CanSetStatus = %v", tt.name, got)
		}
	}
}
