package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"octavo/internal/blog"
)

// Limits on what a visitor may search for. Past them the search is not
// run and Query.Problem says why.
const (
	MaxQueryRunes = 256 // characters typed
	MaxTerms      = 12  // words, phrases and prefixes
	MaxQueryWords = 32  // words in all, phrases counted word by word
	minPrefixRune = 2   // "d*" would match a good part of the dictionary
)

// Query is what a visitor's search means.
type Query struct {
	// Terms must all match. Empty when nothing was typed or Problem is set.
	Terms []blog.SearchTerm
	// Problem, when set, tells the visitor in a sentence why nothing was
	// searched (too long, nothing but operators…); it is safe to show.
	Problem string
}

// Parse turns what a visitor typed into search terms; nothing typed is
// valid and gives no terms. The syntax is what search boxes have taught
// people, and only that:
//
//   - words, all of which must appear: sqlite vacuum
//   - "quoted phrases", whose words must appear side by side in order; a
//     quote left open runs to the end
//   - a prefix: deploy* finds deploy, deploys, deployment; "load bal*" and
//     "load bal"* a phrase whose last word is one
//   - identifiers as written: http.ListenAndServe and max_connections are
//     phrases of their parts, so they find exactly that spelling
//
// Everything else is neutralised, never passed on: the operators AND, OR,
// NOT and NEAR (in capitals) are dropped, a leading -, + or ^ is ignored,
// control characters and other punctuation separate words, and the store
// gets only normalized words it matches literally — so text that looks
// like SQL or like FTS5 or tsquery syntax is just words.
func Parse(input string) Query {
	input = strings.ToValidUTF8(input, "\uFFFD")
	input = strings.TrimFunc(input, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
	if input == "" {
		return Query{}
	}
	if n := utf8.RuneCountInString(input); n > MaxQueryRunes {
		return Query{Problem: fmt.Sprintf("That search is %d characters long; search for at most %d.", n, MaxQueryRunes)}
	}
	var terms []blog.SearchTerm
	add := func(chunk string) {
		t, ok := term(chunk)
		if !ok {
			return
		}
		for _, u := range terms {
			if u.Prefix == t.Prefix && strings.Join(u.Words, " ") == strings.Join(t.Words, " ") {
				return
			}
		}
		terms = append(terms, t)
	}
	for rest := input; rest != ""; {
		before, phrase, found := strings.Cut(rest, `"`)
		for _, chunk := range strings.FieldsFunc(before, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			if isOperator(chunk) {
				continue
			}
			add(strings.TrimLeft(chunk, "-+^"))
		}
		if !found {
			break
		}
		// A quote left open runs to the end of the input. A "*" right
		// after the closing quote makes the last word a prefix, as inside.
		phrase, rest, _ = strings.Cut(phrase, `"`)
		if r, ok := strings.CutPrefix(rest, "*"); ok {
			phrase, rest = phrase+"*", r
		}
		add(phrase)
	}
	if len(terms) == 0 {
		return Query{Problem: "There is nothing to search for in that: type a word (AND, OR, NOT, NEAR and punctuation on their own are not searched)."}
	}
	if len(terms) > MaxTerms {
		return Query{Problem: fmt.Sprintf("That search has %d words or phrases; search for at most %d.", len(terms), MaxTerms)}
	}
	words := 0
	for _, t := range terms {
		words += len(t.Words)
	}
	if words > MaxQueryWords {
		return Query{Problem: fmt.Sprintf("That search has %d words; search for at most %d.", words, MaxQueryWords)}
	}
	return Query{Terms: terms}
}

// isOperator reports whether a chunk is a boolean operator of a search
// syntax (FTS5's, or a habit from other search engines): Octavo has
// none, and searching for the word would surprise.
func isOperator(chunk string) bool {
	switch chunk {
	case "AND", "OR", "NOT", "NEAR", "&&", "||", "|", "&", "!":
		return true
	}
	return false
}

// term reads a word, an identifier, a prefix or the inside of a quoted
// phrase; ok is false when it holds no word at all.
func term(chunk string) (blog.SearchTerm, bool) {
	toks := Tokens(chunk, MaxQueryWords+1)
	if len(toks) == 0 {
		return blog.SearchTerm{}, false
	}
	t := blog.SearchTerm{Words: make([]string, len(toks))}
	for i, tok := range toks {
		t.Words[i] = tok.Word
	}
	// A "*" right after the last word makes it a prefix.
	last := toks[len(toks)-1]
	if strings.HasPrefix(chunk[last.End:], "*") && utf8.RuneCountInString(last.Word) >= minPrefixRune {
		t.Prefix = true
	}
	return t, true
}

// Valid reports whether terms are what Parse makes: each has words, and
// every word is a normalized word. Stores refuse anything else.
func Valid(terms []blog.SearchTerm) bool {
	if len(terms) == 0 || len(terms) > MaxTerms {
		return false
	}
	words := 0
	for _, t := range terms {
		if len(t.Words) == 0 {
			return false
		}
		for _, w := range t.Words {
			if !IsWord(w) {
				return false
			}
		}
		words += len(t.Words)
	}
	return words <= MaxQueryWords
}
