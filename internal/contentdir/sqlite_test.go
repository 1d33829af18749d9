package contentdir_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/contentdir"
	"octavo/internal/markdown"
	"octavo/internal/search"
	"octavo/internal/store/sqlite"
)

// sample is one post or page of the equivalence test, written both as a
// file and into SQLite.
type sample struct {
	id, title, slug string
	page            bool
	date            time.Time
	tags            []string
	pinned, draft   bool
	summary, body   string
}

// samples makes a blog that exercises ordering: equal dates (ordered by
// id), pinned posts, drafts, posts scheduled between t0 and t1, shared and
// single tags, explicit excerpts and <!--more-->, pages.
func samples(t0 time.Time) []sample {
	var out []sample
	tags := []string{"go", "sqlite", "web", "Testing", "notes"}
	for i := range 23 {
		s := sample{
			id:    uuid.NewSHA1(uuid.NameSpaceURL, []byte(fmt.Sprint("post", i))).String(),
			title: fmt.Sprintf("Post number %d", i),
			slug:  fmt.Sprintf("post-%d", i),
			date:  t0.AddDate(0, -i, -i%3).Add(time.Duration(i%4) * time.Hour),
			body:  fmt.Sprintf("First paragraph of post %d, with *emphasis*.\n\n<!--more-->\n\nThe rest, with `code`:\n\n```go\nfunc f%d() {}\n```\n", i, i),
		}
		for j := range 3 {
			if (i+j)%2 == 0 {
				s.tags = append(s.tags, tags[(i+j)%len(tags)])
			}
		}
		switch i {
		case 3, 11:
			s.pinned = true
		case 7, 15:
			s.draft = true
		case 1, 2:
			s.date = t0.Add(time.Duration(i) * 24 * time.Hour) // scheduled
		case 9:
			s.summary = "An explicit *summary*."
			s.body = "No marker here.\n\nA second paragraph."
		}
		out = append(out, s)
	}
	// Equal dates: ordered by id.
	out[20].date, out[21].date = out[19].date, out[19].date
	for i, name := range []string{"About", "Colophon", "Now"} {
		out = append(out, sample{
			id: uuid.NewSHA1(uuid.NameSpaceURL, []byte(name)).String(), title: name, slug: strings.ToLower(name),
			page: true, date: t0.AddDate(-1, i, 0), body: "This is the " + name + " page.",
		})
	}
	return out
}

func (s sample) file() (string, string) {
	var b strings.Builder
	fmt.Fprintf(&b, "---\nid: %s\ntitle: %q\nslug: %s\ndate: %s\n", s.id, s.title, s.slug, s.date.Format(time.RFC3339))
	if len(s.tags) > 0 {
		fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(s.tags, ", "))
	}
	if s.pinned {
		b.WriteString("pinned: true\n")
	}
	if s.draft {
		b.WriteString("draft: true\n")
	}
	if s.summary != "" {
		fmt.Fprintf(&b, "summary: %q\n", s.summary)
	}
	b.WriteString("---\n" + s.body)
	name := "posts/" + s.slug + ".md"
	if s.page {
		name = s.slug + ".md"
	}
	return name, b.String()
}

// TestSameAsSQLite writes one blog as files and into SQLite, and checks
// that the two readers answer alike, and that every page rendered from
// each is the same, byte for byte, before and after scheduled posts
// appear.
func TestSameAsSQLite(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	all := samples(t0)

	files := map[string]string{}
	for _, s := range all {
		name, body := s.file()
		files[name] = body
	}
	dir := open(t, contentdir.Options{Dir: writeTree(t, files)})
	for _, p := range dir.Problems() {
		t.Errorf("problem: %s", p)
	}

	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, _ := dir.Settings(ctx)
	if err := db.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	clock := &blog.FixedClock{}
	svc := content.New(db, markdown.New(), clock, nil)
	for _, s := range all {
		p := &blog.Post{ID: s.id, Title: s.title, Slug: s.slug, Kind: blog.KindPost, Body: s.body,
			Excerpt: s.summary, Pinned: s.pinned, Status: blog.StatusPublished, PublishedAt: s.date}
		if s.page {
			p.Kind = blog.KindPage
		}
		if s.draft {
			p.Status = blog.StatusDraft
		}
		for _, tag := range s.tags {
			p.Tags = append(p.Tags, blog.Tag{Name: tag})
		}
		clock.T = s.date // the edit time is the publication
		if err := svc.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
	}

	for _, now := range []time.Time{t0, t0.AddDate(0, 0, 1), t0.AddDate(0, 0, 3)} {
		t.Run(now.Format("2006-01-02"), func(t *testing.T) {
			compareReaders(t, db, dir, now)
			a, b := renderer(t, db, now), renderer(t, dir, now)
			pa, err := a.Paths(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pb, err := b.Paths(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(pa, pb) {
				t.Fatalf("paths differ:\nsqlite %v\nfiles  %v", pa, pb)
			}
			for _, p := range append(pa, "/nope/", "/page/1/", "/tag/go/page/1/") {
				ga, err := a.Render(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				gb, err := b.Render(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				if ga.Status != gb.Status || !bytes.Equal(ga.Body, gb.Body) || ga.Location != gb.Location {
					t.Errorf("%s differs: %d %d\n%s", p, ga.Status, gb.Status, firstDiff(ga.Body, gb.Body))
				}
				if !slices.Equal(ga.Deps, gb.Deps) {
					t.Errorf("%s: deps %v, want %v", p, gb.Deps, ga.Deps)
				}
			}
		})
	}
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("at %d:\n  sqlite: %q\n  files:  %q", i, a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
}

// compareReaders asks both readers the same questions.
func compareReaders(t *testing.T, want, got blog.Reader, now time.Time) {
	t.Helper()
	ctx := context.Background()
	same := func(what string, a, b any) {
		t.Helper()
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s:\nsqlite %+v\nfiles  %+v", what, a, b)
		}
	}
	// Posts as a page shows them: what the stores keep apart (author ids,
	// tag ids, bodies, creation times) is left out.
	view := func(ps []*blog.Post) []string {
		var out []string
		for _, p := range ps {
			var tags []string
			for _, tg := range p.Tags {
				tags = append(tags, tg.Slug+"="+tg.Name)
			}
			out = append(out, fmt.Sprintf("%s %s %s %q %v %s %s %v %q %q %v %d", p.ID, p.Kind, p.Path, p.Title, p.Pinned,
				p.PublishedAt.UTC().Format(time.RFC3339), p.UpdatedAt.UTC().Format(time.RFC3339), tags,
				short(p.Rendered.HTML), short(p.Rendered.ExcerptHTML), p.Rendered.HasMore, p.Rendered.WordCount))
		}
		return out
	}
	queries := []blog.ListQuery{
		{Now: now}, {Now: now, PinnedFirst: true}, {Now: now, PinnedFirst: true, Offset: 4, Limit: 4},
		{Now: now, Offset: 30, Limit: 5}, {Now: now, TagSlug: "go"}, {Now: now, TagSlug: "testing", Offset: 1, Limit: 2},
		{Now: now, TagSlug: "nope"}, {Now: now, From: now.AddDate(0, -6, 0), To: now.AddDate(0, -2, 0)},
		{Now: now, Limit: 5, SkipTotal: true},
	}
	for _, q := range queries {
		a, na, err := want.ListPosts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		b, nb, err := got.ListPosts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		same(fmt.Sprintf("ListPosts(%+v) total", q), na, nb)
		same(fmt.Sprintf("ListPosts(%+v)", q), view(a), view(b))
	}
	all, _, _ := want.ListPosts(ctx, blog.ListQuery{Now: now})
	for _, p := range all {
		ao, an, _ := want.Neighbours(ctx, p, now)
		bo, bn, _ := got.Neighbours(ctx, p, now)
		same("Neighbours older of "+p.Path, ao, bo)
		same("Neighbours newer of "+p.Path, an, bn)
		gp, err := got.PostByPath(ctx, p.Path, now)
		if err != nil {
			t.Errorf("PostByPath(%s): %v", p.Path, err)
			continue
		}
		same("PostByPath "+p.Path, view([]*blog.Post{p}), view([]*blog.Post{gp}))
	}
	for _, r := range [][2]time.Time{{}, {now.AddDate(0, -3, 0), {}}, {{}, now.AddDate(0, -3, 0)}, {now.AddDate(0, -5, 0), now.AddDate(0, -1, 0)}} {
		a, _ := want.Archive(ctx, now, r[0], r[1])
		b, _ := got.Archive(ctx, now, r[0], r[1])
		same(fmt.Sprintf("Archive(%v, %v)", r[0], r[1]), refs(a), refs(b))
	}
	pa, _ := want.Pages(ctx, now)
	pb, _ := got.Pages(ctx, now)
	same("Pages", refs(pa), refs(pb))
	ta, _ := want.Tags(ctx, now)
	tb, _ := got.Tags(ctx, now)
	same("Tags", tags(ta, true), tags(tb, true))
	for _, tg := range ta {
		a, _ := want.TagBySlug(ctx, tg.Slug, now)
		b, _ := got.TagBySlug(ctx, tg.Slug, now)
		same("TagBySlug "+tg.Slug, tags([]blog.Tag{a}, false), tags([]blog.Tag{b}, false))
	}
	for _, text := range []string{"post", "emphasis code", `"second paragraph"`, "numb*", "about", "testing", "nothing-matches-this"} {
		for _, q := range []blog.SearchQuery{
			{Terms: search.Parse(text).Terms, Now: now},
			{Terms: search.Parse(text).Terms, Now: now, Offset: 2, Limit: 3},
		} {
			a, na, err := want.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			b, nb, err := got.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			same(fmt.Sprintf("Search(%q, %d, %d) total", text, q.Offset, q.Limit), na, nb)
			same(fmt.Sprintf("Search(%q, %d, %d)", text, q.Offset, q.Limit), view(a), view(b))
		}
	}
	for _, path := range []string{"/posts/post-7/", "/2026/05/post-7/", "/nope/"} {
		_, ea := want.PostByPath(ctx, path, now)
		_, eb := got.PostByPath(ctx, path, now)
		same("PostByPath error code "+path, blog.ErrorCode(ea), blog.ErrorCode(eb))
	}
}

// short stands for a long text in messages: its length and hash.
func short(s string) string {
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%d:%x", len(s), sum[:4])
}

func refs(rs []blog.PostRef) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s %s %s %q %s %s", r.ID, r.Kind, r.Path, r.Title, r.PublishedAt.UTC().Format(time.RFC3339), r.UpdatedAt.UTC().Format(time.RFC3339)))
	}
	return out
}

func tags(ts []blog.Tag, updated bool) []string {
	var out []string
	for _, tg := range ts {
		s := fmt.Sprintf("%s %q %d", tg.Slug, tg.Name, tg.Count)
		if updated {
			s += " " + tg.Updated.UTC().Format(time.RFC3339)
		}
		out = append(out, s)
	}
	return out
}
