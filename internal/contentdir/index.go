package contentdir

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"octavo/internal/blog"
	"octavo/internal/search"
)

// post is a published file as the snapshot knows it: the blog.Post without
// its rendered HTML (read from the render store when a page needs it).
type post struct {
	blog.Post
	rel         string
	visibleFrom time.Time // the later of its date and publishDate
	expiry      time.Time // zero: never
	draft       bool
	off, n      int64    // the rendered form in the store (n 0: none)
	en          int64    // the size of its excerpt, first in it
	refs        []string // the path each ref shortcode points to
	resources   []string // the bundle's files, relative to the bundle
	hash        string   // changes when anything a page shows of it does
	summary     string   // the excerpt's text, cut (Summaries)
}

// snapshot is the whole site at one load: immutable once built, except for
// the cached view of what is visible at a time.
type snapshot struct {
	cfg siteConfig
	// cfgProblems are the configuration's own problems (in problems too).
	cfgProblems []Problem
	settings    blog.Settings
	posts       []*post // every post that may be visible, newest first
	pages       []*post
	byPath      map[string]*post
	byID        map[string]*post
	byRel       map[string]*post
	aliases     map[string]*post  // old path → post
	redirects   map[string]string // fixed redirects (section roots)
	tagNames    map[string]string // slug → name
	tagIDs      map[string]int64
	resources   map[string]string // URL path → file
	problems    []Problem
	events      []time.Time // when visibility changes
	store       *renderStore

	mu   sync.Mutex
	view *view

	searchOnce sync.Once
	searchErr  error
	entries    []search.Entry // every post and page, indexed for Search
	entryOf    map[string]*post
}

// nsOctavo is the namespace of the UUIDs made from file paths.
var nsOctavo = uuid.MustParse("6f637461-766f-4f00-8000-636f6e74656e")

// jekyllDateRE is the date a Jekyll file name starts with.
var jekyllDateRE = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})-(.+)$`)

// index builds a snapshot from the parsed files.
func (s *Site) index(cfg siteConfig, cfgProblems []Problem, content, static []entry) *snapshot {
	sn := &snapshot{cfg: cfg, settings: cfg.Settings, byPath: map[string]*post{}, byID: map[string]*post{},
		byRel:   map[string]*post{},
		aliases: map[string]*post{}, redirects: map[string]string{}, tagNames: map[string]string{},
		tagIDs: map[string]int64{}, resources: map[string]string{}, store: s.store}
	sn.problems = append(sn.problems, cfgProblems...)
	sn.cfgProblems = cfgProblems
	loc := cfg.Settings.Location()
	display := func(rel string) string { return s.displayPath(rel) }
	// What makePost depends on besides the file.
	cfgKey := configKey(cfg, s.opts)
	if s.made == nil {
		s.made = map[string]madePost{}
	}
	for rel := range s.made {
		if _, ok := s.files[rel]; !ok {
			delete(s.made, rel)
		}
	}

	// Bundles: folders with an index.md. A file belongs to the deepest
	// bundle above it.
	bundles := map[string]bool{}
	for _, e := range content {
		if b := path.Base(e.rel); b == "index.md" || b == "index.markdown" {
			bundles[path.Dir(e.rel)] = true
		}
	}
	bundleOf := func(rel string) string {
		for d := path.Dir(rel); d != "."; d = path.Dir(d) {
			if bundles[d] {
				return d
			}
		}
		return ""
	}
	rels := make([]string, 0, len(s.files))
	for rel := range s.files {
		rels = append(rels, rel)
	}
	sort.Strings(rels)

	type section struct{ aliases []string }
	sections := map[string]*section{}
	var all []*post
	bundlePost := map[string]*post{} // bundle folder → its post
	for _, rel := range rels {
		r := s.files[rel]
		for _, p := range r.Problems {
			p.File = display(p.File)
			sn.problems = append(sn.problems, p)
		}
		if r.Broken {
			continue
		}
		base := path.Base(rel)
		dir := path.Dir(rel)
		if base == "_index.md" || base == "_index.markdown" {
			if dir == "." {
				if sn.settings.Description == blog.DefaultSettings().Description && r.Meta.Description != "" {
					sn.settings.Description = r.Meta.Description
				}
			}
			sections[dir] = &section{aliases: r.Meta.Aliases}
			continue
		}
		b := bundleOf(rel)
		isBundle := base == "index.md" || base == "index.markdown"
		if b != "" && !(isBundle && b == dir) {
			continue // a Markdown resource of a bundle
		}
		if r.Meta.Headless {
			continue
		}
		p, problems := s.postOf(rel, r, isBundle, loc, cfg, cfgKey)
		for _, pr := range problems {
			pr.File = display(pr.File)
			sn.problems = append(sn.problems, pr)
		}
		if p == nil {
			continue
		}
		all = append(all, p)
		if isBundle {
			bundlePost[dir] = p
		}
	}

	// One path per post: a clash gets -2, -3… like the database's.
	for _, p := range all {
		if _, taken := sn.byPath[p.Path]; taken {
			base, slug := p.Path, p.Slug
			for i := 2; ; i++ {
				p.Slug = fmt.Sprintf("%s-%d", slug, i)
				p.Path = strings.TrimSuffix(base, slug+"/") + p.Slug + "/"
				if p.Path == base { // a custom url without the slug in it
					p.Path = strings.TrimSuffix(base, "/") + "-" + strconv.Itoa(i) + "/"
				}
				if _, taken := sn.byPath[p.Path]; !taken {
					break
				}
			}
			sn.problems = append(sn.problems, Problem{File: display(p.rel), Level: LevelWarning,
				Msg: fmt.Sprintf("another file is published at %s; this one is at %s", base, p.Path)})
		}
		sn.byPath[p.Path] = p
		if other, ok := sn.byID[p.ID]; ok {
			sn.problems = append(sn.problems, Problem{File: display(p.rel), Level: LevelError,
				Msg: fmt.Sprintf("the id %s is also the id of %s; the file is not published", p.ID, display(other.rel))})
			delete(sn.byPath, p.Path)
			continue
		}
		sn.byID[p.ID] = p
		sn.byRel[p.rel] = p
		if p.Kind == blog.KindPage {
			sn.pages = append(sn.pages, p)
		} else {
			sn.posts = append(sn.posts, p)
		}
	}

	// Tags: one name per slug, the first met (files in path order).
	var slugs []string
	for _, p := range sn.posts {
		for i := range p.Tags {
			t := &p.Tags[i]
			if name, ok := sn.tagNames[t.Slug]; ok {
				t.Name = name
			} else {
				sn.tagNames[t.Slug] = t.Name
				slugs = append(slugs, t.Slug)
			}
		}
	}
	sort.Strings(slugs)
	for i, slug := range slugs {
		sn.tagIDs[slug] = int64(i + 1)
	}
	for _, p := range append(append([]*post(nil), sn.posts...), sn.pages...) {
		for i := range p.Tags {
			p.Tags[i].ID = sn.tagIDs[p.Tags[i].Slug]
		}
	}
	sortPosts(sn.posts)

	// Resources: bundle files next to their page, loose files at their path.
	for _, e := range content {
		if isMarkdown(e.rel) {
			continue
		}
		file := filepath.Join(s.contentDir, filepath.FromSlash(e.rel))
		if b := bundleOf(e.rel); b != "" {
			p := bundlePost[b]
			if p == nil {
				continue // a headless or broken bundle
			}
			name := strings.TrimPrefix(e.rel, b+"/")
			p.resources = append(p.resources, name)
			sn.addResource(p.Path+name, file, display(e.rel))
			continue
		}
		if path.Base(e.rel) == "octavo.toml" && path.Dir(e.rel) == "." {
			continue
		}
		sn.addResource("/"+e.rel, file, display(e.rel))
	}
	for _, e := range static {
		sn.addResource("/"+e.rel, filepath.Join(s.siteDir, "static", filepath.FromSlash(e.rel)), "static/"+e.rel)
	}

	// Aliases and the redirects a Hugo site's visitors expect.
	for _, p := range all {
		if sn.byID[p.ID] != p {
			continue
		}
		for _, a := range s.postAliases(p) {
			if _, ok := sn.byPath[a]; ok || a == p.Path {
				continue
			}
			if other, ok := sn.aliases[a]; ok && other != p {
				sn.problems = append(sn.problems, Problem{File: display(p.rel), Level: LevelWarning,
					Msg: fmt.Sprintf("the alias %s is also an alias of %s, which keeps it", a, display(other.rel))})
				continue
			}
			sn.aliases[a] = p
		}
	}
	for dir, sec := range sections {
		if dir == "." {
			continue
		}
		root := "/" + dir + "/"
		if _, ok := sn.byPath[root]; !ok {
			sn.redirects[root] = "/"
			sn.redirects["/"+dir+"/index.xml"] = "/feed.xml"
		}
		for _, a := range sec.aliases {
			if ap := aliasPath(a, path.Dir(dir)); ap != "" {
				if _, ok := sn.byPath[ap]; !ok {
					sn.redirects[ap] = "/"
				}
			}
		}
	}
	// Sections without an _index.md redirect too: /posts/ → /.
	for _, p := range sn.posts {
		if i := strings.IndexByte(p.rel, '/'); i > 0 {
			root := "/" + p.rel[:i] + "/"
			if _, ok := sn.byPath[root]; !ok {
				sn.redirects[root] = "/"
				sn.redirects[root+"index.xml"] = "/feed.xml"
			}
		}
	}
	sn.redirects["/index.xml"] = "/feed.xml"

	// Refs, now that every path is known.
	for _, p := range all {
		r := s.files[p.rel]
		for _, target := range r.Refs {
			to, ok := sn.resolveRef(target, p.rel)
			if !ok {
				sn.problems = append(sn.problems, Problem{File: display(p.rel), Level: LevelWarning,
					Msg: fmt.Sprintf("ref %q: no file of the folder is %q; the link points nowhere", target, target)})
				to = "#"
			}
			p.refs = append(p.refs, to)
		}
	}

	// A default menu names only pages that exist.
	if !cfg.MenuSet {
		var menu []blog.MenuItem
		for _, m := range sn.settings.Menu {
			if strings.HasPrefix(m.URL, "/") && m.URL != "/archive/" && !strings.Contains(m.URL, ".") {
				if _, ok := sn.byPath[m.URL]; !ok {
					continue
				}
			}
			menu = append(menu, m)
		}
		sn.settings.Menu = menu
	}

	// When visibility changes.
	seenT := map[time.Time]bool{}
	for _, p := range append(append([]*post(nil), sn.posts...), sn.pages...) {
		for _, t := range []time.Time{p.visibleFrom, p.expiry} {
			if !t.IsZero() && !seenT[t] {
				seenT[t] = true
				sn.events = append(sn.events, t)
			}
		}
		p.hash = postHash(p, s.files[p.rel])
	}
	sort.Slice(sn.events, func(i, j int) bool { return sn.events[i].Before(sn.events[j]) })
	sort.SliceStable(sn.problems, func(i, j int) bool {
		if sn.problems[i].File != sn.problems[j].File {
			return sn.problems[i].File < sn.problems[j].File
		}
		return sn.problems[i].Line < sn.problems[j].Line
	})
	return sn
}

func (sn *snapshot) addResource(urlPath, file, name string) {
	if _, ok := sn.resources[urlPath]; ok {
		sn.problems = append(sn.problems, Problem{File: name, Level: LevelWarning,
			Msg: fmt.Sprintf("another file is published at %s already; this one is not", urlPath)})
		return
	}
	sn.resources[urlPath] = file
}

// displayPath names a file of the content folder in problems: under the
// folder as the user gave it.
func (s *Site) displayPath(rel string) string {
	sub, err := filepath.Rel(s.siteDir, s.contentDir)
	if err != nil || sub == "." {
		return filepath.ToSlash(filepath.Join(s.display, rel))
	}
	return filepath.ToSlash(filepath.Join(s.display, sub, rel))
}

// configKey is what makePost depends on besides the file.
func configKey(cfg siteConfig, opts Options) string {
	return fmt.Sprintf("%s|%s|%v|%v|%v", cfg.Settings.Permalink, cfg.Settings.TimeZone, cfg.Permalinks, opts.Drafts, opts.Future)
}

// makePost turns a parsed file into a post or page; nil (and a problem)
// when it cannot be published.
func (s *Site) makePost(rel string, r *record, isBundle bool, loc *time.Location, cfg siteConfig) (*post, []Problem) {
	m := r.Meta
	var problems []Problem
	fail := func(format string, args ...any) (*post, []Problem) {
		return nil, append(problems, Problem{File: rel, Level: LevelError, Msg: fmt.Sprintf(format, args...) + "; the file is not published"})
	}
	dir := path.Dir(rel)
	name := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	if isBundle {
		name = path.Base(dir)
		dir = path.Dir(dir)
	}
	var nameDate time.Time
	if mm := jekyllDateRE.FindStringSubmatch(name); mm != nil {
		if t, err := time.ParseInLocation("2006-01-02", mm[1], loc); err == nil {
			nameDate, name = t, mm[2]
		}
	}
	kind := blog.KindPost
	if dir == "." {
		kind = blog.KindPage
	}
	switch strings.ToLower(m.Type) {
	case "page":
		kind = blog.KindPage
	case "post", "posts":
		kind = blog.KindPost
	}

	fileSlug := name
	if blog.ValidateSlug(blog.KindPost, fileSlug) != nil {
		fileSlug = blog.Slugify(fileSlug)
	}
	title := m.Title
	if title == "" {
		title = titleFromName(name)
	}
	slug := fileSlug
	if m.Slug != "" {
		slug = m.Slug
		if blog.ValidateSlug(kind, slug) != nil {
			slug = blog.Slugify(slug)
			if slug != "" && slug != m.Slug {
				problems = append(problems, Problem{File: rel, Line: 0, Level: LevelWarning, Msg: fmt.Sprintf("slug %q is not a URL name; using %q", m.Slug, slug)})
			}
		}
	}
	if slug == "" {
		slug = blog.Slugify(title)
	}
	if slug == "" {
		return fail("no slug can be made of its name or title %q (give one with slug:)", title)
	}
	if kind == blog.KindPage && m.URL == "" {
		if err := blog.ValidateSlug(kind, slug); err != nil {
			return fail("%s", blog.ErrorMessage(err))
		}
	}

	date := m.Date.In(loc)
	for _, d := range []fmDate{m.PublishDate, m.Lastmod} {
		if date.IsZero() {
			date = d.In(loc)
		}
	}
	if date.IsZero() {
		date = nameDate
	}
	visibleFrom := date
	if date.IsZero() {
		// Shown from the start, dated by the file's modification time.
		date = time.Unix(0, r.ModTime).In(loc).Truncate(time.Second)
		if kind == blog.KindPost {
			problems = append(problems, Problem{File: rel, Level: LevelWarning, Msg: "no date in the front matter: using the file's modification time"})
		}
	}
	if pd := m.PublishDate.In(loc); pd.After(visibleFrom) {
		visibleFrom = pd
	}
	updated := date
	if lm := m.Lastmod.In(loc); lm.After(updated) {
		updated = lm
	}

	id := ""
	if m.ID != "" {
		u, err := uuid.Parse(m.ID)
		if err != nil {
			return fail("id %q is not a UUID", m.ID)
		}
		id = u.String()
	} else {
		key := rel
		if isBundle {
			key = path.Dir(rel)
		}
		id = uuid.NewSHA1(nsOctavo, []byte(key)).String()
	}

	p := &post{rel: rel, visibleFrom: visibleFrom.UTC(), expiry: m.ExpiryDate.In(loc), draft: m.Draft && !s.opts.Drafts,
		off: r.Off, n: r.Len, en: r.ExcerptLen, summary: r.Summary}
	if s.opts.Future {
		p.visibleFrom = time.Time{}
	}
	if !p.expiry.IsZero() {
		p.expiry = p.expiry.UTC()
	}
	p.Post = blog.Post{
		ID: id, Kind: kind, Slug: slug, Title: title, Format: blog.FormatMarkdown,
		Excerpt: m.Summary, Description: m.Description, Status: blog.StatusPublished,
		Pinned:      kind == blog.KindPost && (m.Pinned || m.Weight != 0),
		Author:      blog.Author{DisplayName: m.Author},
		PublishedAt: date.UTC(), UpdatedAt: updated.UTC(), CreatedAt: date.UTC(),
		Rendered: blog.Rendered{HasMore: r.HasMore, WordCount: r.WordCount, Version: r.Version},
	}
	if p.draft {
		p.Status = blog.StatusDraft
	}
	seen := map[string]bool{}
	for _, n := range append(append([]string(nil), m.Tags...), m.Categories...) {
		ts := blog.Slugify(n)
		if ts == "" || seen[ts] {
			continue
		}
		seen[ts] = true
		p.Tags = append(p.Tags, blog.Tag{Slug: ts, Name: strings.TrimSpace(n)})
	}

	switch {
	case m.URL != "":
		u := "/" + strings.Trim(m.URL, "/")
		u = strings.TrimSuffix(u, ".html")
		if u != "/" {
			u += "/"
		}
		if u == "/" || strings.Contains(u, "//") || strings.Contains(u, "/../") {
			return fail("url %q cannot be a post's address", m.URL)
		}
		p.Path = u
	case kind == blog.KindPage:
		p.Path = blog.PagePath(slug)
	default:
		pattern := cfg.Settings.Permalink
		section := strings.SplitN(rel, "/", 2)[0]
		if pl, ok := cfg.Permalinks[section]; ok {
			pattern = pl
		}
		t := date.In(loc)
		titleSlug := blog.Slugify(title)
		slugOrTitle := titleSlug
		if m.Slug != "" {
			slugOrTitle = slug
		}
		rep := strings.NewReplacer(
			":year", strconv.Itoa(t.Year()),
			":month", fmt.Sprintf("%02d", int(t.Month())),
			":day", fmt.Sprintf("%02d", t.Day()),
			":section", section,
			":slugortitle", slugOrTitle,
			":slug", slug,
			":title", titleSlug,
			":filename", fileSlug,
		)
		p.Path = rep.Replace(pattern)
	}
	return p, problems
}

// madePost is what makePost made of a file, kept while the file (its
// record) and the settings it depends on stay the same.
type madePost struct {
	rec      *record
	modTime  int64
	cfgKey   string
	post     *post
	problems []Problem
}

// postOf is makePost, remembered: a site of 10,000 files reloaded after one
// changed makes one post again, and copies the others.
func (s *Site) postOf(rel string, r *record, isBundle bool, loc *time.Location, cfg siteConfig, cfgKey string) (*post, []Problem) {
	if m, ok := s.made[rel]; ok && m.rec == r && m.modTime == r.ModTime && m.cfgKey == cfgKey {
		if m.post == nil {
			return nil, m.problems
		}
		p := *m.post
		p.Tags = append([]blog.Tag(nil), m.post.Tags...)
		return &p, m.problems
	}
	p, problems := s.makePost(rel, r, isBundle, loc, cfg)
	m := madePost{rec: r, modTime: r.ModTime, cfgKey: cfgKey, problems: problems}
	if p != nil {
		c := *p
		c.Tags = append([]blog.Tag(nil), p.Tags...)
		m.post = &c
	}
	s.made[rel] = m
	return p, problems
}

// titleFromName makes a title of a file name: "my-first-post" → "My first
// post".
func titleFromName(name string) string {
	s := strings.NewReplacer("-", " ", "_", " ").Replace(name)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// postAliases are the old paths of a post: its aliases (relative ones are
// relative to the folder of its file, as in Hugo) and, for a url ending in
// .html, that address.
func (s *Site) postAliases(p *post) []string {
	r := s.files[p.rel]
	var out []string
	dir := path.Dir(p.rel)
	if path.Base(p.rel) == "index.md" || path.Base(p.rel) == "index.markdown" {
		dir = path.Dir(dir)
	}
	for _, a := range r.Meta.Aliases {
		if ap := aliasPath(a, dir); ap != "" {
			out = append(out, ap)
		}
	}
	if strings.HasSuffix(r.Meta.URL, ".html") {
		out = append(out, "/"+strings.TrimLeft(r.Meta.URL, "/"))
	}
	return out
}

// aliasPath makes the path of an alias: absolute ones are kept, relative
// ones are taken from dir (a folder of the content, "." for its root). A
// path without an extension gets a trailing slash.
func aliasPath(a, dir string) string {
	a = strings.TrimSpace(a)
	if a == "" || strings.Contains(a, "://") {
		return ""
	}
	if !strings.HasPrefix(a, "/") {
		if dir == "." || dir == "" {
			a = "/" + a
		} else {
			a = "/" + dir + "/" + a
		}
	}
	a = path.Clean(a)
	if a == "/" {
		return ""
	}
	if !strings.Contains(path.Base(a), ".") {
		a += "/"
	}
	return a
}

// resolveRef finds the path of a ref target: a file of the folder (with or
// without its extension, absolute or relative to from), a bundle's folder,
// or a file name met once anywhere. An "#anchor" is kept.
func (sn *snapshot) resolveRef(target, from string) (string, bool) {
	target, anchor, _ := strings.Cut(target, "#")
	if anchor != "" {
		anchor = "#" + anchor
	}
	if target == "" {
		return anchor, anchor != ""
	}
	t := strings.TrimPrefix(path.Clean("/"+target), "/")
	if !strings.HasPrefix(target, "/") {
		rel := path.Clean(path.Join(path.Dir(from), target))
		if p := sn.findFile(rel); p != nil {
			return p.Path + anchor, true
		}
	}
	if p := sn.findFile(t); p != nil {
		return p.Path + anchor, true
	}
	// A file name alone, when only one file has it.
	var found *post
	base := strings.TrimSuffix(path.Base(t), path.Ext(t))
	for _, p := range sn.byRel {
		name := strings.TrimSuffix(path.Base(p.rel), path.Ext(p.rel))
		if name == "index" {
			name = path.Base(path.Dir(p.rel))
		}
		if name == base {
			if found != nil {
				return "", false
			}
			found = p
		}
	}
	if found != nil {
		return found.Path + anchor, true
	}
	return "", false
}

func (sn *snapshot) findFile(rel string) *post {
	for _, cand := range []string{rel, rel + ".md", rel + ".markdown", rel + "/index.md", rel + "/index.markdown"} {
		if p := sn.byRel[cand]; p != nil {
			return p
		}
	}
	return nil
}

// sortPosts orders posts newest first, then by id (descending), as the
// SQL stores do.
func sortPosts(ps []*post) {
	sort.Slice(ps, func(i, j int) bool {
		if !ps[i].PublishedAt.Equal(ps[j].PublishedAt) {
			return ps[i].PublishedAt.After(ps[j].PublishedAt)
		}
		return ps[i].ID > ps[j].ID
	})
}

// postHash sums everything a page may show of a post: its file (hence its
// rendered HTML), and what comes from elsewhere (its path, tag names,
// ref targets, bundle files, dates read in the site's time zone).
func postHash(p *post, r *record) string {
	// Written out rather than with fmt: index sums every post on each
	// load, and a watched folder loads on every save.
	b := make([]byte, 0, 256)
	field := func(s string) { b = append(append(b, s...), 0) }
	field(r.Hash)
	field(p.ID)
	field(p.Path)
	field(p.Slug)
	b = append(strconv.AppendInt(b, p.PublishedAt.UnixNano(), 10), 0)
	b = append(strconv.AppendInt(b, p.UpdatedAt.UnixNano(), 10), 0)
	b = append(strconv.AppendBool(b, p.Pinned), 0)
	field(string(p.Kind))
	for _, t := range p.Tags {
		b = append(b, 't')
		field(t.Slug)
		field(t.Name)
	}
	for _, ref := range p.refs {
		b = append(b, 'r')
		field(ref)
	}
	for _, res := range p.resources {
		b = append(b, 'f')
		field(res)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}
