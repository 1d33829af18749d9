// Package blog holds Octavo's domain: posts, pages, tags, users and site
// settings, the interfaces that read and write them, the error codes every
// layer shares and the clock everything asks for "now".
//
// It imports nothing of Octavo's own: the store adapters (internal/store/…),
// the renderer and the web layer depend on it, never the other way round.
package blog

import (
	"sync"
	"time"
)

// Kind tells a post (in the date stream) from a page (outside it).
type Kind string

// The kinds of content.
const (
	KindPost Kind = "post"
	KindPage Kind = "page"
)

// Status is where a post stands in its life.
type Status string

// The statuses a post or page can have.
const (
	StatusDraft     Status = "draft"
	StatusPending   Status = "pending"
	StatusScheduled Status = "scheduled"
	StatusPublished Status = "published"
	StatusTrashed   Status = "trashed"
)

// Format says how a body is turned into HTML.
type Format string

// The body formats: Markdown (raw HTML allowed inside) or HTML as is, for
// imported content that must not go through Markdown.
const (
	FormatMarkdown Format = "markdown"
	FormatHTML     Format = "html"
)

// Post is a post or a page. Pages share every field; their Path is "/slug/"
// and they stay out of lists, feeds of posts and archives.
type Post struct {
	// ID is a UUIDv7, also the feed entry id (urn:uuid:ID); it never changes.
	ID          string
	Kind        Kind
	Slug        string
	Title       string
	Body        string
	Format      Format
	Excerpt     string // explicit excerpt, Markdown; empty when none
	Description string // meta description; empty when none
	Status      Status
	Pinned      bool
	AuthorID    int64
	Author      Author
	PublishedAt time.Time
	UpdatedAt   time.Time
	CreatedAt   time.Time
	// Path is the permalink, e.g. "/2026/11/slug/" for a post, "/about/"
	// for a page, computed from the permalink pattern on every write.
	Path string
	Tags []Tag
	// Version counts the saves of the post. A writer that read version N
	// saves with Version N: if someone saved in between, the save fails
	// with ECONFLICT instead of overwriting their text. Zero skips the
	// check (imports, the CLI, the seeder).
	Version int
	// Featured is the post's featured image (a file of the media
	// library), nil when none: shown in the post's header, its OpenGraph
	// and JSON-LD metadata and its feed entries. Saving uses its Hash.
	Featured *Image

	// Rendered is the HTML made from Body by the Markdown pipeline, kept
	// with the post so that reading never renders Markdown again.
	Rendered Rendered
}

// Rendered is what the Markdown pipeline made of a post's body.
type Rendered struct {
	HTML        string // the full content
	ExcerptHTML string // the rich excerpt (always well-formed)
	HasMore     bool   // whether the full post has more than the excerpt
	TOCHTML     string // a table of contents, empty for fewer than 3 headings
	WordCount   int
	Version     int // the pipeline version that made it (see markdown.Version)
}

// ReadingMinutes is the reading time at 220 words a minute, at least 1.
func (r Rendered) ReadingMinutes() int {
	m := (r.WordCount + 110) / 220
	if m < 1 {
		return 1
	}
	return m
}

// Visible reports whether visitors may see the post at now: published, or
// scheduled with its time come.
func (p *Post) Visible(now time.Time) bool {
	return (p.Status == StatusPublished || p.Status == StatusScheduled) && !p.PublishedAt.After(now)
}

// Author is the public face of a user on a post.
type Author struct {
	ID          int64
	Username    string
	DisplayName string
}

// Tag groups posts. Slug is its URL name (/tag/SLUG/).
type Tag struct {
	ID    int64
	Slug  string
	Name  string
	Count int // visible posts carrying it, when a query asks for counts
	// Updated is the latest publication or edit among its visible posts,
	// filled by Reader.Tags (for the sitemap's lastmod).
	Updated time.Time
}

// MonthCount is one month of the archive.
type MonthCount struct {
	Year  int
	Month time.Month
	Count int
}

// Role is what a user may do.
type Role string

// The roles, most powerful first.
const (
	RoleOwner       Role = "owner"
	RoleEditor      Role = "editor"
	RoleAuthor      Role = "author"
	RoleContributor Role = "contributor"
)

// TrustedHTML reports whether HTML this role writes is published as
// written (owners and editors); others' is sanitized.
func (r Role) TrustedHTML() bool { return r == RoleOwner || r == RoleEditor }

// User is an account.
type User struct {
	ID           int64
	Username     string
	Email        string
	DisplayName  string
	Role         Role
	PasswordHash string
	CreatedAt    time.Time
}

// Clock gives the current time. One clock is passed to whatever needs
// "now" (visibility of scheduled posts, feeds, sessions) so tests can set it.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// FixedClock is a clock a test sets and moves.
type FixedClock struct{ T time.Time }

// Now returns the time the test set.
func (c *FixedClock) Now() time.Time { return c.T }

// ManualClock is a clock a test moves forward while a server runs on it:
// whatever waits for a time (the scheduler) listens to Moved and looks
// again when the clock moves. Safe for concurrent use.
type ManualClock struct {
	mu    sync.Mutex
	t     time.Time
	moved chan struct{}
}

// NewManualClock returns a clock stopped at t.
func NewManualClock(t time.Time) *ManualClock {
	return &ManualClock{t: t, moved: make(chan struct{})}
}

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d and wakes whoever waits on Moved.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	close(c.moved)
	c.moved = make(chan struct{})
}

// Moved returns a channel closed the next time the clock moves.
func (c *ManualClock) Moved() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.moved
}
