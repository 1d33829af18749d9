package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"octavo/internal/blog"
)

// TagBySlug returns a tag that has at least one visible post (its Count
// is not computed: the tag page counts its own posts).
func (s *Store) TagBySlug(ctx context.Context, slug string, now time.Time) (blog.Tag, error) {
	var t blog.Tag
	err := s.queryRow(ctx, `SELECT t.id, t.slug, t.name FROM tags t WHERE t.slug = ? AND EXISTS (SELECT 1 FROM post_tags pt
		WHERE pt.tag_id = t.id AND pt.live AND pt.kind = 'post' AND pt.published_at <= ?)`, slug, now.UnixMilli()).Scan(&t.ID, &t.Slug, &t.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return t, blog.Errorf(blog.ENOTFOUND, "No posts are tagged %q.", slug)
	}
	return t, dbError(err, "reading a tag")
}

// Tags returns every tag that has visible posts, with counts and the time
// of their latest change, by name.
func (s *Store) Tags(ctx context.Context, now time.Time) ([]blog.Tag, error) {
	rows, err := s.query(ctx, `SELECT t.id, t.slug, t.name, COUNT(*), MAX(`+s.d.Greatest+`(p.published_at, p.updated_at)) FROM tags t
		JOIN post_tags pt ON pt.tag_id = t.id JOIN posts p ON p.id = pt.post_id
		WHERE p.kind = 'post' AND`+visible+` GROUP BY t.id ORDER BY t.name, t.id`, now.UnixMilli())
	if err != nil {
		return nil, dbError(err, "listing tags")
	}
	defer rows.Close()
	var tags []blog.Tag
	for rows.Next() {
		var t blog.Tag
		var updated sql.NullInt64
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Count, &updated); err != nil {
			return nil, dbError(err, "listing tags")
		}
		t.Updated = fromMS(updated)
		tags = append(tags, t)
	}
	return tags, dbError(rows.Err(), "listing tags")
}

// Redirect returns where an old path now lives.
func (s *Store) Redirect(ctx context.Context, path string) (string, error) {
	var to string
	err := s.queryRow(ctx, `SELECT to_path FROM redirects WHERE from_path = ?`, path).Scan(&to)
	if errors.Is(err, sql.ErrNoRows) {
		return "", blog.Errorf(blog.ENOTFOUND, "No redirect from %s.", path)
	}
	return to, dbError(err, "reading a redirect")
}

// Settings returns the site settings (cached after the first read).
func (s *Store) Settings(ctx context.Context) (blog.Settings, error) {
	s.mu.RLock()
	cached := s.settings
	s.mu.RUnlock()
	if cached != nil {
		return *cached, nil
	}
	st := blog.DefaultSettings()
	var raw string
	err := s.queryRow(ctx, `SELECT value FROM settings WHERE key = 'site'`).Scan(&raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return st, dbError(err, "reading settings")
	default:
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			return st, blog.Wrap(blog.EINTERNAL, err, "the stored settings are not valid JSON")
		}
	}
	s.mu.Lock()
	s.settings = &st
	s.mu.Unlock()
	return st, nil
}

// SaveSettings validates and stores the site settings.
func (s *Store) SaveSettings(ctx context.Context, st blog.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return blog.Wrap(blog.EINTERNAL, err, "encoding settings")
	}
	if _, err := s.exec(ctx, `INSERT INTO settings (key, value) VALUES ('site', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, string(raw)); err != nil {
		return dbError(err, "saving settings")
	}
	s.mu.Lock()
	s.settings = &st
	s.mu.Unlock()
	return nil
}

// CreateUser inserts u and sets its ID.
func (s *Store) CreateUser(ctx context.Context, u *blog.User) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now()
	}
	var email any
	if u.Email != "" {
		email = u.Email
	}
	err := s.queryRow(ctx, `INSERT INTO users (username, email, display_name, role, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, u.Username, email, u.DisplayName, u.Role, u.PasswordHash, u.CreatedAt.UnixMilli()).Scan(&u.ID)
	if err != nil && s.d.IsUniqueViolation != nil && s.d.IsUniqueViolation(err) {
		return blog.Wrap(blog.ECONFLICT, err, "The username %q or its email address is taken.", u.Username)
	}
	return dbError(err, "creating a user")
}

// Seeded reports whether demo content was offered to this database.
func (s *Store) Seeded(ctx context.Context) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM settings WHERE key = 'seeded'`).Scan(&n)
	return n > 0, dbError(err, "reading the seed mark")
}

// MarkSeeded records that demo content was offered.
func (s *Store) MarkSeeded(ctx context.Context) error {
	_, err := s.exec(ctx, `INSERT INTO settings (key, value) VALUES ('seeded', '1')
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
	return dbError(err, "writing the seed mark")
}
