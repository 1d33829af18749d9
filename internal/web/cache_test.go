package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

func testEntry(key string, n int, deps ...string) *entry {
	return newEntry(key, answer{status: http.StatusOK, contentType: "application/octet-stream",
		cacheControl: revalidateCacheControl, body: bytes.Repeat([]byte{'x'}, n), deps: deps}, testNow, false, false)
}

func TestCacheByteBound(t *testing.T) {
	one := testEntry("/0/", 1000, "list").size
	c := NewCache(3*one + one/2) // room for three entries
	for i := range 5 {
		if !c.put(testEntry(fmt.Sprintf("/%d/", i), 1000, "list"), c.generation()) {
			t.Fatalf("put %d refused", i)
		}
		if st := c.Stats(); st.Bytes > c.MaxBytes() {
			t.Fatalf("after put %d: %d bytes in a cache of %d", i, st.Bytes, c.MaxBytes())
		}
	}
	st := c.Stats()
	if st.Entries != 3 || st.Evictions != 2 {
		t.Fatalf("entries %d, evictions %d; want 3 and 2", st.Entries, st.Evictions)
	}
	for i, want := range []bool{false, false, true, true, true} {
		if c.Has(fmt.Sprintf("/%d/", i)) != want {
			t.Errorf("/%d/ cached: %v, want %v", i, !want, want)
		}
	}

	// A hit makes an entry the most recently used: /2/ survives the next
	// put, /3/ (now the least recently used) goes.
	if c.get("/2/") == nil {
		t.Fatal("/2/ missing")
	}
	c.put(testEntry("/5/", 1000, "list"), c.generation())
	if !c.Has("/2/") || c.Has("/3/") {
		t.Errorf("LRU order not kept: /2/ %v (want true), /3/ %v (want false)", c.Has("/2/"), c.Has("/3/"))
	}

	// Evicted entries leave the dependency index too.
	c.Invalidate([]string{"list"})
	if st := c.Stats(); st.Entries != 0 || st.Bytes != 0 || st.Keys != 0 {
		t.Errorf("after invalidating everything: %+v", st)
	}

	// An entry larger than the whole cache is not stored.
	if c.put(testEntry("/huge/", int(c.MaxBytes())), c.generation()) || c.Has("/huge/") {
		t.Error("an entry larger than the cache was stored")
	}
}

// Replacing an entry keeps the accounting and the index exact.
func TestCacheReplace(t *testing.T) {
	c := NewCache(1 << 20)
	c.put(testEntry("/a/", 100, "post:1", "list"), c.generation())
	c.put(testEntry("/a/", 200, "post:2"), c.generation())
	if st := c.Stats(); st.Entries != 1 || st.Bytes != testEntry("/a/", 200, "post:2").size || st.Keys != 1 {
		t.Fatalf("after replacing: %+v", st)
	}
	c.Invalidate([]string{"post:1"})
	if !c.Has("/a/") {
		t.Error("invalidating a key of the replaced entry dropped the new one")
	}
	c.Invalidate([]string{"post:2"})
	if c.Has("/a/") {
		t.Error("invalidating the new entry's key left it")
	}
}

func TestCachePutAfterInvalidationDropped(t *testing.T) {
	c := NewCache(1 << 20)
	gen := c.generation()
	c.Invalidate([]string{"post:unrelated"}) // any write while rendering
	if c.put(testEntry("/a/", 10, "list"), gen) || c.Has("/a/") {
		t.Fatal("a render that began before an invalidation was stored")
	}
	if c.Stats().Dropped != 1 {
		t.Errorf("Dropped %d, want 1", c.Stats().Dropped)
	}
	if !c.put(testEntry("/a/", 10, "list"), c.generation()) {
		t.Fatal("a fresh render was refused")
	}
}

// A write that lands while a page is being rendered: the render read the
// old content, so its result must not be cached, and a request after the
// write must not get it either.
func TestRenderRacingInvalidation(t *testing.T) {
	b := newTestBlog(t, blogOptions{})
	p := b.publish("p", "Racing post", testNow.Add(-time.Hour), "go")
	entered, release := b.gate.hold(p.Path)
	defer release()

	first := make(chan string)
	go func() {
		res := b.do(http.MethodGet, p.Path)
		var buf bytes.Buffer
		buf.ReadFrom(res.Body)
		first <- buf.String()
	}()
	<-entered // the render is inside the store, before reading the post

	p.Title = "Racing post, edited"
	b.save("p", p)
	release()
	<-first // it may show either title: it asked before the write ended

	if b.cache.Has(p.Path) {
		t.Fatal("a render overtaken by a write was cached")
	}
	if st := b.cache.Stats(); st.Dropped != 1 {
		t.Errorf("Dropped %d, want 1", st.Dropped)
	}
	_, body := b.get(p.Path, http.StatusOK)
	if !bytes.Contains(body, []byte("Racing post, edited")) {
		t.Error("a request after the write got the old page")
	}
}

func TestConcurrentMissesRenderOnce(t *testing.T) {
	b := newTestBlog(t, blogOptions{})
	p := b.publish("p", "Popular post", testNow.Add(-time.Hour), "go")
	entered, release := b.gate.hold(p.Path)
	defer release()

	const n = 32
	var wg sync.WaitGroup
	bodies := make([][]byte, n)
	for i := range n {
		wg.Go(func() {
			res := b.do(http.MethodGet, p.Path)
			var buf bytes.Buffer
			buf.ReadFrom(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Errorf("request %d: status %d", i, res.StatusCode)
			}
			bodies[i] = buf.Bytes()
		})
	}
	<-entered
	// Hold the render until every request has missed; a request that
	// misses after the render ends finds the page stored, not a new render.
	for b.cache.Stats().Misses < n {
		time.Sleep(time.Millisecond)
	}
	release()
	wg.Wait()
	if r := b.cache.Stats().Renders; r != 1 {
		t.Errorf("%d concurrent misses rendered %d times, want once", n, r)
	}
	for i := range bodies {
		if !bytes.Equal(bodies[i], bodies[0]) || len(bodies[i]) == 0 {
			t.Fatalf("request %d got different bytes", i)
		}
	}
}

// A render that panics releases the requests waiting for it.
func TestFlightPanicReleasesWaiters(t *testing.T) {
	var f flight
	key := flightKey{"/p/", 0}
	started, unblock := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		defer func() { recover() }()
		f.do(key, func() (*entry, error) {
			close(started)
			<-unblock
			panic("boom")
		})
	}()
	<-started
	go func() {
		_, err := f.do(key, func() (*entry, error) { return nil, nil })
		done <- err
	}()
	for {
		f.mu.Lock()
		joined := f.calls[key] != nil
		f.mu.Unlock()
		if joined {
			break
		}
	}
	close(unblock)
	if err := <-done; err == nil {
		// The second caller either waited for the panicking render (an
		// error) or arrived after it and ran its own fn (nil); both release.
		t.Log("the second caller ran after the panic")
	}
}

// A page with a gzip form is kept compressed only; its identity form is
// inflated when a client asks for it, and kept and counted from the second
// time on.
func TestIdentityFormOnDemand(t *testing.T) {
	body := bytes.Repeat([]byte("<p>A compressible paragraph of a page.</p>\n"), 200)
	mk := func(key string) *entry {
		return newEntry(key, answer{status: http.StatusOK, contentType: "text/html; charset=utf-8",
			cacheControl: revalidateCacheControl, body: body, deps: []string{"list"}}, testNow, false, false)
	}
	a := mk("/a/")
	if a.plain.body != nil || a.gz.body == nil {
		t.Fatalf("want only the gzip form kept: identity %d bytes, gzip %d bytes", len(a.plain.body), len(a.gz.body))
	}
	c := NewCache(2*a.size + int64(len(body)) - 1) // two compressed entries, not one more identity form
	c.put(a, c.generation())
	c.put(mk("/b/"), c.generation())
	c.get("/a/") // now the most recently used
	before := c.Stats().Bytes

	serve := func(accept string) (*http.Response, []byte) {
		req := httptest.NewRequest(http.MethodGet, "/a/", nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		rec := httptest.NewRecorder()
		a.write(rec, req)
		return rec.Result(), rec.Body.Bytes()
	}
	// The first identity request is served inflated bytes that are not kept.
	res, got := serve("")
	if !bytes.Equal(got, body) || res.Header.Get("Content-Length") != strconv.Itoa(len(body)) || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("identity form: %d bytes (want %d), headers %v", len(got), len(body), res.Header)
	}
	if st := c.Stats(); st.Bytes != before || st.Evictions != 0 || a.lazy.Load() != nil {
		t.Fatalf("after one identity request: %+v (before %d bytes), kept %v", st, before, a.lazy.Load() != nil)
	}
	// The second one keeps them.
	res, got = serve("")
	if !bytes.Equal(got, body) || res.Header.Get("Content-Length") != strconv.Itoa(len(body)) || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("identity form, second request: %d bytes (want %d), headers %v", len(got), len(body), res.Header)
	}
	// Growing past the bound evicted the least recently used entry, /b/.
	st := c.Stats()
	if st.Evictions != 1 || c.Has("/b/") || !c.Has("/a/") || st.Bytes > c.MaxBytes() {
		t.Errorf("after growth: %+v (bound %d), /a/ %v, /b/ %v", st, c.MaxBytes(), c.Has("/a/"), c.Has("/b/"))
	}
	if st.Bytes != before-mk("/b/").size+int64(len(body)) {
		t.Errorf("cache bytes %d, want %d: the inflated form is not counted", st.Bytes, before-mk("/b/").size+int64(len(body)))
	}
	// The inflated form is kept: a third identity request does not grow it.
	size := a.size
	serve("identity")
	if a.size != size {
		t.Errorf("a second identity request grew the entry again")
	}
	res, got = serve("gzip")
	if res.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, got), body) {
		t.Errorf("gzip form after inflating: %v", res.Header)
	}
}
