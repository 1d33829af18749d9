package blog

import "time"

// SearchMaxResults is as far as a search reaches: Search counts matches up
// to it (a total of SearchMaxResults means that many or more) and pages no
// further. Past a thousand results a narrower search serves a reader
// better than paging, and a bound on what a search counts keeps a word
// that most posts hold as cheap to search as a rare one.
const SearchMaxResults = 1000

// SearchTerm is one part of a full-text search as internal/search parses
// it from what a visitor typed: a word, or a phrase whose words must
// appear side by side in this order. Words are normalized by the same
// tokenizer that made the index (lower case, accents folded, letters and
// digits only), so a store matches them as they are and never parses them.
type SearchTerm struct {
	Words []string
	// Prefix makes the last word also match the longer words it begins
	// ("deploy*" finds "deployment").
	Prefix bool
}

// SearchQuery selects posts and pages by full-text search: every term
// must match (AND), in the title, the tags or the body.
type SearchQuery struct {
	Terms []SearchTerm
	Now   time.Time // what visitors see at Now: published, or scheduled with the time come
	// IncludeDrafts also finds drafts, posts pending review and scheduled
	// posts whose time has not come (the admin's search); never trashed
	// ones.
	IncludeDrafts bool
	Offset        int
	Limit         int // 0: no limit
}
