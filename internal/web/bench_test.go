package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/render"
	"octavo/internal/store"
)

// Benchmarks. They run only with -bench; the Stored ones read a large
// database bench/mkdb makes (go test ./internal/web -run '^$' -bench .):
//
//	bench/mkdb 10000    # once: ~/.cache/octavo-bench/db10000/octavo.db
//
// or the database OCTAVO_BENCH_DATABASE names (sqlite:PATH or
// postgres://…, e.g. 100,000 posts on either backend), or the SQLite file
// OCTAVO_BENCH_DB names.

// BenchmarkCachedHit is a cached hit through the whole handler, on one
// goroutine and on all of them.
func BenchmarkCachedHit(b *testing.B) {
	tb := newTestBlog(b, blogOptions{})
	for i := range 12 {
		tb.publish(string(rune('a'+i)), "Post "+string(rune('A'+i)), testNow.Add(-time.Duration(i+1)*time.Hour), "go")
	}
	tb.get("/", http.StatusOK, "Accept-Encoding", "gzip")
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	b.Run("serial", func(b *testing.B) {
		w := &nullWriter{h: http.Header{}}
		b.ReportAllocs()
		for b.Loop() {
			clear(w.h)
			tb.handler.ServeHTTP(w, req)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			w := &nullWriter{h: http.Header{}}
			r := req.Clone(context.Background())
			for pb.Next() {
				clear(w.h)
				tb.handler.ServeHTTP(w, r)
			}
		})
	})
}

// benchDB opens the benchmark database (see above), or skips.
func benchDB(b *testing.B) (store.Store, *render.Renderer) {
	b.Helper()
	url := os.Getenv("OCTAVO_BENCH_DATABASE")
	if url == "" {
		path := os.Getenv("OCTAVO_BENCH_DB")
		if path == "" {
			dir, err := os.UserCacheDir()
			if err != nil {
				b.Skip("no cache folder; set OCTAVO_BENCH_DATABASE")
			}
			path = filepath.Join(dir, "octavo-bench", "db10000", "octavo.db")
		}
		if _, err := os.Stat(path); err != nil {
			b.Skipf("no benchmark database at %s: run bench/mkdb 10000 (or set OCTAVO_BENCH_DATABASE)", path)
		}
		url = "sqlite:" + path
	}
	st, err := store.Open(context.Background(), url, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	th, _, err := render.LoadTheme("", slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	return st, render.New(st, th, "http://example.test", blog.SystemClock{})
}

// benchPaths picks a tag page and a post from the middle of the stream.
func benchPaths(b *testing.B, st store.Store) map[string]string {
	b.Helper()
	ctx := context.Background()
	_, total, err := st.ListPosts(ctx, blog.ListQuery{Now: time.Now(), Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	posts, _, err := st.ListPosts(ctx, blog.ListQuery{Now: time.Now(), Offset: total / 2, Limit: 1, SkipTotal: true})
	if err != nil || len(posts) == 0 {
		b.Fatalf("no post in the middle of the stream (total %d): %v", total, err)
	}
	return map[string]string{"home": "/", "tag": "/tag/performance/", "post": posts[0].Path}
}

// BenchmarkRenderStored renders pages uncached from the benchmark database
// (target: ≤ 5 ms each at 10,000 and 100,000 posts); the query count per
// render is reported too.
func BenchmarkRenderStored(b *testing.B) {
	st, r := benchDB(b)
	paths := benchPaths(b, st)
	ctx := context.Background()
	for _, name := range []string{"home", "tag", "post"} {
		b.Run(name, func(b *testing.B) {
			p, err := r.Render(ctx, paths[name])
			if err != nil || p.Status != http.StatusOK {
				b.Fatalf("%s: %v (status %v)", paths[name], err, p)
			}
			b.ReportAllocs()
			q := st.Queries()
			for b.Loop() {
				if _, err := r.Render(ctx, paths[name]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.Queries()-q)/float64(b.N), "queries/op")
		})
	}
}

// BenchmarkMissStored is a whole miss through the handler: render, gzip,
// ETags and the cache put, the cache flushed every time.
func BenchmarkMissStored(b *testing.B) {
	st, r := benchDB(b)
	paths := benchPaths(b, st)
	cache := NewCache(32 << 20)
	h := New(Options{Renderer: r, Cache: cache, DB: st}).Handler()
	for _, name := range []string{"home", "tag", "post"} {
		b.Run(name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, paths[name], nil)
			req.Header.Set("Accept-Encoding", "gzip")
			w := &nullWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				cache.Flush()
				clear(w.h)
				h.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}
