package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"octavo/internal/auth"
	"octavo/internal/blog"
	"octavo/internal/search"
)

// postsPage is the data of the post and page lists.
type postsPage struct {
	Kind     blog.Kind
	Base     string // /admin/posts or /admin/pages
	Status   blog.Status
	Tag      string
	Author   int64
	Title    string
	Query    string // a full-text search, when set
	Problem  string // why a full-text search could not run
	Tabs     []statusTab
	Authors  []*blog.User // the author filter's choices (editors only)
	Posts    []*blog.Post
	Total    int
	Page     int
	Newer    string // link to the previous page, if any
	Older    string // link to the next page, if any
	Loc      *time.Location
	Labels   map[blog.Status]string
	CanWrite bool
}

// statusTab is one status filter with its count.
type statusTab struct {
	Status  blog.Status // "" for every status but trashed
	Label   string
	Count   int
	URL     string
	Current bool
}

// ListPosts lists posts (/admin/posts) or pages (/admin/pages) of any
// status, the most recently changed first: filtered by status, tag,
// author and a part of the title, or found by full-text search (q), drafts
// included. Authors and contributors see only their own posts.
func (a *Admin) ListPosts(w http.ResponseWriter, r *http.Request) {
	u := identity(r).User
	q := r.URL.Query()
	kind := kindOf(r)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	d := postsPage{Kind: kind, Base: listURL(kind), Status: blog.Status(q.Get("status")), Tag: q.Get("tag"), Title: q.Get("title"),
		Query: q.Get("q"), Page: page, Loc: a.location(r), Labels: statusLabels, CanWrite: auth.Can(u.Role, auth.PermWriteDrafts)}
	if _, ok := statusLabels[d.Status]; !ok && d.Status != "" {
		err := blog.Errorf(blog.EINVALID, "status: %q is not one of draft, pending, scheduled, published, trashed", d.Status)
		a.fail(w, r, err, "message", view{Title: "Bad filter"})
		return
	}
	var mine int64
	if !seesAll(u) && kind == blog.KindPost {
		mine = u.ID
	} else {
		d.Author, _ = strconv.ParseInt(q.Get("author"), 10, 64)
		if users, err := a.store.ListUsers(r.Context()); err == nil {
			d.Authors = users
		}
	}
	counts, err := a.posts.StatusCounts(r.Context(), kind, mine)
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Posts"})
		return
	}
	all := 0
	for st, n := range counts {
		if st != blog.StatusTrashed {
			all += n
		}
	}
	d.Tabs = append(d.Tabs, statusTab{Label: "All", Count: all, URL: d.Base, Current: d.Status == ""})
	for _, st := range statusOrder {
		d.Tabs = append(d.Tabs, statusTab{Status: st, Label: statusLabels[st], Count: counts[st], URL: d.Base + "?status=" + string(st), Current: d.Status == st})
	}
	if d.Query != "" {
		err = a.fullText(r, &d, u, kind)
	} else {
		author := d.Author
		if mine != 0 {
			author = mine
		}
		d.Posts, d.Total, err = a.posts.AdminPosts(r.Context(), blog.AdminQuery{Kind: kind, Status: d.Status, TagSlug: blog.Slugify(d.Tag),
			AuthorID: author, Title: d.Title, Offset: (page - 1) * postsPerPage, Limit: postsPerPage})
	}
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Posts"})
		return
	}
	link := func(n int) string {
		v := url.Values{}
		for _, k := range []string{"status", "tag", "author", "title", "q"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return d.Base
		}
		return d.Base + "?" + v.Encode()
	}
	if page > 1 {
		d.Newer = link(page - 1)
	}
	if page*postsPerPage < d.Total {
		d.Older = link(page + 1)
	}
	title := "Posts"
	if kind == blog.KindPage {
		title = "Pages"
	}
	a.render(w, r, http.StatusOK, "posts", view{Title: title, Nav: navOf(kind), Notice: notice(r), Data: d})
}

// fullText fills d with the posts of kind a full-text search finds,
// drafts included, keeping those u may edit: the store's Search (the
// public search's ranking), then paged here.
func (a *Admin) fullText(r *http.Request, d *postsPage, u *blog.User, kind blog.Kind) error {
	parsed := search.Parse(d.Query)
	if parsed.Problem != "" || len(parsed.Terms) == 0 {
		d.Problem = parsed.Problem
		return nil
	}
	found, _, err := a.posts.Search(r.Context(), blog.SearchQuery{Terms: parsed.Terms, Now: a.clock.Now(), IncludeDrafts: true, Limit: blog.SearchMaxResults})
	if err != nil {
		return err
	}
	var keep []*blog.Post
	for _, p := range found {
		if p.Kind == kind && auth.CanEditPost(u, p) {
			keep = append(keep, p)
		}
	}
	d.Total = len(keep)
	from := min((d.Page-1)*postsPerPage, len(keep))
	d.Posts = keep[from:min(from+postsPerPage, len(keep))]
	return nil
}
