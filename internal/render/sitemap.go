package render

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"octavo/internal/blog"
)

// DefaultSitemapLimit is the most URLs one sitemap file may list
// (sitemaps.org); past it /sitemap.xml becomes an index of parts.
const DefaultSitemapLimit = 50000

// sitemapNS is the namespace of sitemaps.org 0.9.
const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// SetSitemapLimit sets how many URLs one sitemap file lists before
// /sitemap.xml becomes an index of /sitemap-1.xml, /sitemap-2.xml…
// (DefaultSitemapLimit when n < 1). Call it before the renderer serves.
func (r *Renderer) SetSitemapLimit(n int) {
	if n < 1 {
		n = DefaultSitemapLimit
	}
	r.sitemapLimit = n
}

func (r *Renderer) sitemapMax() int {
	if r.sitemapLimit < 1 {
		return DefaultSitemapLimit
	}
	return r.sitemapLimit
}

// sitemapURL is one <url> of a sitemap.
type sitemapURL struct {
	loc     string
	lastmod time.Time // zero: left out
}

// sitemapURLs lists every public page worth indexing, in a stable order:
// the front page, the archive, the posts (newest first), the pages, the
// tag pages, then the year and month archives (newest first). Paginated
// lists (/page/N/) are left out: their content moves with every post.
func (r *Renderer) sitemapURLs(ctx context.Context) ([]sitemapURL, []string, error) {
	st, err := r.src.Settings(ctx)
	if err != nil {
		return nil, nil, err
	}
	now := r.clock.Now()
	posts, err := r.src.Archive(ctx, now, time.Time{}, time.Time{})
	if err != nil {
		return nil, nil, err
	}
	pages, err := r.src.Pages(ctx, now)
	if err != nil {
		return nil, nil, err
	}
	tags, err := r.src.Tags(ctx, now)
	if err != nil {
		return nil, nil, err
	}
	loc := st.Location()
	deps := make([]string, 0, len(posts)+len(pages)+2)
	deps = append(deps, blog.DepList, blog.DepSettings)

	var newest time.Time
	type period struct {
		path    string
		lastmod time.Time
	}
	var periods []period // years and months, newest first
	index := map[string]int{}
	postURLs := make([]sitemapURL, 0, len(posts))
	for _, p := range posts {
		mod := modifiedAt(p.PublishedAt, p.UpdatedAt).In(loc)
		postURLs = append(postURLs, sitemapURL{r.abs(p.Path), mod})
		deps = append(deps, blog.DepPost(p.ID))
		if mod.After(newest) {
			newest = mod
		}
		t := p.PublishedAt.In(loc)
		for _, path := range []string{t.Format("/2006/"), t.Format("/2006/01/")} {
			i, ok := index[path]
			if !ok {
				i = len(periods)
				index[path] = i
				periods = append(periods, period{path: path})
			}
			if mod.After(periods[i].lastmod) {
				periods[i].lastmod = mod
			}
		}
	}

	urls := make([]sitemapURL, 0, 2+len(posts)+len(pages)+len(tags)+len(periods))
	urls = append(urls, sitemapURL{r.abs("/"), newest}, sitemapURL{r.abs("/archive/"), newest})
	urls = append(urls, postURLs...)
	for _, p := range pages {
		urls = append(urls, sitemapURL{r.abs(p.Path), modifiedAt(p.PublishedAt, p.UpdatedAt).In(loc)})
		deps = append(deps, blog.DepPost(p.ID))
	}
	for _, t := range tags {
		urls = append(urls, sitemapURL{r.abs("/tag/" + t.Slug + "/"), t.Updated.In(loc)})
	}
	// Years first, then months, each newest first: the order posts gave.
	for _, p := range periods {
		if len(p.path) == len("/2006/") {
			urls = append(urls, sitemapURL{r.abs(p.path), p.lastmod})
		}
	}
	for _, p := range periods {
		if len(p.path) != len("/2006/") {
			urls = append(urls, sitemapURL{r.abs(p.path), p.lastmod})
		}
	}
	return urls, deps, nil
}

// sitemap renders /sitemap.xml (part 0) or /sitemap-N.xml. Up to the
// limit, /sitemap.xml lists every URL and there are no parts; past it,
// /sitemap.xml is an index of the parts, each listing up to the limit.
func (r *Renderer) sitemap(ctx context.Context, part int) (*Page, error) {
	urls, deps, err := r.sitemapURLs(ctx)
	if err != nil {
		return nil, err
	}
	limit := r.sitemapMax()
	parts := (len(urls) + limit - 1) / limit
	var buf bytes.Buffer
	buf.Grow(256 + len(urls)*128)
	x := xmlWriter{&buf}
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	switch {
	case part == 0 && len(urls) <= limit:
		writeURLSet(x, urls)
	case part == 0:
		buf.WriteString(`<sitemapindex xmlns="` + sitemapNS + `">` + "\n")
		for i := range parts {
			chunk := urls[i*limit : min(len(urls), (i+1)*limit)]
			var last time.Time
			for _, u := range chunk {
				if u.lastmod.After(last) {
					last = u.lastmod
				}
			}
			buf.WriteString("<sitemap>")
			x.inline("loc", r.abs("/sitemap-"+strconv.Itoa(i+1)+".xml"))
			if !last.IsZero() {
				x.inline("lastmod", last.Format(time.RFC3339))
			}
			buf.WriteString("</sitemap>\n")
		}
		buf.WriteString("</sitemapindex>\n")
	case len(urls) > limit && part <= parts:
		writeURLSet(x, urls[(part-1)*limit:min(len(urls), part*limit)])
	default:
		return r.NotFound(ctx)
	}
	return &Page{Status: http.StatusOK, ContentType: ContentTypeSitemap, Body: buf.Bytes(), Deps: deps}, nil
}

func writeURLSet(x xmlWriter, urls []sitemapURL) {
	x.b.WriteString(`<urlset xmlns="` + sitemapNS + `">` + "\n")
	for _, u := range urls {
		x.b.WriteString("<url>")
		x.inline("loc", u.loc)
		if !u.lastmod.IsZero() {
			x.inline("lastmod", u.lastmod.Format(time.RFC3339))
		}
		x.b.WriteString("</url>\n")
	}
	x.b.WriteString("</urlset>\n")
}

// robots renders /robots.txt: everything may be crawled but the admin, and
// the sitemap is named by its absolute URL.
func (r *Renderer) robots() *Page {
	body := fmt.Sprintf("User-agent: *\nDisallow: /admin/\n\nSitemap: %s\n", r.abs("/sitemap.xml"))
	return &Page{Status: http.StatusOK, ContentType: ContentTypeText, Body: []byte(body)}
}
