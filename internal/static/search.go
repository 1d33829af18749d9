package static

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"octavo/internal/blog"
	"octavo/internal/markdown"
)

// The search page of a static build: the server's /search needs the
// server, so a build writes /search/index.html (the theme's search page,
// with a container for results and a script), /search/index.json (the
// title, tags, date and summary of every visible post and page, newest
// first) and /search/search.js, which searches the index in the browser.
// These three files exist in builds only.

//go:embed assets/search.js
var searchJS []byte

// SearchEntry is one post or page of /search/index.json.
type SearchEntry struct {
	URL     string   `json:"u"`
	Title   string   `json:"t"`
	Date    string   `json:"d,omitempty"`
	Tags    []string `json:"g,omitempty"`
	Summary string   `json:"s,omitempty"`
}

// searchCache keeps entries between builds of one Builder, by post id,
// with the hash of the post they were made from.
type searchCache map[string]struct {
	hash  string
	entry SearchEntry
}

// searchRows keep each entry's JSON between builds of one Builder: a
// watched build writes the index again on every save, and encoding
// 10,000 entries was most of that.
type searchRows struct {
	m map[string]searchRow // by URL
}

type searchRow struct {
	entry SearchEntry
	json  []byte
}

// json is json.Marshal(entries), byte for byte, with the entries that
// have not changed since the last call encoded then.
func (r *searchRows) json(entries []SearchEntry) ([]byte, error) {
	if entries == nil {
		return json.Marshal(entries)
	}
	next := make(map[string]searchRow, len(entries))
	rows := make([][]byte, len(entries))
	n := len(entries) + 1
	for i, e := range entries {
		row, ok := r.m[e.URL]
		if !ok || !sameEntry(row.entry, e) {
			j, err := json.Marshal(e)
			if err != nil {
				return nil, err
			}
			row = searchRow{e, j}
		}
		next[e.URL] = row
		rows[i] = row.json
		n += len(row.json)
	}
	out := make([]byte, 0, n+1)
	out = append(out, '[')
	for i, j := range rows {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, j...)
	}
	out = append(out, ']')
	r.m = next
	return out, nil
}

func sameEntry(a, b SearchEntry) bool {
	return a.URL == b.URL && a.Title == b.Title && a.Date == b.Date && a.Summary == b.Summary && slices.Equal(a.Tags, b.Tags)
}

// searchSlot is what the static search page adds to the theme's page.
const searchSlot = `<div id="octavo-search" aria-live="polite"></div>` +
	`<noscript><p>Searching this copy of the site needs JavaScript.</p></noscript>` +
	`<script src="/search/search.js" defer></script>`

// searchPage writes the three files of the static search.
func (b *builder) searchPage(ctx context.Context, hashes map[string]string, cache searchCache) error {
	var entries []SearchEntry
	var err error
	if b.o.SearchEntries != nil {
		entries, err = b.o.SearchEntries(ctx, b.o.Now)
	} else {
		entries, err = b.searchEntries(ctx, hashes, cache)
	}
	if err != nil {
		return err
	}
	index, err := b.searchRows.json(entries)
	if err != nil {
		return err
	}
	if err := b.extra("search/index.json", index); err != nil {
		return err
	}
	if err := b.extra("search/search.js", searchJS); err != nil {
		return err
	}
	pg, err := b.o.Renderer.Search(ctx, "", 1)
	if err != nil {
		return err
	}
	body := pg.Body
	if i := bytes.LastIndex(body, []byte("</main>")); i >= 0 {
		body = append(append(append([]byte{}, body[:i]...), searchSlot...), body[i:]...)
	}
	return b.extra("search/index.html", body)
}

// searchEntries reads the index's entries from the source, each post once
// per version (cache keeps them between builds of a Builder).
func (b *builder) searchEntries(ctx context.Context, hashes map[string]string, cache searchCache) ([]SearchEntry, error) {
	src := b.o.Source
	st, err := src.Settings(ctx)
	if err != nil {
		return nil, err
	}
	loc := st.Location()
	posts, err := src.Archive(ctx, b.o.Now, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	pages, err := src.Pages(ctx, b.o.Now)
	if err != nil {
		return nil, err
	}
	entries := make([]SearchEntry, 0, len(posts)+len(pages))
	seen := make(map[string]bool, len(posts)+len(pages))
	for _, ref := range append(posts, pages...) {
		h := hashes[blog.DepPost(ref.ID)]
		seen[ref.ID] = true
		if c, ok := cache[ref.ID]; ok && c.hash == h && h != "" {
			entries = append(entries, c.entry)
			continue
		}
		p, err := src.PostByPath(ctx, ref.Path, b.o.Now)
		if err != nil {
			return nil, fmt.Errorf("search index: %w", err)
		}
		e := SearchEntry{URL: p.Path, Title: p.Title, Summary: p.Description}
		if p.Kind == blog.KindPost {
			e.Date = p.PublishedAt.In(loc).Format("2006-01-02")
		}
		for _, t := range p.Tags {
			e.Tags = append(e.Tags, t.Name)
		}
		if e.Summary == "" {
			e.Summary = markdown.Summary(p.Rendered.ExcerptHTML, 240)
		}
		cache[ref.ID] = struct {
			hash  string
			entry SearchEntry
		}{h, e}
		entries = append(entries, e)
	}
	for id := range cache {
		if !seen[id] {
			delete(cache, id)
		}
	}
	return entries, nil
}
