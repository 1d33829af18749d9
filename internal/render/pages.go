package render

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"octavo/internal/blog"
	"octavo/internal/markdown"
)

type listSpec struct {
	base    string // "/" or "/tag/go/"
	page    int
	pinned  bool
	tagSlug string
	tag     *blog.Tag // the tag of a tag page, for its feed links
	heading string
	title   string
}

// list renders a page of excerpts: the front page or a tag page.
func (r *Renderer) list(ctx context.Context, s listSpec) (*Page, error) {
	st, site, err := r.site(ctx)
	if err != nil {
		return nil, err
	}
	// One post more than a page tells whether an older page exists, so no
	// list counts all its posts: a page costs the same with 10 or 100,000.
	per := st.PostsPerPage
	posts, _, err := r.src.ListPosts(ctx, blog.ListQuery{
		Now: r.clock.Now(), TagSlug: s.tagSlug, PinnedFirst: s.pinned,
		Offset: (s.page - 1) * per, Limit: per + 1, SkipTotal: true,
		ExcerptOnly: r.theme.excerptsOnly["home"],
	})
	if err != nil {
		return nil, err
	}
	if len(posts) == 0 && s.page > 1 {
		return r.NotFound(ctx)
	}
	older := len(posts) > per
	posts = posts[:min(len(posts), per)]
	loc := st.Location()
	deps := []string{blog.DepList}
	if s.tagSlug != "" {
		deps = []string{blog.DepTag(s.tagSlug)}
	}
	v := &View{Site: site, Heading: s.heading, Title: s.title, Description: st.Description,
		Pager: pager(s.base, s.page, older), Tag: s.tag}
	path := s.base
	if s.page > 1 {
		path = fmt.Sprintf("%spage/%d/", s.base, s.page)
		if v.Title == "" {
			v.Title = fmt.Sprintf("Page %d", s.page)
		} else {
			v.Title += fmt.Sprintf(" (page %d)", s.page)
		}
	}
	v.Canonical = r.canonical(path)
	for _, p := range posts {
		v.Posts = append(v.Posts, postView(p, st, loc))
		deps = append(deps, blog.DepPost(p.ID))
	}
	return r.execute("home", http.StatusOK, v, deps)
}

func pager(base string, page int, older bool) *Pager {
	p := &Pager{Page: page}
	if page > 1 {
		p.Newer = base
		if page > 2 {
			p.Newer = fmt.Sprintf("%spage/%d/", base, page-1)
		}
	}
	if older {
		p.Older = fmt.Sprintf("%spage/%d/", base, page+1)
	}
	return p
}

func (r *Renderer) tag(ctx context.Context, slug string, page int) (*Page, error) {
	t, err := r.src.TagBySlug(ctx, slug, r.clock.Now())
	if blog.IsNotFound(err) {
		rest := ""
		if page > 1 {
			rest = "page/" + strconv.Itoa(page) + "/"
		}
		return r.movedTag(ctx, slug, rest)
	}
	if err != nil {
		return nil, err
	}
	return r.list(ctx, listSpec{base: "/tag/" + slug + "/", page: page, tagSlug: slug, tag: &t,
		heading: "Posts tagged “" + t.Name + "”", title: "Tag: " + t.Name})
}

// movedTag answers a path under a tag that has no visible post: when the
// tag's address redirects (it was renamed or merged), rest (a later page,
// a feed) under the new tag address, else 404.
func (r *Renderer) movedTag(ctx context.Context, slug, rest string) (*Page, error) {
	to, err := r.src.Redirect(ctx, "/tag/"+slug+"/")
	switch {
	case blog.IsNotFound(err):
		return r.NotFound(ctx)
	case err != nil:
		return nil, err
	case rest == "":
		return Redirect(to), nil
	case strings.HasPrefix(to, "/tag/") && strings.HasSuffix(to, "/"):
		return Redirect(to + rest), nil
	}
	return r.NotFound(ctx)
}

// months groups post references by month in loc, newest first.
func months(refs []blog.PostRef, loc *time.Location) []MonthView {
	var out []MonthView
	for _, ref := range refs {
		t := ref.PublishedAt.In(loc)
		label := t.Format("January 2006")
		if len(out) == 0 || out[len(out)-1].Label != label {
			out = append(out, MonthView{Label: label, Path: t.Format("/2006/01/")})
		}
		m := &out[len(out)-1]
		m.Posts = append(m.Posts, refView(ref, loc))
	}
	return out
}

func (r *Renderer) archive(ctx context.Context) (*Page, error) {
	st, site, err := r.site(ctx)
	if err != nil {
		return nil, err
	}
	now := r.clock.Now()
	refs, err := r.src.Archive(ctx, now, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	tags, err := r.src.Tags(ctx, now)
	if err != nil {
		return nil, err
	}
	v := &View{Site: site, Title: "Archive", Heading: "Archive", Canonical: r.canonical("/archive/"),
		Description: "Every post of " + st.Title + ", by month.", Months: months(refs, st.Location()), Tags: tags}
	return r.execute("archive", http.StatusOK, v, refDeps(refs))
}

func refDeps(refs []blog.PostRef) []string {
	deps := make([]string, 0, len(refs)+1)
	deps = append(deps, blog.DepList)
	for _, ref := range refs {
		deps = append(deps, blog.DepPost(ref.ID))
	}
	return deps
}

// period renders /YYYY/ (month = 0) or /YYYY/MM/.
func (r *Renderer) period(ctx context.Context, year int, month time.Month) (*Page, error) {
	st, site, err := r.site(ctx)
	if err != nil {
		return nil, err
	}
	loc := st.Location()
	from := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
	to := from.AddDate(1, 0, 0)
	heading := fmt.Sprintf("Posts of %d", year)
	path := fmt.Sprintf("/%04d/", year)
	if month != 0 {
		from = time.Date(year, month, 1, 0, 0, 0, 0, loc)
		to = from.AddDate(0, 1, 0)
		heading = "Posts of " + from.Format("January 2006")
		path = fmt.Sprintf("/%04d/%02d/", year, month)
	}
	refs, err := r.src.Archive(ctx, r.clock.Now(), from, to)
	if err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		return r.NotFound(ctx)
	}
	ms := months(refs, loc)
	if month != 0 {
		ms[0].Label = "" // the h1 already names the month
	}
	v := &View{Site: site, Title: strings.TrimPrefix(heading, "Posts of "), Heading: heading,
		Canonical: r.canonical(path), Description: heading + " on " + st.Title + ".", Months: ms}
	return r.execute("archive", http.StatusOK, v, refDeps(refs))
}

// Preview renders the page of p as visitors will see it once it is
// published, whatever its status now: the author's preview of a draft or
// a scheduled post. Its page is never cached.
func (r *Renderer) Preview(ctx context.Context, p *blog.Post) (*Page, error) {
	return r.post(ctx, p)
}

func (r *Renderer) post(ctx context.Context, p *blog.Post) (*Page, error) {
	st, site, err := r.site(ctx)
	if err != nil {
		return nil, err
	}
	loc := st.Location()
	pv := postView(p, st, loc)
	v := &View{Site: site, Title: p.Title, Canonical: r.canonical(p.Path), Post: &pv, Description: p.Description}
	if v.Description == "" {
		v.Description = summaryText(p.Rendered.ExcerptHTML)
	}
	deps := []string{blog.DepPost(p.ID), blog.DepNav(p.ID)}
	if p.Kind == blog.KindPost {
		older, newer, err := r.src.Neighbours(ctx, p, r.clock.Now())
		if err != nil {
			return nil, err
		}
		if older != nil {
			o := refView(*older, loc)
			v.Older = &o
			deps = append(deps, blog.DepPost(older.ID))
		}
		if newer != nil {
			n := refView(*newer, loc)
			v.Newer = &n
			deps = append(deps, blog.DepPost(newer.ID))
		}
	}
	return r.execute("post", http.StatusOK, v, deps)
}

// NotFound renders the 404 page: a way home and the recent posts. It is
// the same for every unknown path, so the cache keeps one copy.
func (r *Renderer) NotFound(ctx context.Context) (*Page, error) {
	st, site, err := r.site(ctx)
	if err != nil {
		return nil, err
	}
	posts, _, err := r.src.ListPosts(ctx, blog.ListQuery{Now: r.clock.Now(), Limit: 5, SkipTotal: true})
	if err != nil {
		return nil, err
	}
	v := &View{Site: site, Title: "Page not found"}
	deps := []string{blog.DepList}
	for _, p := range posts {
		v.Recent = append(v.Recent, RefView{Title: p.Title, Path: p.Path, PublishedAt: p.PublishedAt.In(st.Location())})
		deps = append(deps, blog.DepPost(p.ID))
	}
	return r.execute("404", http.StatusNotFound, v, deps)
}

// summaryText is the plain text of an excerpt, cut near 160 characters, for
// meta descriptions.
func summaryText(excerptHTML string) string {
	words := strings.Fields(markdown.PlainText(excerptHTML))
	var b strings.Builder
	for _, w := range words {
		if b.Len()+len(w) > 155 {
			b.WriteString("…")
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}
