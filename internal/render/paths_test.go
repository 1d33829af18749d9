package render_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestPathsComplete checks Paths from both sides: every listed path renders
// 200, and every page a crawl from "/" reaches (following links in pages,
// feeds and sitemaps) is listed.
func TestPathsComplete(t *testing.T) {
	f := newFixture(t, true, 3)
	f.renderer.SetSitemapLimit(5)
	ctx := context.Background()
	paths, err := f.renderer.Paths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, p := range paths {
		if listed[p] {
			t.Errorf("%s listed twice", p)
		}
		listed[p] = true
		if pg := f.get(t, p); pg.Status != http.StatusOK {
			t.Errorf("%s: status %d", p, pg.Status)
		}
	}
	for _, want := range []string{"/", "/page/2/", "/about/", "/archive/", "/feed.json", "/sitemap.xml", "/sitemap-1.xml", "/robots.txt", "/tag/go/", "/tag/go/atom.xml", "/2026/"} {
		if !listed[want] {
			t.Errorf("%s is not listed", want)
		}
	}

	link := regexp.MustCompile(`(?:href|src)="([^"]+)"|<loc>([^<]+)</loc>|"url": ?"([^"]+)"|<link>([^<]+)</link>`)
	seen := map[string]bool{"/": true}
	queue := []string{"/", "/sitemap.xml", "/feed.xml", "/atom.xml", "/feed.json"}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		pg := f.get(t, p)
		if pg.Status != http.StatusOK {
			continue
		}
		if !listed[p] {
			t.Errorf("%s renders but is not listed by Paths", p)
		}
		for _, m := range link.FindAllStringSubmatch(string(pg.Body), -1) {
			u := strings.Join(m[1:], "")
			u = strings.ReplaceAll(u, "&amp;", "&")
			pu, err := url.Parse(u)
			if err != nil || (pu.Host != "" && pu.Host != "blog.example.org") || pu.Scheme == "mailto" {
				continue
			}
			target := pu.Path
			if target == "" || !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "/assets/") || seen[target] {
				continue
			}
			seen[target] = true
			queue = append(queue, target)
		}
	}
	for _, p := range paths {
		if !seen[p] && !slices.Contains([]string{"/robots.txt"}, p) && !strings.HasPrefix(p, "/sitemap") {
			t.Errorf("%s is listed but no page links to it", p)
		}
	}
}

// TestPathsStable checks that the same content lists the same paths.
func TestPathsStable(t *testing.T) {
	f := newFixture(t, true, 4)
	a, err := f.renderer.Paths(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.renderer.Paths(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, b) {
		t.Errorf("Paths changed between two calls:\n%v\n%v", a, b)
	}
}

// TestPathsSitemapParts: Paths lists as many sitemap parts as the
// sitemap's index names, whatever the limit (Paths counts the URLs
// without listing them).
func TestPathsSitemapParts(t *testing.T) {
	f := newFixture(t, true, 3)
	ctx := context.Background()
	part := regexp.MustCompile(`/sitemap-[0-9]+\.xml`)
	for limit := 1; limit <= 40; limit++ {
		f.renderer.SetSitemapLimit(limit)
		paths, err := f.renderer.Paths(ctx)
		if err != nil {
			t.Fatal(err)
		}
		listed := 0
		for _, p := range paths {
			if part.MatchString(p) {
				listed++
			}
		}
		named := len(part.FindAllString(string(f.get(t, "/sitemap.xml").Body), -1))
		if listed != named {
			t.Errorf("limit %d: %d parts listed, the sitemap names %d", limit, listed, named)
		}
	}
}
