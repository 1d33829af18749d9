package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/store/sqlite"
)

var t0 = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

// testEnv is a Service on a real SQLite database in a temporary folder,
// with a clock the test sets and cheap argon2 parameters.
type testEnv struct {
	svc   *Service
	store *sqlite.Store
	clock *blog.FixedClock
}

func newEnv(t *testing.T, edit ...func(*Options)) *testEnv {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := &blog.FixedClock{T: t0}
	o := Options{Store: st, Clock: clock, Params: TestParams, BaseURL: "https://blog.example.org"}
	for _, e := range edit {
		e(&o)
	}
	return &testEnv{svc: New(o), store: st, clock: clock}
}

const goodPassword = "correct staple horse battery 7"

func (e *testEnv) addUser(t *testing.T, name string, role blog.Role) *blog.User {
	t.Helper()
	u, err := e.svc.AddUser(context.Background(), NewAccount{Username: name, Email: name + "@example.org", Password: goodPassword}, role)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// request is a request from addr (HOST:PORT) carrying cookies.
func request(method, target, addr string, cookies ...*http.Cookie) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = addr
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return r
}

// cookieOf returns the cookie named name that a response set.
func cookieOf(w *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// login logs in from addr and returns the identity and the session cookie.
func (e *testEnv) login(t *testing.T, login, password, addr string) (*Identity, *http.Cookie, error) {
	t.Helper()
	w := httptest.NewRecorder()
	id, err := e.svc.Login(w, request("POST", "/admin/login", addr), login, password)
	return id, cookieOf(w, sessionCookie), err
}

// authenticate reads the session of a cookie.
func (e *testEnv) authenticate(t *testing.T, c *http.Cookie) *Identity {
	t.Helper()
	id, err := e.svc.Authenticate(httptest.NewRecorder(), request("GET", "/admin/", "192.0.2.1:1000", c))
	if err != nil {
		t.Fatal(err)
	}
	return id
}
