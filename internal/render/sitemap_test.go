package render_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/render"
)

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

type sitemapEntry struct {
	Locs     []string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
	Lastmods []string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 lastmod"`
}

type sitemapDoc struct {
	XMLName  xml.Name
	URLs     []sitemapEntry `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 url"`
	Sitemaps []sitemapEntry `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemap"`
}

// w3cDatetimeRE is the W3C Datetime profile of ISO 8601 that sitemaps use
// for lastmod: a date, or a date and time with seconds and a zone.
var w3cDatetimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$`)

// parseSitemap decodes a sitemap file and checks it against the rules of
// sitemaps.org 0.9 that the schema and the protocol page state: the root
// element and namespace, one loc per entry, absolute URLs on the site's
// host, entity- and percent-escaped, at most 2,048 characters, at most one
// W3C datetime lastmod, at most limit entries and 50 MB, no duplicates.
// It returns the locs and their lastmods.
func parseSitemap(t *testing.T, p *render.Page, root string, limit int) (locs, lastmods []string) {
	t.Helper()
	if p.Status != http.StatusOK || p.ContentType != render.ContentTypeSitemap {
		t.Fatalf("status %d, content type %q", p.Status, p.ContentType)
	}
	if !strings.HasPrefix(string(p.Body), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no UTF-8 XML declaration")
	}
	if len(p.Body) > 50<<20 {
		t.Errorf("%d bytes, more than 50 MB", len(p.Body))
	}
	var doc sitemapDoc
	if err := xml.Unmarshal(p.Body, &doc); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	if doc.XMLName.Space != sitemapNS || doc.XMLName.Local != root {
		t.Fatalf("root element %v, want %s in %s", doc.XMLName, root, sitemapNS)
	}
	entries := doc.URLs
	if root == "sitemapindex" {
		entries = doc.Sitemaps
	}
	if len(entries) == 0 || len(entries) > limit {
		t.Errorf("%d entries, want 1 to %d", len(entries), limit)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if len(e.Locs) != 1 {
			t.Errorf("entry with %d locs: %v", len(e.Locs), e.Locs)
			continue
		}
		loc := e.Locs[0]
		u, err := url.Parse(loc)
		if err != nil || u.Scheme != "https" || u.Host != "blog.example.org" || len(loc) > 2048 {
			t.Errorf("loc %q: want an absolute URL on the site, at most 2,048 characters", loc)
		}
		for _, c := range []byte(loc) {
			if c >= 0x80 || c <= ' ' {
				t.Errorf("loc %q: not percent-encoded", loc)
				break
			}
		}
		if seen[loc] {
			t.Errorf("loc %s listed twice", loc)
		}
		seen[loc] = true
		if len(e.Lastmods) > 1 || len(e.Lastmods) == 1 && !w3cDatetimeRE.MatchString(e.Lastmods[0]) {
			t.Errorf("loc %s: lastmod %q, want at most one W3C datetime", loc, e.Lastmods)
		}
		if len(e.Lastmods) == 0 {
			t.Errorf("loc %s: no lastmod", loc)
			lastmods = append(lastmods, "")
		} else {
			lastmods = append(lastmods, e.Lastmods[0])
		}
		locs = append(locs, loc)
	}
	return locs, lastmods
}

// wantSitemap is what the feed fixture's sitemap lists, with lastmods.
func wantSitemap(f *feedFixture) (locs, lastmods []string) {
	at := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	add := func(path string, t time.Time) {
		locs = append(locs, baseURL+path)
		lastmods = append(lastmods, at(t))
	}
	add("/", trickyAt)
	add("/archive/", trickyAt)
	add("/2026/11/cr%C3%A8me-br%C3%BBl%C3%A9e/", trickyAt)
	add("/2026/11/second-post/", secondAt)
	add("/2026/11/relative-links/", linksAt)
	add("/about/", linksAt)
	add("/tag/cr%C3%A8me/", trickyAt) // tags by name
	add("/tag/feeds/", linksAt)
	add("/tag/go/", secondAt)
	add("/2026/", trickyAt)
	add("/2026/11/", trickyAt)
	return locs, lastmods
}

// TestSitemap checks the sitemap of a small blog: every post, page, tag
// page and archive page and the front page, with lastmod, against the
// sitemaps.org rules.
func TestSitemap(t *testing.T) {
	f := newFeedFixture(t)
	p := f.get(t, "/sitemap.xml")
	locs, lastmods := parseSitemap(t, p, "urlset", render.DefaultSitemapLimit)
	wantLocs, wantMods := wantSitemap(f)
	if !slices.Equal(locs, wantLocs) {
		t.Errorf("locs:\n%s\nwant:\n%s", strings.Join(locs, "\n"), strings.Join(wantLocs, "\n"))
	}
	if !slices.Equal(lastmods, wantMods) {
		t.Errorf("lastmods %v, want %v", lastmods, wantMods)
	}
	wantDeps := []string{blog.DepList, blog.DepSettings}
	for _, name := range []string{"tricky", "second", "links", "about"} {
		wantDeps = append(wantDeps, blog.DepPost(f.posts[name].ID))
	}
	if !slices.Equal(p.Deps, wantDeps) {
		t.Errorf("deps %v, want %v", p.Deps, wantDeps)
	}
	if again := f.get(t, "/sitemap.xml"); string(again.Body) != string(p.Body) {
		t.Errorf("two renders differ")
	}
	// Without an index there are no parts.
	if p := f.get(t, "/sitemap-1.xml"); p.Status != http.StatusNotFound {
		t.Errorf("/sitemap-1.xml without an index: status %d, want 404", p.Status)
	}
}

// TestSitemapIndex lowers the limit to 3 URLs a file: /sitemap.xml becomes
// an index of parts that together list every URL once, in order.
func TestSitemapIndex(t *testing.T) {
	f := newFeedFixture(t)
	f.renderer.SetSitemapLimit(3)
	wantLocs, wantMods := wantSitemap(f) // 11 URLs: 4 parts
	index, indexMods := parseSitemap(t, f.get(t, "/sitemap.xml"), "sitemapindex", render.DefaultSitemapLimit)
	var parts []string
	for i := 1; i <= 4; i++ {
		parts = append(parts, baseURL+"/sitemap-"+strconv.Itoa(i)+".xml")
	}
	if !slices.Equal(index, parts) {
		t.Fatalf("index lists %v, want %v", index, parts)
	}
	var all, allMods []string
	for i, part := range parts {
		locs, mods := parseSitemap(t, f.get(t, strings.TrimPrefix(part, baseURL)), "urlset", 3)
		newest := slices.Max(mods)
		if indexMods[i] != newest {
			t.Errorf("%s: index lastmod %s, want the part's newest %s", part, indexMods[i], newest)
		}
		all, allMods = append(all, locs...), append(allMods, mods...)
	}
	if !slices.Equal(all, wantLocs) || !slices.Equal(allMods, wantMods) {
		t.Errorf("the parts list:\n%s\nwant:\n%s", strings.Join(all, "\n"), strings.Join(wantLocs, "\n"))
	}
	for _, path := range []string{"/sitemap-5.xml", "/sitemap-0.xml", "/sitemap-01.xml", "/sitemap-x.xml"} {
		if p := f.get(t, path); p.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, p.Status)
		}
	}
	// At exactly the limit, one file is enough.
	f.renderer.SetSitemapLimit(len(wantLocs))
	parseSitemap(t, f.get(t, "/sitemap.xml"), "urlset", len(wantLocs))
}

// TestRobots checks that robots.txt names the sitemap by absolute URL.
func TestRobots(t *testing.T) {
	f := newFixture(t, false, 10)
	p := f.get(t, "/robots.txt")
	if p.Status != http.StatusOK || p.ContentType != "text/plain; charset=utf-8" {
		t.Fatalf("status %d, content type %q", p.Status, p.ContentType)
	}
	body := string(p.Body)
	if !strings.HasPrefix(body, "User-agent: *\n") || !strings.Contains(body, "\nSitemap: https://blog.example.org/sitemap.xml\n") {
		t.Errorf("robots.txt:\n%s", body)
	}
}
