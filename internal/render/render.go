// Package render makes every public page of a blog as bytes: a page is a
// pure function of the content (a blog.Reader), the settings, the theme and
// the time. Both `octavo serve` (through the page cache) and `octavo build`
// call Render, so the server and a static export give the same bytes.
package render

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"octavo/internal/blog"
)

// Page is a rendered answer for one public path.
type Page struct {
	Status      int    // 200, 301 or 404
	ContentType string // with charset
	Body        []byte
	Location    string // for 301
	// Deps are the dependency keys (see blog.DepPost…) this page was made
	// from; the cache drops the page when a write touches one of them.
	Deps []string
}

// Renderer renders the public pages of one blog.
type Renderer struct {
	src   blog.Reader
	theme *Theme
	base  string // base URL without a trailing slash, e.g. "https://example.org"
	clock blog.Clock
	// sitemapLimit is the most URLs per sitemap file (SetSitemapLimit).
	sitemapLimit int
	// abs keeps the feed content made absolute lately (feeds.go).
	absFeed absCache
	// sizes starts each page's buffer near the size of the last page of
	// its kind.
	sizes sizeHints
}

// sizeHints remembers how large the last output of each template or feed
// format was, so that the next buffer of that kind starts near its size
// instead of doubling (and copying) its way there: a static build renders
// thousands of pages of each kind.
type sizeHints struct{ m sync.Map } // key → *atomic.Int64

// get returns the size to start a buffer of kind key with: a little more
// than the last one's, at least floor.
func (h *sizeHints) get(key string, floor int) int {
	if v, ok := h.m.Load(key); ok {
		n := int(v.(*atomic.Int64).Load())
		return max(floor, n+n/8+512)
	}
	return floor
}

// put records the size of an output of kind key.
func (h *sizeHints) put(key string, n int) {
	v, ok := h.m.Load(key)
	if !ok {
		v, _ = h.m.LoadOrStore(key, new(atomic.Int64))
	}
	v.(*atomic.Int64).Store(int64(n))
}

// New returns a renderer reading from src. baseURL makes every absolute URL
// (canonical links, feeds); it never comes from a request.
func New(src blog.Reader, th *Theme, baseURL string, clock blog.Clock) *Renderer {
	return &Renderer{src: src, theme: th, base: strings.TrimSuffix(baseURL, "/"), clock: clock}
}

// Theme returns the theme the renderer uses.
func (r *Renderer) Theme() *Theme { return r.theme }

// BaseURL returns the base URL pages are rendered for.
func (r *Renderer) BaseURL() string { return r.base }

// MaxPathLength is the longest path Render accepts; the web layer answers
// 414 past it.
const MaxPathLength = 1024

var (
	pageRE     = regexp.MustCompile(`^/page/([^/]+)/$`)
	tagRE      = regexp.MustCompile(`^/tag/([^/]+)/(?:page/([^/]+)/)?$`)
	yearRE     = regexp.MustCompile(`^/([0-9]{4})/$`)
	monthRE    = regexp.MustCompile(`^/([0-9]{4})/([0-9]{2})/$`)
	positiveRE = regexp.MustCompile(`^[1-9][0-9]{0,5}$`)
	tagFeedRE  = regexp.MustCompile(`^/tag/([^/]+)/(feed\.xml|atom\.xml|feed\.json)$`)
	sitemapRE  = regexp.MustCompile(`^/sitemap-([1-9][0-9]{0,5})\.xml$`)
)

// Render answers one public path: the public URL space of the site is this
// function. It returns a 404 page (not an error) for unknown paths, and an
// error only when the content could not be read.
func (r *Renderer) Render(ctx context.Context, path string) (*Page, error) {
	if len(path) > MaxPathLength || !strings.HasPrefix(path, "/") || strings.Contains(path, "//") || strings.Contains(path, "/../") || strings.HasSuffix(path, "/..") {
		return r.NotFound(ctx)
	}
	switch {
	case path == "/":
		return r.list(ctx, listSpec{base: "/", page: 1, pinned: true})
	case path == "/archive/":
		return r.archive(ctx)
	case path == "/feed.xml" || path == "/atom.xml" || path == "/feed.json":
		f, _ := feedByFile(path[1:])
		return r.feed(ctx, f, "")
	case path == "/sitemap.xml":
		return r.sitemap(ctx, 0)
	case path == "/robots.txt":
		return r.robots(), nil
	}
	if m := tagFeedRE.FindStringSubmatch(path); m != nil {
		f, _ := feedByFile(m[2])
		return r.feed(ctx, f, m[1])
	}
	if m := sitemapRE.FindStringSubmatch(path); m != nil {
		n, _ := strconv.Atoi(m[1])
		return r.sitemap(ctx, n)
	}
	if m := pageRE.FindStringSubmatch(path); m != nil {
		return r.paged(ctx, m[1], func(n int) (*Page, error) {
			return r.list(ctx, listSpec{base: "/", page: n, pinned: true})
		}, "/")
	}
	if m := tagRE.FindStringSubmatch(path); m != nil {
		base := "/tag/" + m[1] + "/"
		if m[2] == "" {
			return r.tag(ctx, m[1], 1)
		}
		return r.paged(ctx, m[2], func(n int) (*Page, error) { return r.tag(ctx, m[1], n) }, base)
	}
	if m := yearRE.FindStringSubmatch(path); m != nil {
		y, _ := strconv.Atoi(m[1])
		return r.period(ctx, y, 0)
	}
	if m := monthRE.FindStringSubmatch(path); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo >= 1 && mo <= 12 {
			return r.period(ctx, y, time.Month(mo))
		}
	}
	if strings.HasSuffix(path, "/") {
		p, err := r.src.PostByPath(ctx, path, r.clock.Now())
		switch {
		case err == nil:
			return r.post(ctx, p)
		case !blog.IsNotFound(err):
			return nil, err
		}
	}
	to, err := r.src.Redirect(ctx, path)
	switch {
	case err == nil:
		return Redirect(to), nil
	case !blog.IsNotFound(err):
		return nil, err
	}
	// "/about" → "/about/" when that exists, as WordPress and Hugo do.
	if !strings.HasSuffix(path, "/") && !strings.Contains(path[strings.LastIndexByte(path, '/'):], ".") {
		if p, err := r.Render(ctx, path+"/"); err == nil && p.Status == http.StatusOK {
			return Redirect(path + "/"), nil
		}
	}
	return r.NotFound(ctx)
}

// Redirect is a permanent redirect page.
func Redirect(to string) *Page {
	return &Page{Status: http.StatusMovedPermanently, Location: to, ContentType: "text/html; charset=utf-8",
		Body: []byte(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Moved</title><meta http-equiv="refresh" content="0; url=` + htmlEscape(to) + `"><link rel="canonical" href="` + htmlEscape(to) + `"></head><body><p>Moved to <a href="` + htmlEscape(to) + `">` + htmlEscape(to) + `</a>.</p></body></html>` + "\n")}
}

func htmlEscape(s string) string {
	var b bytes.Buffer
	for _, c := range s {
		switch c {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// paged parses the page number N of ".../page/N/": page 1 redirects to
// base, anything but a positive integer is not found.
func (r *Renderer) paged(ctx context.Context, n string, render func(int) (*Page, error), base string) (*Page, error) {
	if !positiveRE.MatchString(n) {
		return r.NotFound(ctx)
	}
	num, _ := strconv.Atoi(n)
	if num == 1 {
		return Redirect(base), nil
	}
	return render(num)
}

// site returns the settings and their view.
func (r *Renderer) site(ctx context.Context) (blog.Settings, SiteView, error) {
	st, err := r.src.Settings(ctx)
	if err != nil {
		return st, SiteView{}, err
	}
	return st, SiteView{Title: st.Title, Description: st.Description, Language: st.Language, BaseURL: r.base, Menu: st.Menu}, nil
}

// execute runs a page template into a Page.
func (r *Renderer) execute(name string, status int, v *View, deps []string) (*Page, error) {
	tpl := r.theme.pages[name]
	if tpl == nil {
		return nil, fmt.Errorf("render: no template %q", name)
	}
	r.head(v)
	var buf bytes.Buffer
	buf.Grow(r.sizes.get(name, 16<<10))
	if err := tpl.ExecuteTemplate(&buf, "base.html", v); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	r.sizes.put(name, buf.Len())
	return &Page{Status: status, ContentType: "text/html; charset=utf-8", Body: buf.Bytes(), Deps: append(deps, blog.DepSettings)}, nil
}

func (r *Renderer) canonical(path string) string { return r.base + path }
