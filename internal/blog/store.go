package blog

import (
	"context"
	"time"
)

// ListQuery selects visible posts for a list page or a feed.
type ListQuery struct {
	Now         time.Time // posts published after Now are not visible yet
	TagSlug     string    // only posts with this tag, when set
	From, To    time.Time // only posts published in [From, To), when set
	PinnedFirst bool      // pinned posts first (the front page), then newest first
	Offset      int
	Limit       int
	// SkipTotal spares counting every selected post when the caller
	// needs only this page (feeds, the 404 page's recent posts).
	SkipTotal bool
	// ExcerptOnly tells that the caller shows the posts' excerpts, not
	// their whole HTML or table of contents (list pages whose templates
	// do not use them): a source may leave those empty.
	ExcerptOnly bool
}

// PostRef is the light form of a post for archives, sitemaps and
// previous/next links.
type PostRef struct {
	ID          string
	Kind        Kind
	Title       string
	Path        string
	PublishedAt time.Time
	UpdatedAt   time.Time
}

// Reader is what the renderer needs to read a blog. The SQL stores
// implement it, and so can any other source of content (a folder of
// Markdown files) so that one renderer serves them all.
//
// Methods return an *Error with code ENOTFOUND when the thing asked for does
// not exist or is not visible at the given time; never (nil, nil).
type Reader interface {
	// Settings returns the site settings, defaults filled in.
	Settings(ctx context.Context) (Settings, error)
	// ListPosts returns the visible posts that q selects, with their tags
	// and authors, and how many there are in all (ignoring Offset/Limit).
	ListPosts(ctx context.Context, q ListQuery) ([]*Post, int, error)
	// PostByPath returns the visible post or page at a permalink path.
	PostByPath(ctx context.Context, path string, now time.Time) (*Post, error)
	// Neighbours returns the visible posts just older and just newer than
	// p (nil when there is none).
	Neighbours(ctx context.Context, p *Post, now time.Time) (older, newer *PostRef, err error)
	// TagBySlug returns a tag that has at least one visible post.
	TagBySlug(ctx context.Context, slug string, now time.Time) (Tag, error)
	// Tags returns every tag with its count of visible posts and the
	// latest publication or edit among them (Tag.Updated), by name.
	Tags(ctx context.Context, now time.Time) ([]Tag, error)
	// Archive returns the visible posts (not pages) published in
	// [from, to) (zero times leave that end open), newest first.
	Archive(ctx context.Context, now, from, to time.Time) ([]PostRef, error)
	// Pages returns every visible page, by title.
	Pages(ctx context.Context, now time.Time) ([]PostRef, error)
	// Redirect returns the target of an old path, ENOTFOUND when none.
	Redirect(ctx context.Context, path string) (string, error)
	// Search returns the posts and pages that match every term of q, with
	// their tags, best first — every term in the title, then some term in
	// the title, then in a tag, then in the body only; newest first
	// within each — and how many match, counted up to SearchMaxResults.
	// Terms are what internal/search.Parse makes; EINVALID for anything
	// else.
	Search(ctx context.Context, q SearchQuery) ([]*Post, int, error)
}

// Writer changes a blog. Every method is one transaction: it either
// happens whole or not at all.
type Writer interface {
	// SavePost inserts p when p.ID is empty (giving it a UUIDv7) or
	// updates it, with its tags (created on the fly by name).
	SavePost(ctx context.Context, p *Post) error
	// SaveSettings stores the site settings.
	SaveSettings(ctx context.Context, s Settings) error
	// CreateUser inserts u and sets its ID.
	CreateUser(ctx context.Context, u *User) error
}

// Store is a whole blog database: reading, writing and its life cycle.
type Store interface {
	Reader
	Writer
	// Seeded reports whether demo content was already offered to this
	// database, and MarkSeeded records that it was.
	Seeded(ctx context.Context) (bool, error)
	MarkSeeded(ctx context.Context) error
	// Close releases the database.
	Close() error
}
