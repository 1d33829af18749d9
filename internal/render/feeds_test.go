package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"octavo/internal/blog"
	"octavo/internal/render"
	"octavo/internal/testkit"
)

// feedCase is a feed of the feed fixture and what it must list, newest
// first.
type feedCase struct {
	path  string
	home  string   // the HTML page it follows
	posts []string // fixture post names
}

func feedCases() []feedCase {
	var cases []feedCase
	for _, file := range []string{"feed.xml", "atom.xml", "feed.json"} {
		cases = append(cases,
			feedCase{"/" + file, baseURL + "/", []string{"tricky", "second", "links"}},
			feedCase{"/tag/go/" + file, baseURL + "/tag/go/", []string{"second", "links"}})
	}
	return cases
}

// entryURL is the absolute URL a feed gives a post.
func entryURL(p *blog.Post) string {
	return baseURL + (&url.URL{Path: p.Path}).EscapedPath()
}

// wantTags are the tag names of a post.
func wantTags(p *blog.Post) []string {
	var names []string
	for _, t := range p.Tags {
		names = append(names, t.Name)
	}
	return names
}

// strs returns the strings of a decoded JSON array (nil for anything else).
func strs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestFeedsParseWithFeedparser reads the RSS and Atom feeds with Python's
// feedparser over HTTP: well formed (bozo 0), every entry with its urn:uuid
// id, absolute link, dates, summary, content and tags.
func TestFeedsParseWithFeedparser(t *testing.T) {
	f := newFeedFixture(t)
	server := f.serve(t)
	for _, c := range feedCases() {
		if strings.HasSuffix(c.path, ".json") {
			continue // feedparser does not read JSON Feed; gofeed does below
		}
		t.Run(c.path, func(t *testing.T) {
			d := testkit.Feedparser(t, server+c.path)
			if d["bozo"].(float64) != 0 {
				t.Fatalf("bozo: %v", d["bozo_exception"])
			}
			rss := strings.HasSuffix(c.path, "feed.xml")
			wantVersion := map[bool]string{true: "rss20", false: "atom10"}[rss]
			if d["version"] != wantVersion {
				t.Errorf("version %v, want %s", d["version"], wantVersion)
			}
			feed := d["feed"].(map[string]any)
			if feed["link"] != c.home {
				t.Errorf("feed link %v, want %s", feed["link"], c.home)
			}
			if feed["title"] == "" || feed["updated"] == "" {
				t.Errorf("feed title %q, updated %q", feed["title"], feed["updated"])
			}
			entries := d["entries"].([]any)
			if len(entries) != len(c.posts) {
				t.Fatalf("%d entries, want %d", len(entries), len(c.posts))
			}
			for i, raw := range entries {
				e := raw.(map[string]any)
				p := f.posts[c.posts[i]]
				if e["id"] != "urn:uuid:"+p.ID {
					t.Errorf("entry %d: id %v, want urn:uuid:%s", i, e["id"], p.ID)
				}
				if e["link"] != entryURL(p) {
					t.Errorf("entry %d: link %v, want %s", i, e["link"], entryURL(p))
				}
				layout := map[bool]string{true: time.RFC1123Z, false: time.RFC3339}[rss]
				pub, err := time.Parse(layout, e["published"].(string))
				if err != nil || !pub.Equal(p.PublishedAt) {
					t.Errorf("entry %d: published %v (%v), want %v", i, e["published"], err, p.PublishedAt)
				}
				upd, err := time.Parse(time.RFC3339, e["updated"].(string))
				if err != nil || !upd.Equal(p.UpdatedAt) {
					t.Errorf("entry %d: updated %v (%v), want %v", i, e["updated"], err, p.UpdatedAt)
				}
				if e["summary_length"].(float64) == 0 || e["content_length"].(float64) == 0 {
					t.Errorf("entry %d: summary %v and content %v characters", i, e["summary_length"], e["content_length"])
				}
				if got := strs(e["tags"]); !slices.Equal(got, wantTags(p)) {
					t.Errorf("entry %d: tags %v, want %v", i, got, wantTags(p))
				}
			}
		})
	}
}

// attrURLRE finds the URLs of href, src and srcset attributes in HTML.
var attrURLRE = regexp.MustCompile(`\b(href|src|srcset)="([^"]*)"`)

// checkAbsolute fails when an HTML fragment holds a URL without a scheme.
func checkAbsolute(t *testing.T, what, fragment string) {
	t.Helper()
	for _, m := range attrURLRE.FindAllStringSubmatch(fragment, -1) {
		urls := []string{m[2]}
		if m[1] == "srcset" {
			urls = nil
			for _, part := range strings.Split(m[2], ",") {
				urls = append(urls, strings.Fields(part)[0])
			}
		}
		for _, raw := range urls {
			u, err := url.Parse(strings.ReplaceAll(raw, "&amp;", "&"))
			if err != nil || u.Scheme == "" || (u.Scheme == "https" && u.Host == "") {
				t.Errorf("%s: relative URL %s=%q", what, m[1], raw)
			}
		}
	}
}

// TestFeedsParseWithGofeed reads the six feeds with gofeed: type, entries,
// ids, links, dates, authors, categories, and content whose every URL is
// absolute.
func TestFeedsParseWithGofeed(t *testing.T) {
	f := newFeedFixture(t)
	for _, c := range feedCases() {
		t.Run(c.path, func(t *testing.T) {
			page := f.get(t, c.path)
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(page.Body))
			if err != nil {
				t.Fatal(err)
			}
			wantType := map[string]string{"feed.xml": "rss", "atom.xml": "atom", "feed.json": "json"}[c.path[strings.LastIndexByte(c.path, '/')+1:]]
			if feed.FeedType != wantType {
				t.Errorf("type %q, want %q", feed.FeedType, wantType)
			}
			if feed.Link != c.home {
				t.Errorf("link %q, want %q", feed.Link, c.home)
			}
			if feed.FeedLink != baseURL+c.path {
				t.Errorf("self link %q, want %q", feed.FeedLink, baseURL+c.path)
			}
			if feed.Language != "en" {
				t.Errorf("language %q", feed.Language)
			}
			if len(feed.Items) != len(c.posts) {
				t.Fatalf("%d items, want %d", len(feed.Items), len(c.posts))
			}
			for i, item := range feed.Items {
				p := f.posts[c.posts[i]]
				if item.GUID != "urn:uuid:"+p.ID {
					t.Errorf("item %d: id %q, want urn:uuid:%s", i, item.GUID, p.ID)
				}
				if item.Title != p.Title {
					t.Errorf("item %d: title %q, want %q", i, item.Title, p.Title)
				}
				if item.Link != entryURL(p) {
					t.Errorf("item %d: link %q, want %q", i, item.Link, entryURL(p))
				}
				if item.PublishedParsed == nil || !item.PublishedParsed.Equal(p.PublishedAt) {
					t.Errorf("item %d: published %v, want %v", i, item.PublishedParsed, p.PublishedAt)
				}
				if item.UpdatedParsed == nil || !item.UpdatedParsed.Equal(p.UpdatedAt) {
					t.Errorf("item %d: updated %v, want %v", i, item.UpdatedParsed, p.UpdatedAt)
				}
				if len(item.Authors) != 1 || item.Authors[0].Name != "Grace Hopper" {
					t.Errorf("item %d: authors %+v", i, item.Authors)
				}
				if !slices.Equal(item.Categories, wantTags(p)) {
					t.Errorf("item %d: categories %v, want %v", i, item.Categories, wantTags(p))
				}
				if item.Content == "" || item.Description == "" {
					t.Errorf("item %d: content %d and summary %d bytes", i, len(item.Content), len(item.Description))
				}
				checkAbsolute(t, c.path+" item content", item.Content)
				if wantType != "json" { // JSON Feed's summary is plain text
					checkAbsolute(t, c.path+" item summary", item.Description)
				}
			}
		})
	}
}

// TestFeedContentURLs checks what each kind of URL of a post becomes in
// the feeds' content: paths joined to the base URL, other relative URLs
// resolved against the post's URL, absolute ones and mailto: kept.
func TestFeedContentURLs(t *testing.T) {
	f := newFeedFixture(t)
	post := entryURL(f.posts["links"])
	want := []string{
		`href="https://blog.example.org/docs/"`,
		`src="https://blog.example.org/media/x.png"`,
		`href="` + post + `other/"`,
		`href="` + post + `#details"`,
		`href="mailto:ada@example.org"`,
		`href="https://elsewhere.example/x?a=1&amp;b=2"`,
		`srcset="https://blog.example.org/media/y.png 1x, https://blog.example.org/media/y@2x.png 2x"`,
		`href="https://cdn.example/z.js"`,
	}
	var items struct {
		Items []struct {
			ID          string `json:"id"`
			ContentHTML string `json:"content_html"`
		} `json:"items"`
	}
	if err := json.Unmarshal(f.get(t, "/feed.json").Body, &items); err != nil {
		t.Fatal(err)
	}
	var content string
	for _, it := range items.Items {
		if it.ID == "urn:uuid:"+f.posts["links"].ID {
			content = it.ContentHTML
		}
	}
	for _, w := range want {
		if !strings.Contains(content, w) {
			t.Errorf("content lacks %s:\n%s", w, content)
		}
	}
	// The post's own page keeps its relative URLs: only feeds rewrite.
	if page := string(f.get(t, f.posts["links"].Path).Body); !strings.Contains(page, `src="/media/x.png"`) {
		t.Errorf("the post page lost its relative image URL")
	}
}

// jsonFeedDoc decodes a JSON Feed loosely, to check field by field.
func jsonFeedDoc(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return doc
}

// TestJSONFeedSpec checks the JSON feeds against JSON Feed 1.1: the fields
// it requires (version, title, items; an id and content on every item),
// and those Octavo promises (home_page_url, feed_url, authors, url, dates,
// tags).
func TestJSONFeedSpec(t *testing.T) {
	f := newFeedFixture(t)
	for _, c := range feedCases() {
		if !strings.HasSuffix(c.path, ".json") {
			continue
		}
		t.Run(c.path, func(t *testing.T) {
			doc := jsonFeedDoc(t, f.get(t, c.path).Body)
			if doc["version"] != "https://jsonfeed.org/version/1.1" {
				t.Errorf("version %v", doc["version"])
			}
			if title, _ := doc["title"].(string); title == "" {
				t.Errorf("title %v", doc["title"])
			}
			if doc["home_page_url"] != c.home {
				t.Errorf("home_page_url %v, want %s", doc["home_page_url"], c.home)
			}
			if doc["feed_url"] != baseURL+c.path {
				t.Errorf("feed_url %v, want %s", doc["feed_url"], baseURL+c.path)
			}
			checkAuthors(t, "feed", doc["authors"])
			items, ok := doc["items"].([]any)
			if !ok || len(items) != len(c.posts) {
				t.Fatalf("items: %v (want an array of %d)", doc["items"], len(c.posts))
			}
			seen := map[string]bool{}
			for i, raw := range items {
				it := raw.(map[string]any)
				p := f.posts[c.posts[i]]
				id, ok := it["id"].(string)
				if !ok || id != "urn:uuid:"+p.ID || seen[id] {
					t.Errorf("item %d: id %v (must be a unique string urn:uuid:%s)", i, it["id"], p.ID)
				}
				seen[id] = true
				html, _ := it["content_html"].(string)
				text, _ := it["content_text"].(string)
				if html == "" && text == "" {
					t.Errorf("item %d: neither content_html nor content_text", i)
				}
				if it["url"] != entryURL(p) {
					t.Errorf("item %d: url %v, want %s", i, it["url"], entryURL(p))
				}
				if it["title"] != p.Title {
					t.Errorf("item %d: title %v", i, it["title"])
				}
				if s, _ := it["summary"].(string); s == "" || strings.Contains(s, "<") {
					t.Errorf("item %d: summary %q, want plain text", i, s)
				}
				for field, want := range map[string]time.Time{"date_published": p.PublishedAt, "date_modified": p.UpdatedAt} {
					s, _ := it[field].(string)
					got, err := time.Parse(time.RFC3339, s)
					if err != nil || !got.Equal(want) {
						t.Errorf("item %d: %s %q (%v), want %v", i, field, s, err, want)
					}
				}
				checkAuthors(t, "item", it["authors"])
				if got := strs(it["tags"]); !slices.Equal(got, wantTags(p)) {
					t.Errorf("item %d: tags %v, want %v", i, got, wantTags(p))
				}
			}
		})
	}
}

// checkAuthors checks a JSON Feed authors array: at least one author, each
// an object with a name, url or avatar.
func checkAuthors(t *testing.T, where string, v any) {
	t.Helper()
	authors, ok := v.([]any)
	if !ok || len(authors) == 0 {
		t.Errorf("%s authors: %v", where, v)
		return
	}
	for _, a := range authors {
		m, _ := a.(map[string]any)
		if m["name"] == nil && m["url"] == nil && m["avatar"] == nil {
			t.Errorf("%s author without name, url or avatar: %v", where, a)
		}
	}
}

// Atom documents, decoded with every element that may repeat as a slice,
// so the test can count them.
type atomLink struct {
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr"`
	Href     string `xml:"href,attr"`
	Hreflang string `xml:"hreflang,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomPerson struct {
	Names []string `xml:"http://www.w3.org/2005/Atom name"`
}

type atomEntry struct {
	IDs        []string     `xml:"http://www.w3.org/2005/Atom id"`
	Titles     []atomText   `xml:"http://www.w3.org/2005/Atom title"`
	Updated    []string     `xml:"http://www.w3.org/2005/Atom updated"`
	Published  []string     `xml:"http://www.w3.org/2005/Atom published"`
	Links      []atomLink   `xml:"http://www.w3.org/2005/Atom link"`
	Authors    []atomPerson `xml:"http://www.w3.org/2005/Atom author"`
	Contents   []atomText   `xml:"http://www.w3.org/2005/Atom content"`
	Summaries  []atomText   `xml:"http://www.w3.org/2005/Atom summary"`
	Categories []struct {
		Term string `xml:"term,attr"`
	} `xml:"http://www.w3.org/2005/Atom category"`
}

type atomFeed struct {
	XMLName xml.Name
	IDs     []string     `xml:"http://www.w3.org/2005/Atom id"`
	Titles  []atomText   `xml:"http://www.w3.org/2005/Atom title"`
	Updated []string     `xml:"http://www.w3.org/2005/Atom updated"`
	Links   []atomLink   `xml:"http://www.w3.org/2005/Atom link"`
	Authors []atomPerson `xml:"http://www.w3.org/2005/Atom author"`
	Entries []atomEntry  `xml:"http://www.w3.org/2005/Atom entry"`
}

func parseAtom(t *testing.T, body []byte) atomFeed {
	t.Helper()
	var feed atomFeed
	if err := xml.Unmarshal(body, &feed); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	return feed
}

// rfc3339RE is RFC 3339's date-time as RFC 4287 §3.3 wants it: upper-case
// T and Z, seconds, an optional fraction.
var rfc3339RE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)

// isIRI reports whether s is an absolute IRI (a scheme and more).
func isIRI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Opaque != "" || u.Host != "")
}

// TestAtomRFC4287 checks the Atom feeds against RFC 4287's rules for
// atom:feed (§4.1.1) and atom:entry (§4.1.2).
func TestAtomRFC4287(t *testing.T) {
	f := newFeedFixture(t)
	for _, c := range feedCases() {
		if !strings.HasSuffix(c.path, "atom.xml") {
			continue
		}
		t.Run(c.path, func(t *testing.T) {
			feed := parseAtom(t, f.get(t, c.path).Body)
			if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || feed.XMLName.Local != "feed" {
				t.Fatalf("root element %v", feed.XMLName)
			}
			if len(feed.IDs) != 1 || !isIRI(feed.IDs[0]) {
				t.Errorf("feed: ids %q, want exactly one absolute IRI", feed.IDs)
			}
			if len(feed.Titles) != 1 || feed.Titles[0].Body == "" {
				t.Errorf("feed: titles %v, want exactly one", feed.Titles)
			}
			if len(feed.Updated) != 1 || !rfc3339RE.MatchString(feed.Updated[0]) {
				t.Errorf("feed: updated %q, want exactly one RFC 3339 date", feed.Updated)
			}
			checkLinks(t, "feed", feed.Links)
			var self []string
			for _, l := range feed.Links {
				if l.Rel == "self" {
					self = append(self, l.Href)
				}
			}
			if !slices.Equal(self, []string{baseURL + c.path}) {
				t.Errorf("feed: self links %q, want [%s]", self, baseURL+c.path)
			}
			feedHasAuthor := len(feed.Authors) > 0
			for _, a := range feed.Authors {
				if len(a.Names) != 1 || a.Names[0] == "" {
					t.Errorf("feed author names %q, want exactly one", a.Names)
				}
			}
			if len(feed.Entries) != len(c.posts) {
				t.Fatalf("%d entries, want %d", len(feed.Entries), len(c.posts))
			}
			ids := map[string]bool{}
			for i, e := range feed.Entries {
				where := "entry " + e.Titles[0].Body
				if len(e.IDs) != 1 || !isIRI(e.IDs[0]) || ids[e.IDs[0]] {
					t.Errorf("%s: ids %q, want exactly one unique IRI", where, e.IDs)
				} else if e.IDs[0] != "urn:uuid:"+f.posts[c.posts[i]].ID {
					t.Errorf("%s: id %s, want urn:uuid:%s", where, e.IDs[0], f.posts[c.posts[i]].ID)
				}
				if len(e.IDs) > 0 {
					ids[e.IDs[0]] = true
				}
				if len(e.Titles) != 1 || e.Titles[0].Type != "text" {
					t.Errorf("%s: titles %v, want exactly one of type text", where, e.Titles)
				}
				if len(e.Updated) != 1 || !rfc3339RE.MatchString(e.Updated[0]) {
					t.Errorf("%s: updated %q, want exactly one RFC 3339 date", where, e.Updated)
				}
				if len(e.Published) > 1 || len(e.Published) == 1 && !rfc3339RE.MatchString(e.Published[0]) {
					t.Errorf("%s: published %q, want at most one RFC 3339 date", where, e.Published)
				}
				checkLinks(t, where, e.Links)
				var alternate int
				for _, l := range e.Links {
					if l.Rel == "alternate" || l.Rel == "" {
						alternate++
						if l.Href != entryURL(f.posts[c.posts[i]]) {
							t.Errorf("%s: alternate link %s", where, l.Href)
						}
					}
				}
				if alternate != 1 {
					t.Errorf("%s: %d alternate links, want 1", where, alternate)
				}
				if len(e.Authors) == 0 && !feedHasAuthor {
					t.Errorf("%s: no author, and the feed has none", where)
				}
				for _, a := range e.Authors {
					if len(a.Names) != 1 || a.Names[0] == "" {
						t.Errorf("%s: author names %q, want exactly one", where, a.Names)
					}
				}
				if len(e.Contents) != 1 || e.Contents[0].Type != "html" || !strings.Contains(e.Contents[0].Body, "<p>") {
					t.Errorf("%s: content %v, want exactly one of type html", where, e.Contents)
				}
				if len(e.Summaries) > 1 || len(e.Summaries) == 1 && e.Summaries[0].Type != "html" {
					t.Errorf("%s: summaries %v, want at most one of type html", where, e.Summaries)
				}
				for _, cat := range e.Categories {
					if cat.Term == "" {
						t.Errorf("%s: a category without a term", where)
					}
				}
			}
		})
	}
}

// checkLinks applies RFC 4287 §4.1.1's rule to links: every link has an
// href, and no two alternate links share a type and hreflang.
func checkLinks(t *testing.T, where string, links []atomLink) {
	t.Helper()
	alt := map[string]bool{}
	for _, l := range links {
		if l.Href == "" {
			t.Errorf("%s: a link without href", where)
		}
		if l.Rel == "alternate" || l.Rel == "" {
			k := l.Type + "|" + l.Hreflang
			if alt[k] {
				t.Errorf("%s: two alternate links of type %q", where, l.Type)
			}
			alt[k] = true
		}
	}
}

// feedEntries returns, for each of the six feeds, the ids and updated
// times of its entries.
func feedEntries(t *testing.T, f *feedFixture) map[string]map[string]time.Time {
	t.Helper()
	out := map[string]map[string]time.Time{}
	for _, c := range feedCases() {
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(f.get(t, c.path).Body))
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		out[c.path] = map[string]time.Time{}
		for _, item := range feed.Items {
			if item.UpdatedParsed == nil {
				t.Fatalf("%s: %s has no updated time", c.path, item.GUID)
			}
			out[c.path][item.GUID] = *item.UpdatedParsed
		}
	}
	return out
}

// TestFeedEditChangesUpdatedKeepsID edits a post, even its title and slug:
// in every feed its id stays, its updated time moves to the edit.
func TestFeedEditChangesUpdatedKeepsID(t *testing.T) {
	f := newFeedFixture(t)
	ctx := context.Background()
	p := f.posts["links"]
	id := "urn:uuid:" + p.ID
	before := feedEntries(t, f)

	editAt := fixtureNow.Add(90 * time.Minute)
	f.clock.T = editAt
	edited, err := f.store.PostByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	edited.Title, edited.Slug = "Relative links, revised", "relative-links-revised"
	edited.Body += "\nAn edit.\n"
	if err := f.svc.Save(ctx, edited); err != nil {
		t.Fatal(err)
	}
	after := feedEntries(t, f)
	for path, entries := range after {
		if !before[path][id].Equal(linksAt) {
			t.Errorf("%s before the edit: updated %v, want %v", path, before[path][id], linksAt)
		}
		if got, ok := entries[id]; !ok || !got.Equal(editAt) {
			t.Errorf("%s after the edit: entry %s updated %v (present %v), want %v", path, id, got, ok, editAt)
		}
		if len(entries) != len(before[path]) {
			t.Errorf("%s: %d entries after the edit, %d before", path, len(entries), len(before[path]))
		}
	}
	// The link follows the new slug; the published time stays.
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(f.get(t, "/atom.xml").Body))
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range feed.Items {
		if item.GUID == id {
			if item.Link != baseURL+"/2026/11/relative-links-revised/" || !item.PublishedParsed.Equal(linksAt) {
				t.Errorf("edited entry: link %s, published %v", item.Link, item.PublishedParsed)
			}
		}
	}
}

// TestScheduledPostAppearsAtItsTime checks that a scheduled post is in no
// feed and not in the sitemap before its time, and in all of them after.
func TestScheduledPostAppearsAtItsTime(t *testing.T) {
	f := newFeedFixture(t)
	future := f.posts["future"]
	paths := []string{"/sitemap.xml", "/tag/future/feed.xml"}
	for _, c := range feedCases() {
		paths = append(paths, c.path)
	}
	check := func(visible bool) {
		t.Helper()
		for _, path := range paths {
			p := f.get(t, path)
			if path == "/tag/future/feed.xml" {
				if want := map[bool]int{false: 404, true: 200}[visible]; p.Status != want {
					t.Errorf("%s: status %d, want %d", path, p.Status, want)
				}
				continue
			}
			mark := future.ID
			if path == "/sitemap.xml" {
				mark = future.Path
			}
			if got := bytes.Contains(p.Body, []byte(mark)); got != visible {
				t.Errorf("at %v, %s shows the scheduled post: %v, want %v", f.clock.T, path, got, visible)
			}
		}
	}
	check(false)
	f.clock.T = futureAt.Add(time.Minute)
	check(true)
	// Now it is the newest entry of the site's feed.
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(f.get(t, "/feed.json").Body))
	if err != nil {
		t.Fatal(err)
	}
	if feed.Items[0].GUID != "urn:uuid:"+future.ID {
		t.Errorf("first entry %s, want the post that just appeared", feed.Items[0].GUID)
	}
}

// TestFeedLength checks that feeds list the newest FeedLength posts.
func TestFeedLength(t *testing.T) {
	f := newFeedFixture(t)
	ctx := context.Background()
	st, err := f.store.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.FeedLength = 2
	if err := f.store.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(f.get(t, "/atom.xml").Body))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, item := range feed.Items {
		got = append(got, item.GUID)
	}
	want := []string{"urn:uuid:" + f.posts["tricky"].ID, "urn:uuid:" + f.posts["second"].ID}
	if !slices.Equal(got, want) {
		t.Errorf("entries %v, want %v", got, want)
	}
}

// TestFeedsDeterministic checks each feed's content type and dependency
// keys, and that rendering it twice gives the same bytes (so `octavo
// build` and the server agree, and ETags stay put).
func TestFeedsDeterministic(t *testing.T) {
	f := newFeedFixture(t)
	types := map[string]string{"feed.xml": render.ContentTypeRSS, "atom.xml": render.ContentTypeAtom, "feed.json": render.ContentTypeJSON}
	for _, c := range feedCases() {
		a, b := f.get(t, c.path), f.get(t, c.path)
		if a.Status != http.StatusOK || !bytes.Equal(a.Body, b.Body) {
			t.Errorf("%s: status %d; two renders equal: %v", c.path, a.Status, bytes.Equal(a.Body, b.Body))
		}
		if want := types[c.path[strings.LastIndexByte(c.path, '/')+1:]]; a.ContentType != want {
			t.Errorf("%s: content type %q, want %q", c.path, a.ContentType, want)
		}
		want := []string{blog.DepList, blog.DepSettings}
		if strings.HasPrefix(c.path, "/tag/go/") {
			want = []string{blog.DepTag("go"), blog.DepSettings}
		}
		for _, name := range c.posts {
			want = append(want, blog.DepPost(f.posts[name].ID))
		}
		if !slices.Equal(a.Deps, want) {
			t.Errorf("%s: deps %v, want %v", c.path, a.Deps, want)
		}
	}
}

// TestFeedsNotFound checks the feed paths that do not exist.
func TestFeedsNotFound(t *testing.T) {
	f := newFeedFixture(t)
	for _, path := range []string{"/tag/no-such-tag/feed.xml", "/tag/no-such-tag/feed.json", "/tag/go/feed.rss",
		"/tag/go/page/2/feed.xml", "/feed.xml/", "/tag/about/atom.xml"} {
		if p := f.get(t, path); p.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, p.Status)
		}
	}
}

// TestEmptyBlogFeeds checks that the feeds of a blog without posts are
// still valid feeds.
func TestEmptyBlogFeeds(t *testing.T) {
	f := newFixture(t, false, 10)
	server := f.serve(t)
	for _, path := range []string{"/feed.xml", "/atom.xml"} {
		d := testkit.Feedparser(t, server+path)
		if d["bozo"].(float64) != 0 || len(d["entries"].([]any)) != 0 {
			t.Errorf("%s: bozo %v (%v), %d entries", path, d["bozo"], d["bozo_exception"], len(d["entries"].([]any)))
		}
	}
	doc := jsonFeedDoc(t, f.get(t, "/feed.json").Body)
	if items, ok := doc["items"].([]any); !ok || len(items) != 0 {
		t.Errorf("items %v, want []", doc["items"])
	}
	feed := parseAtom(t, f.get(t, "/atom.xml").Body)
	if len(feed.Updated) != 1 || !rfc3339RE.MatchString(feed.Updated[0]) || len(feed.Authors) != 1 {
		t.Errorf("empty Atom feed: updated %q, authors %v", feed.Updated, feed.Authors)
	}
}
