package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"octavo/internal/blog"
)

// checkVersion reads the stored version and path of p (a new post has
// none) and refuses the save when p was read at another version; it then
// sets p.Version to the version this save writes.
func checkVersion(ctx context.Context, tx rebindTx, p *blog.Post) (oldPath string, err error) {
	var version int
	var path sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT version, path FROM posts WHERE id = ?`, p.ID).Scan(&version, &path)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		p.Version = 1
		return "", nil
	case err != nil:
		return "", dbError(err, "reading the post's version")
	}
	if p.Version != 0 && p.Version != version {
		return "", blog.Errorf(blog.ECONFLICT, "%q was saved by someone else since you opened it (version %d, yours is %d): copy your changes, reload and apply them again.", p.Title, version, p.Version)
	}
	p.Version = version + 1
	return path.String, nil
}

// moveRedirects keeps old URLs working when a post's path changes: the old
// path redirects to the new one, redirects to the old path now point to the
// new one (no chains), and the new path stops redirecting anywhere.
func moveRedirects(ctx context.Context, tx rebindTx, oldPath, newPath string) error {
	if newPath != "" {
		if _, err := tx.ExecContext(ctx, `DELETE FROM redirects WHERE from_path = ?`, newPath); err != nil {
			return dbError(err, "updating redirects")
		}
	}
	if oldPath == "" || newPath == "" || oldPath == newPath {
		return nil
	}
	now := time.Now().UnixMilli()
	if _, err := tx.ExecContext(ctx, `UPDATE redirects SET to_path = ? WHERE to_path = ?`, newPath, oldPath); err != nil {
		return dbError(err, "updating redirects")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO redirects (from_path, to_path, created_at, manual) VALUES (?, ?, ?, ?)
		ON CONFLICT (from_path) DO UPDATE SET to_path = excluded.to_path, created_at = excluded.created_at, manual = excluded.manual`,
		oldPath, newPath, now, false)
	return dbError(err, "updating redirects")
}

// saveRevision keeps what p says at this save.
func saveRevision(ctx context.Context, tx rebindTx, p *blog.Post) error {
	names := make([]string, len(p.Tags))
	for i, t := range p.Tags {
		names[i] = t.Name
	}
	tags, _ := json.Marshal(names)
	var author any
	if p.AuthorID != 0 {
		author = p.AuthorID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO revisions (post_id, version, title, slug, body, excerpt, description, tags, author_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Version, p.Title, p.Slug, p.Body, p.Excerpt, p.Description, string(tags), author, p.UpdatedAt.UnixMilli())
	return dbError(err, "saving a revision")
}

const revisionColumns = `id, post_id, version, title, slug, body, excerpt, description, tags, author_id, created_at`

func scanRevision(r scanner) (blog.Revision, error) {
	var rev blog.Revision
	var tags string
	var author sql.NullInt64
	var created sql.NullInt64
	if err := r.Scan(&rev.ID, &rev.PostID, &rev.Version, &rev.Title, &rev.Slug, &rev.Body, &rev.Excerpt, &rev.Description, &tags, &author, &created); err != nil {
		return rev, err
	}
	_ = json.Unmarshal([]byte(tags), &rev.Tags)
	rev.AuthorID = author.Int64
	rev.CreatedAt = fromMS(created)
	return rev, nil
}

// Revisions lists a post's revisions, newest first.
func (s *Store) Revisions(ctx context.Context, postID string) ([]blog.Revision, error) {
	rows, err := s.query(ctx, `SELECT `+revisionColumns+` FROM revisions WHERE post_id = ? ORDER BY version DESC, id DESC`, postID)
	if err != nil {
		return nil, dbError(err, "listing revisions")
	}
	defer rows.Close()
	var revs []blog.Revision
	for rows.Next() {
		rev, err := scanRevision(rows)
		if err != nil {
			return nil, dbError(err, "listing revisions")
		}
		revs = append(revs, rev)
	}
	return revs, dbError(rows.Err(), "listing revisions")
}

// RevisionByID returns one revision.
func (s *Store) RevisionByID(ctx context.Context, id int64) (blog.Revision, error) {
	rev, err := scanRevision(s.queryRow(ctx, `SELECT `+revisionColumns+` FROM revisions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return rev, blog.Errorf(blog.ENOTFOUND, "No revision %d.", id)
	}
	return rev, dbError(err, "reading a revision")
}

// DeletePost deletes a trashed post for good, with its tags' links and
// revisions, and returns what it was.
func (s *Store) DeletePost(ctx context.Context, id string) (*blog.Post, error) {
	p, err := s.PostByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Status != blog.StatusTrashed {
		return nil, blog.Errorf(blog.ECONFLICT, "%q is not in the trash: move it to the trash first.", p.Title)
	}
	tx, err := s.begin(ctx, nil)
	if err != nil {
		return nil, dbError(err, "deleting a post")
	}
	defer tx.Rollback()
	s.queries.Add(1)
	for _, q := range []string{`DELETE FROM revisions WHERE post_id = ?`, `DELETE FROM post_tags WHERE post_id = ?`, `DELETE FROM posts WHERE id = ? AND status = 'trashed'`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return nil, dbError(err, "deleting a post")
		}
	}
	return p, dbError(tx.Commit(), "deleting a post")
}

// Redirects lists every redirect, by old path.
func (s *Store) Redirects(ctx context.Context) ([]blog.RedirectRule, error) {
	rows, err := s.query(ctx, `SELECT from_path, to_path, created_at, manual FROM redirects ORDER BY from_path`)
	if err != nil {
		return nil, dbError(err, "listing redirects")
	}
	defer rows.Close()
	var out []blog.RedirectRule
	for rows.Next() {
		var r blog.RedirectRule
		var created sql.NullInt64
		if err := rows.Scan(&r.From, &r.To, &created, &r.Manual); err != nil {
			return nil, dbError(err, "listing redirects")
		}
		r.CreatedAt = fromMS(created)
		out = append(out, r)
	}
	return out, dbError(rows.Err(), "listing redirects")
}

// DeleteRedirect removes the redirect from an old path.
func (s *Store) DeleteRedirect(ctx context.Context, from string) error {
	res, err := s.exec(ctx, `DELETE FROM redirects WHERE from_path = ?`, from)
	if err != nil {
		return dbError(err, "deleting a redirect")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return blog.Errorf(blog.ENOTFOUND, "No redirect from %s.", from)
	}
	return nil
}

// AddRedirect records, by hand, that from now lives at to, in one
// transaction with its checks (see blog.Editorial).
func (s *Store) AddRedirect(ctx context.Context, from, to string) error {
	if err := blog.CheckRedirectFrom(from); err != nil {
		return err
	}
	if err := blog.CheckRedirectPath("to", to); err != nil {
		return err
	}
	if from == to {
		return blog.Errorf(blog.EINVALID, "to: %s is the path it comes from; a redirect to itself would loop", to)
	}
	tx, err := s.begin(ctx, nil)
	if err != nil {
		return dbError(err, "saving a redirect")
	}
	defer tx.Rollback()
	s.queries.Add(1)
	var title string
	err = tx.QueryRowContext(ctx, `SELECT title FROM posts WHERE path = ? AND status <> 'trashed'`, from).Scan(&title)
	switch {
	case err == nil:
		return blog.Errorf(blog.EINVALID, "from: %s is the address of %q; a redirect from it would never be followed (change that post's slug instead)", from, title)
	case !errors.Is(err, sql.ErrNoRows):
		return dbError(err, "saving a redirect")
	}
	var next string
	err = tx.QueryRowContext(ctx, `SELECT to_path FROM redirects WHERE from_path = ?`, to).Scan(&next)
	switch {
	case err == nil && next == from:
		return blog.Errorf(blog.EINVALID, "to: %s already redirects to %s; this one would make a loop", to, from)
	case err == nil:
		return blog.Errorf(blog.EINVALID, "to: %s already redirects to %s; point straight at %s (no chains)", to, next, next)
	case !errors.Is(err, sql.ErrNoRows):
		return dbError(err, "saving a redirect")
	}
	// Redirects that led to from now lead where from leads: no chains.
	if _, err := tx.ExecContext(ctx, `UPDATE redirects SET to_path = ? WHERE to_path = ?`, to, from); err != nil {
		return dbError(err, "saving a redirect")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO redirects (from_path, to_path, created_at, manual) VALUES (?, ?, ?, ?)
		ON CONFLICT (from_path) DO UPDATE SET to_path = excluded.to_path, created_at = excluded.created_at, manual = excluded.manual`,
		from, to, time.Now().UnixMilli(), true); err != nil {
		return dbError(err, "saving a redirect")
	}
	return dbError(tx.Commit(), "saving a redirect")
}

// AllTags returns every tag with how many posts and pages of any status
// carry it, by name.
func (s *Store) AllTags(ctx context.Context) ([]blog.Tag, error) {
	rows, err := s.query(ctx, `SELECT t.id, t.slug, t.name, COUNT(pt.post_id) FROM tags t
		LEFT JOIN post_tags pt ON pt.tag_id = t.id GROUP BY t.id, t.slug, t.name ORDER BY t.name, t.id`)
	if err != nil {
		return nil, dbError(err, "listing tags")
	}
	defer rows.Close()
	var tags []blog.Tag
	for rows.Next() {
		var t blog.Tag
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Count); err != nil {
			return nil, dbError(err, "listing tags")
		}
		tags = append(tags, t)
	}
	return tags, dbError(rows.Err(), "listing tags")
}

// RenameTag renames a tag; when the new slug belongs to another tag, the
// posts of the first join the second and the first goes. Either way the
// old tag URL redirects to the new one.
func (s *Store) RenameTag(ctx context.Context, slug, newName string) (blog.Tag, error) {
	newName = strings.TrimSpace(newName)
	newSlug := blog.Slugify(newName)
	if newSlug == "" {
		return blog.Tag{}, blog.Errorf(blog.EINVALID, "tag %q: a tag needs at least one letter or digit", newName)
	}
	tx, err := s.begin(ctx, nil)
	if err != nil {
		return blog.Tag{}, dbError(err, "renaming a tag")
	}
	defer tx.Rollback()
	s.queries.Add(1)
	var old blog.Tag
	err = tx.QueryRowContext(ctx, `SELECT id, slug, name FROM tags WHERE slug = ?`, slug).Scan(&old.ID, &old.Slug, &old.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return blog.Tag{}, blog.Errorf(blog.ENOTFOUND, "No tag %q.", slug)
	}
	if err != nil {
		return blog.Tag{}, dbError(err, "renaming a tag")
	}
	into := blog.Tag{Slug: newSlug, Name: newName}
	err = tx.QueryRowContext(ctx, `SELECT id FROM tags WHERE slug = ? AND id <> ?`, newSlug, old.ID).Scan(&into.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows): // a rename
		into.ID = old.ID
		if _, err := tx.ExecContext(ctx, `UPDATE tags SET slug = ?, name = ? WHERE id = ?`, newSlug, newName, old.ID); err != nil {
			return blog.Tag{}, dbError(err, "renaming a tag")
		}
	case err != nil:
		return blog.Tag{}, dbError(err, "renaming a tag")
	default: // a merge
		for _, q := range []string{
			`INSERT INTO post_tags (post_id, tag_id, position, kind, live, published_at)
				SELECT post_id, ?, position, kind, live, published_at FROM post_tags WHERE tag_id = ? ON CONFLICT DO NOTHING`,
		} {
			if _, err := tx.ExecContext(ctx, q, into.ID, old.ID); err != nil {
				return blog.Tag{}, dbError(err, "merging tags")
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM post_tags WHERE tag_id = ?`, old.ID); err != nil {
			return blog.Tag{}, dbError(err, "merging tags")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE id = ?`, old.ID); err != nil {
			return blog.Tag{}, dbError(err, "merging tags")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tags SET name = ? WHERE id = ?`, newName, into.ID); err != nil {
			return blog.Tag{}, dbError(err, "merging tags")
		}
	}
	if old.Slug != newSlug {
		if err := moveRedirects(ctx, tx, "/tag/"+old.Slug+"/", "/tag/"+newSlug+"/"); err != nil {
			return blog.Tag{}, err
		}
	}
	if err := reindexTagged(ctx, tx, into.ID); err != nil {
		return blog.Tag{}, err
	}
	return into, dbError(tx.Commit(), "renaming a tag")
}
