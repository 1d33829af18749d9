package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
)

func searchBlog(t *testing.T) *testBlog {
	b := newTestBlog(t, blogOptions{})
	b.save("code", &blog.Post{Title: "Serving <HTTP> & more", Status: blog.StatusPublished, PublishedAt: testNow.Add(-2 * time.Hour),
		Body: "Start the server:\n\n```go\nlog.Fatal(http.ListenAndServe(\":8080\", nil))\n```\n\nThat is all."})
	b.save("draft", &blog.Post{Title: "Draft about ListenAndServe", Body: "Secret ListenAndServe."})
	for i := range 12 {
		b.publish(fmt.Sprintf("many%d", i), fmt.Sprintf("Common post %02d", i), testNow.Add(-time.Duration(i+3)*time.Hour))
	}
	return b
}

// TestSearchPage checks the search page through the whole handler: found
// posts with their matches marked and everything escaped, drafts never,
// pages of 10, and a page that no cache keeps.
func TestSearchPage(t *testing.T) {
	b := searchBlog(t)
	res, body := b.get("/search?q=ListenAndServe", http.StatusOK)
	page := string(body)
	if cc := res.Header.Get("Cache-Control"); cc != searchCacheControl {
		t.Errorf("Cache-Control %q", cc)
	}
	for _, want := range []string{
		`<h1>Search results for “ListenAndServe”</h1>`,
		`<a href="/2026/06/serving-http-more/">Serving &lt;HTTP&gt; &amp; more</a>`,
		`http.<mark>ListenAndServe</mark>(&#34;:8080&#34;, nil)`,
		`<meta name="robots" content="noindex">`,
		`value="ListenAndServe"`,
		`1 post matches.`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(page, "Secret") || strings.Contains(page, "Draft about") {
		t.Error("a draft was found")
	}
	// A title match is marked in the title.
	_, body = b.get("/search?q="+url.QueryEscape(`"common post"`), http.StatusOK)
	if !strings.Contains(string(body), "<mark>Common post</mark> 00") || !strings.Contains(string(body), "12 posts match · page 1 of 2.") ||
		!strings.Contains(string(body), `href="/search?q=%22common&#43;post%22&amp;page=2" rel="next"`) {
		t.Errorf("page 1 of a phrase:\n%s", body)
	}
	_, body = b.get("/search?q="+url.QueryEscape(`"common post"`)+"&page=2", http.StatusOK)
	if n := strings.Count(string(body), "<li>\n<h2>"); n != 2 || !strings.Contains(string(body), `rel="prev"`) {
		t.Errorf("page 2: %d results\n%s", n, body)
	}
	// Not in the page cache, and HEAD works.
	if e := b.cache.peek("/search"); e != nil {
		t.Error("a search page was cached")
	}
	if res := b.do(http.MethodHead, "/search?q=common"); res.StatusCode != http.StatusOK || res.Header.Get("Content-Length") == "" {
		t.Errorf("HEAD: %d", res.StatusCode)
	}
	// The form alone.
	_, body = b.get("/search", http.StatusOK)
	if !strings.Contains(string(body), "<h1>Search</h1>") || strings.Contains(string(body), "<ol") {
		t.Errorf("empty search:\n%s", body)
	}
}

// TestSearchBadQueries is what a visitor may send to the search page:
// never a 500, never a database's words, always a page (or the 414 the
// middleware gives any over-long address).
func TestSearchBadQueries(t *testing.T) {
	b := searchBlog(t)
	for _, tt := range []struct {
		raw    string // the query string, as sent
		status int
		says   string // a part of the page
	}{
		{"q=%22", 200, "nothing to search for"},
		{"q=%22unbalanced", 200, "Nothing matches"},
		{"q=AND", 200, "nothing to search for"},
		{"q=OR+NOT+NEAR", 200, "nothing to search for"},
		{"q=-", 200, "nothing to search for"},
		{"q=%5E", 200, "nothing to search for"},
		{"q=*", 200, "nothing to search for"},
		{"q=NEAR(common+post%2C+2)", 200, "Nothing matches"},
		{"q=%27%3B+DROP+TABLE+posts%3B+--", 200, "Nothing matches"},
		{"q=%27)+OR+1%3D1+--", 200, "Nothing matches"},
		{"q=post_fts+MATCH+%27*%27", 200, "Nothing matches"},
		{"q=%27common%27%3A*+%26+!x", 200, "Nothing matches"},
		{"q=%00%01common%7f", 200, "12 posts match"},
		{"q=%ff%fecommon", 200, "12 posts match"},
		{"q=common*", 200, "12 posts match"},
		{"q=" + strings.Repeat("x", 300), 200, "300 characters"},
		{"q=" + strings.Repeat("x", 10<<10), 414, "too long"},
		{"q=" + strings.Repeat("a+", 20), 200, "Nothing matches"},
		{"q=" + url.QueryEscape("<script>alert(1)</script>"), 200, "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"q=common&page=abc", 200, "page 1 of 2"},
		{"q=common&page=-3", 200, "page 1 of 2"},
		{"q=common&page=0", 200, "page 1 of 2"},
		{"q=common&page=99", 200, "There are only 2 pages"},
		{"q=common&page=99999999999999999999", 200, "page 1 of 2"},
		{"q=common&page=101", 200, "Only the first 100 pages"},
		{"q=common&q=other", 200, "12 posts match"},
		{"q=%zz", 200, "<h1>Search</h1>"},
	} {
		res := b.do(http.MethodGet, "/search?"+tt.raw)
		body := new(strings.Builder)
		_, _ = fmt.Fprint(body, readAll(t, res))
		page := body.String()
		if res.StatusCode != tt.status || !strings.Contains(page, tt.says) {
			t.Errorf("/search?%.60s: status %d, want %d with %q\n%.2000s", tt.raw, res.StatusCode, tt.status, tt.says, page)
		}
		for _, leak := range []string{"SQL", "sql:", "fts5", "tsquery", "syntax error", "internal error"} {
			if strings.Contains(page, leak) {
				t.Errorf("/search?%.60s: the page says %q", tt.raw, leak)
			}
		}
		if strings.Contains(page, "<script>alert") {
			t.Errorf("/search?%.60s: unescaped input in the page", tt.raw)
		}
	}
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}
