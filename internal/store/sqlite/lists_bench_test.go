package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/store/sqlite"
)

// BenchmarkAdminPosts measures the admin's post list on 20,000 posts of
// mixed statuses (rows written straight into the tables: the list reads
// nothing the Markdown pipeline makes).
func BenchmarkAdminPosts(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "octavo.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const n = 20000
	statuses := []blog.Status{blog.StatusPublished, blog.StatusPublished, blog.StatusPublished, blog.StatusDraft, blog.StatusPending, blog.StatusTrashed}
	tx, err := st.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO tags (id, slug, name) VALUES (1, 'go', 'Go')`); err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		at := t0.Add(time.Duration(i) * time.Hour).UnixMilli()
		id := fmt.Sprintf("00000000-0000-7000-8000-%012d", i)
		status := statuses[i%len(statuses)]
		var path any
		if status == blog.StatusPublished {
			path = fmt.Sprintf("/p/%d/", i)
		}
		if _, err := tx.Exec(`INSERT INTO posts (id, kind, slug, title, body, format, status, published_at, updated_at, created_at, path)
			VALUES (?, 'post', ?, ?, 'x', 'markdown', ?, ?, ?, ?, ?)`, id, fmt.Sprint("post-", i), fmt.Sprintf("Post number %d about things", i), status, at, at, at, path); err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			if _, err := tx.Exec(`INSERT INTO post_tags (post_id, tag_id, position, kind, live, published_at) VALUES (?, 1, 0, 'post', ?, ?)`, id, status == blog.StatusPublished, at); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		q    blog.AdminQuery
	}{
		{"all", blog.AdminQuery{Limit: 20}},
		{"drafts", blog.AdminQuery{Status: blog.StatusDraft, Limit: 20}},
		{"tag", blog.AdminQuery{TagSlug: "go", Limit: 20}},
		{"title", blog.AdminQuery{Title: "number 1999", Limit: 20}},
		{"page 50", blog.AdminQuery{Offset: 49 * 20, Limit: 20}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := st.AdminPosts(ctx, bc.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("counts", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.StatusCounts(ctx, blog.KindPost, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}
