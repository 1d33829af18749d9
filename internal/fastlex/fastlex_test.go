package fastlex

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/dlclark/regexp2/v2"

	"octavo/internal/testkit"
)

func tokens(t *testing.T, l chroma.Lexer, text string) []chroma.Token {
	t.Helper()
	it, err := l.Tokenise(nil, text)
	if err != nil {
		t.Fatal(err)
	}
	return it.Tokens()
}

// TestSameTokens lexes chroma's test file of every regular-expression
// lexer with chroma and with the wrapper: the tokens must be the same.
func TestSameTokens(t *testing.T) {
	files, all := testkit.ChromaTestdata(t)
	var slow, fast time.Duration
	tested := 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".actual")
		orig, ok := lexers.Get(name).(*chroma.RegexLexer)
		if !ok {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(src)
		s := time.Now()
		want := tokens(t, orig, text)
		slow += time.Since(s)
		s = time.Now()
		got := tokens(t, Wrap(orig), text)
		fast += time.Since(s)
		tested++
		if len(got) != len(want) {
			t.Errorf("%s: %d tokens, want %d", name, len(got), len(want))
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: token %d is %v, want %v", name, i, got[i], want[i])
				break
			}
		}
	}
	if want := 100; all && tested < want || tested == 0 {
		t.Errorf("only %d lexers tested", tested)
	}
	t.Logf("%d lexers: chroma %v, wrapped %v", tested, slow, fast)
}

// TestStartFilter checks what analyse tells of patterns and where they may
// start: a wrong "no" would drop a token, so every refusal is checked
// against regexp2 matching there.
func TestStartFilter(t *testing.T) {
	text := []rune("#!/bin/sh\necho hi\n")
	tests := []struct {
		pattern string
		may     []int // positions of text where the filter lets it be tried
	}{
		{`(?m)(?:\A#!.+$)`, []int{0}},
		{`(?m)(?:^(?=\s|e))`, []int{0, 10}},
		{`(?m)(?:^(echo|exit)\b)`, []int{10}},
		{`(?:^#!)`, []int{0}},  // without m, ^ is the start of the text
		{`(?m)(?:(?=/))`, nil}, // nothing known: always tried
		{`(?m)(?:[eh])`, []int{8, 10, 12, 15}},
		// An alternation of words: only where one of them begins.
		{`(?m)(?:(echo|hi|bin)\b)`, []int{3, 10, 15}},
		{`(?m)(?:(sh|ho)\b)`, []int{7, 12}},
	}
	for _, tt := range tests {
		s := analyse(tt.pattern)
		re := regexp2.MustCompile(`\G` + tt.pattern)
		for pos := range text {
			want := tt.may == nil || slices.Contains(tt.may, pos)
			if got := s == nil || s.may(text, pos); got != want {
				t.Errorf("%s at %d: may %v, want %v", tt.pattern, pos, got, want)
			}
			if m, _ := re.FindRunesMatchStartingAt(text, pos); m != nil && m.RuneIndex == pos && !(s == nil || s.may(text, pos)) {
				t.Errorf("%s matches at %d, where the filter skips it", tt.pattern, pos)
			}
		}
	}
}

// TestEndlessLexerStops: chroma's Jungle lexer matches nothing forever on
// this text (chroma alone emits empty tokens until memory runs out). The
// wrapper stops, and no text is lost.
func TestEndlessLexerStops(t *testing.T) {
	text := "<?php echo 1; ?>\n<p class=\"a\">text</p>\n"
	jungle, ok := lexers.Get("jungle").(*chroma.RegexLexer)
	if !ok {
		t.Fatal("no Jungle lexer in chroma's registry")
	}
	it, err := Wrap(jungle).Tokenise(nil, text)
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	n := 0
	for tok := it(); tok != chroma.EOF; tok = it() {
		got.WriteString(tok.Value)
		if n++; n > 10*maxEmptyMatches {
			t.Fatalf("still lexing after %d tokens", n)
		}
	}
	if got.String() != text {
		t.Errorf("tokens give %q, want %q", got.String(), text)
	}
}

// TestSameTokensNotASCII: tokens cut from text with characters of several
// bytes, and from text that is not UTF-8 (whose bad bytes chroma gives as
// U+FFFD), are chroma's.
func TestSameTokensNotASCII(t *testing.T) {
	texts := []string{
		"// héllo → 世界\nfunc naïve() string { return \"ünïcode ✓\" }\n",
		"x = 'caf\xe9' # not UTF-8\nprint(x)\n",
		"echo \"\xff\xfe\" && ls -l # ✓\n",
	}
	for _, name := range []string{"go", "python", "bash", "javascript"} {
		orig := lexers.Get(name).(*chroma.RegexLexer)
		for _, text := range texts {
			want := tokens(t, orig, text)
			got := tokens(t, Wrap(orig), text)
			if !slices.Equal(got, want) {
				t.Errorf("%s, %q:\n got %v\nwant %v", name, text, got, want)
			}
		}
	}
}

// TestStartFilterNonASCII: keywords that begin with a character outside
// ASCII are looked for too.
func TestStartFilterNonASCII(t *testing.T) {
	text := []rune("ünï hi ü")
	s := analyse(`(?m)(?:(ünï|hi)\b)`)
	if s == nil || s.prefixes == nil {
		t.Fatal("no keywords found in an alternation of keywords")
	}
	for pos := range text {
		want := pos == 0 || pos == 4
		if got := s.may(text, pos); got != want {
			t.Errorf("at %d: may %v, want %v", pos, got, want)
		}
	}
}
