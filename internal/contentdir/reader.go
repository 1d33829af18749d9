package contentdir

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"octavo/internal/blog"
	"octavo/internal/search"
)

// view is what is visible in a stretch of time in which nothing is
// published or expires: built once, then reused while "now" stays in it.
type view struct {
	from, until time.Time // now ∈ [from, until); zero: open
	posts       []*post   // newest first
	pinned      []*post   // pinned first, then newest first
	index       map[string]int
	tags        map[string]*tagView
	tagList     []blog.Tag // by name
	pages       []*post    // by title
	redirects   map[string]string

	hashOnce sync.Once
	hashes   map[string]string // depHashes, made once
}

type tagView struct {
	tag   blog.Tag
	posts []*post
}

// visible reports whether p is published at now.
func (p *post) visibleAt(now time.Time) bool {
	return !p.draft && !p.visibleFrom.After(now) && (p.expiry.IsZero() || now.Before(p.expiry))
}

// viewAt returns the view of what is visible at now.
func (sn *snapshot) viewAt(now time.Time) *view {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if v := sn.view; v != nil && !now.Before(v.from) && (v.until.IsZero() || now.Before(v.until)) {
		return v
	}
	v := &view{index: map[string]int{}, tags: map[string]*tagView{}, redirects: map[string]string{}}
	i := sort.Search(len(sn.events), func(i int) bool { return sn.events[i].After(now) })
	if i > 0 {
		v.from = sn.events[i-1]
	}
	if i < len(sn.events) {
		v.until = sn.events[i]
	}
	for _, p := range sn.posts {
		if !p.visibleAt(now) {
			continue
		}
		v.index[p.ID] = len(v.posts)
		v.posts = append(v.posts, p)
		for _, t := range p.Tags {
			tv := v.tags[t.Slug]
			if tv == nil {
				tv = &tagView{tag: blog.Tag{ID: t.ID, Slug: t.Slug, Name: t.Name}}
				v.tags[t.Slug] = tv
			}
			tv.posts = append(tv.posts, p)
			tv.tag.Count++
			if m := modifiedAt(p.PublishedAt, p.UpdatedAt); m.After(tv.tag.Updated) {
				tv.tag.Updated = m
			}
		}
	}
	v.pinned = make([]*post, 0, len(v.posts))
	for _, p := range v.posts {
		if p.Pinned {
			v.pinned = append(v.pinned, p)
		}
	}
	for _, p := range v.posts {
		if !p.Pinned {
			v.pinned = append(v.pinned, p)
		}
	}
	for _, tv := range v.tags {
		v.tagList = append(v.tagList, tv.tag)
	}
	sort.Slice(v.tagList, func(i, j int) bool {
		if v.tagList[i].Name != v.tagList[j].Name {
			return v.tagList[i].Name < v.tagList[j].Name
		}
		return v.tagList[i].ID < v.tagList[j].ID
	})
	for _, p := range sn.pages {
		if p.visibleAt(now) {
			v.pages = append(v.pages, p)
		}
	}
	sort.Slice(v.pages, func(i, j int) bool {
		if v.pages[i].Title != v.pages[j].Title {
			return v.pages[i].Title < v.pages[j].Title
		}
		return v.pages[i].ID < v.pages[j].ID
	})
	for from, to := range sn.redirects {
		v.redirects[from] = to
	}
	for from, p := range sn.aliases {
		if p.visibleAt(now) {
			v.redirects[from] = p.Path
		}
	}
	// Hugo's taxonomy addresses lead to the tag pages and feeds.
	for slug := range v.tags {
		for _, tax := range []string{"tags", "categories"} {
			v.redirects["/"+tax+"/"+slug+"/"] = "/tag/" + slug + "/"
			v.redirects["/"+tax+"/"+slug+"/index.xml"] = "/tag/" + slug + "/feed.xml"
		}
	}
	if len(v.tags) > 0 {
		v.redirects["/tags/"] = "/archive/"
		v.redirects["/categories/"] = "/archive/"
	}
	for from := range v.redirects {
		if _, ok := sn.byPath[from]; ok { // a page there wins
			delete(v.redirects, from)
		}
	}
	sn.view = v
	return v
}

func modifiedAt(published, updated time.Time) time.Time {
	if updated.Before(published) {
		return published
	}
	return updated
}

// full returns the blog.Post of p with its rendered HTML, refs resolved
// and bundle files addressed from the root (so excerpts on list pages
// find them).
func (sn *snapshot) full(p *post, lru *postLRU) (*blog.Post, error) {
	return sn.read(p, lru, true)
}

// excerpt returns the blog.Post of p with its rendered excerpt only (the
// whole post when the LRU holds it): what a list page shows.
func (sn *snapshot) excerpt(p *post, lru *postLRU) (*blog.Post, error) {
	return sn.read(p, lru, false)
}

func (sn *snapshot) read(p *post, lru *postLRU, whole bool) (*blog.Post, error) {
	if bp := lru.get(p); bp != nil {
		return bp, nil
	}
	out := p.Post
	out.Tags = append([]blog.Tag(nil), p.Tags...)
	if p.n > 0 {
		var err error
		r := &out.Rendered
		if whole {
			r.HTML, r.ExcerptHTML, r.TOCHTML, err = sn.store.get(p.off, p.n)
		} else {
			r.ExcerptHTML, err = sn.store.getExcerpt(p.off, p.en)
		}
		if err != nil {
			return nil, blog.Wrap(blog.EINTERNAL, err, "reading the rendered %s", p.rel)
		}
		r.HTML, r.ExcerptHTML = p.fix(r.HTML), p.fix(r.ExcerptHTML)
	}
	if whole {
		lru.put(p, &out)
	}
	return &out, nil
}

// fix resolves the ref shortcodes of rendered HTML and addresses the
// bundle's files from the root.
func (p *post) fix(s string) string {
	for i, to := range p.refs {
		s = strings.ReplaceAll(s, fmt.Sprintf("%s%d:", refPrefix, i), to)
	}
	for _, res := range p.resources {
		for _, attr := range []string{`src="`, `href="`} {
			s = strings.ReplaceAll(s, attr+res+`"`, attr+p.Path+res+`"`)
			s = strings.ReplaceAll(s, attr+"./"+res+`"`, attr+p.Path+res+`"`)
		}
	}
	return s
}

// postLRU keeps the last posts read with their HTML: a feed and the two
// other formats of it, or neighbouring list pages, read the same ones.
//
// postLRUSize is how many it keeps. Each holds the whole rendered post
// (about 27 KB in the benchmark corpus); 256 of them serve the feeds and
// list pages read together, and a build of 10,000 posts spent no more CPU
// than with 1,024, at 30–40 MB less peak memory (docs/benchmarks.md).
const postLRUSize = 256

type postLRU struct {
	mu   sync.Mutex
	max  int
	ll   *list.List
	byID map[*post]*list.Element
}

type lruItem struct {
	key *post
	val *blog.Post
}

func newPostLRU(n int) *postLRU {
	return &postLRU{max: n, ll: list.New(), byID: map[*post]*list.Element{}}
}

// get returns a copy of a kept post (callers may change what they get).
func (l *postLRU) get(p *post) *blog.Post {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.byID[p]; ok {
		l.ll.MoveToFront(e)
		c := *e.Value.(*lruItem).val
		c.Tags = append([]blog.Tag(nil), c.Tags...)
		return &c
	}
	return nil
}

func (l *postLRU) put(p *post, bp *blog.Post) {
	c := *bp
	c.Tags = append([]blog.Tag(nil), bp.Tags...)
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.byID[p]; ok {
		return
	}
	l.byID[p] = l.ll.PushFront(&lruItem{p, &c})
	for l.ll.Len() > l.max {
		e := l.ll.Back()
		l.ll.Remove(e)
		delete(l.byID, e.Value.(*lruItem).key)
	}
}

func (l *postLRU) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ll.Init()
	l.byID = map[*post]*list.Element{}
}

func notFound(format string, args ...any) error {
	return blog.Errorf(blog.ENOTFOUND, format, args...)
}

// Settings returns the site settings.
func (s *Site) Settings(ctx context.Context) (blog.Settings, error) {
	return s.snap.Load().settings, nil
}

// ListPosts returns the visible posts q selects and their total.
func (s *Site) ListPosts(ctx context.Context, q blog.ListQuery) ([]*blog.Post, int, error) {
	sn := s.snap.Load()
	v := sn.viewAt(q.Now)
	src := v.posts
	if q.PinnedFirst {
		src = v.pinned
	}
	if q.TagSlug != "" {
		tv := v.tags[q.TagSlug]
		if tv == nil {
			return nil, 0, nil
		}
		src = tv.posts
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		var sel []*post
		for _, p := range src {
			if (q.From.IsZero() || !p.PublishedAt.Before(q.From)) && (q.To.IsZero() || p.PublishedAt.Before(q.To)) {
				sel = append(sel, p)
			}
		}
		src = sel
	}
	total := len(src)
	lo := min(max(q.Offset, 0), total)
	hi := total
	if q.Limit > 0 {
		hi = min(lo+q.Limit, total)
	}
	out := make([]*blog.Post, 0, hi-lo)
	read := sn.full
	if q.ExcerptOnly {
		read = sn.excerpt
	}
	for _, p := range src[lo:hi] {
		bp, err := read(p, s.lru)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, bp)
	}
	if q.SkipTotal {
		total = 0 // as the SQL stores, which do not count then
	}
	return out, total, nil
}

// PostByPath returns the visible post or page at path.
func (s *Site) PostByPath(ctx context.Context, path string, now time.Time) (*blog.Post, error) {
	sn := s.snap.Load()
	p := sn.byPath[path]
	if p == nil || !p.visibleAt(now) {
		return nil, notFound("Nothing is published at %s.", path)
	}
	return sn.full(p, s.lru)
}

// Neighbours returns the visible posts just older and just newer than p.
func (s *Site) Neighbours(ctx context.Context, p *blog.Post, now time.Time) (older, newer *blog.PostRef, err error) {
	if p.Kind != blog.KindPost {
		return nil, nil, nil
	}
	v := s.snap.Load().viewAt(now)
	i, ok := v.index[p.ID]
	if !ok {
		// Not visible: find its place by date, as the SQL query does.
		i = sort.Search(len(v.posts), func(j int) bool { return before(v.posts[j], p) })
		if i < len(v.posts) {
			older = ref(v.posts[i])
		}
		if i > 0 {
			newer = ref(v.posts[i-1])
		}
		return older, newer, nil
	}
	if i+1 < len(v.posts) {
		older = ref(v.posts[i+1])
	}
	if i > 0 {
		newer = ref(v.posts[i-1])
	}
	return older, newer, nil
}

// before reports whether q comes after p in newest-first order (is older).
func before(q *post, p *blog.Post) bool {
	if !q.PublishedAt.Equal(p.PublishedAt) {
		return q.PublishedAt.Before(p.PublishedAt)
	}
	return q.ID < p.ID
}

func ref(p *post) *blog.PostRef {
	r := refOf(p)
	return &r
}

func refOf(p *post) blog.PostRef {
	return blog.PostRef{ID: p.ID, Kind: p.Kind, Title: p.Title, Path: p.Path, PublishedAt: p.PublishedAt, UpdatedAt: p.UpdatedAt}
}

// TagBySlug returns a tag with at least one visible post.
func (s *Site) TagBySlug(ctx context.Context, slug string, now time.Time) (blog.Tag, error) {
	tv := s.snap.Load().viewAt(now).tags[slug]
	if tv == nil {
		return blog.Tag{}, notFound("No posts are tagged %q.", slug)
	}
	// As the SQL stores: the tag, without its count or time (Tags has them).
	return blog.Tag{ID: tv.tag.ID, Slug: tv.tag.Slug, Name: tv.tag.Name}, nil
}

// Tags returns every tag with visible posts, by name.
func (s *Site) Tags(ctx context.Context, now time.Time) ([]blog.Tag, error) {
	return append([]blog.Tag(nil), s.snap.Load().viewAt(now).tagList...), nil
}

// Archive returns the visible posts published in [from, to), newest first.
func (s *Site) Archive(ctx context.Context, now, from, to time.Time) ([]blog.PostRef, error) {
	v := s.snap.Load().viewAt(now)
	// Posts are newest first: those before to start at lo, those at or
	// after from end at hi.
	lo, hi := 0, len(v.posts)
	if !to.IsZero() {
		lo = sort.Search(len(v.posts), func(i int) bool { return v.posts[i].PublishedAt.Before(to) })
	}
	if !from.IsZero() {
		hi = sort.Search(len(v.posts), func(i int) bool { return v.posts[i].PublishedAt.Before(from) })
	}
	var out []blog.PostRef
	if lo < hi {
		out = make([]blog.PostRef, 0, hi-lo)
		for _, p := range v.posts[lo:hi] {
			out = append(out, refOf(p))
		}
	}
	return out, nil
}

// Pages returns the visible pages, by title.
func (s *Site) Pages(ctx context.Context, now time.Time) ([]blog.PostRef, error) {
	v := s.snap.Load().viewAt(now)
	out := make([]blog.PostRef, 0, len(v.pages))
	for _, p := range v.pages {
		out = append(out, refOf(p))
	}
	return out, nil
}

// Redirect returns where an old path leads: an alias of a visible post, a
// section's address (to the front page), a Hugo taxonomy address (to the
// tag page). "/old" finds the redirect of "/old/".
func (s *Site) Redirect(ctx context.Context, path string) (string, error) {
	v := s.snap.Load().viewAt(s.clock.Now())
	if to, ok := v.redirects[path]; ok {
		return to, nil
	}
	if !strings.HasSuffix(path, "/") {
		if to, ok := v.redirects[path+"/"]; ok {
			return to, nil
		}
	}
	return "", notFound("No redirect from %s.", path)
}

// NextChange returns the first time after now when a post appears or
// expires (zero when none will): what is published changes then without a
// file changing.
func (s *Site) NextChange(now time.Time) time.Time {
	sn := s.snap.Load()
	i := sort.Search(len(sn.events), func(i int) bool { return sn.events[i].After(now) })
	if i < len(sn.events) {
		return sn.events[i]
	}
	return time.Time{}
}

// Redirects lists every redirect at now: old path → new path.
func (s *Site) Redirects(ctx context.Context, now time.Time) (map[string]string, error) {
	v := s.snap.Load().viewAt(now)
	out := make(map[string]string, len(v.redirects))
	for k, to := range v.redirects {
		out[k] = to
	}
	return out, nil
}

// Search returns the visible posts and pages that match q, best first,
// as the SQL stores do (search.Filter ranks them alike). The index is made
// on the first search of a snapshot, from every file's rendered text.
func (s *Site) Search(ctx context.Context, q blog.SearchQuery) ([]*blog.Post, int, error) {
	sn := s.snap.Load()
	sn.searchOnce.Do(func() {
		all := append(append([]*post(nil), sn.posts...), sn.pages...)
		sn.entryOf = make(map[string]*post, len(all))
		for _, p := range all {
			full, err := sn.full(p, s.lru)
			if err != nil {
				sn.searchErr = err
				return
			}
			e := search.NewEntry(full)
			light := *full
			light.Rendered = blog.Rendered{HasMore: full.Rendered.HasMore, WordCount: full.Rendered.WordCount, Version: full.Rendered.Version}
			e.Post = &light
			sn.entries = append(sn.entries, e)
			sn.entryOf[p.ID] = p
		}
	})
	if sn.searchErr != nil {
		return nil, 0, sn.searchErr
	}
	// What the files say of visibility (publishDate, expiryDate) is
	// decided here; search.Filter then applies the stores' rules.
	entries := make([]search.Entry, 0, len(sn.entries))
	for _, e := range sn.entries {
		if p := sn.entryOf[e.Post.ID]; q.IncludeDrafts || p.visibleAt(q.Now) {
			entries = append(entries, e)
		}
	}
	found, total, err := search.Filter(entries, q)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*blog.Post, 0, len(found))
	for _, f := range found {
		full, err := sn.full(sn.entryOf[f.ID], s.lru)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, full)
	}
	return out, total, nil
}

// DepHashes returns, for every dependency key a page of the site can have
// at now (see blog.DepPost…), a hash that changes when what the key stands
// for does: a static build re-renders only the pages whose keys changed.
func (s *Site) DepHashes(ctx context.Context, now time.Time) (map[string]string, error) {
	return maps.Clone(s.snap.Load().depHashes(now)), nil
}

func (sn *snapshot) depHashes(now time.Time) map[string]string {
	v := sn.viewAt(now)
	v.hashOnce.Do(func() { v.hashes = sn.makeHashes(v) })
	return v.hashes
}

// makeHashes sums every key of a view.
func (sn *snapshot) makeHashes(v *view) map[string]string {
	out := make(map[string]string, 2*len(v.posts)+2*len(v.pages)+len(v.tags)+2)
	sum := func(parts ...string) string {
		h := sha256.New()
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
		return hex.EncodeToString(h.Sum(nil)[:16])
	}
	var list strings.Builder
	list.Grow(64 * len(v.posts))
	for i, p := range v.posts {
		out[blog.DepPost(p.ID)] = p.hash
		var nav string
		if i > 0 {
			nav = v.posts[i-1].ID
		}
		if i+1 < len(v.posts) {
			nav += "|" + v.posts[i+1].ID
		}
		out[blog.DepNav(p.ID)] = nav
		list.WriteString(p.ID)
		if p.Pinned {
			list.WriteString(" pinned")
		}
		list.WriteString(" " + strconv.FormatInt(p.PublishedAt.UnixNano(), 10) + "|")
	}
	for _, p := range v.pages {
		out[blog.DepPost(p.ID)] = p.hash
		out[blog.DepNav(p.ID)] = "page"
		list.WriteString("page " + p.ID + "|")
	}
	out[blog.DepList] = sum(list.String())
	for slug, tv := range v.tags {
		var b strings.Builder
		b.WriteString(tv.tag.Name)
		for _, p := range tv.posts {
			b.WriteString("|" + p.ID)
		}
		out[blog.DepTag(slug)] = sum(b.String())
	}
	out[blog.DepSettings] = sum(fmt.Sprintf("%#v", sn.settings))
	return out
}

// sameSnapshot reports whether two snapshots show the same site.
func sameSnapshot(a, b *snapshot) bool {
	if fmt.Sprintf("%#v", a.settings) != fmt.Sprintf("%#v", b.settings) || len(a.byPath) != len(b.byPath) ||
		len(a.resources) != len(b.resources) || len(a.aliases) != len(b.aliases) || len(a.problems) != len(b.problems) {
		return false
	}
	for k, p := range b.byPath {
		q := a.byPath[k]
		if q == nil || q.hash != p.hash || q.visibleFrom != p.visibleFrom || q.expiry != p.expiry || q.draft != p.draft {
			return false
		}
	}
	for k, f := range b.resources {
		if a.resources[k] != f {
			return false
		}
	}
	for k, p := range b.aliases {
		if q := a.aliases[k]; q == nil || q.ID != p.ID {
			return false
		}
	}
	for i := range a.problems {
		if a.problems[i] != b.problems[i] {
			return false
		}
	}
	return true
}

// changedKeys lists the dependency keys whose meaning changed from one
// snapshot to the next at now (blog.DepNav among them: the posts whose
// neighbours changed).
func changedKeys(a, b *snapshot, at, bt time.Time) []string {
	ha, hb := a.depHashes(at), b.depHashes(bt)
	var keys []string
	for k, h := range hb {
		if ha[k] != h {
			keys = append(keys, k)
		}
	}
	for k := range ha {
		if _, ok := hb[k]; !ok {
			keys = append(keys, k)
		}
	}
	// Redirects are cached with the lists: new or changed aliases drop them.
	if len(a.aliases) != len(b.aliases) || len(a.redirects) != len(b.redirects) {
		keys = append(keys, blog.DepList)
	} else {
		for k, p := range b.aliases {
			if q := a.aliases[k]; q == nil || q.Path != p.Path {
				keys = append(keys, blog.DepList)
				break
			}
		}
	}
	sort.Strings(keys)
	return slices.Compact(keys)
}

// ChangedBetween returns the dependency keys whose meaning changes between
// two times with the same files: posts appearing (publishDate come) or
// expiring. A server drops those pages when the time comes.
func (s *Site) ChangedBetween(from, to time.Time) []string {
	sn := s.snap.Load()
	return changedKeys(sn, sn, from, to)
}
