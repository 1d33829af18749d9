package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Clock-free guards: numbers that do not depend on the machine's speed, so
// a regression fails here rather than in a benchmark nobody reruns.

// nullWriter is a ResponseWriter that keeps nothing, reusing its header
// map, so that AllocsPerRun sees the handler's allocations only (a real
// connection adds the same fixed cost to Octavo and to any Go server).
type nullWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *nullWriter) Header() http.Header         { return w.h }
func (w *nullWriter) WriteHeader(code int)        { w.status = code }
func (w *nullWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// maxHitAllocs bounds the allocations of a cached hit through the whole
// handler (route table, middleware, cache, negotiation). Measured: 0, with
// or without metrics. Raise it only with a benchmark that shows why.
const maxHitAllocs = 1

// maxHitAllocsLogged bounds a hit with the access log on (JSON to a
// discarding writer). Measured: 2, the generated request id and the
// deferred closure that writes the line.
const maxHitAllocsLogged = 3

func TestAllocsPerCachedHit(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own; run without -race")
	}
	cases := []struct {
		name    string
		options func(*Options)
		max     float64
		header  []string
	}{
		{"defaults, gzip", nil, maxHitAllocs, []string{"Accept-Encoding", "gzip, deflate, br"}},
		{"defaults, identity", nil, maxHitAllocs, nil},
		{"defaults, 304", nil, maxHitAllocs, []string{"Accept-Encoding", "gzip", "If-None-Match", "ETAG"}},

		{"metrics on", func(o *Options) { o.Metrics = NewMetrics("test") }, maxHitAllocs, []string{"Accept-Encoding", "gzip"}},
		{"access log on", func(o *Options) {
			o.AccessLog, o.AccessLogger = true, slog.New(slog.NewJSONHandler(io.Discard, nil))
		}, maxHitAllocsLogged, []string{"Accept-Encoding", "gzip"}},
		{"access log on, client request id", func(o *Options) {
			o.AccessLog, o.AccessLogger = true, slog.New(slog.NewJSONHandler(io.Discard, nil))
		}, maxHitAllocsLogged - 1, []string{"Accept-Encoding", "gzip", "X-Request-Id", "abc-123"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newTestBlog(t, blogOptions{options: c.options})
			b.publish("p", "A post", testNow.Add(-time.Hour), "go")
			res, _ := b.get("/", http.StatusOK, "Accept-Encoding", "gzip")
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			for i := 0; i+1 < len(c.header); i += 2 {
				v := c.header[i+1]
				if v == "ETAG" {
					v = res.Header.Get("ETag")
				}
				req.Header.Set(c.header[i], v)
			}
			w := &nullWriter{h: http.Header{}}
			run := func() {
				clear(w.h)
				w.status, w.n = 0, 0
				b.handler.ServeHTTP(w, req)
			}
			run()
			if w.status != http.StatusOK && w.status != http.StatusNotModified {
				t.Fatalf("status %d", w.status)
			}
			allocs := testing.AllocsPerRun(200, run)
			t.Logf("%s: %.1f allocations per cached hit", c.name, allocs)
			if allocs > c.max {
				t.Errorf("%s: %.1f allocations per cached hit, want at most %.0f", c.name, allocs, c.max)
			}
		})
	}
}

// TestQueriesPerRender bounds the SQL statements of one uncached render of
// each kind of page, on a blog with more posts than fit on a page, so that a
// query per post (an N+1) fails. The bounds are fixed numbers of
// statements (a separate COUNT for pagination is fine; a query per post is
// not).
func TestQueriesPerRender(t *testing.T) {
	b := newTestBlog(t, blogOptions{})
	for i := range 25 {
		b.publish(fmt.Sprint(i), fmt.Sprintf("Post number %d", i), time.Date(2026, time.Month(1+i%5), 1+i, 9, 0, 0, 0, time.UTC), "go", fmt.Sprintf("t%d", i%3))
	}
	mid := b.posts["12"]
	cases := []struct {
		path string
		max  int64
	}{
		{"/", 3}, // pinned posts, the others, their tags
		{"/page/2/", 3},
		{"/tag/go/", 4},
		{"/tag/go/page/2/", 4},
		{mid.Path, 4},
		{"/archive/", 3},
		{"/2026/", 2},
		{"/2026/03/", 2},
		{"/feed.xml", 3},
		{"/tag/go/atom.xml", 4},
		{"/sitemap.xml", 4},
		{"/no/such/page/", 5},
	}
	b.get("/", http.StatusOK) // the settings are read once per process
	for _, c := range cases {
		b.cache.Flush()
		before := b.store.Queries()
		res := b.do(http.MethodGet, c.path)
		n := b.store.Queries() - before
		t.Logf("%s: status %d, %d queries", c.path, res.StatusCode, n)
		if res.StatusCode != http.StatusOK && c.path != "/no/such/page/" {
			t.Errorf("%s: status %d", c.path, res.StatusCode)
		}
		if n > c.max {
			t.Errorf("%s: %d queries for one render, want at most %d (a query per post?)", c.path, n, c.max)
		}
		// A hit runs none.
		before = b.store.Queries()
		b.do(http.MethodGet, c.path)
		if n := b.store.Queries() - before; n != 0 && c.path != "/no/such/page/" {
			t.Errorf("%s: a cached hit ran %d queries", c.path, n)
		}
	}
}
