package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
)

func conditionalBlog(t *testing.T) *testBlog {
	b := newTestBlog(t, blogOptions{})
	for i, title := range []string{"First", "Second", "Third"} {
		b.publish(title, title+" post", time.Date(2026, 1, 1+i, 9, 0, 0, 0, time.UTC), "go")
	}
	// Pages rendered in the second of a write cannot be validated by date
	// (TestLastModifiedSameSecond); the tests start a minute later.
	b.clock.T = testNow.Add(time.Minute)
	return b
}

func TestEncodings(t *testing.T) {
	b := conditionalBlog(t)
	_, plain := b.get("/", http.StatusOK)

	cases := []struct {
		accept string // "" sends no Accept-Encoding
		gzip   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"*", true},
		{"identity", false},
		{"br", false},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"gzip;Q=0.0", false},
		{"gzip;q=0.001", true},
		{"*;q=0", false},
		{"*;q=0, gzip", true},  // an explicit entry beats "*"
		{"gzip;q=0, *", false}, // idem
		{"deflate, *;q=0.5", true},
	}
	for _, c := range cases {
		res, body := b.get("/", http.StatusOK, "Accept-Encoding", c.accept)
		if c.accept == "" {
			res, body = b.get("/", http.StatusOK)
		}
		gz := res.Header.Get("Content-Encoding") == "gzip"
		if gz != c.gzip {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", c.accept, gz, c.gzip)
			continue
		}
		if res.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q", c.accept, res.Header.Get("Vary"))
		}
		if res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Errorf("Accept-Encoding %q: Content-Length %s for %d bytes", c.accept, res.Header.Get("Content-Length"), len(body))
		}
		if gz {
			body = gunzip(t, body)
		}
		if !bytes.Equal(body, plain) {
			t.Errorf("Accept-Encoding %q: the body differs from the identity form", c.accept)
		}
	}
}

func TestConditionalRequests(t *testing.T) {
	b := conditionalBlog(t)
	res, _ := b.get("/", http.StatusOK)
	etag := res.Header.Get("ETag")
	lastMod := res.Header.Get("Last-Modified")
	resGz, _ := b.get("/", http.StatusOK, "Accept-Encoding", "gzip")
	etagGz := resGz.Header.Get("ETag")

	if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") || etag == etagGz {
		t.Fatalf("want distinct strong ETags per encoding, got %s and %s", etag, etagGz)
	}
	if want := b.clock.T.Format(http.TimeFormat); lastMod != want {
		t.Errorf("Last-Modified %q, want the render time %q", lastMod, want)
	}

	cases := []struct {
		name   string
		header []string
		want   int
	}{
		{"matching ETag", []string{"If-None-Match", etag}, http.StatusNotModified},
		{"weak form of the ETag", []string{"If-None-Match", "W/" + etag}, http.StatusNotModified},
		{"ETag in a list", []string{"If-None-Match", `"nope", ` + etag}, http.StatusNotModified},
		{"star", []string{"If-None-Match", "*"}, http.StatusNotModified},
		{"other ETag", []string{"If-None-Match", `"nope"`}, http.StatusOK},
		{"gzip ETag for the identity form", []string{"If-None-Match", etagGz}, http.StatusOK},
		{"gzip ETag, gzip accepted", []string{"If-None-Match", etagGz, "Accept-Encoding", "gzip"}, http.StatusNotModified},
		{"identity ETag, gzip accepted", []string{"If-None-Match", etag, "Accept-Encoding", "gzip"}, http.StatusOK},
		{"If-Modified-Since equal", []string{"If-Modified-Since", lastMod}, http.StatusNotModified},
		{"If-Modified-Since later", []string{"If-Modified-Since", b.clock.T.Add(time.Hour).Format(http.TimeFormat)}, http.StatusNotModified},
		{"If-Modified-Since earlier", []string{"If-Modified-Since", b.clock.T.Add(-time.Second).Format(http.TimeFormat)}, http.StatusOK},
		{"If-Modified-Since garbage", []string{"If-Modified-Since", "yesterday"}, http.StatusOK},
		// If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
		{"ETag mismatch beats a date match", []string{"If-None-Match", `"nope"`, "If-Modified-Since", lastMod}, http.StatusOK},
	}
	for _, c := range cases {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			res := b.do(method, "/", c.header...)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != c.want {
				t.Errorf("%s %s: status %d, want %d", method, c.name, res.StatusCode, c.want)
				continue
			}
			if c.want == http.StatusNotModified {
				if len(body) != 0 || res.Header.Get("Content-Type") != "" || res.Header.Get("Content-Length") != "" {
					t.Errorf("%s %s: a 304 with a body or representation headers: %v", method, c.name, res.Header)
				}
				if res.Header.Get("ETag") == "" || res.Header.Get("Cache-Control") == "" || res.Header.Get("Vary") == "" {
					t.Errorf("%s %s: a 304 must repeat ETag, Cache-Control and Vary: %v", method, c.name, res.Header)
				}
			}
		}
	}
}

// A page rendered again in the second of a write carries the same
// Last-Modified as its predecessor; a client holding the predecessor
// must not be told it is current.
func TestLastModifiedSameSecond(t *testing.T) {
	b := conditionalBlog(t)
	res, _ := b.get("/", http.StatusOK)
	old := res.Header.Get("Last-Modified")

	p := b.posts["Third"]
	p.Title = "Third post, edited in the same second"
	b.save("Third", p)
	res, body := b.get("/", http.StatusOK, "If-Modified-Since", old)
	if !strings.Contains(string(body), "edited in the same second") {
		t.Fatal("the front page was not rendered again")
	}
	if res.Header.Get("Last-Modified") != old {
		t.Fatalf("the clock did not move, yet Last-Modified went from %s to %s", old, res.Header.Get("Last-Modified"))
	}
	// A second later, a client holding the new version gets 304.
	b.clock.T = b.clock.T.Add(time.Second)
	b.get("/", http.StatusNotModified, "If-Modified-Since", b.clock.T.Format(http.TimeFormat))
}

func TestHead(t *testing.T) {
	b := conditionalBlog(t)
	for _, accept := range []string{"", "gzip"} {
		get, getBody := b.get("/", http.StatusOK, "Accept-Encoding", accept)
		head := b.do(http.MethodHead, "/", "Accept-Encoding", accept)
		body, _ := io.ReadAll(head.Body)
		if head.StatusCode != http.StatusOK || len(body) != 0 {
			t.Errorf("HEAD (%q): status %d, %d body bytes", accept, head.StatusCode, len(body))
		}
		for _, h := range []string{"Content-Type", "Content-Length", "Content-Encoding", "ETag", "Last-Modified", "Cache-Control", "Vary"} {
			if head.Header.Get(h) != get.Header.Get(h) {
				t.Errorf("HEAD (%q): %s %q, GET has %q", accept, h, head.Header.Get(h), get.Header.Get(h))
			}
		}
		if head.Header.Get("Content-Length") != strconv.Itoa(len(getBody)) {
			t.Errorf("HEAD (%q): Content-Length %s, the GET body has %d bytes", accept, head.Header.Get("Content-Length"), len(getBody))
		}
	}
}

func TestCacheControlByKind(t *testing.T) {
	b := conditionalBlog(t)
	b.save("about", &blog.Post{Kind: blog.KindPage, Title: "About", Slug: "about", Status: blog.StatusPublished, Body: "Me."})
	_, home := b.get("/", http.StatusOK)
	css := string(home)
	i := strings.Index(css, "/assets/style.")
	if i < 0 {
		t.Fatal("no stylesheet link on the front page")
	}
	asset := css[i : i+strings.IndexByte(css[i:], '"')]

	cases := []struct {
		path, want string
		status     int
	}{
		{asset, "public, max-age=31536000, immutable", http.StatusOK},
		{"/", revalidateCacheControl, http.StatusOK},
		{b.posts["First"].Path, revalidateCacheControl, http.StatusOK},
		{"/tag/go/", revalidateCacheControl, http.StatusOK},
		{"/feed.xml", revalidateCacheControl, http.StatusOK},
		{"/sitemap.xml", revalidateCacheControl, http.StatusOK},
		{"/about", revalidateCacheControl, http.StatusMovedPermanently},
		{"/no/such/page/", "no-cache", http.StatusNotFound},
		{"/healthz", "no-store", http.StatusOK},
	}
	for _, c := range cases {
		res, _ := b.get(c.path, c.status)
		if got := res.Header.Get("Cache-Control"); got != c.want {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, got, c.want)
		}
	}
	// An asset answers conditional requests too.
	res, _ := b.get(asset, http.StatusOK, "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("the stylesheet is not served gzipped")
	}
	b.get(asset, http.StatusNotModified, "Accept-Encoding", "gzip", "If-None-Match", res.Header.Get("ETag"))
	// Unknown paths are answered but never cached: anyone can invent them.
	if b.cache.Has("/no/such/page/") {
		t.Error("a 404 was cached")
	}
}
