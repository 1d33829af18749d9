// Package search is Octavo's full-text search, apart from the databases:
// the one tokenizer that turns text into index words (used when a post is
// saved and when a query is parsed, so both agree on every backend), the
// parser of what visitors type, the document and sort key a post is
// indexed under, snippets with the matches highlighted, and a search over
// posts held in memory.
//
// The stores index the words this package makes; they never tokenize text
// themselves. SQLite's FTS5 and PostgreSQL's tsvector would otherwise
// split "http.ListenAndServe" or "max_connections" each their own way
// (PostgreSQL's parser reads "http.listenandserve" as a host name), and the
// same search would find different posts on the two. See docs/search.md.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Version numbers the tokenizer and the index document. A store indexes
// again every post indexed by an older version, so a change here that
// makes other words (or another key) must increase it.
const Version = 1

// Limits of the index, the same for every store.
const (
	// MaxWordBytes cuts longer words (hashes, base64) to their first bytes,
	// in documents and queries alike, so they still match.
	MaxWordBytes = 64
	// MaxBodyWords and MaxBodyBytes bound how much of a body is indexed:
	// about forty printed pages, and within what a PostgreSQL tsvector
	// holds (1 MB, with every word and every pair of words).
	MaxBodyWords = 10000
	MaxBodyBytes = 200000
	// MaxTitleWords and MaxTagWords bound the other fields (a title has at
	// most 300 bytes; tags are many only by mistake).
	MaxTitleWords = 200
	MaxTagWords   = 500
)

// Token is a word of a text: its normalized form and where it was.
type Token struct {
	Word       string
	Start, End int // byte offsets of the original spelling in the text
}

// isWordRune reports whether r belongs to a word: letters, digits and
// combining marks (which Indic scripts need inside words). Everything
// else — spaces, punctuation, symbols, "_", "." — separates words, so
// "max_connections" is two words and "http.ListenAndServe" too, each
// searchable alone and as a phrase.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.M, r)
}

// Tokens returns the words of text, at most limit of them (0: all).
func Tokens(text string, limit int) []Token {
	var out []Token
	eachWord(text, func(word string, start, end int) bool {
		out = append(out, Token{word, start, end})
		return limit <= 0 || len(out) < limit
	})
	return out
}

// Words returns the normalized words of text joined by single spaces: the
// form stores index. At most limit words are kept (0: all).
func Words(text string, limit int) string { return words(text, limit, 0) }

// words is Words keeping at most maxBytes bytes too (0: any number).
func words(text string, limit, maxBytes int) string {
	var b strings.Builder
	n := 0
	eachWord(text, func(word string, _, _ int) bool {
		if maxBytes > 0 && b.Len()+1+len(word) > maxBytes {
			return false
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(word)
		n++
		return limit <= 0 || n < limit
	})
	return b.String()
}

// eachWord calls f with every normalized word of text and the span of its
// original spelling, until f returns false. One run of word characters
// may give several words when normalizing splits it ("½" is "1⁄2").
func eachWord(text string, f func(word string, start, end int) bool) {
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if !emit(text[start:i], start, i, f) {
				return
			}
			start = -1
		}
	}
	if start >= 0 {
		emit(text[start:], start, len(text), f)
	}
}

func emit(raw string, start, end int, f func(string, int, int) bool) bool {
	if ascii(raw) {
		return f(cut(strings.ToLower(raw)), start, end)
	}
	// Normalizing may bring separators (NFKC of "½" holds U+2044) or
	// nothing at all (a lone combining mark): split again.
	n := normalize(raw)
	w := -1
	for i, r := range n {
		if isWordRune(r) {
			if w < 0 {
				w = i
			}
			continue
		}
		if w >= 0 {
			if !f(cut(n[w:i]), start, end) {
				return false
			}
			w = -1
		}
	}
	if w >= 0 {
		return f(cut(n[w:]), start, end)
	}
	return true
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// normalize folds a word the way visitors expect a search to: compatibility
// forms (NFKC: "ﬁ" is "fi", full-width "Ｇｏ" is "go"), lower case, and
// accents off Latin and Greek letters ("café" is "cafe"; marks that are
// part of other scripts' letters stay).
func normalize(w string) string {
	w = strings.ToLower(norm.NFKC.String(w))
	d := norm.NFD.String(w)
	var b strings.Builder
	b.Grow(len(d))
	var base rune
	folded := false
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) && (unicode.Is(unicode.Latin, base) || unicode.Is(unicode.Greek, base)) {
			folded = true
			continue
		}
		if !unicode.Is(unicode.M, r) {
			base = r
		}
		b.WriteRune(r)
	}
	if !folded {
		return w
	}
	return norm.NFC.String(b.String())
}

// cut shortens a word to MaxWordBytes on a character boundary.
func cut(w string) string {
	if len(w) <= MaxWordBytes {
		return w
	}
	i := MaxWordBytes
	for i > 0 && !utf8.RuneStart(w[i]) {
		i--
	}
	return w[:i]
}

// IsWord reports whether w is a word as Tokens makes them: what a store
// may be asked to match. Stores check every word of a query with it.
func IsWord(w string) bool {
	if w == "" || len(w) > MaxWordBytes || !utf8.ValidString(w) {
		return false
	}
	toks := Tokens(w, 2)
	return len(toks) == 1 && toks[0].Word == w && toks[0].Start == 0 && toks[0].End == len(w)
}
