package blog

import (
	"context"
	"time"
)

// Revision is one save of a post: what it said then.
type Revision struct {
	ID          int64
	PostID      string
	Version     int
	Title       string
	Slug        string
	Body        string
	Excerpt     string
	Description string
	Tags        []string
	AuthorID    int64
	CreatedAt   time.Time
}

// RedirectRule is an old path that answers 301 to a new one.
type RedirectRule struct {
	From, To  string
	CreatedAt time.Time
	// Manual is true for a redirect someone added (AddRedirect), false for
	// one a slug, permalink or tag change made.
	Manual bool
}

// Editorial is what the editor needs of a store beyond reading and saving:
// revisions, deletion, redirects and tags. Every method is one transaction.
type Editorial interface {
	// Revisions lists a post's revisions, newest first.
	Revisions(ctx context.Context, postID string) ([]Revision, error)
	// RevisionByID returns one revision (ENOTFOUND when none).
	RevisionByID(ctx context.Context, id int64) (Revision, error)
	// DeletePost deletes a trashed post for good with its revisions;
	// ECONFLICT when it is not in the trash.
	DeletePost(ctx context.Context, id string) (*Post, error)
	// Redirects lists every redirect, by old path.
	Redirects(ctx context.Context) ([]RedirectRule, error)
	// AddRedirect records, by hand, that from now lives at to (replacing
	// a redirect from the same path). EINVALID when either is not a
	// site-local path (CheckRedirectPath), when from is to, when from is
	// where a post or page lives, or when to itself redirects (a chain or
	// a loop). Redirects that pointed at from now point at to.
	AddRedirect(ctx context.Context, from, to string) error
	// DeleteRedirect removes the redirect from an old path.
	DeleteRedirect(ctx context.Context, from string) error
	// AllTags returns every tag, used or not, by name, with Count the
	// posts and pages of any status (drafts and trash included) that
	// carry it.
	AllTags(ctx context.Context) ([]Tag, error)
	// RenameTag gives a tag a new name and slug (its old URL redirects);
	// when the new slug is another tag's, the two are merged.
	RenameTag(ctx context.Context, slug, newName string) (Tag, error)
}

// AdminQuery selects posts or pages of any status for the admin's lists.
type AdminQuery struct {
	Kind Kind
	// Status selects one status; empty selects every status but trashed
	// (the trash is a list of its own, as in WordPress).
	Status   Status
	TagSlug  string // only posts with this tag, when set
	AuthorID int64  // only this author's posts, when not 0
	// Title keeps the posts whose title holds it, ignoring the case of
	// ASCII letters.
	Title  string
	Offset int
	Limit  int // 0: no limit
}

// Change is one save of a post or page, for the dashboard's recent
// changes: the revision, with what the post is called now.
type Change struct {
	RevisionID int64
	PostID     string
	Kind       Kind
	Title      string // the post's current title
	Version    int
	Author     Author // who the revision names (the post's author)
	At         time.Time
}

// EditorialLists is what the admin's lists read: posts of any status.
// Every method is one statement or transaction.
type EditorialLists interface {
	// AdminPosts returns the posts q selects with their tags and authors,
	// the most recently changed first, and how many q selects in all
	// (ignoring Offset and Limit).
	AdminPosts(ctx context.Context, q AdminQuery) ([]*Post, int, error)
	// StatusCounts counts the posts of kind by status (authorID 0: every
	// author's).
	StatusCounts(ctx context.Context, kind Kind, authorID int64) (map[Status]int, error)
	// RecentChanges returns the latest limit revisions across posts and
	// pages, newest first (authorID 0: every author's posts).
	RecentChanges(ctx context.Context, authorID int64, limit int) ([]Change, error)
}
