package auth

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
)

func TestLoginSetsASecureCookie(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.1, 192.168.0.0/16")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(o *Options) { o.TrustedProxies = proxies })
	e.addUser(t, "ada", blog.RoleAuthor)
	tests := []struct {
		name       string
		addr       string
		tls        bool
		proto      string
		wantSecure bool
	}{
		{"plain HTTP", "192.0.2.1:1000", false, "", false},
		{"direct TLS", "192.0.2.1:1000", true, "", true},
		{"a trusted proxy says https", "10.0.0.1:1000", false, "https", true},
		{"a trusted proxy network says https", "192.168.3.4:1000", false, "http, https", true},
		{"a trusted proxy says http", "10.0.0.1:1000", false, "https, http", false},
		{"an untrusted peer claims https", "192.0.2.9:1000", false, "https", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := request("POST", "/admin/login", tt.addr)
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if tt.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			w := httptest.NewRecorder()
			id, err := e.svc.Login(w, r, "ada", goodPassword)
			if err != nil {
				t.Fatal(err)
			}
			name := sessionCookie
			if tt.wantSecure {
				name = "__Host-" + sessionCookie
			}
			c := cookieOf(w, name)
			if c == nil {
				t.Fatalf("no cookie %s in %v", name, w.Header()["Set-Cookie"])
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tt.wantSecure || c.Path != "/" || c.Domain != "" {
				t.Errorf("cookie %+v", c)
			}
			if !c.Expires.Equal(t0.Add(DefaultAbsoluteTimeout)) {
				t.Errorf("cookie expires %v", c.Expires)
			}
			// The database holds the token's hash, never the token.
			if id.Session.TokenHash != HashToken(c.Value) || strings.Contains(id.Session.TokenHash, c.Value) {
				t.Errorf("stored %q for token %q", id.Session.TokenHash, c.Value)
			}
			if id.Session.Stage != blog.StageFull || id.Session.IP != strings.Split(tt.addr, ":")[0] && tt.proto == "" {
				t.Errorf("session %+v", id.Session)
			}
		})
	}
}

func TestLoginByUsernameOrEmail(t *testing.T) {
	e := newEnv(t)
	ada := e.addUser(t, "ada", blog.RoleAuthor)
	for _, login := range []string{"ada", "ADA", " ada@example.org ", "Ada@Example.org"} {
		id, c, err := e.login(t, login, goodPassword, "192.0.2.1:1")
		if err != nil || id.User.ID != ada.ID || c == nil {
			t.Errorf("login %q: %v", login, err)
		}
	}
}

func TestWrongLoginsLookAlike(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "ada", blog.RoleAuthor)
	// A user without a password (the demo author) cannot log in either.
	if err := e.store.CreateUser(context.Background(), &blog.User{Username: "nopass", DisplayName: "No", Role: blog.RoleAuthor}); err != nil {
		t.Fatal(err)
	}
	h := e.svc.Hasher()
	h.VerifyDummy("warm") // the dummy hash is made once, lazily
	var msgs []string
	for _, c := range []struct{ login, password string }{
		{"ada", "wrong password here"},
		{"nobody", "wrong password here"},
		{"nobody@example.org", goodPassword},
		{"nopass", ""},
		{"", "x"},
	} {
		before := h.derived.Load()
		_, cookie, err := e.login(t, c.login, c.password, "192.0.2.1:1")
		if blog.ErrorCode(err) != blog.EUNAUTHORIZED || cookie != nil {
			t.Errorf("login %q: %v, cookie %v", c.login, err, cookie)
		}
		if n := h.derived.Load() - before; n != 1 {
			t.Errorf("login %q ran argon2 %d times; every wrong login must run it once", c.login, n)
		}
		msgs = append(msgs, blog.ErrorMessage(err))
	}
	for _, m := range msgs[1:] {
		if m != msgs[0] {
			t.Errorf("messages differ: %q and %q", msgs[0], m)
		}
	}
}

func TestOverlongPasswordNeverMatches(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	for i := 0; b.Len() < MaxPasswordBytes; i++ {
		fmt.Fprintf(&b, "%d ", i*7919)
	}
	long := b.String()[:MaxPasswordBytes]
	if _, err := e.svc.AddUser(context.Background(), NewAccount{Username: "long", Password: long}, blog.RoleAuthor); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.login(t, "long", long, "192.0.2.1:1"); err != nil {
		t.Fatalf("the exact password: %v", err)
	}
	if _, _, err := e.login(t, "long", long+"anything", "192.0.2.1:1"); blog.ErrorCode(err) != blog.EUNAUTHORIZED {
		t.Errorf("the password with more after it: %v", err)
	}
}

func TestRateLimitPerAccount(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "ada", blog.RoleAuthor)
	for _, login := range []string{"ada", "ghost"} { // an account that exists and one that does not
		t.Run(login, func(t *testing.T) {
			start := e.clock.T
			for i := range 5 {
				e.clock.T = start.Add(time.Duration(i) * time.Minute)
				// Different addresses: only the account's limit counts.
				if _, _, err := e.login(t, login, "wrong password x", "192.0.2."+string(rune('1'+i))+":1"); blog.ErrorCode(err) != blog.EUNAUTHORIZED {
					t.Fatalf("attempt %d: %v", i+1, err)
				}
			}
			e.clock.T = start.Add(5 * time.Minute)
			_, _, err := e.login(t, login, goodPassword, "192.0.2.99:1")
			le, ok := IsLimit(err)
			if !ok {
				t.Fatalf("6th attempt: want a rate limit, got %v", err)
			}
			// The first failure (at start) leaves the 15-minute window at start+15m.
			if le.Seconds() != 600 || le.Error() != "Too many failed attempts. Try again in 600 seconds." {
				t.Errorf("limit: %d s, %q", le.Seconds(), le.Error())
			}
			e.clock.T = start.Add(15*time.Minute - time.Second)
			if _, _, err := e.login(t, login, goodPassword, "192.0.2.99:1"); err == nil || !strings.Contains(err.Error(), "Try again in 1 second.") {
				t.Errorf("a second before: %v", err)
			}
			e.clock.T = start.Add(15 * time.Minute)
			_, _, err = e.login(t, login, goodPassword, "192.0.2.99:1")
			if login == "ada" && err != nil {
				t.Errorf("after the window: %v", err)
			}
			if login == "ghost" && blog.ErrorCode(err) != blog.EUNAUTHORIZED {
				t.Errorf("after the window, an unknown account: %v", err)
			}
		})
	}
	// A success clears the account's failures.
	e.clock.T = e.clock.T.Add(time.Hour)
	for range 4 {
		e.login(t, "ada", "wrong password x", "192.0.2.50:1")
	}
	if _, _, err := e.login(t, "ada", goodPassword, "192.0.2.50:1"); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		e.login(t, "ada", "wrong password x", "192.0.2.50:1")
	}
	if _, _, err := e.login(t, "ada", goodPassword, "192.0.2.50:1"); err != nil {
		t.Errorf("4 failures after a success must not lock: %v", err)
	}
}

func TestRateLimitPerIP(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "ada", blog.RoleAuthor)
	for i := range 20 {
		// Different accounts, one address.
		if _, _, err := e.login(t, "user"+string(rune('a'+i)), "wrong password x", "198.51.100.7:1"); blog.ErrorCode(err) != blog.EUNAUTHORIZED {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if _, _, err := e.login(t, "ada", goodPassword, "198.51.100.7:2"); err == nil || !strings.Contains(err.Error(), "Try again in 900 seconds") {
		t.Errorf("21st attempt from one address: %v", err)
	}
	if _, _, err := e.login(t, "ada", goodPassword, "198.51.100.8:1"); err != nil {
		t.Errorf("another address: %v", err)
	}
	// IPv6 addresses count by /64.
	for i := range 20 {
		e.login(t, fmt.Sprintf("ghost%d", i), "wrong password x", fmt.Sprintf("[2001:db8:1:2::%x]:1", i+1))
	}
	if _, _, err := e.login(t, "ada", goodPassword, "[2001:db8:1:2:ffff::1]:1"); err == nil {
		t.Error("the same /64 must share the limit")
	}
	if _, _, err := e.login(t, "ada", goodPassword, "[2001:db8:1:3::1]:1"); err != nil {
		t.Errorf("another /64: %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.IdleTimeout = 2 * time.Hour; o.AbsoluteTimeout = 10 * time.Hour })
	e.addUser(t, "ada", blog.RoleAuthor)
	_, c, err := e.login(t, "ada", goodPassword, "192.0.2.1:1")
	if err != nil {
		t.Fatal(err)
	}
	// Active every 1h59m: alive until the absolute expiry.
	for at := time.Duration(0); at < 10*time.Hour; at += 119 * time.Minute {
		e.clock.T = t0.Add(at)
		if id := e.authenticate(t, c); id == nil {
			t.Fatalf("session ended at +%v while in use", at)
		}
	}
	e.clock.T = t0.Add(10 * time.Hour)
	if id := e.authenticate(t, c); id != nil {
		t.Error("session alive at its absolute expiry")
	}
	// The ended session is gone from the database.
	if list, _ := e.store.UserSessions(context.Background(), 1); len(list) != 0 {
		t.Errorf("sessions left: %v", list)
	}

	// Idle: two hours without a request.
	e.clock.T = t0.Add(20 * time.Hour)
	_, c, _ = e.login(t, "ada", goodPassword, "192.0.2.1:1")
	e.clock.T = e.clock.T.Add(2*time.Hour - time.Second)
	if e.authenticate(t, c) == nil {
		t.Fatal("session ended before its idle timeout")
	}
	e.clock.T = e.clock.T.Add(2 * time.Hour)
	w := httptest.NewRecorder()
	id, err := e.svc.Authenticate(w, request("GET", "/admin/", "192.0.2.1:1", c))
	if err != nil || id != nil {
		t.Errorf("idle session: %v %v", id, err)
	}
	if cleared := cookieOf(w, sessionCookie); cleared == nil || cleared.MaxAge >= 0 {
		t.Errorf("an ended session's cookie must be cleared: %v", w.Header()["Set-Cookie"])
	}
}

func TestLogoutAndSessions(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "ada", blog.RoleAuthor)
	ctx := context.Background()
	a, ca, _ := e.login(t, "ada", goodPassword, "192.0.2.1:1")
	e.clock.T = t0.Add(time.Minute)
	b, cb, _ := e.login(t, "ada", goodPassword, "192.0.2.2:1")
	e.clock.T = t0.Add(2 * time.Minute)
	_, cc, _ := e.login(t, "ada", goodPassword, "192.0.2.3:1")
	list, err := e.svc.Sessions(ctx, a)
	if err != nil || len(list) != 3 || list[0].IP != "192.0.2.3" {
		t.Fatalf("Sessions: %v %v", list, err)
	}
	if err := e.svc.EndSession(ctx, a, a.Session.ID); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("ending one's own session there: %v", err)
	}
	if err := e.svc.EndSession(ctx, a, b.Session.ID); err != nil {
		t.Fatal(err)
	}
	if e.authenticate(t, cb) != nil {
		t.Error("an ended session still works")
	}
	if err := e.svc.Logout(httptest.NewRecorder(), request("POST", "/admin/logout", "192.0.2.1:1", ca), a); err != nil {
		t.Fatal(err)
	}
	if e.authenticate(t, ca) != nil {
		t.Error("a logged-out session still works")
	}
	c := e.authenticate(t, cc)
	if err := e.svc.LogoutEverywhere(httptest.NewRecorder(), request("POST", "/", "192.0.2.3:1", cc), c); err != nil {
		t.Fatal(err)
	}
	if e.authenticate(t, cc) != nil {
		t.Error("log out everywhere left this session")
	}
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "ada", blog.RoleAuthor)
	ctx := context.Background()
	a, ca, _ := e.login(t, "ada", goodPassword, "192.0.2.1:1")
	_, cb, _ := e.login(t, "ada", goodPassword, "192.0.2.2:1")
	if err := e.svc.ChangePassword(ctx, a, "not it at all", "another fine passphrase"); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("wrong current password: %v", err)
	}
	if err := e.svc.ChangePassword(ctx, a, goodPassword, "password12345"); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("weak new password: %v", err)
	}
	if err := e.svc.ChangePassword(ctx, a, goodPassword, "another fine passphrase"); err != nil {
		t.Fatal(err)
	}
	if e.authenticate(t, ca) == nil || e.authenticate(t, cb) != nil {
		t.Error("want this session kept and the other ended")
	}
	if _, _, err := e.login(t, "ada", "another fine passphrase", "192.0.2.1:1"); err != nil {
		t.Error(err)
	}
}

func TestProxies(t *testing.T) {
	p, err := ParseProxies("10.0.0.0/8 ::1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseProxies("10.0.0.0/99"); err == nil {
		t.Error("a bad network was accepted")
	}
	if _, err := ParseProxies("proxy.local"); err == nil {
		t.Error("a host name was accepted")
	}
	tests := []struct {
		remote, xff, want string
	}{
		{"192.0.2.1:5", "", "192.0.2.1"},
		{"192.0.2.1:5", "203.0.113.9", "192.0.2.1"},                     // not a proxy: the header is ignored
		{"10.1.2.3:5", "203.0.113.9", "203.0.113.9"},                    // a proxy
		{"10.1.2.3:5", "1.1.1.1, 203.0.113.9, 10.9.9.9", "203.0.113.9"}, // made-up left-most hop skipped
		{"[::1]:5", "2001:db8::7", "2001:db8::7"},
		{"10.1.2.3:5", "", "10.1.2.3"},
		{"10.1.2.3:5", "junk", "10.1.2.3"},
	}
	for _, tt := range tests {
		r := request("GET", "/", tt.remote)
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := p.ClientIP(r).String(); got != tt.want {
			t.Errorf("ClientIP(%s, %q) = %s, want %s", tt.remote, tt.xff, got, tt.want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/admin/users":         "/admin/users",
		"/admin/account?x=1":   "/admin/account?x=1",
		"":                     "/admin/",
		"/":                    "/admin/",
		"//evil.example/":      "/admin/",
		"https://evil.example": "/admin/",
		"/admin/\\evil":        "/admin/",
		"/admin/../x":          "/admin/../x", // still on this site
	} {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
