package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"octavo/internal/blog"
)

// postColumns are read by scanPost, in this order.
const postColumns = `p.id, p.kind, p.slug, p.title, p.body, p.format, p.excerpt, p.description,
	p.status, p.pinned, p.author_id, p.published_at, p.updated_at, p.created_at, p.path,
	p.content_html, p.excerpt_html, p.has_more, p.toc_html, p.word_count, p.render_version, p.version,
	COALESCE(u.username, ''), COALESCE(u.display_name, ''),
	p.featured_image, COALESCE((SELECT m.type FROM media m WHERE m.hash = p.featured_image), ''),
	COALESCE((SELECT m.width FROM media m WHERE m.hash = p.featured_image), 0),
	COALESCE((SELECT m.height FROM media m WHERE m.hash = p.featured_image), 0),
	COALESCE((SELECT m.animated FROM media m WHERE m.hash = p.featured_image), FALSE)`

const postFrom = ` FROM posts p LEFT JOIN users u ON u.id = p.author_id`

// visible is the condition for what visitors see at a time (argument ?).
const visible = ` p.status IN ('published', 'scheduled') AND p.published_at <= ?`

type scanner interface{ Scan(...any) error }

func scanPost(r scanner) (*blog.Post, error) {
	var p blog.Post
	var author sql.NullInt64
	var published, updated, created sql.NullInt64
	var path, featured sql.NullString
	var fi blog.Image
	err := r.Scan(&p.ID, &p.Kind, &p.Slug, &p.Title, &p.Body, &p.Format, &p.Excerpt, &p.Description,
		&p.Status, &p.Pinned, &author, &published, &updated, &created, &path,
		&p.Rendered.HTML, &p.Rendered.ExcerptHTML, &p.Rendered.HasMore, &p.Rendered.TOCHTML,
		&p.Rendered.WordCount, &p.Rendered.Version, &p.Version,
		&p.Author.Username, &p.Author.DisplayName,
		&featured, &fi.Type, &fi.Width, &fi.Height, &fi.Animated)
	if err != nil {
		return nil, err
	}
	if featured.Valid {
		fi.Hash = featured.String
		p.Featured = &fi
	}
	p.AuthorID = author.Int64
	p.Author.ID = author.Int64
	p.PublishedAt, p.UpdatedAt, p.CreatedAt = fromMS(published), fromMS(updated), fromMS(created)
	p.Path = path.String
	return &p, nil
}

// ListPosts returns the visible posts q selects, with tags, and their total
// (unless q.SkipTotal). Every query it runs reads an index in order and
// stops at the page: the front page reads posts_pinned (pinned posts, then
// the others), a tag page reads post_tags_stream, and the total is a
// separate COUNT over the same index.
func (s *Store) ListPosts(ctx context.Context, q blog.ListQuery) ([]*blog.Post, int, error) {
	limit := int64(q.Limit)
	if limit <= 0 {
		limit = math.MaxInt64 // no limit, in words every dialect accepts
	}
	var posts []*blog.Post
	var err error
	total := 0
	switch {
	case q.TagSlug != "":
		where, args := tagStream(q)
		posts, err = s.postList(ctx, ` FROM post_tags pt CROSS JOIN posts p LEFT JOIN users u ON u.id = p.author_id`+
			where+` AND p.id = pt.post_id ORDER BY pt.published_at DESC, pt.post_id DESC LIMIT ? OFFSET ?`,
			append(args, limit, q.Offset)...)
		if err == nil && !q.SkipTotal {
			err = s.queryRow(ctx, `SELECT COUNT(*) FROM post_tags pt`+where, args...).Scan(&total)
		}
	case q.PinnedFirst:
		posts, total, err = s.pinnedFirst(ctx, q, limit)
	default:
		where, args := stream(q)
		posts, err = s.postList(ctx, postFrom+where+` ORDER BY p.published_at DESC, p.id DESC LIMIT ? OFFSET ?`,
			append(args, limit, q.Offset)...)
		if err == nil && !q.SkipTotal {
			err = s.queryRow(ctx, `SELECT COUNT(*) FROM posts p`+where, args...).Scan(&total)
		}
	}
	if err != nil {
		return nil, 0, dbError(err, "listing posts")
	}
	if err := s.loadTags(ctx, posts); err != nil {
		return nil, 0, err
	}
	return posts, total, nil
}

// stream is the condition for the visible posts of q's time range.
func stream(q blog.ListQuery) (string, []any) {
	where := ` WHERE p.kind = 'post' AND` + visible
	args := []any{q.Now.UnixMilli()}
	if !q.From.IsZero() {
		where += ` AND p.published_at >= ?`
		args = append(args, q.From.UnixMilli())
	}
	if !q.To.IsZero() {
		where += ` AND p.published_at < ?`
		args = append(args, q.To.UnixMilli())
	}
	return where, args
}

// tagStream is the condition on post_tags (pt) for the visible posts of a
// tag in q's time range: it reads the post_tags_stream index alone.
func tagStream(q blog.ListQuery) (string, []any) {
	where := ` WHERE pt.tag_id = (SELECT t.id FROM tags t WHERE t.slug = ?) AND pt.live AND pt.kind = 'post' AND pt.published_at <= ?`
	args := []any{q.TagSlug, q.Now.UnixMilli()}
	if !q.From.IsZero() {
		where += ` AND pt.published_at >= ?`
		args = append(args, q.From.UnixMilli())
	}
	if !q.To.IsZero() {
		where += ` AND pt.published_at < ?`
		args = append(args, q.To.UnixMilli())
	}
	return where, args
}

// pinnedFirst lists the pinned posts, newest first, then the others: two
// walks of the posts_pinned index, each stopping at the page.
func (s *Store) pinnedFirst(ctx context.Context, q blog.ListQuery, limit int64) ([]*blog.Post, int, error) {
	where, args := stream(q)
	pinned, err := s.postList(ctx, postFrom+where+` AND p.pinned = ? ORDER BY p.published_at DESC, p.id DESC`, append(args, true)...)
	if err != nil {
		return nil, 0, err
	}
	k := int64(len(pinned))
	off := int64(q.Offset)
	var posts []*blog.Post
	if off < k {
		posts = pinned[off:min(k, off+min(limit, k))]
	}
	if rest := limit - int64(len(posts)); rest > 0 {
		others, err := s.postList(ctx, postFrom+where+` AND p.pinned = ? ORDER BY p.published_at DESC, p.id DESC LIMIT ? OFFSET ?`,
			append(args, false, rest, max(0, off-k))...)
		if err != nil {
			return nil, 0, err
		}
		posts = append(posts, others...)
	}
	total := 0
	if !q.SkipTotal {
		if err := s.queryRow(ctx, `SELECT COUNT(*) FROM posts p`+where, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	return posts, total, nil
}

// postList runs a query of postColumns (from and after given) and scans
// its posts, without tags.
func (s *Store) postList(ctx context.Context, fromAndAfter string, args ...any) ([]*blog.Post, error) {
	rows, err := s.query(ctx, `SELECT `+postColumns+fromAndAfter, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var posts []*blog.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		posts = append(posts, p)
	}
	return posts, rows.Err()
}

// loadTags fills the tags of posts with one query.
func (s *Store) loadTags(ctx context.Context, posts []*blog.Post) error {
	if len(posts) == 0 {
		return nil
	}
	byID := make(map[string]*blog.Post, len(posts))
	args := make([]any, len(posts))
	for i, p := range posts {
		byID[p.ID] = p
		args[i] = p.ID
	}
	rows, err := s.query(ctx, `SELECT pt.post_id, t.id, t.slug, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
		WHERE pt.post_id IN (?`+strings.Repeat(",?", len(posts)-1)+`) ORDER BY pt.post_id, pt.position`, args...)
	if err != nil {
		return dbError(err, "loading tags")
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var t blog.Tag
		if err := rows.Scan(&id, &t.ID, &t.Slug, &t.Name); err != nil {
			return dbError(err, "loading tags")
		}
		byID[id].Tags = append(byID[id].Tags, t)
	}
	return dbError(rows.Err(), "loading tags")
}

// PostByPath returns the visible post or page at path.
func (s *Store) PostByPath(ctx context.Context, path string, now time.Time) (*blog.Post, error) {
	p, err := scanPost(s.queryRow(ctx, `SELECT `+postColumns+postFrom+` WHERE p.path = ? AND`+visible, path, now.UnixMilli()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, blog.Errorf(blog.ENOTFOUND, "Nothing is published at %s.", path)
	}
	if err != nil {
		return nil, dbError(err, "reading a post")
	}
	if err := s.loadTags(ctx, []*blog.Post{p}); err != nil {
		return nil, err
	}
	return p, nil
}

// PostByID returns any post or page by id, whatever its status.
func (s *Store) PostByID(ctx context.Context, id string) (*blog.Post, error) {
	p, err := scanPost(s.queryRow(ctx, `SELECT `+postColumns+postFrom+` WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, blog.Errorf(blog.ENOTFOUND, "No post has the id %s.", id)
	}
	if err != nil {
		return nil, dbError(err, "reading a post")
	}
	if err := s.loadTags(ctx, []*blog.Post{p}); err != nil {
		return nil, err
	}
	return p, nil
}

// Neighbours returns the visible posts just older and just newer than p.
func (s *Store) Neighbours(ctx context.Context, p *blog.Post, now time.Time) (older, newer *blog.PostRef, err error) {
	if p.Kind != blog.KindPost {
		return nil, nil, nil
	}
	// Each side is a range of posts_stream that starts at p: the older
	// side's upper bound is p's own time (no later than now, so still only
	// visible posts), the newer side's lower bound the row value of p. An
	// OR of "earlier, or same time and smaller id" gave the planner no
	// bound there, and it walked every post from one end of the stream
	// to p (20–60 ms in the middle of 100,000 posts).
	at, n := p.PublishedAt.UnixMilli(), now.UnixMilli()
	rows, err := s.query(ctx, `SELECT * FROM (SELECT 'older', p.id, p.kind, p.title, p.path, p.published_at, p.updated_at FROM posts p
			WHERE p.kind = 'post' AND`+visible+` AND (p.published_at, p.id) < (?, ?)
			ORDER BY p.published_at DESC, p.id DESC LIMIT 1) AS o
		UNION ALL SELECT * FROM (SELECT 'newer', p.id, p.kind, p.title, p.path, p.published_at, p.updated_at FROM posts p
			WHERE p.kind = 'post' AND`+visible+` AND (p.published_at, p.id) > (?, ?)
			ORDER BY p.published_at ASC, p.id ASC LIMIT 1) AS n`,
		min(n, at), at, p.ID, n, at, p.ID)
	if err != nil {
		return nil, nil, dbError(err, "reading neighbours")
	}
	defer rows.Close()
	for rows.Next() {
		var which string
		var ref blog.PostRef
		var pub, upd sql.NullInt64
		if err := rows.Scan(&which, &ref.ID, &ref.Kind, &ref.Title, &ref.Path, &pub, &upd); err != nil {
			return nil, nil, dbError(err, "reading neighbours")
		}
		ref.PublishedAt, ref.UpdatedAt = fromMS(pub), fromMS(upd)
		if which == "older" {
			older = &ref
		} else {
			newer = &ref
		}
	}
	return older, newer, dbError(rows.Err(), "reading neighbours")
}

func (s *Store) refs(ctx context.Context, kind blog.Kind, order string, now, from, to time.Time) ([]blog.PostRef, error) {
	where := ` WHERE p.kind = ? AND` + visible
	args := []any{kind, now.UnixMilli()}
	if !from.IsZero() {
		where += ` AND p.published_at >= ?`
		args = append(args, from.UnixMilli())
	}
	if !to.IsZero() {
		where += ` AND p.published_at < ?`
		args = append(args, to.UnixMilli())
	}
	rows, err := s.query(ctx, `SELECT p.id, p.kind, p.title, p.path, p.published_at, p.updated_at FROM posts p`+where+` ORDER BY `+order, args...)
	if err != nil {
		return nil, dbError(err, "listing posts")
	}
	defer rows.Close()
	var refs []blog.PostRef
	for rows.Next() {
		var ref blog.PostRef
		var pub, upd sql.NullInt64
		if err := rows.Scan(&ref.ID, &ref.Kind, &ref.Title, &ref.Path, &pub, &upd); err != nil {
			return nil, dbError(err, "listing posts")
		}
		ref.PublishedAt, ref.UpdatedAt = fromMS(pub), fromMS(upd)
		refs = append(refs, ref)
	}
	return refs, dbError(rows.Err(), "listing posts")
}

// Archive returns the visible posts published in [from, to), newest first.
func (s *Store) Archive(ctx context.Context, now, from, to time.Time) ([]blog.PostRef, error) {
	return s.refs(ctx, blog.KindPost, "p.published_at DESC, p.id DESC", now, from, to)
}

// Pages returns every visible page, by title.
func (s *Store) Pages(ctx context.Context, now time.Time) ([]blog.PostRef, error) {
	return s.refs(ctx, blog.KindPage, "p.title, p.id", now, time.Time{}, time.Time{})
}

// SavePost inserts or updates a post with its tags, in one transaction. A
// slug that clashes with another post's path gets "-2", "-3"… appended.
// When another process takes the same path between the check and the
// write, the transaction is tried again (three times at most).
func (s *Store) SavePost(ctx context.Context, p *blog.Post) error {
	slug, path := p.Slug, p.Path
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		p.Slug, p.Path = slug, path
		if err = s.savePostTx(ctx, p); err == nil || s.d.IsUniqueViolation == nil || !s.d.IsUniqueViolation(err) {
			return err
		}
	}
	return blog.Wrap(blog.ECONFLICT, err, "The path %s was taken by another write at the same time; try again.", path)
}

// ImportPosts saves many posts (new or existing) in one transaction, each
// exactly as SavePost saves it: version check, a suffix on a clashing
// slug (posts earlier in the same batch included), tags, the search
// document and a revision. It is all or nothing. Importers and bulk loads
// call it (through content.Service.Import) with batches of some hundreds
// of posts: one commit, and on SQLite one flush of the full-text index,
// per batch instead of per post is most of the speed of a large import.
// When another process takes a path at the same time (PostgreSQL), the
// whole batch is tried again, three times at most.
func (s *Store) ImportPosts(ctx context.Context, posts []*blog.Post) error {
	if len(posts) == 0 {
		return nil
	}
	type given struct {
		id, slug, path string
		version        int
	}
	before := make([]given, len(posts))
	for i, p := range posts {
		before[i] = given{p.ID, p.Slug, p.Path, p.Version}
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		for i, p := range posts {
			p.ID, p.Slug, p.Path, p.Version = before[i].id, before[i].slug, before[i].path, before[i].version
		}
		if err = s.importTx(ctx, posts); err == nil {
			return nil
		}
		if s.d.IsUniqueViolation == nil || !s.d.IsUniqueViolation(err) {
			break
		}
	}
	for i, p := range posts { // as the caller gave them: nothing was saved
		p.ID, p.Slug, p.Path, p.Version = before[i].id, before[i].slug, before[i].path, before[i].version
	}
	if s.d.IsUniqueViolation != nil && s.d.IsUniqueViolation(err) {
		return blog.Wrap(blog.ECONFLICT, err, "A path of this batch was taken by another write at the same time; try again.")
	}
	return err
}

func (s *Store) importTx(ctx context.Context, posts []*blog.Post) error {
	tx, err := s.begin(ctx, nil)
	if err != nil {
		return dbError(err, "importing posts")
	}
	defer tx.Rollback()
	s.queries.Add(1)
	// The batch's new tags first, in slug order: two imports creating the
	// same tags wait for each other instead of deadlocking (PostgreSQL).
	var tags []blog.Tag
	for _, p := range posts {
		for _, t := range p.Tags {
			if t.Slug != "" {
				tags = append(tags, t)
			}
		}
	}
	slices.SortFunc(tags, func(a, b blog.Tag) int { return strings.Compare(a.Slug, b.Slug) })
	tags = slices.CompactFunc(tags, func(a, b blog.Tag) bool { return a.Slug == b.Slug })
	for i := range tags {
		if err := resolveTag(ctx, tx, &tags[i]); err != nil {
			return err
		}
	}
	for _, p := range posts {
		if err := savePost(ctx, tx, p); err != nil {
			var be *blog.Error
			if errors.As(err, &be) { // say which post of the batch
				return &blog.Error{Code: be.Code, Message: fmt.Sprintf("%q: %s", p.Title, be.Message), Err: be.Err}
			}
			return err
		}
	}
	return dbError(tx.Commit(), "importing posts")
}

func (s *Store) savePostTx(ctx context.Context, p *blog.Post) error {
	tx, err := s.begin(ctx, nil)
	if err != nil {
		return dbError(err, "saving a post")
	}
	defer tx.Rollback()
	s.queries.Add(1)
	if err := savePost(ctx, tx, p); err != nil {
		return err
	}
	return dbError(tx.Commit(), "saving a post")
}

// savePost writes p and its tags in tx. p.Path was computed by the caller
// from the slug; when it clashes, the slug and path get a numeric suffix.
func savePost(ctx context.Context, tx rebindTx, p *blog.Post) error {
	d := tx.d
	if p.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return blog.Wrap(blog.EINTERNAL, err, "making an id")
		}
		p.ID = id.String()
	}
	oldPath, err := checkVersion(ctx, tx, p)
	if err != nil {
		return err
	}
	if p.Path != "" && d.PathLock != "" {
		if _, err := tx.ExecContext(ctx, d.PathLock, p.Path); err != nil {
			return dbError(err, "locking the path")
		}
	}
	if p.Path != "" {
		base, slug := p.Path, p.Slug
		for i := 2; ; i++ {
			var other string
			err := tx.QueryRowContext(ctx, `SELECT id FROM posts WHERE path = ? AND id <> ?`, p.Path, p.ID).Scan(&other)
			if errors.Is(err, sql.ErrNoRows) {
				break
			}
			if err != nil {
				return dbError(err, "checking the path")
			}
			if i > 1000 {
				return blog.Errorf(blog.ECONFLICT, "The path %s is taken.", base)
			}
			p.Slug = fmt.Sprintf("%s-%d", slug, i)
			p.Path = strings.TrimSuffix(base, slug+"/") + p.Slug + "/"
		}
	}
	var path any
	if p.Path != "" {
		path = p.Path
	}
	var author any
	if p.AuthorID != 0 {
		author = p.AuthorID
	}
	var featured any
	if p.Featured != nil {
		var typ string
		err := tx.QueryRowContext(ctx, `SELECT type FROM media WHERE hash = ?`, p.Featured.Hash).Scan(&typ)
		if errors.Is(err, sql.ErrNoRows) {
			return blog.Errorf(blog.EINVALID, "featured image: the media library has no file %s", p.Featured.Hash)
		}
		if err != nil {
			return dbError(err, "checking the featured image")
		}
		featured = p.Featured.Hash
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO posts (id, kind, slug, title, body, format, excerpt, description, status, pinned,
			author_id, published_at, updated_at, created_at, path, content_html, excerpt_html, has_more, toc_html, word_count, render_version, version,
			featured_image)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, slug = excluded.slug, title = excluded.title, body = excluded.body,
			format = excluded.format, excerpt = excluded.excerpt, description = excluded.description, status = excluded.status,
			pinned = excluded.pinned, author_id = excluded.author_id, published_at = excluded.published_at,
			updated_at = excluded.updated_at, path = excluded.path, content_html = excluded.content_html,
			excerpt_html = excluded.excerpt_html, has_more = excluded.has_more, toc_html = excluded.toc_html,
			word_count = excluded.word_count, render_version = excluded.render_version, version = excluded.version,
			featured_image = excluded.featured_image`,
		p.ID, p.Kind, p.Slug, p.Title, p.Body, p.Format, p.Excerpt, p.Description, p.Status, p.Pinned,
		author, ms(p.PublishedAt), p.UpdatedAt.UnixMilli(), p.CreatedAt.UnixMilli(), path,
		p.Rendered.HTML, p.Rendered.ExcerptHTML, p.Rendered.HasMore, p.Rendered.TOCHTML, p.Rendered.WordCount, p.Rendered.Version, p.Version,
		featured)
	if err != nil {
		return dbError(err, "saving a post")
	}
	if err := savePostMedia(ctx, tx, p); err != nil {
		return err
	}
	if err := moveRedirects(ctx, tx, oldPath, p.Path); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM post_tags WHERE post_id = ?`, p.ID); err != nil {
		return dbError(err, "saving tags")
	}
	for i := range p.Tags {
		t := &p.Tags[i]
		if t.Slug == "" {
			t.Slug = blog.Slugify(t.Name)
		}
		if t.Slug == "" {
			return blog.Errorf(blog.EINVALID, "tag %q: a tag needs at least one letter or digit", t.Name)
		}
		if err := resolveTag(ctx, tx, t); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO post_tags (post_id, tag_id, position, kind, live, published_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			p.ID, t.ID, i, p.Kind, p.Status == blog.StatusPublished || p.Status == blog.StatusScheduled, ms(p.PublishedAt)); err != nil {
			return dbError(err, "saving tags")
		}
	}
	if err := indexPost(ctx, tx, p); err != nil {
		return err
	}
	return saveRevision(ctx, tx, p)
}

// resolveTag sets t's id, and its name as stored, creating the tag when
// no tag has its slug. An existing tag is only read, never written: a save
// locks no tag row, so concurrent saves and imports of posts sharing tags
// do not wait for each other (PostgreSQL: an upsert that updated the row
// took a lock that deadlocked against the key-share locks of post_tags'
// foreign key in another transaction).
func resolveTag(ctx context.Context, tx rebindTx, t *blog.Tag) error {
	const read = `SELECT id, name FROM tags WHERE slug = ?`
	err := tx.QueryRowContext(ctx, read, t.Slug).Scan(&t.ID, &t.Name)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `INSERT INTO tags (slug, name) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING RETURNING id, name`,
			t.Slug, t.Name).Scan(&t.ID, &t.Name)
		if errors.Is(err, sql.ErrNoRows) { // another writer made it meanwhile
			err = tx.QueryRowContext(ctx, read, t.Slug).Scan(&t.ID, &t.Name)
		}
	}
	return dbError(err, "saving tags")
}

// StalePosts returns up to limit posts and pages (any status) whose stored
// HTML was made by a Markdown pipeline older than version, with their tags.
func (s *Store) StalePosts(ctx context.Context, version, limit int) ([]*blog.Post, error) {
	return s.postsWhere(ctx, "listing stale posts", ` WHERE p.render_version < ? ORDER BY p.id LIMIT ?`, version, limit)
}

// postsWhere returns the posts (any status) a WHERE clause selects, with
// their tags.
func (s *Store) postsWhere(ctx context.Context, what, where string, args ...any) ([]*blog.Post, error) {
	posts, err := s.postList(ctx, postFrom+where, args...)
	if err != nil {
		return nil, dbError(err, what)
	}
	return posts, s.loadTags(ctx, posts)
}

// SaveRendered stores a post's HTML made again by a newer Markdown
// pipeline, changing nothing else (no new version, no revision).
func (s *Store) SaveRendered(ctx context.Context, id string, r blog.Rendered) error {
	_, err := s.exec(ctx, `UPDATE posts SET content_html = ?, excerpt_html = ?, has_more = ?, toc_html = ?, word_count = ?, render_version = ? WHERE id = ?`,
		r.HTML, r.ExcerptHTML, r.HasMore, r.TOCHTML, r.WordCount, r.Version, id)
	return dbError(err, "saving rendered HTML")
}
