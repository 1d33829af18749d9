package content_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/store/sqlite"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func newService(t *testing.T) (*content.Service, *blog.FixedClock, *[][]string) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	clock := &blog.FixedClock{T: t0}
	var changes [][]string
	return content.New(s, markdown.New(), clock, func(k []string) { changes = append(changes, k) }), clock, &changes
}

func TestSaveRefusesBadInput(t *testing.T) {
	svc, _, changes := newService(t)
	tests := []struct {
		name string
		p    blog.Post
		want string
	}{
		{"no title", blog.Post{Body: "x"}, "title: must not be empty"},
		{"bad status", blog.Post{Title: "T", Status: "live"}, `status: "live"`},
		{"bad kind", blog.Post{Title: "T", Kind: "note"}, `kind: "note"`},
		{"bad format", blog.Post{Title: "T", Format: "rst"}, `format: "rst"`},
		{"no slug possible", blog.Post{Title: "!!!"}, "no letter or digit"},
		{"bad slug", blog.Post{Title: "T", Slug: "Hello World"}, "use lower-case letters"},
		{"reserved page slug", blog.Post{Title: "Admin", Kind: blog.KindPage}, "reserved"},
		{"empty tag", blog.Post{Title: "T", Tags: []blog.Tag{{Name: "  "}}}, "a tag needs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			err := svc.Save(context.Background(), &p)
			if blog.ErrorCode(err) != blog.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("want EINVALID containing %q, got %v", tt.want, err)
			}
		})
	}
	if len(*changes) != 0 {
		t.Errorf("refused writes announced changes: %v", *changes)
	}
}

func TestChangeKeys(t *testing.T) {
	svc, clock, changes := newService(t)
	ctx := context.Background()
	older := &blog.Post{Title: "Older", Body: "x", Status: blog.StatusPublished, PublishedAt: t0.Add(-2 * time.Hour)}
	p := &blog.Post{Title: "Post", Body: "x", Status: blog.StatusPublished, PublishedAt: t0.Add(-time.Hour), Tags: []blog.Tag{{Name: "go"}}}
	for _, x := range []*blog.Post{older, p} {
		if err := svc.Save(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	last := func() []string { return (*changes)[len(*changes)-1] }
	// Publishing: the lists, the tag, the neighbour.
	for _, k := range []string{blog.DepPost(p.ID), blog.DepList, blog.DepTag("go"), blog.DepNav(older.ID)} {
		if !slices.Contains(last(), k) {
			t.Errorf("publish: keys %v lack %s", last(), k)
		}
	}
	// A plain edit: only the post itself.
	p.Body = "edited"
	if err := svc.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := last(); !slices.Equal(got, []string{blog.DepPost(p.ID)}) {
		t.Errorf("edit: keys %v, want only the post", got)
	}
	// Adding a tag: that tag's pages too.
	p.Tags = append(p.Tags, blog.Tag{Name: "sql"})
	if err := svc.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := last(); !slices.Contains(got, blog.DepTag("sql")) || slices.Contains(got, blog.DepList) {
		t.Errorf("tag added: keys %v", got)
	}
	// Editing a draft touches nothing public.
	d := &blog.Post{Title: "Draft", Body: "x"}
	if err := svc.Save(ctx, d); err != nil {
		t.Fatal(err)
	}
	if got := last(); !slices.Equal(got, []string{blog.DepPost(d.ID)}) {
		t.Errorf("draft: keys %v", got)
	}
	// A scheduled post: nothing public until its time; then PublishDue
	// drops the lists, its tag and its neighbour.
	s := &blog.Post{Title: "Soon", Body: "x", Status: blog.StatusScheduled, PublishedAt: t0.Add(time.Minute), Tags: []blog.Tag{{Name: "later"}}}
	if err := svc.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	if got := last(); slices.Contains(got, blog.DepList) {
		t.Errorf("scheduling announced a list change: %v", got)
	}
	if n, err := svc.PublishDue(ctx); err != nil || n != 0 {
		t.Fatalf("PublishDue before its time: %d %v", n, err)
	}
	clock.T = t0.Add(2 * time.Minute)
	if n, err := svc.PublishDue(ctx); err != nil || n != 1 {
		t.Fatalf("PublishDue: %d %v", n, err)
	}
	for _, k := range []string{blog.DepPost(s.ID), blog.DepList, blog.DepTag("later"), blog.DepNav(p.ID)} {
		if !slices.Contains(last(), k) {
			t.Errorf("due: keys %v lack %s", last(), k)
		}
	}
}
