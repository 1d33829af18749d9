package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/render"
	"octavo/internal/store/sqlite"
)

// testNow is the fixed time of every test blog.
var testNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

// testBlog is a real blog: SQLite in a temporary folder, the content
// service invalidating the server's cache, the embedded theme.
type testBlog struct {
	t       testing.TB
	store   *sqlite.Store
	svc     *content.Service
	clock   *blog.FixedClock
	cache   *Cache
	server  *Server
	handler http.Handler
	posts   map[string]*blog.Post // by a short name
	gate    *gate
}

type blogOptions struct {
	cacheBytes int64
	options    func(*Options)
}

func newTestBlog(t testing.TB, o blogOptions) *testBlog {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if o.cacheBytes == 0 {
		o.cacheBytes = 32 << 20
	}
	b := &testBlog{t: t, store: store, clock: &blog.FixedClock{T: testNow}, cache: NewCache(o.cacheBytes),
		posts: map[string]*blog.Post{}, gate: &gate{}}
	b.svc = content.New(store, markdown.New(), b.clock, b.cache.Invalidate)
	st := blog.DefaultSettings()
	st.Title = "Cache Test Blog"
	if err := store.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	th, _, err := render.LoadTheme("", log)
	if err != nil {
		t.Fatal(err)
	}
	r := render.New(gatedReader{store, b.gate}, th, "http://example.test", b.clock)
	opts := Options{Renderer: r, Cache: b.cache, DB: store, Log: log, Clock: b.clock}
	if o.options != nil {
		o.options(&opts)
	}
	b.server = New(opts)
	b.handler = b.server.Handler()
	return b
}

// save writes a post through the content service, as the admin would.
func (b *testBlog) save(name string, p *blog.Post) *blog.Post {
	b.t.Helper()
	if err := b.svc.Save(context.Background(), p); err != nil {
		b.t.Fatalf("saving %s: %v", name, err)
	}
	b.posts[name] = p
	return p
}

// publish saves a new published post.
func (b *testBlog) publish(name, title string, at time.Time, tags ...string) *blog.Post {
	b.t.Helper()
	p := &blog.Post{Title: title, Status: blog.StatusPublished, PublishedAt: at,
		Body: "The first paragraph of " + title + ".\n\n<!--more-->\n\nThe rest of it."}
	for _, t := range tags {
		p.Tags = append(p.Tags, blog.Tag{Name: t})
	}
	return b.save(name, p)
}

// do runs a request through the whole handler (middleware included).
func (b *testBlog) do(method, path string, header ...string) *http.Response {
	b.t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	return rec.Result()
}

// get fetches a path and fails the test unless the status is want.
func (b *testBlog) get(path string, want int, header ...string) (*http.Response, []byte) {
	b.t.Helper()
	res := b.do(http.MethodGet, path, header...)
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		b.t.Fatalf("GET %s: status %d, want %d\n%.300s", path, res.StatusCode, want, body)
	}
	return res, body
}

func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("bad gzip: %v", err)
	}
	return out
}

// gate lets a test hold a render in the middle: PostByPath of the held
// path blocks until the test releases it.
type gate struct {
	mu      sync.Mutex
	fail    string // PostByPath of this path fails as a broken database would
	path    string
	entered chan struct{}
	release chan struct{}
}

// hold makes the next renders of path block; entered is closed when the
// first one reaches the database.
func (g *gate) hold(path string) (entered <-chan struct{}, release func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.path, g.entered, g.release = path, make(chan struct{}), make(chan struct{})
	var once sync.Once
	rel := g.release
	return g.entered, func() {
		once.Do(func() {
			g.mu.Lock()
			g.path = ""
			g.mu.Unlock()
			close(rel)
		})
	}
}

func (g *gate) wait(path string) {
	g.mu.Lock()
	if g.path == "" || g.path != path {
		g.mu.Unlock()
		return
	}
	entered, release := g.entered, g.release
	select {
	case <-entered:
	default:
		close(entered)
	}
	g.mu.Unlock()
	<-release
}

// gatedReader is the store with a gate in front of PostByPath.
type gatedReader struct {
	*sqlite.Store
	g *gate
}

func (r gatedReader) PostByPath(ctx context.Context, path string, now time.Time) (*blog.Post, error) {
	r.g.mu.Lock()
	fail := r.g.fail == path
	r.g.mu.Unlock()
	if fail {
		return nil, blog.Wrap(blog.EINTERNAL, errors.New("disk I/O error"), "reading a post")
	}
	r.g.wait(path)
	return r.Store.PostByPath(ctx, path, now)
}
