// Package seed writes the demo content (ten posts and an About page, in
// content/) into a new blog, so that a first start shows a working site.
package seed

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/frontmatter"
)

//go:embed content/*.md
var files embed.FS

type meta struct {
	Kind        string    `toml:"kind"`
	Title       string    `toml:"title"`
	Slug        string    `toml:"slug"`
	Date        time.Time `toml:"date"`
	Tags        []string  `toml:"tags"`
	Pinned      bool      `toml:"pinned"`
	Description string    `toml:"description"`
	Excerpt     string    `toml:"excerpt"`
}

// Posts returns the demo posts and pages, parsed but not saved.
func Posts() ([]*blog.Post, error) {
	names, err := fs.Glob(files, "content/*.md")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var posts []*blog.Post
	for _, name := range names {
		src, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var m meta
		body, _, err := frontmatter.Parse(src, &m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		p := &blog.Post{
			Kind: blog.Kind(m.Kind), Title: m.Title, Slug: m.Slug, Body: string(body),
			Description: m.Description, Excerpt: m.Excerpt, Pinned: m.Pinned,
			Status: blog.StatusPublished, PublishedAt: m.Date.UTC(), CreatedAt: m.Date.UTC(),
		}
		for _, t := range m.Tags {
			p.Tags = append(p.Tags, blog.Tag{Name: t})
		}
		posts = append(posts, p)
	}
	return posts, nil
}

// Run seeds a database once: when it was seeded before (even if the owner
// deleted every demo post since), it does nothing and returns false.
func Run(ctx context.Context, store blog.Store, svc *content.Service) (bool, error) {
	done, err := store.Seeded(ctx)
	if err != nil || done {
		return false, err
	}
	posts, err := Posts()
	if err != nil {
		return false, err
	}
	author := &blog.User{Username: "ada", DisplayName: "Ada Octavo", Role: blog.RoleAuthor}
	if err := store.CreateUser(ctx, author); err != nil {
		return false, err
	}
	st := blog.DefaultSettings()
	st.Title = "Octavo Demo Blog"
	st.Description = "Notes on building and running a small, fast blog."
	st.AuthorName = author.DisplayName
	if err := store.SaveSettings(ctx, st); err != nil {
		return false, err
	}
	for _, p := range posts {
		p.AuthorID = author.ID
		if err := svc.Save(ctx, p); err != nil {
			return false, fmt.Errorf("seeding %q: %w", p.Title, err)
		}
	}
	return true, store.MarkSeeded(ctx)
}
