package render_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"willnorris.com/go/microformats"
)

// head is what a page's <head> says to feed readers, search engines and
// social sites.
type head struct {
	canonical string
	feeds     [][3]string         // type, title, href of each rel="alternate"
	meta      map[string][]string // by property or name
	jsonLD    []string            // the text of each application/ld+json script
}

func parseHead(t *testing.T, body []byte) head {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	h := head{meta: map[string][]string{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
			}
			switch {
			case n.Data == "link" && attr["rel"] == "canonical":
				h.canonical = attr["href"]
			case n.Data == "link" && attr["rel"] == "alternate":
				h.feeds = append(h.feeds, [3]string{attr["type"], attr["title"], attr["href"]})
			case n.Data == "meta" && attr["property"] != "":
				h.meta[attr["property"]] = append(h.meta[attr["property"]], attr["content"])
			case n.Data == "meta" && attr["name"] != "":
				h.meta[attr["name"]] = append(h.meta[attr["name"]], attr["content"])
			case n.Data == "script" && attr["type"] == "application/ld+json" && n.FirstChild != nil:
				h.jsonLD = append(h.jsonLD, n.FirstChild.Data)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return h
}

// siteFeeds are the autodiscovery links every page has.
var siteFeeds = [][3]string{
	{"application/rss+xml", "Feed Test Blog (RSS)", baseURL + "/feed.xml"},
	{"application/atom+xml", "Feed Test Blog (Atom)", baseURL + "/atom.xml"},
	{"application/feed+json", "Feed Test Blog (JSON Feed)", baseURL + "/feed.json"},
}

// TestFeedAutodiscovery checks that every page announces the site's three
// feeds, tag pages their tag's too, and that each announced feed exists.
func TestFeedAutodiscovery(t *testing.T) {
	f := newFeedFixture(t)
	tagFeeds := append(slices.Clone(siteFeeds),
		[3]string{"application/rss+xml", "Feed Test Blog: Go (RSS)", baseURL + "/tag/go/feed.xml"},
		[3]string{"application/atom+xml", "Feed Test Blog: Go (Atom)", baseURL + "/tag/go/atom.xml"},
		[3]string{"application/feed+json", "Feed Test Blog: Go (JSON Feed)", baseURL + "/tag/go/feed.json"})
	for path, want := range map[string][][3]string{
		"/": siteFeeds, "/archive/": siteFeeds, "/2026/": siteFeeds, "/2026/11/": siteFeeds, "/about/": siteFeeds,
		f.posts["links"].Path: siteFeeds, "/no/such/page/": siteFeeds, "/tag/go/": tagFeeds,
	} {
		if got := parseHead(t, f.get(t, path).Body).feeds; !slices.Equal(got, want) {
			t.Errorf("%s: feeds %q, want %q", path, got, want)
		}
	}
	for _, l := range tagFeeds {
		if p := f.get(t, strings.TrimPrefix(l[2], baseURL)); p.Status != 200 || !strings.HasPrefix(p.ContentType, l[0]) {
			t.Errorf("%s: status %d, content type %q, want %s", l[2], p.Status, p.ContentType, l[0])
		}
	}
}

// TestOpenGraph checks the OpenGraph and Twitter card tags of a post, the
// front page, a page and the 404 page.
func TestOpenGraph(t *testing.T) {
	f := newFeedFixture(t)
	post := f.posts["links"]
	h := parseHead(t, f.get(t, post.Path).Body)
	want := map[string][]string{
		"og:type":                {"article"},
		"og:title":               {"Relative links"},
		"og:description":         {"A post whose links are relative."},
		"og:url":                 {baseURL + post.Path},
		"og:site_name":           {"Feed Test Blog"},
		"article:published_time": {linksAt.Format(time.RFC3339)},
		"article:modified_time":  {linksAt.Format(time.RFC3339)},
		"article:tag":            {"Go", "Feeds"},
		"twitter:card":           {"summary"},
		"description":            {"A post whose links are relative."},
	}
	for k, v := range want {
		if !slices.Equal(h.meta[k], v) {
			t.Errorf("post %s = %q, want %q", k, h.meta[k], v)
		}
	}
	if h.canonical != baseURL+post.Path {
		t.Errorf("canonical %q", h.canonical)
	}
	if h.meta["og:image"] != nil {
		t.Errorf("og:image %q on a post without an image", h.meta["og:image"])
	}

	home := parseHead(t, f.get(t, "/").Body)
	for k, v := range map[string]string{"og:type": "website", "og:title": "Feed Test Blog", "og:url": baseURL + "/",
		"og:description": "A blog for testing feeds.", "twitter:card": "summary"} {
		if !slices.Equal(home.meta[k], []string{v}) {
			t.Errorf("front page %s = %q, want %q", k, home.meta[k], v)
		}
	}
	if home.meta["article:published_time"] != nil {
		t.Errorf("front page has article times")
	}
	if page := parseHead(t, f.get(t, "/about/").Body); !slices.Equal(page.meta["og:type"], []string{"website"}) ||
		!slices.Equal(page.meta["og:title"], []string{"About"}) {
		t.Errorf("page: og:type %q, og:title %q", page.meta["og:type"], page.meta["og:title"])
	}
	if nf := parseHead(t, f.get(t, "/no/such/page/").Body); nf.meta["og:type"] != nil || nf.jsonLD != nil {
		t.Errorf("the 404 page has OpenGraph %q or JSON-LD %q", nf.meta["og:type"], nf.jsonLD)
	}
	// The tricky title comes through whole, escaped once.
	tricky := parseHead(t, f.get(t, f.posts["tricky"].Path).Body)
	if !slices.Equal(tricky.meta["og:title"], []string{f.posts["tricky"].Title}) {
		t.Errorf("og:title %q, want %q", tricky.meta["og:title"], f.posts["tricky"].Title)
	}
	if want := "https://blog.example.org/2026/11/cr%C3%A8me-br%C3%BBl%C3%A9e/"; !slices.Equal(tricky.meta["og:url"], []string{want}) {
		t.Errorf("og:url %q, want %s", tricky.meta["og:url"], want)
	}
}

// jsonLD extracts the one JSON-LD script of a page, checks that it cannot
// end the script early, and decodes it.
func jsonLD(t *testing.T, body []byte) map[string]any {
	t.Helper()
	h := parseHead(t, body)
	if len(h.jsonLD) != 1 {
		t.Fatalf("%d JSON-LD scripts, want 1", len(h.jsonLD))
	}
	raw := h.jsonLD[0]
	if strings.Contains(strings.ToLower(raw), "</script") || strings.Contains(raw, "<!--") {
		t.Errorf("JSON-LD could close its script: %s", raw)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("JSON-LD is not JSON: %v\n%s", err, raw)
	}
	return v
}

// TestJSONLD checks the BlogPosting of post pages and the WebSite of the
// front page.
func TestJSONLD(t *testing.T) {
	f := newFeedFixture(t)
	for _, name := range []string{"links", "tricky"} {
		p := f.posts[name]
		v := jsonLD(t, f.get(t, p.Path).Body)
		u := entryURL(p)
		for k, want := range map[string]any{
			"@context": "https://schema.org", "@type": "BlogPosting", "headline": p.Title, "url": u,
			"datePublished": p.PublishedAt.Format(time.RFC3339), "dateModified": p.UpdatedAt.Format(time.RFC3339),
			"inLanguage": "en",
		} {
			if v[k] != want {
				t.Errorf("%s: %s = %v, want %v", name, k, v[k], want)
			}
		}
		if a, _ := v["author"].(map[string]any); a["@type"] != "Person" || a["name"] != "Grace Hopper" {
			t.Errorf("%s: author %v", name, v["author"])
		}
		if m, _ := v["mainEntityOfPage"].(map[string]any); m["@type"] != "WebPage" || m["@id"] != u {
			t.Errorf("%s: mainEntityOfPage %v", name, v["mainEntityOfPage"])
		}
		if got := strs(v["keywords"]); !slices.Equal(got, wantTags(p)) {
			t.Errorf("%s: keywords %v, want %v", name, got, wantTags(p))
		}
		if _, ok := v["image"]; ok {
			t.Errorf("%s: image without a featured image", name)
		}
	}
	v := jsonLD(t, f.get(t, "/").Body)
	for k, want := range map[string]any{"@context": "https://schema.org", "@type": "WebSite", "name": "Feed Test Blog",
		"url": baseURL + "/", "description": "A blog for testing feeds."} {
		if v[k] != want {
			t.Errorf("front page: %s = %v, want %v", k, v[k], want)
		}
	}
	for _, path := range []string{"/page/2/", "/tag/go/", "/about/", "/archive/"} {
		if h := parseHead(t, f.get(t, path).Body); len(h.jsonLD) != 0 {
			t.Errorf("%s: unexpected JSON-LD %s", path, h.jsonLD)
		}
	}
}

// mfString returns the first value of a microformat property as a string,
// or the value or name of an embedded microformat.
func mfString(mf *microformats.Microformat, prop string) string {
	vs := mf.Properties[prop]
	if len(vs) == 0 {
		return ""
	}
	switch v := vs[0].(type) {
	case string:
		return v
	case map[string]string: // e-* properties: html and value
		return v["html"]
	case *microformats.Microformat:
		if v.Value != "" {
			return v.Value
		}
		if names := v.Properties["name"]; len(names) > 0 {
			s, _ := names[0].(string)
			return s
		}
	}
	return ""
}

func mfStrings(mf *microformats.Microformat, prop string) []string {
	var out []string
	for _, v := range mf.Properties[prop] {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// sameURL compares URLs whatever the case of their percent-escapes.
func sameURL(a, b string) bool {
	ua, err1 := url.PathUnescape(a)
	ub, err2 := url.PathUnescape(b)
	return err1 == nil && err2 == nil && ua == ub
}

// checkEntry checks an h-entry's properties against a post.
func checkEntry(t *testing.T, where string, e *microformats.Microformat, name, u string, published time.Time, tags []string, body string) {
	t.Helper()
	if got := mfString(e, "name"); got != name {
		t.Errorf("%s: name %q, want %q", where, got, name)
	}
	if got := mfString(e, "url"); !sameURL(got, u) {
		t.Errorf("%s: url %q, want %s", where, got, u)
	}
	if got, err := time.Parse(time.RFC3339, mfString(e, "published")); err != nil || !got.Equal(published) {
		t.Errorf("%s: published %q (%v), want %v", where, mfString(e, "published"), err, published)
	}
	if got := mfStrings(e, "category"); !slices.Equal(got, tags) {
		t.Errorf("%s: categories %q, want %q", where, got, tags)
	}
	author, _ := e.Properties["author"][0].(*microformats.Microformat)
	if author == nil || !slices.Contains(author.Type, "h-card") || mfString(e, "author") != "Grace Hopper" {
		t.Errorf("%s: author %v, want an h-card of Grace Hopper", where, e.Properties["author"])
	}
	if got := mfString(e, body); got == "" {
		t.Errorf("%s: no %s", where, body)
	}
}

// TestMicroformats parses the front page and a post page with a
// microformats2 parser: an h-feed of h-entry children, and an h-entry.
func TestMicroformats(t *testing.T) {
	f := newFeedFixture(t)
	base, _ := url.Parse(baseURL + "/")
	data := microformats.Parse(bytes.NewReader(f.get(t, "/").Body), base)
	var feed *microformats.Microformat
	for _, it := range data.Items {
		if slices.Contains(it.Type, "h-feed") {
			feed = it
		}
	}
	if feed == nil {
		t.Fatalf("no h-feed on the front page: %+v", data.Items)
	}
	if mfString(feed, "name") == "" {
		t.Errorf("the h-feed has no name")
	}
	names := []string{"tricky", "second", "links"}
	if len(feed.Children) != len(names) {
		t.Fatalf("h-feed has %d children, want %d", len(feed.Children), len(names))
	}
	for i, e := range feed.Children {
		p := f.posts[names[i]]
		if !slices.Contains(e.Type, "h-entry") {
			t.Errorf("child %d is %v, want h-entry", i, e.Type)
			continue
		}
		checkEntry(t, "front page entry "+names[i], e, p.Title, entryURL(p), p.PublishedAt, wantTags(p), "summary")
	}

	p := f.posts["links"]
	u, _ := url.Parse(entryURL(p))
	data = microformats.Parse(bytes.NewReader(f.get(t, p.Path).Body), u)
	var entry *microformats.Microformat
	for _, it := range data.Items {
		if slices.Contains(it.Type, "h-entry") {
			entry = it
		}
	}
	if entry == nil {
		t.Fatalf("no h-entry on the post page: %+v", data.Items)
	}
	checkEntry(t, "post page", entry, p.Title, entryURL(p), p.PublishedAt, wantTags(p), "content")
	if !strings.Contains(mfString(entry, "content"), "Details") {
		t.Errorf("e-content lacks the post's body: %q", mfString(entry, "content"))
	}
}
