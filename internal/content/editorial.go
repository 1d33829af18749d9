package content

import (
	"context"
	"strings"

	"octavo/internal/blog"
)

// Trash moves a post to the trash: it leaves the site at once (its URL
// answers 404) and can be restored.
func (s *Service) Trash(ctx context.Context, id string) (*blog.Post, error) {
	return s.setStatus(ctx, id, blog.StatusTrashed)
}

// Restore brings a post back from the trash as a draft, as WordPress does:
// its author publishes it again when ready.
func (s *Service) Restore(ctx context.Context, id string) (*blog.Post, error) {
	p, err := s.store.PostByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Status != blog.StatusTrashed {
		return nil, blog.Errorf(blog.ECONFLICT, "%q is not in the trash.", p.Title)
	}
	return s.setStatus(ctx, id, blog.StatusDraft)
}

func (s *Service) setStatus(ctx context.Context, id string, st blog.Status) (*blog.Post, error) {
	p, err := s.store.PostByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p.Status = st
	p.Version = 0 // a status change does not conflict with an edit
	return p, s.Save(ctx, p)
}

// Delete deletes a trashed post for good.
func (s *Service) Delete(ctx context.Context, id string) error {
	p, err := s.store.DeletePost(ctx, id)
	if err != nil {
		return err
	}
	s.changed([]string{blog.DepPost(p.ID)})
	return nil
}

// RestoreRevision makes a post say again what one of its revisions said
// (title, slug, body, excerpt, description, tags), as a new save: the
// revision list keeps everything in between. version is the post's version
// the writer saw, for the conflict check (0 skips it).
func (s *Service) RestoreRevision(ctx context.Context, postID string, revisionID int64, version int) (*blog.Post, error) {
	rev, err := s.store.RevisionByID(ctx, revisionID)
	if err != nil {
		return nil, err
	}
	if rev.PostID != postID {
		return nil, blog.Errorf(blog.EINVALID, "revision %d belongs to another post", revisionID)
	}
	p, err := s.store.PostByID(ctx, postID)
	if err != nil {
		return nil, err
	}
	p.Title, p.Slug, p.Body, p.Excerpt, p.Description = rev.Title, rev.Slug, rev.Body, rev.Excerpt, rev.Description
	p.Tags = nil
	for _, name := range rev.Tags {
		p.Tags = append(p.Tags, blog.Tag{Name: name})
	}
	p.Version = version
	return p, s.Save(ctx, p)
}

// SaveSettings stores the site settings. A new permalink pattern or time
// zone moves every post to its new path, and each old path redirects;
// moved is how many posts changed path.
func (s *Service) SaveSettings(ctx context.Context, st blog.Settings) (moved int, err error) {
	if err := st.Validate(); err != nil {
		return 0, err
	}
	old, err := s.store.Settings(ctx)
	if err != nil {
		return 0, err
	}
	if err := s.store.SaveSettings(ctx, st); err != nil {
		return 0, err
	}
	// Every page shows the settings: drop them even when a post below
	// fails to move.
	defer s.changed([]string{blog.DepSettings, blog.DepList})
	if old.Permalink != st.Permalink || old.TimeZone != st.TimeZone {
		// The settings are saved: finish moving the posts even if whoever
		// asked goes away (a large blog takes minutes; see
		// BenchmarkSaveSettingsRepath), or some would stay behind.
		ctx := context.WithoutCancel(ctx)
		refs, err := s.store.Archive(ctx, farFuture, zeroTime, zeroTime)
		if err != nil {
			return moved, err
		}
		for _, ref := range refs {
			p, err := s.store.PostByID(ctx, ref.ID)
			if err != nil {
				return moved, err
			}
			before := p.Path
			p.Version = 0
			if err := s.Save(ctx, p); err != nil {
				return moved, err
			}
			if p.Path != before {
				moved++
			}
		}
	}
	return moved, nil
}

// AddRedirect records, by hand, that from now lives at to (the store
// checks both; see blog.Editorial.AddRedirect).
func (s *Service) AddRedirect(ctx context.Context, from, to string) error {
	if err := s.store.AddRedirect(ctx, from, to); err != nil {
		return err
	}
	// A cached redirect names no inputs and is filed under the list key;
	// uncached 404s need nothing.
	s.changed([]string{blog.DepList})
	return nil
}

// DeleteRedirect removes the redirect from an old path.
func (s *Service) DeleteRedirect(ctx context.Context, from string) error {
	if err := s.store.DeleteRedirect(ctx, from); err != nil {
		return err
	}
	s.changed([]string{blog.DepList})
	return nil
}

// RenameTag renames (or, onto an existing tag's name, merges) a tag; its
// old URL redirects to the new one.
func (s *Service) RenameTag(ctx context.Context, slug, newName string) (blog.Tag, error) {
	posts, _, err := s.store.ListPosts(ctx, blog.ListQuery{Now: farFuture, TagSlug: slug})
	if err != nil {
		return blog.Tag{}, err
	}
	t, err := s.store.RenameTag(ctx, slug, strings.TrimSpace(newName))
	if err != nil {
		return t, err
	}
	keys := []string{blog.DepTag(slug), blog.DepTag(t.Slug)}
	for _, p := range posts {
		keys = append(keys, blog.DepPost(p.ID))
	}
	s.changed(keys)
	return t, nil
}

// Preview renders a body as a save would (the same Markdown pipeline and
// highlighting, sanitized unless trusted), storing nothing: the editor's
// live preview.
func (s *Service) Preview(ctx context.Context, body string, format blog.Format, excerpt string, trusted bool) (blog.Rendered, error) {
	if format == "" {
		format = blog.FormatMarkdown
	}
	if format != blog.FormatMarkdown && format != blog.FormatHTML {
		return blog.Rendered{}, blog.Errorf(blog.EINVALID, "format: %q is neither markdown nor html", format)
	}
	return s.renderBody(ctx, body, format, excerpt, trusted)
}
