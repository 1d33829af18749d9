package search

import (
	"hash/fnv"
	"strings"
	"time"

	"octavo/internal/blog"
)

// Document is what a post is indexed under: the normalized words of its
// title, of its tags' names and of its body's text, each joined by
// spaces. The stores keep it as it is (SQLite's FTS5 splits it at the
// spaces, PostgreSQL turns it into a tsvector word by word), so the words
// are the same everywhere.
type Document struct {
	Title, Tags, Body string
}

// Index makes the document of a post, from its title, its tags and the
// text of its rendered body (code blocks included).
func Index(p *blog.Post) Document {
	names := make([]string, len(p.Tags))
	for i, t := range p.Tags {
		names[i] = t.Name
	}
	return Document{
		Title: Words(p.Title, MaxTitleWords),
		Tags:  Words(strings.Join(names, " "), MaxTagWords),
		Body:  words(Text(p.Rendered.HTML), MaxBodyWords, MaxBodyBytes),
	}
}

// The sort key orders search results newest first within a tier and
// makes what visitors may see a range of keys, so that a store answers
// "visible at now, newest first" from its full-text index alone (an FTS5
// rowid range, read backwards; the primary key on PostgreSQL) without
// looking at the posts table, and a scheduled post appears at its time
// without being indexed again. From the top bit down:
//
//	class (2 bits) | milliseconds since 1970 + 2^45 (46 bits) | tiebreak (12 bits)
//
// The class is 1 for published and scheduled posts (dated by their
// publication), 2 for drafts and posts pending review (dated by their
// last edit: an author finds what they work on first), 0 for trashed ones.
// The tiebreak comes from the post's id; a store that finds the key taken
// takes the next one.
const (
	classTrashed     = 0
	classPublic      = 1
	classUnpublished = 2

	classShift = 58
	msShift    = 12
	msOffset   = 1 << 45 // 1970 ± 1,100 years
	msMax      = 1<<46 - 1
	tieMask    = 1<<msShift - 1
)

// Key returns the sort key of a post.
func Key(p *blog.Post) int64 {
	class, at := int64(classUnpublished), p.UpdatedAt
	switch {
	case p.Status == blog.StatusTrashed:
		class = classTrashed
	case (p.Status == blog.StatusPublished || p.Status == blog.StatusScheduled) && !p.PublishedAt.IsZero():
		class, at = classPublic, p.PublishedAt
	}
	h := fnv.New32a()
	h.Write([]byte(p.ID))
	return class<<classShift | stamp(at)<<msShift | int64(h.Sum32()&tieMask)
}

// stamp is a time's place in a key.
func stamp(t time.Time) int64 {
	return min(max(t.UnixMilli()+msOffset, 0), msMax)
}

// KeyRange returns the smallest and largest key a search at now may find:
// published and scheduled posts whose time has come, and with
// includeDrafts also drafts, posts pending review and scheduled ones still
// to come. Trashed posts are never in it.
func KeyRange(now time.Time, includeDrafts bool) (lo, hi int64) {
	lo = classPublic << classShift
	if includeDrafts {
		return lo, (classUnpublished+1)<<classShift - 1
	}
	return lo, classPublic<<classShift | stamp(now)<<msShift | tieMask
}
