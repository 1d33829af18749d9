package web

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"octavo/internal/testkit"
)

// feedPaths are the feeds, the sitemap and robots.txt of feedBlog, with
// their content types.
var feedPaths = []struct{ path, contentType string }{
	{"/feed.xml", "application/rss+xml; charset=utf-8"},
	{"/atom.xml", "application/atom+xml; charset=utf-8"},
	{"/feed.json", "application/feed+json; charset=utf-8"},
	{"/tag/go/feed.xml", "application/rss+xml; charset=utf-8"},
	{"/tag/go/atom.xml", "application/atom+xml; charset=utf-8"},
	{"/tag/go/feed.json", "application/feed+json; charset=utf-8"},
	{"/sitemap.xml", "application/xml; charset=utf-8"},
	{"/robots.txt", "text/plain; charset=utf-8"},
}

func feedBlog(t *testing.T) *testBlog {
	b := newTestBlog(t, blogOptions{})
	b.publish("A", "Alpha", time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), "go")
	b.publish("B", "Beta", time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC), "go", "web")
	b.publish("C", "Gamma", time.Date(2026, 5, 3, 9, 0, 0, 0, time.UTC), "misc")
	// Past the second of the last write, so If-Modified-Since is trusted.
	b.clock.T = testNow.Add(time.Minute)
	return b
}

// TestFeedsHTTP checks, through the whole handler, each feed's content
// type, its conditional answers (ETag and Last-Modified give 304) and its
// gzip form.
func TestFeedsHTTP(t *testing.T) {
	b := feedBlog(t)
	for _, c := range feedPaths {
		t.Run(c.path, func(t *testing.T) {
			res, plain := b.get(c.path, http.StatusOK)
			if got := res.Header.Get("Content-Type"); got != c.contentType {
				t.Errorf("Content-Type %q, want %q", got, c.contentType)
			}
			etag, lastMod := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
			if etag == "" || lastMod == "" {
				t.Fatalf("ETag %q, Last-Modified %q", etag, lastMod)
			}
			b.get(c.path, http.StatusNotModified, "If-None-Match", etag)
			b.get(c.path, http.StatusNotModified, "If-Modified-Since", lastMod)
			if len(plain) >= 1024 {
				res, gz := b.get(c.path, http.StatusOK, "Accept-Encoding", "gzip")
				if res.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, gz), plain) {
					t.Errorf("gzip form: Content-Encoding %q, same bytes when unpacked: %v",
						res.Header.Get("Content-Encoding"), bytes.Equal(gunzip(t, gz), plain))
				}
			}
		})
	}
}

// atomUpdated returns the updated time of the Atom entry with id.
func atomUpdated(t *testing.T, body []byte, id string) string {
	t.Helper()
	var feed struct {
		Entries []struct {
			ID      string `xml:"id"`
			Updated string `xml:"updated"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &feed); err != nil {
		t.Fatal(err)
	}
	for _, e := range feed.Entries {
		if e.ID == id {
			return e.Updated
		}
	}
	return ""
}

// TestFeedsFollowEdits edits a post: the cached feeds and sitemap are
// dropped, the new ones carry the edit's time under the same id, and a
// client holding the old ETag gets the new feed, not a 304.
func TestFeedsFollowEdits(t *testing.T) {
	b := feedBlog(t)
	p := b.posts["B"]
	id := "urn:uuid:" + p.ID
	paths := []string{"/atom.xml", "/tag/go/atom.xml", "/tag/web/atom.xml", "/sitemap.xml"}
	etags := map[string]string{}
	for _, path := range paths {
		res, body := b.get(path, http.StatusOK)
		etags[path] = res.Header.Get("ETag")
		if path != "/sitemap.xml" && atomUpdated(t, body, id) != testNow.Format(time.RFC3339) { // saved at testNow
			t.Errorf("%s: updated %q before the edit, want %s", path, atomUpdated(t, body, id), testNow.Format(time.RFC3339))
		}
	}
	editAt := testNow.Add(3 * time.Hour)
	b.clock.T = editAt
	p.Body += "\n\nAn afterthought."
	b.save("B", p)
	for _, path := range paths {
		if b.cache.Has(path) {
			t.Errorf("%s still cached after the edit", path)
		}
		res, body := b.get(path, http.StatusOK, "If-None-Match", etags[path])
		if res.Header.Get("ETag") == etags[path] {
			t.Errorf("%s: same ETag after the edit", path)
		}
		want := editAt.Format(time.RFC3339)
		if path == "/sitemap.xml" {
			if !strings.Contains(string(body), "<lastmod>"+want+"</lastmod>") {
				t.Errorf("the sitemap lacks the edit's lastmod %s", want)
			}
		} else if got := atomUpdated(t, body, id); got != want {
			t.Errorf("%s: updated %q after the edit, want %s", path, got, want)
		}
	}
	// A new post, oldest of all so that no neighbour of it is tagged misc,
	// leaves the misc feed alone, and makes its new tag's feed.
	b.get("/tag/misc/atom.xml", http.StatusOK)
	b.clock.T = editAt.Add(time.Hour)
	b.publish("D", "Delta", time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC), "rust")
	if !b.cache.Has("/tag/misc/atom.xml") {
		t.Errorf("a new post in another tag dropped /tag/misc/atom.xml")
	}
	if _, body := b.get("/tag/rust/feed.json", http.StatusOK); !bytes.Contains(body, []byte("Delta")) {
		t.Errorf("the new tag's feed lacks its post")
	}
}

// TestFeedparserHTTP reads the served RSS and Atom feeds with feedparser,
// which also sees the HTTP answer (status and content type).
func TestFeedparserHTTP(t *testing.T) {
	b := feedBlog(t)
	ts := httptest.NewServer(b.handler)
	defer ts.Close()
	for _, path := range []string{"/feed.xml", "/atom.xml", "/tag/go/feed.xml"} {
		d := testkit.Feedparser(t, ts.URL+path)
		want := 3
		if strings.HasPrefix(path, "/tag/go/") {
			want = 2
		}
		if d["bozo"].(float64) != 0 || d["status"].(float64) != 200 || len(d["entries"].([]any)) != want {
			t.Errorf("%s: bozo %v (%v), status %v, %d entries, want %d", path, d["bozo"], d["bozo_exception"],
				d["status"], len(d["entries"].([]any)), want)
		}
		for _, e := range d["entries"].([]any) {
			link := e.(map[string]any)["link"].(string)
			if !strings.HasPrefix(link, "http://example.test/") {
				t.Errorf("%s: entry link %q is not on the base URL", path, link)
			}
		}
	}
	// The request's Host never makes it into a feed.
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/atom.xml", nil)
	req.Host = "evil.example"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	if strings.Contains(buf.String(), "evil.example") {
		t.Errorf("the Host header leaked into the feed")
	}
}
