// Package content is the write path for posts and pages: it checks what is
// written, derives slugs and permalinks, renders the Markdown once, saves
// through the store and tells the page cache which dependency keys the
// write touched. The admin, the CLI, the seeder and importers all write
// through it.
package content

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"octavo/internal/blog"
	"octavo/internal/markdown"
)

// Store is what the service needs of a store.
type Store interface {
	blog.Store
	PostByID(ctx context.Context, id string) (*blog.Post, error)
	StalePosts(ctx context.Context, version, limit int) ([]*blog.Post, error)
	SaveRendered(ctx context.Context, id string, r blog.Rendered) error
	ImportPosts(ctx context.Context, posts []*blog.Post) error
	PublishDue(ctx context.Context, now time.Time) ([]*blog.Post, error)
	NextDue(ctx context.Context) (time.Time, bool, error)
	// UserByID gives a post's author, whose role decides whether the
	// HTML they write is sanitized.
	UserByID(ctx context.Context, id int64) (*blog.User, error)
	blog.Editorial
	blog.EditorialLists
	blog.MediaStore
}

// Service writes content.
type Service struct {
	store   Store
	md      *markdown.Renderer
	clock   blog.Clock
	changed func(keys []string) // told after every committed write

	// importing lets one Import write at a time: SQLite has one writer
	// (a second would wait past its busy timeout behind a large batch),
	// and on PostgreSQL two batches that share paths or new tags would
	// lock them in different orders.
	importing sync.Mutex
}

// New returns a service. changed is called with the dependency keys of
// every committed write (nil when nobody listens).
func New(store Store, md *markdown.Renderer, clock blog.Clock, changed func(keys []string)) *Service {
	if changed == nil {
		changed = func([]string) {}
	}
	return &Service{store: store, md: md, clock: clock, changed: changed}
}

// Save validates, renders and stores p (a new post when p.ID is empty).
func (s *Service) Save(ctx context.Context, p *blog.Post) error {
	if err := s.prepare(ctx, p); err != nil {
		return err
	}
	var before *blog.Post
	var beforeKeys []string
	if p.ID != "" {
		old, err := s.store.PostByID(ctx, p.ID)
		switch {
		case err == nil:
			before = old
			beforeKeys, err = s.neighbourKeys(ctx, old)
			if err != nil {
				return err
			}
		case !blog.IsNotFound(err):
			return err
		}
	}
	if err := s.store.SavePost(ctx, p); err != nil {
		return err
	}
	keys, err := s.changeKeys(ctx, before, p, beforeKeys)
	if err != nil {
		return err
	}
	s.changed(keys)
	return nil
}

// Import saves many posts (new or existing) as Save saves each one —
// checked, slugged, Markdown rendered — but renders them on every core at
// once and writes them in one transaction (the store's ImportPosts): for
// importers and bulk loads, which call it with batches of a few hundred.
// It is all or nothing: on an error nothing of the batch is written, and
// the error names the post. Several Imports may run at once: they render
// together and write one after the other. It tells the cache that every
// page changed, rather than reading each post's neighbours.
func (s *Service) Import(ctx context.Context, posts []*blog.Post) error {
	if len(posts) == 0 {
		return nil
	}
	workers := min(runtime.GOMAXPROCS(0), len(posts))
	errs := make([]error, len(posts))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(posts) {
					return
				}
				if err := s.prepare(ctx, posts[i]); err != nil {
					errs[i] = err
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return named(posts[i], err)
		}
	}
	s.importing.Lock()
	err := s.store.ImportPosts(ctx, posts)
	s.importing.Unlock()
	if err != nil {
		return err
	}
	s.changed([]string{blog.DepSettings}) // every page
	return nil
}

// named prefixes the message of err with the title of the post it is about.
func named(p *blog.Post, err error) error {
	var be *blog.Error
	if !errors.As(err, &be) {
		return err
	}
	title := p.Title
	if title == "" {
		title = "(untitled)"
	}
	return &blog.Error{Code: be.Code, Message: fmt.Sprintf("%q: %s", title, be.Message), Err: be.Err}
}

// prepare fills in what the writer left out and checks the rest.
func (s *Service) prepare(ctx context.Context, p *blog.Post) error {
	p.Title = strings.TrimSpace(p.Title)
	if p.Title == "" {
		return blog.Errorf(blog.EINVALID, "title: must not be empty")
	}
	if len(p.Title) > 300 {
		return blog.Errorf(blog.EINVALID, "title: %d bytes is too long (at most 300)", len(p.Title))
	}
	if p.Kind == "" {
		p.Kind = blog.KindPost
	}
	if p.Kind != blog.KindPost && p.Kind != blog.KindPage {
		return blog.Errorf(blog.EINVALID, "kind: %q is neither post nor page", p.Kind)
	}
	if p.Format == "" {
		p.Format = blog.FormatMarkdown
	}
	if p.Format != blog.FormatMarkdown && p.Format != blog.FormatHTML {
		return blog.Errorf(blog.EINVALID, "format: %q is neither markdown nor html", p.Format)
	}
	if p.Status == "" {
		p.Status = blog.StatusDraft
	}
	switch p.Status {
	case blog.StatusDraft, blog.StatusPending, blog.StatusScheduled, blog.StatusPublished, blog.StatusTrashed:
	default:
		return blog.Errorf(blog.EINVALID, "status: %q is not one of draft, pending, scheduled, published, trashed", p.Status)
	}
	if p.Slug == "" {
		p.Slug = blog.Slugify(p.Title)
	}
	if p.Slug == "" {
		return blog.Errorf(blog.EINVALID, "slug: the title %q has no letter or digit to make a slug from; give one", p.Title)
	}
	if err := blog.ValidateSlug(p.Kind, p.Slug); err != nil {
		return err
	}
	now := s.clock.Now().UTC()
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	p.UpdatedAt = now
	if (p.Status == blog.StatusPublished || p.Status == blog.StatusScheduled) && p.PublishedAt.IsZero() {
		p.PublishedAt = now
	}
	st, err := s.store.Settings(ctx)
	if err != nil {
		return err
	}
	switch {
	case p.Kind == blog.KindPage:
		p.Path = blog.PagePath(p.Slug)
	case !p.PublishedAt.IsZero():
		p.Path = st.PostPath(p.Slug, p.PublishedAt)
	default:
		p.Path = ""
	}
	seen := map[string]bool{}
	tags := p.Tags[:0]
	for _, t := range p.Tags {
		t.Name = strings.TrimSpace(t.Name)
		if t.Slug == "" {
			t.Slug = blog.Slugify(t.Name)
		}
		if t.Slug == "" {
			return blog.Errorf(blog.EINVALID, "tag %q: a tag needs at least one letter or digit", t.Name)
		}
		if !seen[t.Slug] {
			seen[t.Slug] = true
			tags = append(tags, t)
		}
	}
	p.Tags = tags
	r, err := s.render(ctx, p)
	if err != nil {
		return err
	}
	p.Rendered = r
	return nil
}

// changeKeys lists the dependency keys a write from before to after
// touched: always the post itself; when what visitors see of the stream
// changes (it appears, disappears, moves or is pinned), the lists, the tags
// it had and has, and its neighbours before (oldNeighbours) and after.
func (s *Service) changeKeys(ctx context.Context, before, after *blog.Post, oldNeighbours []string) ([]string, error) {
	keys := []string{blog.DepPost(after.ID)}
	now := s.clock.Now()
	wasVisible := before != nil && before.Visible(now)
	isVisible := after.Visible(now)
	if !wasVisible && !isVisible {
		return keys, nil
	}
	moved := before == nil || wasVisible != isVisible || !before.PublishedAt.Equal(after.PublishedAt) ||
		before.Pinned != after.Pinned || before.Kind != after.Kind || before.Path != after.Path
	if moved {
		keys = append(keys, blog.DepList)
		n, err := s.neighbourKeys(ctx, after)
		if err != nil {
			return nil, err
		}
		keys = append(keys, n...)
		keys = append(keys, oldNeighbours...)
	}
	// Tag pages that show the post depend on it already; a tag page must
	// also go when the post joins it, or when the whole stream moved.
	had := func(slug string) bool {
		return before != nil && wasVisible && slices.ContainsFunc(before.Tags, func(t blog.Tag) bool { return t.Slug == slug })
	}
	for _, t := range after.Tags {
		if moved || !had(t.Slug) {
			keys = append(keys, blog.DepTag(t.Slug))
		}
	}
	if before != nil && moved {
		for _, t := range before.Tags {
			keys = append(keys, blog.DepTag(t.Slug))
		}
	}
	return keys, nil
}

// neighbourKeys returns the keys of the posts around p, whose previous/next
// links name it.
func (s *Service) neighbourKeys(ctx context.Context, p *blog.Post) ([]string, error) {
	if p.Kind != blog.KindPost || !p.Visible(s.clock.Now()) {
		return nil, nil
	}
	older, newer, err := s.store.Neighbours(ctx, p, s.clock.Now())
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, ref := range []*blog.PostRef{older, newer} {
		if ref != nil {
			keys = append(keys, blog.DepNav(ref.ID))
		}
	}
	return keys, nil
}

// RerenderStale renders again every post whose stored HTML an older
// Markdown pipeline made (markdown.Version changed), keeping everything
// else, and returns how many it rendered. serve runs it at start-up.
func (s *Service) RerenderStale(ctx context.Context) (int, error) {
	done := 0
	for {
		// A batch at a time: a large blog's bodies need not fit in memory.
		posts, err := s.store.StalePosts(ctx, markdown.Version, 100)
		if err != nil || len(posts) == 0 {
			if done > 0 {
				s.changed([]string{blog.DepSettings}) // every page
			}
			return done, err
		}
		for _, p := range posts {
			r, err := s.render(ctx, p)
			if err != nil {
				return done, blog.Wrap(blog.EINTERNAL, err, "rendering %q again", p.Title)
			}
			if err := s.store.SaveRendered(ctx, p.ID, r); err != nil {
				return done, err
			}
			done++
		}
	}
}

// render renders p's body as its author's trust allows (renderBody).
func (s *Service) render(ctx context.Context, p *blog.Post) (blog.Rendered, error) {
	trusted, err := s.trusted(ctx, p.AuthorID)
	if err != nil {
		return blog.Rendered{}, err
	}
	return s.renderBody(ctx, p.Body, p.Format, p.Excerpt, trusted)
}

// renderBody renders a body with the media library's files it refers to
// at hand, so that their images get srcset, width and height; the HTML is
// sanitized unless its writer is trusted.
func (s *Service) renderBody(ctx context.Context, body string, format blog.Format, excerpt string, trusted bool) (blog.Rendered, error) {
	found, err := s.store.MediaImages(ctx, blog.MediaRefs(body))
	if err != nil {
		return blog.Rendered{}, err
	}
	r, err := s.md.RenderWith(body, format, excerpt, func(hash string) (blog.Image, bool) {
		img, ok := found[hash]
		return img, ok
	})
	if err != nil {
		return r, blog.Wrap(blog.EINVALID, err, "body: could not be rendered")
	}
	if !trusted {
		r.HTML, r.ExcerptHTML, r.TOCHTML = Sanitize(r.HTML), Sanitize(r.ExcerptHTML), Sanitize(r.TOCHTML)
	}
	return r, nil
}

// MediaChanged renders again the posts and pages of uses, which show a
// media file that was just added or deleted (their images gain or lose
// srcset, width and height; a deleted featured image is gone), and tells
// the cache.
func (s *Service) MediaChanged(ctx context.Context, uses []blog.MediaUse) error {
	var keys []string
	seen := map[string]bool{}
	for _, u := range uses {
		if seen[u.Post.ID] {
			continue
		}
		seen[u.Post.ID] = true
		p, err := s.store.PostByID(ctx, u.Post.ID)
		if err != nil {
			return err
		}
		r, err := s.render(ctx, p)
		if err != nil {
			return err
		}
		if err := s.store.SaveRendered(ctx, p.ID, r); err != nil {
			return err
		}
		keys = append(keys, blog.DepPost(p.ID))
	}
	if len(keys) > 0 {
		s.changed(keys)
	}
	return nil
}
