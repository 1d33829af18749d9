package search

import (
	"html"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"octavo/internal/blog"
)

// SnippetWords is about how many words a snippet shows.
const SnippetWords = 32

// maxWindows bounds the windows a snippet weighs.
const maxWindows = 64

// ref is a word of a text, for snippets: where it is, and its normalized
// form when that is not simply the ASCII lower case of its text (then
// word is ""; most words of most posts, compared without a copy).
type ref struct {
	start, end int
	word       string
}

// refs finds the words of text as Tokens does, normalizing only the words
// that are not plain ASCII.
func refs(text string) []ref {
	out := make([]ref, 0, len(text)/6)
	start, plain := -1, true
	flush := func(end int) {
		if start < 0 {
			return
		}
		if plain && end-start <= MaxWordBytes {
			out = append(out, ref{start, end, ""})
		} else {
			emit(text[start:end], start, end, func(w string, s, e int) bool {
				out = append(out, ref{s, e, w})
				return true
			})
		}
		start = -1
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				if start < 0 {
					start, plain = i, true
				}
			} else {
				flush(i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			plain = false
		} else {
			flush(i)
		}
		i += size
	}
	flush(len(text))
	return out
}

// is reports whether the word r of text is w, or begins with it when
// prefix is set.
func (r ref) is(text, w string, prefix bool) bool {
	if r.word != "" {
		return r.word == w || prefix && strings.HasPrefix(r.word, w)
	}
	s := text[r.start:r.end]
	if len(s) < len(w) || !prefix && len(s) != len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// span is a match: words [from, to) of a text, for term number term.
type span struct{ from, to, term int }

// matches finds every place where a term matches the words of text, in
// order.
func matches(text string, words []ref, terms []blog.SearchTerm) []span {
	var out []span
	for i := range words {
		for ti, t := range terms {
			if i+len(t.Words) > len(words) {
				continue
			}
			ok := true
			for k, w := range t.Words {
				if !words[i+k].is(text, w, t.Prefix && k == len(t.Words)-1) {
					ok = false
					break
				}
			}
			if ok {
				out = append(out, span{i, i + len(t.Words), ti})
			}
		}
	}
	return out
}

// Snippet returns about n words of text as HTML: the stretch with the
// most different terms matched (then the most matches, then the first),
// or the beginning when nothing matches (a post found by its title). All
// of text is escaped, whitespace collapsed, and every match wrapped in
// <mark>; "…" marks a cut.
func Snippet(text string, terms []blog.SearchTerm, n int) string {
	if n <= 0 {
		n = SnippetWords
	}
	toks := refs(text)
	if len(toks) == 0 {
		return ""
	}
	ms := matches(text, toks, terms)
	// Each match proposes the window that starts a little before it (the
	// end of the text pulls it back); the window holding the most
	// different terms wins, then the one holding the most matches, then
	// the first.
	last := max(0, len(toks)-n)
	from := 0
	best := [2]int{-1, -1}
	for a, m := range ms {
		if a == maxWindows {
			break // a body this full of matches: any early window will do
		}
		start := min(max(0, m.from-n/4), last)
		var terms uint64
		count := 0
		for _, o := range ms[max(0, a-n):] {
			if o.from >= start+n {
				break
			}
			if o.from >= start && o.to <= start+n {
				terms |= 1 << (o.term % 64)
				count++
			}
		}
		if score := [2]int{bits.OnesCount64(terms), count}; score[0] > best[0] || score[0] == best[0] && score[1] > best[1] {
			best, from = score, start
		}
	}
	to := min(len(toks), from+n)
	var b strings.Builder
	if from > 0 {
		b.WriteString("… ")
	}
	// The whole text's first and last characters (punctuation) when the
	// window reaches them.
	start, end := toks[from].start, toks[to-1].end
	if from == 0 {
		start = len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
	}
	if to == len(toks) {
		end = len(strings.TrimRightFunc(text, unicode.IsSpace))
	}
	write(&b, text[start:end], start, toks, ms, from, to)
	if to < len(toks) {
		b.WriteString(" …")
	}
	return b.String()
}

// Highlight returns all of text as HTML, escaped, with every match of
// terms wrapped in <mark> (for titles).
func Highlight(text string, terms []blog.SearchTerm) string {
	toks := refs(text)
	var b strings.Builder
	if len(toks) == 0 {
		writeEscaped(&b, text)
		return b.String()
	}
	first, last := toks[0].start, toks[len(toks)-1].end
	writeEscaped(&b, text[:first])
	write(&b, text[first:last], first, toks, matches(text, toks, terms), 0, len(toks))
	writeEscaped(&b, text[last:])
	return b.String()
}

// write escapes s, which starts at byte offset base of the text toks were
// made from, wrapping the matches among tokens [from, to) in <mark>.
func write(b *strings.Builder, s string, base int, toks []ref, ms []span, from, to int) {
	pos := base
	out := func(upto int) {
		if upto > pos {
			writeEscaped(b, s[pos-base:upto-base])
			pos = upto
		}
	}
	for i := 0; i < len(ms); i++ {
		m := ms[i]
		if m.from < from || m.to > to {
			continue
		}
		// Overlapping or touching matches become one mark.
		last := m.to
		for i+1 < len(ms) && ms[i+1].from < last && ms[i+1].to <= to {
			i++
			last = max(last, ms[i].to)
		}
		mStart, mEnd := toks[m.from].start, toks[last-1].end
		if mStart < pos {
			continue
		}
		out(mStart)
		b.WriteString("<mark>")
		out(mEnd)
		b.WriteString("</mark>")
	}
	out(base + len(s))
}

// writeEscaped writes s HTML-escaped, runs of white space (and control
// characters) as one space and invalid UTF-8 as U+FFFD.
func writeEscaped(b *strings.Builder, s string) {
	space := false
	start := 0
	flush := func(i int) {
		if i > start {
			b.WriteString(html.EscapeString(s[start:i]))
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			flush(i)
			if !space {
				b.WriteByte(' ')
				space = true
			}
			start = i + size
		case r == utf8.RuneError && size == 1:
			flush(i)
			b.WriteString("\uFFFD")
			start = i + size
			space = false
		default:
			space = false
		}
		i += size
	}
	flush(len(s))
}
