package storetest

import (
	"context"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
)

func testVersionsAndRevisions(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	p := save(t, svc, published("First title", t0.Add(-time.Hour), "a"))
	if p.Version != 1 {
		t.Fatalf("new post version %d, want 1", p.Version)
	}
	// Two editors read version 1; the first saves, the second conflicts.
	first, _ := s.PostByID(ctx, p.ID)
	second, _ := s.PostByID(ctx, p.ID)
	first.Body = "first editor"
	save(t, svc, first)
	second.Body = "second editor"
	err := svc.Save(ctx, second)
	if blog.ErrorCode(err) != blog.ECONFLICT {
		t.Fatalf("concurrent edit: want ECONFLICT, got %v", err)
	}
	got, _ := s.PostByID(ctx, p.ID)
	if got.Body != "first editor" || got.Version != 2 {
		t.Errorf("after the conflict: %q v%d", got.Body, got.Version)
	}
	revs, err := s.Revisions(ctx, p.ID)
	if err != nil || len(revs) != 2 || revs[0].Version != 2 || revs[1].Body != "Body of First title." || len(revs[1].Tags) != 1 {
		t.Fatalf("revisions: %+v %v", revs, err)
	}
	// Restoring the first revision is a new save, version 3.
	restored, err := svc.RestoreRevision(ctx, p.ID, revs[1].ID, 2)
	if err != nil || restored.Body != "Body of First title." || restored.Version != 3 {
		t.Fatalf("restore: %+v %v", restored, err)
	}
	if _, err := s.RevisionByID(ctx, 999999); !blog.IsNotFound(err) {
		t.Errorf("missing revision: %v", err)
	}
}

func testSlugChangeRedirects(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	p := save(t, svc, published("Old name", t0.Add(-time.Hour)))
	oldPath := p.Path
	p.Slug = "new-name"
	save(t, svc, p)
	if to, err := s.Redirect(ctx, oldPath); err != nil || to != "/2026/03/new-name/" {
		t.Fatalf("old path redirect: %q %v", to, err)
	}
	// A second move updates the first redirect (no chains).
	p.Slug = "newest-name"
	save(t, svc, p)
	for _, from := range []string{oldPath, "/2026/03/new-name/"} {
		if to, _ := s.Redirect(ctx, from); to != "/2026/03/newest-name/" {
			t.Errorf("%s → %q, want the newest path", from, to)
		}
	}
	// Taking an old path back removes its redirect.
	p.Slug = "old-name"
	save(t, svc, p)
	if _, err := s.Redirect(ctx, oldPath); !blog.IsNotFound(err) {
		t.Errorf("a live path still redirects: %v", err)
	}
	rules, err := s.Redirects(ctx)
	if err != nil || len(rules) != 2 {
		t.Errorf("redirects: %+v %v", rules, err)
	}
	if err := s.DeleteRedirect(ctx, "/2026/03/new-name/"); err != nil {
		t.Error(err)
	}
	if err := s.DeleteRedirect(ctx, "/nowhere/"); !blog.IsNotFound(err) {
		t.Errorf("deleting a missing redirect: %v", err)
	}
}

func testTrashAndDelete(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	p := save(t, svc, published("Doomed", t0.Add(-time.Hour), "x"))
	if _, err := s.DeletePost(ctx, p.ID); blog.ErrorCode(err) != blog.ECONFLICT {
		t.Fatalf("deleting a live post: want ECONFLICT, got %v", err)
	}
	if _, err := svc.Trash(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PostByPath(ctx, p.Path, clock.Now()); !blog.IsNotFound(err) {
		t.Errorf("trashed post still visible: %v", err)
	}
	r, err := svc.Restore(ctx, p.ID)
	if err != nil || r.Status != blog.StatusDraft {
		t.Fatalf("restore: %v %v", r, err)
	}
	if _, err := svc.Restore(ctx, p.ID); blog.ErrorCode(err) != blog.ECONFLICT {
		t.Errorf("restoring a post not in the trash: %v", err)
	}
	svc.Trash(ctx, p.ID)
	if err := svc.Delete(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PostByID(ctx, p.ID); !blog.IsNotFound(err) {
		t.Errorf("deleted post still there: %v", err)
	}
	if revs, _ := s.Revisions(ctx, p.ID); len(revs) != 0 {
		t.Errorf("revisions of a deleted post: %d", len(revs))
	}
}

func testRenameAndMergeTags(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	a := save(t, svc, published("A", t0.Add(-2*time.Hour), "golang"))
	save(t, svc, published("B", t0.Add(-time.Hour), "go", "golang"))
	tag, err := svc.RenameTag(ctx, "golang", "Go")
	if err != nil || tag.Slug != "go" || tag.Name != "Go" {
		t.Fatalf("merge: %+v %v", tag, err)
	}
	if _, err := s.TagBySlug(ctx, "golang", clock.Now()); !blog.IsNotFound(err) {
		t.Errorf("merged tag still there: %v", err)
	}
	if _, total, _ := s.ListPosts(ctx, blog.ListQuery{Now: clock.Now(), TagSlug: "go"}); total != 2 {
		t.Errorf("merged tag has %d posts, want 2", total)
	}
	if to, _ := s.Redirect(ctx, "/tag/golang/"); to != "/tag/go/" {
		t.Errorf("old tag URL → %q", to)
	}
	if _, err := svc.RenameTag(ctx, "go", "Go language"); err != nil {
		t.Fatal(err)
	}
	pa, _ := s.PostByID(ctx, a.ID)
	if len(pa.Tags) != 1 || pa.Tags[0].Slug != "go-language" {
		t.Errorf("renamed tag on the post: %+v", pa.Tags)
	}
	if to, _ := s.Redirect(ctx, "/tag/golang/"); to != "/tag/go-language/" {
		t.Errorf("redirect chain not collapsed: %q", to)
	}
	if _, err := svc.RenameTag(ctx, "none", "x"); !blog.IsNotFound(err) {
		t.Errorf("renaming a missing tag: %v", err)
	}
}

func testPermalinkChange(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	p := save(t, svc, published("Moving", t0.Add(-time.Hour)))
	st, _ := s.Settings(ctx)
	st.Permalink = "/posts/:slug/"
	if moved, err := svc.SaveSettings(ctx, st); err != nil || moved != 1 {
		t.Fatalf("moved %d posts (want 1): %v", moved, err)
	}
	if got, err := s.PostByPath(ctx, "/posts/moving/", clock.Now()); err != nil || got.ID != p.ID {
		t.Fatalf("new permalink: %v", err)
	}
	if to, _ := s.Redirect(ctx, "/2026/03/moving/"); to != "/posts/moving/" {
		t.Errorf("old permalink → %q", to)
	}
	st.Permalink = "no-slug"
	if _, err := svc.SaveSettings(ctx, st); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("bad pattern: %v", err)
	}
}
