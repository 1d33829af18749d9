package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"octavo/internal/blog"
)

// savePostMedia records which media files p's body refers to.
func savePostMedia(ctx context.Context, tx rebindTx, p *blog.Post) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM post_media WHERE post_id = ?`, p.ID); err != nil {
		return dbError(err, "saving the post's media")
	}
	for _, h := range blog.MediaRefs(p.Body) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO post_media (post_id, hash) VALUES (?, ?)`, p.ID, h); err != nil {
			return dbError(err, "saving the post's media")
		}
	}
	return nil
}

const mediaColumns = `m.hash, m.type, m.width, m.height, m.size, m.original_name, m.animated, m.uploader_id, COALESCE(u.username, ''), m.created_at`

const mediaFrom = ` FROM media m LEFT JOIN users u ON u.id = m.uploader_id`

func scanMedia(r scanner) (*blog.Media, error) {
	var m blog.Media
	var uploader, created sql.NullInt64
	if err := r.Scan(&m.Hash, &m.Type, &m.Width, &m.Height, &m.Size, &m.OriginalName, &m.Animated, &uploader, &m.Uploader, &created); err != nil {
		return nil, err
	}
	m.UploaderID = uploader.Int64
	m.CreatedAt = fromMS(created)
	return &m, nil
}

// AddMedia records m unless its hash is there already; either way m is
// then the stored row.
func (s *Store) AddMedia(ctx context.Context, m *blog.Media) (bool, error) {
	tx, err := s.begin(ctx, nil)
	if err != nil {
		return false, dbError(err, "saving a media file")
	}
	defer tx.Rollback()
	s.queries.Add(1)
	var uploader any
	if m.UploaderID != 0 {
		uploader = m.UploaderID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO media (hash, type, width, height, size, original_name, animated, uploader_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
		m.Hash, m.Type, m.Width, m.Height, m.Size, m.OriginalName, m.Animated, uploader, m.CreatedAt.UnixMilli())
	if err != nil {
		return false, dbError(err, "saving a media file")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, dbError(err, "saving a media file")
	}
	stored, err := scanMedia(tx.QueryRowContext(ctx, `SELECT `+mediaColumns+mediaFrom+` WHERE m.hash = ?`, m.Hash))
	if err != nil {
		return false, dbError(err, "reading a media file")
	}
	if err := tx.Commit(); err != nil {
		return false, dbError(err, "saving a media file")
	}
	*m = *stored
	return n == 1, nil
}

// MediaByHash returns one media file with its variants.
func (s *Store) MediaByHash(ctx context.Context, hash string) (*blog.Media, error) {
	m, err := scanMedia(s.queryRow(ctx, `SELECT `+mediaColumns+mediaFrom+` WHERE m.hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, blog.Errorf(blog.ENOTFOUND, "The media library has no file %s.", hash)
	}
	if err != nil {
		return nil, dbError(err, "reading a media file")
	}
	return m, s.loadVariants(ctx, []*blog.Media{m})
}

// ListMedia returns every media file, newest first, with its variants.
func (s *Store) ListMedia(ctx context.Context) ([]*blog.Media, error) {
	return s.listMedia(ctx, `SELECT `+mediaColumns+mediaFrom+` ORDER BY m.created_at DESC, m.hash`)
}

// RecentMedia returns the newest limit files (anyone's, or one uploader's)
// with their variants.
func (s *Store) RecentMedia(ctx context.Context, uploaderID int64, limit int) ([]*blog.Media, error) {
	if limit <= 0 {
		return nil, nil
	}
	if uploaderID == 0 {
		return s.listMedia(ctx, `SELECT `+mediaColumns+mediaFrom+` ORDER BY m.created_at DESC, m.hash LIMIT ?`, limit)
	}
	return s.listMedia(ctx, `SELECT `+mediaColumns+mediaFrom+` WHERE m.uploader_id = ? ORDER BY m.created_at DESC, m.hash LIMIT ?`,
		uploaderID, limit)
}

func (s *Store) listMedia(ctx context.Context, q string, args ...any) ([]*blog.Media, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, dbError(err, "listing media")
	}
	defer rows.Close()
	var ms []*blog.Media
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, dbError(err, "listing media")
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err, "listing media")
	}
	return ms, s.loadVariants(ctx, ms)
}

// variantsByHash is how many files loadVariants names in its query; for
// more (the whole library) it reads every variant.
const variantsByHash = 100

// loadVariants fills in the variants of ms, in one query.
func (s *Store) loadVariants(ctx context.Context, ms []*blog.Media) error {
	if len(ms) == 0 {
		return nil
	}
	byHash := map[string]*blog.Media{}
	for _, m := range ms {
		byHash[m.Hash] = m
	}
	q := `SELECT hash, width, height, size FROM media_variants ORDER BY hash, width`
	var args []any
	if len(ms) <= variantsByHash {
		q = `SELECT hash, width, height, size FROM media_variants WHERE hash IN (` + placeholders(len(ms)) + `) ORDER BY hash, width`
		for _, m := range ms {
			args = append(args, m.Hash)
		}
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return dbError(err, "reading media variants")
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		var v blog.Variant
		if err := rows.Scan(&h, &v.Width, &v.Height, &v.Size); err != nil {
			return dbError(err, "reading media variants")
		}
		if m := byHash[h]; m != nil {
			m.Variants = append(m.Variants, v)
		}
	}
	return dbError(rows.Err(), "reading media variants")
}

// AddVariant records a smaller copy of a media file (again: no change).
func (s *Store) AddVariant(ctx context.Context, hash string, v blog.Variant) error {
	_, err := s.exec(ctx, `INSERT INTO media_variants (hash, width, height, size) VALUES (?, ?, ?, ?) ON CONFLICT (hash, width) DO NOTHING`,
		hash, v.Width, v.Height, v.Size)
	return dbError(err, "saving a media variant")
}

// placeholders is "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// MediaImages returns the media files of the given hashes that exist.
func (s *Store) MediaImages(ctx context.Context, hashes []string) (map[string]blog.Image, error) {
	out := map[string]blog.Image{}
	if len(hashes) == 0 {
		return out, nil
	}
	args := make([]any, len(hashes))
	for i, h := range hashes {
		args[i] = h
	}
	rows, err := s.query(ctx, `SELECT hash, type, width, height, animated FROM media WHERE hash IN (`+placeholders(len(hashes))+`)`, args...)
	if err != nil {
		return nil, dbError(err, "reading media")
	}
	defer rows.Close()
	for rows.Next() {
		var i blog.Image
		if err := rows.Scan(&i.Hash, &i.Type, &i.Width, &i.Height, &i.Animated); err != nil {
			return nil, dbError(err, "reading media")
		}
		out[i.Hash] = i
	}
	return out, dbError(rows.Err(), "reading media")
}

// MediaUses returns the posts and pages that show the given files (every
// file when hashes is nil), in their bodies or as featured images, by
// file then title.
func (s *Store) MediaUses(ctx context.Context, hashes []string) ([]blog.MediaUse, error) {
	var where, whereF string
	var args []any
	if hashes != nil {
		if len(hashes) == 0 {
			return nil, nil
		}
		where = ` WHERE pm.hash IN (` + placeholders(len(hashes)) + `)`
		whereF = ` AND p.featured_image IN (` + placeholders(len(hashes)) + `)`
		for _, h := range hashes {
			args = append(args, h)
		}
		args = append(args, args...)
	}
	rows, err := s.query(ctx, `SELECT u.hash, u.featured, p.id, p.kind, p.title, COALESCE(p.path, ''), p.status FROM (
			SELECT pm.hash, pm.post_id, 0 AS featured FROM post_media pm`+where+`
			UNION ALL
			SELECT p.featured_image, p.id, 1 FROM posts p WHERE p.featured_image IS NOT NULL`+whereF+`
		) u JOIN posts p ON p.id = u.post_id
		ORDER BY u.hash, p.title, p.id, u.featured`, args...)
	if err != nil {
		return nil, dbError(err, "reading where media is used")
	}
	defer rows.Close()
	var uses []blog.MediaUse
	for rows.Next() {
		var u blog.MediaUse
		var featured int
		if err := rows.Scan(&u.Hash, &featured, &u.Post.ID, &u.Post.Kind, &u.Post.Title, &u.Post.Path, &u.Status); err != nil {
			return nil, dbError(err, "reading where media is used")
		}
		u.Featured = featured == 1
		uses = append(uses, u)
	}
	return uses, dbError(rows.Err(), "reading where media is used")
}

// DeleteMedia removes a media file's record and its variants'; posts that
// had it as featured image lose it.
func (s *Store) DeleteMedia(ctx context.Context, hash string) error {
	res, err := s.exec(ctx, `DELETE FROM media WHERE hash = ?`, hash)
	if err != nil {
		return dbError(err, "deleting a media file")
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbError(err, "deleting a media file")
	} else if n == 0 {
		return blog.Errorf(blog.ENOTFOUND, "The media library has no file %s.", hash)
	}
	return nil
}
