package static

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"time"

	"octavo/internal/blog"
)

// depHashes returns the hash of every dependency key at the build's time:
// from the source when it knows them (DepHasher), else computed from
// every visible post, page and tag.
func (b *builder) depHashes(ctx context.Context) (map[string]string, error) {
	if dh, ok := b.o.Source.(DepHasher); ok {
		// The build adds keys of its own (blog.DepNav) to the map.
		return dh.DepHashes(ctx, b.o.Now)
	}
	return computeHashes(ctx, b.o.Source, b.o.Now)
}

// computeHashes reads the whole visible blog, a batch of posts at a time.
func computeHashes(ctx context.Context, src blog.Reader, now time.Time) (map[string]string, error) {
	out := map[string]string{}
	sum := func(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)[:16]) }
	list := sha256.New()
	const batch = 500
	for off := 0; ; off += batch {
		posts, total, err := src.ListPosts(ctx, blog.ListQuery{Now: now, Offset: off, Limit: batch})
		if err != nil {
			return nil, err
		}
		for _, p := range posts {
			out[blog.DepPost(p.ID)] = postHash(p)
			fmt.Fprintf(list, "%s %v %d|", p.ID, p.Pinned, p.PublishedAt.UnixNano())
		}
		if off+batch >= total || len(posts) == 0 {
			break
		}
	}
	pages, err := src.Pages(ctx, now)
	if err != nil {
		return nil, err
	}
	for _, r := range pages {
		p, err := src.PostByPath(ctx, r.Path, now)
		if err != nil {
			return nil, err
		}
		out[blog.DepPost(p.ID)] = postHash(p)
		fmt.Fprintf(list, "page %s|", p.ID)
	}
	out[blog.DepList] = sum(list)
	tags, err := src.Tags(ctx, now)
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		posts, _, err := src.ListPosts(ctx, blog.ListQuery{Now: now, TagSlug: t.Slug})
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		h.Write([]byte(t.Name))
		for _, p := range posts {
			h.Write([]byte("|" + p.ID))
		}
		out[blog.DepTag(t.Slug)] = sum(h)
	}
	st, err := src.Settings(ctx)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%#v", st)
	out[blog.DepSettings] = sum(h)
	return out, nil
}

// postHash sums everything of a post a page may show.
func postHash(p *blog.Post) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%v\x00%d\x00%d\x00%s\x00%s\x00", p.ID, p.Kind, p.Slug, p.Title,
		p.Path, p.Description, p.Excerpt, p.Pinned, p.PublishedAt.UnixNano(), p.UpdatedAt.UnixNano(),
		p.Author.DisplayName, p.Author.Username)
	for _, t := range p.Tags {
		fmt.Fprintf(h, "t%s\x00%s\x00", t.Slug, t.Name)
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%v\x00%d\x00%d", p.Rendered.HTML, p.Rendered.ExcerptHTML, p.Rendered.TOCHTML,
		p.Rendered.HasMore, p.Rendered.WordCount, p.Rendered.Version)
	return hex.EncodeToString(h.Sum(nil)[:16])
}
