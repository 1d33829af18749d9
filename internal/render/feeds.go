package render

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"octavo/internal/blog"
)

// Content types of the feeds, the sitemap and robots.txt.
const (
	ContentTypeRSS     = "application/rss+xml; charset=utf-8"
	ContentTypeAtom    = "application/atom+xml; charset=utf-8"
	ContentTypeJSON    = "application/feed+json; charset=utf-8"
	ContentTypeSitemap = "application/xml; charset=utf-8"
	ContentTypeText    = "text/plain; charset=utf-8"
)

// DefaultFeedLength is how many entries a feed lists when the settings do
// not say.
const DefaultFeedLength = 20

// feedFormat is one of the three feed formats.
type feedFormat struct {
	file        string // the file name under "/" or "/tag/NAME/"
	format      string // FeedLink.Format
	label       string // for autodiscovery titles
	contentType string
	write       func(*bytes.Buffer, *feedDoc) error
}

// feedFormats are the formats, in the order pages announce them.
var feedFormats = []feedFormat{
	{"feed.xml", "rss", "RSS", ContentTypeRSS, writeRSS},
	{"atom.xml", "atom", "Atom", ContentTypeAtom, writeAtom},
	{"feed.json", "json", "JSON Feed", ContentTypeJSON, writeJSONFeed},
}

// feedByFile returns the format served under a file name.
func feedByFile(name string) (feedFormat, bool) {
	for _, f := range feedFormats {
		if f.file == name {
			return f, true
		}
	}
	return feedFormat{}, false
}

// feedDoc is a feed before it is written in one format: every URL
// absolute, every time in the blog's time zone.
type feedDoc struct {
	Title       string
	Description string
	Language    string
	Author      string // the site's author, else its title
	Home        string // the HTML page the feed follows
	Self        string // this feed's own URL
	Updated     time.Time
	Entries     []feedEntry
}

// feedEntry is one post of a feed.
type feedEntry struct {
	ID          string // urn:uuid:…
	URL         string
	Title       string
	ContentHTML string
	SummaryHTML string
	SummaryText string
	Image       string // the featured image, absolute; empty when none
	ImageType   string
	Author      string
	Published   time.Time
	Updated     time.Time
	Tags        []string
}

// feed renders the feed at prefix+f.file: the site's (tagSlug empty) or a
// tag's. An unknown tag is not found.
func (r *Renderer) feed(ctx context.Context, f feedFormat, tagSlug string) (*Page, error) {
	st, err := r.src.Settings(ctx)
	if err != nil {
		return nil, err
	}
	now := r.clock.Now()
	prefix := "/"
	doc := &feedDoc{Title: st.Title, Description: st.Description, Language: st.Language, Author: st.AuthorName}
	if doc.Author == "" {
		doc.Author = st.Title
	}
	deps := []string{blog.DepList, blog.DepSettings}
	if tagSlug != "" {
		t, err := r.src.TagBySlug(ctx, tagSlug, now)
		if blog.IsNotFound(err) {
			return r.movedTag(ctx, tagSlug, f.file)
		}
		if err != nil {
			return nil, err
		}
		prefix = "/tag/" + t.Slug + "/"
		doc.Title = st.Title + ": " + t.Name
		doc.Description = "Posts tagged “" + t.Name + "” on " + st.Title + "."
		deps = []string{blog.DepTag(t.Slug), blog.DepSettings}
	}
	doc.Home, doc.Self = r.abs(prefix), r.abs(prefix+f.file)
	n := st.FeedLength
	if n <= 0 {
		n = DefaultFeedLength
	}
	posts, _, err := r.src.ListPosts(ctx, blog.ListQuery{Now: now, TagSlug: tagSlug, Limit: n, SkipTotal: true})
	if err != nil {
		return nil, err
	}
	loc := st.Location()
	for _, p := range posts {
		e := r.feedEntry(p, st, loc)
		if e.Updated.After(doc.Updated) {
			doc.Updated = e.Updated
		}
		doc.Entries = append(doc.Entries, e)
		deps = append(deps, blog.DepPost(p.ID))
	}
	if doc.Updated.IsZero() {
		// An empty feed has changed last now, as far as anyone can tell.
		doc.Updated = now.In(loc).Truncate(time.Second)
	}
	var buf bytes.Buffer
	buf.Grow(r.sizes.get(f.file, 64<<10))
	if err := f.write(&buf, doc); err != nil {
		return nil, fmt.Errorf("render %s%s: %w", prefix, f.file, err)
	}
	r.sizes.put(f.file, buf.Len())
	return &Page{Status: http.StatusOK, ContentType: f.contentType, Body: buf.Bytes(), Deps: deps}, nil
}

func (r *Renderer) feedEntry(p *blog.Post, st blog.Settings, loc *time.Location) feedEntry {
	link := r.abs(p.Path)
	e := feedEntry{
		ID:          "urn:uuid:" + p.ID,
		URL:         link,
		Title:       p.Title,
		ContentHTML: r.absFeed.get(r, p.Rendered.HTML, link),
		SummaryHTML: r.absFeed.get(r, p.Rendered.ExcerptHTML, link),
		SummaryText: summaryText(p.Rendered.ExcerptHTML),
		Author:      p.Author.DisplayName,
		Published:   p.PublishedAt.In(loc),
		Updated:     modifiedAt(p.PublishedAt, p.UpdatedAt).In(loc),
	}
	if e.Author == "" {
		e.Author = st.AuthorName
	}
	if f := p.Featured; f != nil {
		e.Image, e.ImageType = r.abs(f.Src()), f.Type
	}
	if e.Author == "" {
		e.Author = st.Title
	}
	for _, t := range p.Tags {
		e.Tags = append(e.Tags, t.Name)
	}
	return e
}

// absCache keeps the last fragments absolutize made: a post is in the
// feed of the site and of each of its tags, each in three formats, and a
// static build renders them all at once. Its key is the fragment itself
// (hashing it costs far less than parsing it), so a changed post can never
// get an old result; it is emptied when full.
type absCache struct {
	mu sync.Mutex
	m  map[absKey]string
}

type absKey struct{ fragment, pageURL string }

// absCacheMax is how many fragments absCache keeps: the feeds of a few
// dozen tags (two fragments for each of their 20 posts).
const absCacheMax = 2048

func (c *absCache) get(r *Renderer, fragment, pageURL string) string {
	if !strings.Contains(fragment, "=") {
		return fragment // nothing to do, nothing to keep
	}
	k := absKey{fragment, pageURL}
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = r.absolutize(fragment, pageURL)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= absCacheMax {
		c.m = make(map[absKey]string, 64)
	}
	c.m[k] = v
	c.mu.Unlock()
	return v
}

// urlAttrs are the attributes whose values are URLs, made absolute in
// feed content (srcset is a list of them).
var urlAttrs = map[string]bool{"href": true, "src": true, "srcset": true, "poster": true, "cite": true}

// absolutize returns an HTML fragment with its relative URLs made absolute,
// for feed readers, which show content away from the site: a path like
// "/media/x.png" is joined to the base URL, anything else relative (a
// "#fragment", "x.png") is resolved against the post's own URL pageURL.
// Tags without a relative URL are copied byte for byte.
func (r *Renderer) absolutize(fragment, pageURL string) string {
	if !strings.Contains(fragment, "=") {
		return fragment
	}
	page, err := url.Parse(pageURL)
	if err != nil {
		return fragment
	}
	z := html.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	b.Grow(len(fragment) + len(fragment)/8)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			b.Write(z.Raw())
			continue
		}
		raw := string(z.Raw())
		tok := z.Token()
		changed := false
		for i, a := range tok.Attr {
			if a.Namespace != "" || !urlAttrs[a.Key] {
				continue
			}
			var v string
			if a.Key == "srcset" {
				v = r.absSrcset(a.Val, page)
			} else {
				v = r.absURL(a.Val, page)
			}
			if v != a.Val {
				tok.Attr[i].Val = v
				changed = true
			}
		}
		if changed {
			b.WriteString(tok.String())
		} else {
			b.WriteString(raw)
		}
	}
}

// absURL makes one URL absolute (see absolutize); absolute URLs and those
// with a scheme (mailto:, data:) are kept.
func (r *Renderer) absURL(v string, page *url.URL) string {
	s := strings.TrimSpace(v)
	switch {
	case s == "":
		return v
	case strings.HasPrefix(s, "//"):
		return page.Scheme + ":" + s
	case s[0] == '/':
		return r.base + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" {
		return v
	}
	return page.ResolveReference(u).String()
}

// absSrcset makes every URL of a srcset ("a.png 1x, b.png 2x") absolute.
func (r *Renderer) absSrcset(v string, page *url.URL) string {
	parts := strings.Split(v, ",")
	for i, part := range parts {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			continue
		}
		fields[0] = r.absURL(fields[0], page)
		parts[i] = strings.Join(fields, " ")
	}
	return strings.Join(parts, ", ")
}

// rssTime is RFC 822 (with a four-digit year and a numeric zone, as RSS
// readers expect).
const rssTime = time.RFC1123Z

// writeRSS writes RSS 2.0: the excerpt as description, the full content
// as content:encoded, the post's UUID as a guid that is not a permalink,
// and the time of the last edit as atom:updated.
func writeRSS(b *bytes.Buffer, d *feedDoc) error {
	x := xmlWriter{b}
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">` + "\n<channel>\n")
	x.elem("title", d.Title)
	x.elem("link", d.Home)
	desc := d.Description
	if desc == "" {
		desc = d.Title
	}
	x.elem("description", desc)
	if d.Language != "" {
		x.elem("language", d.Language)
	}
	x.elem("generator", "Octavo")
	x.elem("lastBuildDate", d.Updated.Format(rssTime))
	b.WriteString(`<atom:link rel="self" type="application/rss+xml" href="`)
	x.text(d.Self, true)
	b.WriteString("\"/>\n")
	for _, e := range d.Entries {
		b.WriteString("<item>\n")
		x.elem("title", e.Title)
		x.elem("link", e.URL)
		b.WriteString(`<guid isPermaLink="false">`)
		x.text(e.ID, false)
		b.WriteString("</guid>\n")
		x.elem("pubDate", e.Published.Format(rssTime))
		x.elem("atom:updated", e.Updated.Format(time.RFC3339))
		x.elem("dc:creator", e.Author)
		for _, t := range e.Tags {
			x.elem("category", t)
		}
		if e.SummaryHTML != "" {
			x.elem("description", e.SummaryHTML)
		}
		x.elem("content:encoded", e.ContentHTML)
		if e.Image != "" {
			// The length is unknown to the feed; RSS readers take 0.
			b.WriteString(`<enclosure url="`)
			x.text(e.Image, true)
			b.WriteString(`" length="0" type="` + e.ImageType + "\"/>\n")
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel>\n</rss>\n")
	return nil
}

// writeAtom writes Atom 1.0 (RFC 4287): the feed's id is its own URL, each
// entry's the post's urn:uuid; the excerpt is the summary and the full
// content the content, both as escaped HTML.
func writeAtom(b *bytes.Buffer, d *feedDoc) error {
	x := xmlWriter{b}
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom"`)
	if d.Language != "" {
		b.WriteString(` xml:lang="`)
		x.text(d.Language, true)
		b.WriteString(`"`)
	}
	b.WriteString(">\n")
	x.elem("id", d.Self)
	x.typed("title", "text", d.Title)
	if d.Description != "" {
		x.typed("subtitle", "text", d.Description)
	}
	x.link("alternate", "text/html", d.Home)
	x.link("self", "application/atom+xml", d.Self)
	x.elem("updated", d.Updated.Format(time.RFC3339))
	x.author(d.Author)
	b.WriteString(`<generator>Octavo</generator>` + "\n")
	for _, e := range d.Entries {
		b.WriteString("<entry>\n")
		x.elem("id", e.ID)
		x.typed("title", "text", e.Title)
		x.link("alternate", "text/html", e.URL)
		x.elem("published", e.Published.Format(time.RFC3339))
		x.elem("updated", e.Updated.Format(time.RFC3339))
		x.author(e.Author)
		for _, t := range e.Tags {
			b.WriteString(`<category term="`)
			x.text(t, true)
			b.WriteString("\"/>\n")
		}
		if e.SummaryHTML != "" {
			x.typed("summary", "html", e.SummaryHTML)
		}
		x.typed("content", "html", e.ContentHTML)
		if e.Image != "" {
			x.link("enclosure", e.ImageType, e.Image)
		}
		b.WriteString("</entry>\n")
	}
	b.WriteString("</feed>\n")
	return nil
}

// jsonFeedVersion is the version URL of JSON Feed 1.1.
const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors"`
	// Author is JSON Feed 1.0's single author, kept for readers that only
	// know 1.0, as the 1.1 specification suggests.
	Author *jsonAuthor `json:"author,omitempty"`
	Items  []jsonItem  `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html"`
	Summary       string       `json:"summary,omitempty"`
	Image         string       `json:"image,omitempty"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified"`
	Authors       []jsonAuthor `json:"authors"`
	Tags          []string     `json:"tags,omitempty"`
}

// writeJSONFeed writes JSON Feed 1.1: the summary is the excerpt's plain
// text (the format wants text there), content_html the full content.
func writeJSONFeed(b *bytes.Buffer, d *feedDoc) error {
	site := jsonAuthor{Name: d.Author, URL: d.Home}
	f := jsonFeed{
		Version: jsonFeedVersion, Title: d.Title, HomePageURL: d.Home, FeedURL: d.Self,
		Description: d.Description, Language: d.Language,
		Authors: []jsonAuthor{site}, Author: &site, Items: make([]jsonItem, 0, len(d.Entries)),
	}
	for _, e := range d.Entries {
		f.Items = append(f.Items, jsonItem{
			ID: e.ID, URL: e.URL, Title: e.Title, ContentHTML: e.ContentHTML, Summary: e.SummaryText,
			Image:         e.Image,
			DatePublished: e.Published.Format(time.RFC3339), DateModified: e.Updated.Format(time.RFC3339),
			Authors: []jsonAuthor{{Name: e.Author}}, Tags: e.Tags,
		})
	}
	return encodeJSONFeed(b, f)
}

// encodeJSONFeed writes f indented, as a json.Encoder with SetIndent does,
// without running the indenter over the items' HTML, which is most of a
// feed: the feed is encoded with each content_html empty, then each empty
// value is replaced by the HTML encoded on its own (indenting copies a
// string as it is, so the bytes are the same). `"content_html": ""` with
// bare quotes can only be the key and its value: quotes inside a string
// are escaped.
func encodeJSONFeed(b *bytes.Buffer, f jsonFeed) error {
	contents := make([]string, len(f.Items))
	for i := range f.Items {
		contents[i], f.Items[i].ContentHTML = f.Items[i].ContentHTML, ""
	}
	var skel bytes.Buffer
	enc := json.NewEncoder(&skel)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	empty := []byte(`"content_html": ""`)
	if bytes.Count(skel.Bytes(), empty) != len(contents) {
		return fmt.Errorf("render: the JSON feed's skeleton has not one content_html an item")
	}
	rest := skel.Bytes()
	value := json.NewEncoder(b)
	value.SetEscapeHTML(false)
	for _, c := range contents {
		i := bytes.Index(rest, empty)
		b.Write(rest[:i+len(empty)-2])
		if err := value.Encode(c); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode ends the value with a newline
		rest = rest[i+len(empty):]
	}
	b.Write(rest)
	return nil
}

// xmlWriter writes XML elements one per line, escaping text.
type xmlWriter struct{ b *bytes.Buffer }

// elem writes <name>text</name> on a line.
func (x xmlWriter) elem(name, text string) {
	x.inline(name, text)
	x.b.WriteByte('\n')
}

// inline writes <name>text</name>.
func (x xmlWriter) inline(name, text string) {
	x.b.WriteByte('<')
	x.b.WriteString(name)
	x.b.WriteByte('>')
	x.text(text, false)
	x.b.WriteString("</")
	x.b.WriteString(name)
	x.b.WriteByte('>')
}

// author writes an Atom person construct with a name.
func (x xmlWriter) author(name string) {
	x.b.WriteString("<author>")
	x.inline("name", name)
	x.b.WriteString("</author>\n")
}

// typed writes an Atom text construct: <name type="typ">text</name>.
func (x xmlWriter) typed(name, typ, text string) {
	x.b.WriteString("<" + name + ` type="` + typ + `">`)
	x.text(text, false)
	x.b.WriteString("</" + name + ">\n")
}

// link writes an Atom link.
func (x xmlWriter) link(rel, typ, href string) {
	x.b.WriteString(`<link rel="` + rel + `" type="` + typ + `" href="`)
	x.text(href, true)
	x.b.WriteString("\"/>\n")
}

// text writes s escaped for XML character data, or for a double-quoted
// attribute value when attr is set. Characters XML 1.0 does not allow
// (most control characters) become U+FFFD, so the document stays well
// formed whatever a post holds.
func (x xmlWriter) text(s string, attr bool) {
	last := 0
	for i, c := range s {
		var esc string
		switch {
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '&':
			esc = "&amp;"
		case c == '"' && attr:
			esc = "&quot;"
		case c == '\n' && attr:
			esc = "&#xA;"
		case c == '\t' && attr:
			esc = "&#x9;"
		case c == '\r':
			esc = "&#xD;"
		case c == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size > 1 {
				continue // a real U+FFFD, not a broken byte
			}
			esc = "\uFFFD"
		case !xmlChar(c):
			esc = "\uFFFD"
		default:
			continue
		}
		x.b.WriteString(s[last:i])
		x.b.WriteString(esc)
		_, size := utf8.DecodeRuneInString(s[i:])
		last = i + size
	}
	x.b.WriteString(s[last:])
}

// xmlChar reports whether XML 1.0 allows c in a document.
func xmlChar(c rune) bool {
	return c == '\t' || c == '\n' || c == '\r' ||
		c >= 0x20 && c <= 0xD7FF ||
		c >= 0xE000 && c <= 0xFFFD ||
		c >= 0x10000 && c <= 0x10FFFF
}
