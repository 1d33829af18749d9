package web

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/deadline"
)

// countingListener counts the writes that reach its connections.
type countingListener struct {
	net.Listener
	writes *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	return countingConn{c, l.writes}, err
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// A cached page too big for net/http's 4 KiB buffer leaves in one write
// when served as `octavo serve` does (internal/deadline's listener,
// ConnContext), with the same bytes as without it; HEAD, 304 and small
// pages are one write anyway.
func TestCachedHitOneWrite(t *testing.T) {
	b := newTestBlog(t, blogOptions{})
	rng := rand.New(rand.NewPCG(1, 2))
	var body strings.Builder
	body.WriteString("A first paragraph.\n\n<!--more-->\n\n")
	for range 800 {
		fmt.Fprintf(&body, "word%d ", rng.IntN(100000))
	}
	big := b.save("big", &blog.Post{Title: "Big", Status: blog.StatusPublished, PublishedAt: testNow.Add(-time.Hour), Body: body.String()})
	small := b.publish("small", "Small", testNow.Add(-2*time.Hour))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var writes atomic.Int64
	ts := httptest.NewUnstartedServer(b.handler)
	ts.Listener = deadline.Wrap(countingListener{ln, &writes}, time.Hour)
	ts.Config.ConnContext = ConnContext
	ts.Config.WriteTimeout = time.Minute
	ts.Start()
	defer ts.Close()
	client := ts.Client()
	client.Transport.(*http.Transport).DisableCompression = true

	fetch := func(method, path string, header ...string) (*http.Response, []byte, int64) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		before := writes.Load()
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, got, writes.Load() - before
	}
	for _, c := range []struct {
		name, path string
		header     []string
		bigger     bool // than corkAbove
	}{
		{"gzip", big.Path, []string{"Accept-Encoding", "gzip"}, true},
		{"identity", big.Path, nil, true},
		{"small page", small.Path, []string{"Accept-Encoding", "gzip"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			fetch("GET", c.path, c.header...) // renders and caches it
			res, got, n := fetch("GET", c.path, c.header...)
			_, want := b.get(c.path, http.StatusOK, c.header...)
			if res.StatusCode != http.StatusOK || string(got) != string(want) {
				t.Fatalf("status %d, %d bytes; the handler alone gives %d bytes", res.StatusCode, len(got), len(want))
			}
			if (len(got) > corkAbove) != c.bigger {
				t.Fatalf("the body is %d bytes: the test needs it on the other side of %d", len(got), corkAbove)
			}
			if n != 1 {
				t.Errorf("the answer took %d writes, want 1", n)
			}
			if _, _, n := fetch("HEAD", c.path, c.header...); n != 1 {
				t.Errorf("HEAD took %d writes", n)
			}
			res, _, n = fetch("GET", c.path, append([]string{"If-None-Match", res.Header.Get("ETag")}, c.header...)...)
			if res.StatusCode != http.StatusNotModified || n != 1 {
				t.Errorf("conditional GET: %d in %d writes", res.StatusCode, n)
			}
		})
	}
}
