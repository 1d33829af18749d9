package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
)

// testMediaRecords checks the media library's records: a second add of the
// same hash keeps the first, variants, where files are used (bodies and
// featured images), and deletion.
func testMediaRecords(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	u := &blog.User{Username: "uploader", DisplayName: "Up", Role: blog.RoleAuthor}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	a := &blog.Media{Hash: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Type: "image/jpeg", Width: 2000, Height: 1000, Size: 5000,
		OriginalName: "Zoë's café.jpg", UploaderID: u.ID, CreatedAt: t0}
	created, err := s.AddMedia(ctx, a)
	if err != nil || !created || a.Uploader != "uploader" || !a.CreatedAt.Equal(t0) {
		t.Fatalf("AddMedia: %v %v %+v", created, err, a)
	}
	again := &blog.Media{Hash: a.Hash, Type: "image/png", Width: 1, Height: 1, OriginalName: "other.png", CreatedAt: t0.Add(time.Hour)}
	if created, err := s.AddMedia(ctx, again); err != nil || created || again.OriginalName != "Zoë's café.jpg" || again.Type != "image/jpeg" {
		t.Errorf("second AddMedia of a hash: %v %v %+v", created, err, again)
	}
	b := &blog.Media{Hash: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", Type: "image/gif", Width: 300, Height: 200, Size: 900,
		OriginalName: "anim.gif", Animated: true, CreatedAt: t0.Add(time.Minute)}
	if _, err := s.AddMedia(ctx, b); err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{960, 480} {
		if err := s.AddVariant(ctx, a.Hash, blog.Variant{Width: w, Height: w / 2, Size: int64(w)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddVariant(ctx, a.Hash, blog.Variant{Width: 480, Height: 240, Size: 480}); err != nil {
		t.Errorf("a variant added twice: %v", err)
	}
	all, err := s.ListMedia(ctx)
	if err != nil || len(all) != 2 || all[0].Hash != b.Hash || !all[0].Animated || len(all[1].Variants) != 2 || all[1].Variants[0].Width != 480 {
		t.Fatalf("ListMedia: %v %+v", err, all)
	}
	recent := []struct {
		uploader int64
		limit    int
		want     []string
	}{
		{0, 12, []string{b.Hash, a.Hash}},
		{0, 1, []string{b.Hash}},
		{u.ID, 12, []string{a.Hash}},
		{u.ID + 100, 12, nil},
		{0, 0, nil},
	}
	for _, c := range recent {
		ms, err := s.RecentMedia(ctx, c.uploader, c.limit)
		var got []string
		for _, m := range ms {
			got = append(got, m.Hash)
		}
		if err != nil || strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("RecentMedia(%d, %d) = %v, %v; want %v", c.uploader, c.limit, got, err, c.want)
		}
		if len(ms) > 0 && ms[len(ms)-1].Hash == a.Hash && len(ms[len(ms)-1].Variants) != 2 {
			t.Errorf("RecentMedia(%d, %d): variants of a: %+v", c.uploader, c.limit, ms[len(ms)-1].Variants)
		}
	}
	if _, err := s.MediaByHash(ctx, "cccccccccccccccccccccccccccccccc"); !blog.IsNotFound(err) {
		t.Errorf("MediaByHash of nothing: %v", err)
	}
	imgs, err := s.MediaImages(ctx, []string{a.Hash, "cccccccccccccccccccccccccccccccc"})
	if err != nil || len(imgs) != 1 || imgs[a.Hash].Width != 2000 {
		t.Errorf("MediaImages: %v %+v", err, imgs)
	}

	// Where files are used: a body that shows a (and a copy of it), a
	// featured image b.
	p := published("Pictures", t0.Add(-time.Hour))
	p.Body = "![x](/media/" + a.Hash + ".jpg) and ![y](/media/" + a.Hash + "-480.jpg)"
	p.Featured = &blog.Image{Hash: b.Hash}
	save(t, svc, p)
	got, err := s.PostByPath(ctx, p.Path, clock.Now())
	if err != nil || got.Featured == nil || got.Featured.Hash != b.Hash || got.Featured.Width != 300 || !got.Featured.Animated {
		t.Fatalf("featured image read back: %v %+v", err, got.Featured)
	}
	if !strings.Contains(got.Rendered.HTML, `width="2000" height="1000" loading="eager"`) {
		t.Errorf("rendered with the library's sizes: %s", got.Rendered.HTML)
	}
	uses, err := s.MediaUses(ctx, nil)
	if err != nil || len(uses) != 2 || uses[0].Hash != a.Hash || uses[0].Featured || uses[1].Hash != b.Hash || !uses[1].Featured || uses[1].Post.ID != p.ID {
		t.Errorf("MediaUses: %v %+v", err, uses)
	}
	if uses, err := s.MediaUses(ctx, []string{b.Hash}); err != nil || len(uses) != 1 {
		t.Errorf("MediaUses of b: %v %+v", err, uses)
	}
	bad := published("Bad featured", t0.Add(-time.Hour))
	bad.Featured = &blog.Image{Hash: "cccccccccccccccccccccccccccccccc"}
	if err := svc.Save(ctx, bad); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("a featured image not in the library: %v", err)
	}

	// Deleting b clears the featured image; deleting a keeps the post's
	// body (and its row in post_media: the body still names the file).
	if err := s.DeleteMedia(ctx, b.Hash); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMedia(ctx, b.Hash); !blog.IsNotFound(err) {
		t.Errorf("deleting twice: %v", err)
	}
	got, _ = s.PostByID(ctx, p.ID)
	if got.Featured != nil {
		t.Errorf("featured image after its file was deleted: %+v", got.Featured)
	}
	if err := s.DeleteMedia(ctx, a.Hash); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.ListMedia(ctx); len(all) != 0 {
		t.Errorf("left after deleting: %+v", all)
	}
}
