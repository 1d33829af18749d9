package render

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"octavo/internal/blog"
)

// Paths lists every public page URL of the blog at the renderer's time, each
// one answered with 200 by Render: the front page and its numbered pages,
// every visible post and page, every tag page with its numbered pages and
// its three feeds, the archive with every year and month, the site feeds,
// the sitemap (its parts too, past the limit) and robots.txt. Redirects, the
// 404 page and theme assets are not listed. The order is stable: the same
// content lists the same paths in the same order.
//
// A static build writes one file per path; it is the URL space of Render
// seen from the other side, so the two must change together.
func (r *Renderer) Paths(ctx context.Context) ([]string, error) {
	st, err := r.src.Settings(ctx)
	if err != nil {
		return nil, err
	}
	now := r.clock.Now()
	per := st.PostsPerPage
	if per < 1 {
		per = blog.DefaultSettings().PostsPerPage
	}
	pagesOf := func(n int) int { return max(1, (n+per-1)/per) }

	posts, err := r.src.Archive(ctx, now, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	pages, err := r.src.Pages(ctx, now)
	if err != nil {
		return nil, err
	}
	tags, err := r.src.Tags(ctx, now)
	if err != nil {
		return nil, err
	}

	out := make([]string, 0, 16+len(posts)*5/4+len(pages)+len(tags)*6)
	out = append(out, "/")
	for n := 2; n <= pagesOf(len(posts)); n++ {
		out = append(out, "/page/"+strconv.Itoa(n)+"/")
	}
	for _, p := range posts {
		out = append(out, p.Path)
	}
	for _, p := range pages {
		out = append(out, p.Path)
	}
	for _, t := range tags {
		base := "/tag/" + t.Slug + "/"
		out = append(out, base)
		for n := 2; n <= pagesOf(t.Count); n++ {
			out = append(out, base+"page/"+strconv.Itoa(n)+"/")
		}
		for _, f := range feedFormats {
			out = append(out, base+f.file)
		}
	}
	out = append(out, "/archive/")
	loc := st.Location()
	// Years and months by number: a watched build lists the paths on
	// every save, and formatting two strings per post was most of it.
	seen := map[int]bool{}
	var years, months []string
	for _, p := range posts {
		t := p.PublishedAt.In(loc)
		y, m := t.Year(), t.Year()*100+int(t.Month())
		if !seen[-y] {
			seen[-y] = true
			years = append(years, fmt.Sprintf("/%04d/", y))
		}
		if !seen[m] {
			seen[m] = true
			months = append(months, fmt.Sprintf("/%04d/%02d/", t.Year(), int(t.Month())))
		}
	}
	out = append(out, years...)
	out = append(out, months...)
	for _, f := range feedFormats {
		out = append(out, "/"+f.file)
	}
	out = append(out, "/sitemap.xml")
	// The sitemap's URLs, as sitemapURLs lists them: the front page, the
	// archive, every post, page and tag, every year and month.
	urls := 2 + len(posts) + len(pages) + len(tags) + len(years) + len(months)
	if limit := r.sitemapMax(); urls > limit {
		for n := 1; n <= (urls+limit-1)/limit; n++ {
			out = append(out, "/sitemap-"+strconv.Itoa(n)+".xml")
		}
	}
	out = append(out, "/robots.txt")
	return out, nil
}
