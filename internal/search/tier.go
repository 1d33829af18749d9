package search

import (
	"slices"
	"strings"

	"octavo/internal/blog"
)

// Tier is how well a document matches, best first. Every store ranks by
// tier, then newest first (by sort key); see docs/search.md.
type Tier int

// The tiers. A document in several is in the first.
const (
	TierTitle     Tier = iota // every term is in the title
	TierSomeTitle             // some term is in the title
	TierTags                  // some term is in a tag's name
	TierBody                  // the terms match, not in the title or tags
	NumTiers
)

// TierOf returns the tier of a document that terms match, and false when
// they do not match it (some term is in none of its fields).
func TierOf(d Document, terms []blog.SearchTerm) (Tier, bool) {
	title, tags, body := strings.Fields(d.Title), strings.Fields(d.Tags), strings.Fields(d.Body)
	inTitle, inTags := 0, 0
	for _, t := range terms {
		ti, tg := has(title, t), has(tags, t)
		if !ti && !tg && !has(body, t) {
			return 0, false
		}
		if ti {
			inTitle++
		}
		if tg {
			inTags++
		}
	}
	switch {
	case inTitle == len(terms):
		return TierTitle, true
	case inTitle > 0:
		return TierSomeTitle, true
	case inTags > 0:
		return TierTags, true
	}
	return TierBody, true
}

// has reports whether term matches somewhere in words (a phrase: side by
// side, within the one field).
func has(words []string, t blog.SearchTerm) bool {
	n := len(t.Words)
	for i := 0; i+n <= len(words); i++ {
		ok := true
		for k, w := range t.Words {
			if got := words[i+k]; got != w && !(t.Prefix && k == n-1 && strings.HasPrefix(got, w)) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// Entry is a post with its document and sort key, made once (NewEntry)
// by a reader that keeps its content in memory.
type Entry struct {
	Post *blog.Post
	Doc  Document
	Key  int64
}

// NewEntry indexes p.
func NewEntry(p *blog.Post) Entry { return Entry{Post: p, Doc: Index(p), Key: Key(p)} }

// Filter is blog.Reader.Search for posts held in memory (a folder of
// Markdown files): the same words, tiers, visibility, order and reach
// (blog.SearchMaxResults) as the SQL stores. It returns the page q asks
// for and how many match.
func Filter(entries []Entry, q blog.SearchQuery) ([]*blog.Post, int, error) {
	if len(q.Terms) == 0 {
		return nil, 0, nil
	}
	if !Valid(q.Terms) {
		return nil, 0, blog.Errorf(blog.EINVALID, "The search holds something that is not a word.")
	}
	lo, hi := KeyRange(q.Now, q.IncludeDrafts)
	type hit struct {
		e    *Entry
		tier Tier
	}
	var hits []hit
	for i := range entries {
		e := &entries[i]
		if e.Key < lo || e.Key > hi {
			continue
		}
		if tier, ok := TierOf(e.Doc, q.Terms); ok {
			hits = append(hits, hit{e, tier})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.tier != b.tier {
			return int(a.tier - b.tier)
		}
		switch {
		case a.e.Key > b.e.Key:
			return -1
		case a.e.Key < b.e.Key:
			return 1
		}
		return strings.Compare(b.e.Post.ID, a.e.Post.ID)
	})
	// As far as the stores reach: blog.SearchMaxResults.
	hits = hits[:min(len(hits), blog.SearchMaxResults)]
	from := min(max(q.Offset, 0), len(hits))
	to := len(hits)
	if q.Limit > 0 {
		to = min(to, from+q.Limit)
	}
	out := make([]*blog.Post, 0, to-from)
	for _, h := range hits[from:to] {
		out = append(out, h.e.Post)
	}
	return out, len(hits), nil
}
