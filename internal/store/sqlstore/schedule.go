package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"octavo/internal/blog"
)

// PublishDue marks every scheduled post whose time has come (at or before
// now) as published, in one transaction, and returns those posts with their
// tags. A post is returned by exactly one call, so the scheduler drops its
// pages from the caches once.
func (s *Store) PublishDue(ctx context.Context, now time.Time) ([]*blog.Post, error) {
	due, err := s.postsWhere(ctx, "finding due posts",
		` WHERE p.status = 'scheduled' AND p.published_at <= ? ORDER BY p.published_at, p.id`, now.UnixMilli())
	if err != nil || len(due) == 0 {
		return nil, err
	}
	tx, err := s.begin(ctx, nil)
	if err != nil {
		return nil, dbError(err, "publishing due posts")
	}
	defer tx.Rollback()
	var done []*blog.Post
	for _, p := range due {
		s.queries.Add(1)
		res, err := tx.ExecContext(ctx, `UPDATE posts SET status = 'published' WHERE id = ? AND status = 'scheduled'`, p.ID)
		if err != nil {
			return nil, dbError(err, "publishing due posts")
		}
		// Another process may have published it in between: then it is
		// that process's to announce.
		if n, _ := res.RowsAffected(); n == 1 {
			p.Status = blog.StatusPublished
			done = append(done, p)
		}
	}
	return done, dbError(tx.Commit(), "publishing due posts")
}

// NextDue returns the time of the next scheduled post, and false when none
// is scheduled.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullInt64
	if err := s.queryRow(ctx, `SELECT MIN(published_at) FROM posts WHERE status = 'scheduled'`).Scan(&next); err != nil {
		return time.Time{}, false, dbError(err, "finding the next scheduled post")
	}
	return fromMS(next), next.Valid, nil
}
