package sqlstore

import (
	"context"
	"database/sql"
	"math"
	"strings"

	"octavo/internal/blog"
)

// adminWhere is the WHERE clause of q (posts of any status), with its
// arguments.
func adminWhere(q blog.AdminQuery) (string, []any) {
	kind := q.Kind
	if kind == "" {
		kind = blog.KindPost
	}
	where := ` WHERE p.kind = ?`
	args := []any{kind}
	if q.Status == "" {
		where += ` AND p.status <> 'trashed'`
	} else {
		where += ` AND p.status = ?`
		args = append(args, q.Status)
	}
	if q.AuthorID != 0 {
		where += ` AND p.author_id = ?`
		args = append(args, q.AuthorID)
	}
	if q.TagSlug != "" {
		// IN, not a correlated EXISTS: the tag's posts are read once
		// (post_tags_tag), not looked up for every post.
		where += ` AND p.id IN (SELECT pt.post_id FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.slug = ?)`
		args = append(args, q.TagSlug)
	}
	if q.Title != "" {
		// LIKE with its wildcards escaped; LOWER on both sides, so the
		// match ignores the case of ASCII letters on both databases.
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q.Title))
		where += ` AND LOWER(p.title) LIKE ? ESCAPE '\'`
		args = append(args, "%"+esc+"%")
	}
	return where, args
}

// AdminPosts returns the posts and pages q selects, any status, the most
// recently changed first, with tags, and their total.
func (s *Store) AdminPosts(ctx context.Context, q blog.AdminQuery) ([]*blog.Post, int, error) {
	where, args := adminWhere(q)
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM posts p`+where, args...).Scan(&total); err != nil {
		return nil, 0, dbError(err, "counting posts")
	}
	limit := int64(q.Limit)
	if limit <= 0 {
		limit = math.MaxInt64
	}
	posts, err := s.postsWhere(ctx, "listing posts", where+` ORDER BY p.updated_at DESC, p.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, q.Offset)...)
	return posts, total, err
}

// StatusCounts counts the posts of kind by status.
func (s *Store) StatusCounts(ctx context.Context, kind blog.Kind, authorID int64) (map[blog.Status]int, error) {
	q := `SELECT status, COUNT(*) FROM posts WHERE kind = ?`
	args := []any{kind}
	if authorID != 0 {
		q += ` AND author_id = ?`
		args = append(args, authorID)
	}
	rows, err := s.query(ctx, q+` GROUP BY status`, args...)
	if err != nil {
		return nil, dbError(err, "counting posts")
	}
	defer rows.Close()
	counts := map[blog.Status]int{}
	for rows.Next() {
		var st blog.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, dbError(err, "counting posts")
		}
		counts[st] = n
	}
	return counts, dbError(rows.Err(), "counting posts")
}

// RecentChanges returns the latest revisions across posts, newest first.
// Revision ids grow with every save, so the primary key gives the order
// without a sort.
func (s *Store) RecentChanges(ctx context.Context, authorID int64, limit int) ([]blog.Change, error) {
	q := `SELECT r.id, r.post_id, p.kind, p.title, r.version, r.created_at, COALESCE(u.id, 0), COALESCE(u.username, ''), COALESCE(u.display_name, '')
		FROM revisions r JOIN posts p ON p.id = r.post_id LEFT JOIN users u ON u.id = r.author_id`
	args := []any{}
	if authorID != 0 {
		q += ` WHERE p.author_id = ?`
		args = append(args, authorID)
	}
	rows, err := s.query(ctx, q+` ORDER BY r.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, dbError(err, "listing recent changes")
	}
	defer rows.Close()
	var out []blog.Change
	for rows.Next() {
		var c blog.Change
		var at sql.NullInt64
		if err := rows.Scan(&c.RevisionID, &c.PostID, &c.Kind, &c.Title, &c.Version, &at, &c.Author.ID, &c.Author.Username, &c.Author.DisplayName); err != nil {
			return nil, dbError(err, "listing recent changes")
		}
		c.At = fromMS(at)
		out = append(out, c)
	}
	return out, dbError(rows.Err(), "listing recent changes")
}
