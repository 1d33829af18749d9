package markdown

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	highlighting "github.com/yuin/goldmark-highlighting/v2"

	"octavo/internal/blog"
	"octavo/internal/fastlex"
	"octavo/internal/testkit"
)

// TestFencedCodeSameAsHighlighting renders code blocks with the shared
// formatter (fencedCode) and with goldmark-highlighting's formatter per
// block: the HTML must be the same bytes.
func TestFencedCodeSameAsHighlighting(t *testing.T) {
	blocks := []struct{ name, md string }{
		{"go", "```go\nfunc main() {\n\tfmt.Println(\"hi <&>\")\n}\n```\n"},
		{"python", "```python\nimport json\n\n@dataclass\nclass A:\n    x: int = 8  # note\n```\n"},
		{"bash with heredoc", "```bash\nset -euo pipefail\ncat <<EOF\n$HOME \"q\"\nEOF\n```\n"},
		{"javascript", "```javascript\nconst f = async (x) => `t ${x}`;\n```\n"},
		{"two blocks", "```go\nvar a = 1\n```\n\ntext\n\n```html\n<p class=\"x\">é</p>\n```\n"},
		{"unknown language", "```nosuchlang\nplain <b>\n```\n"},
		{"no language", "```\nplain <b>\n```\n"},
		{"empty block", "```go\n```\n"},
		{"attributes", "```go {linenos=true,hl_lines=[2]}\na := 1\nb := 2\n```\n"},
		{"attributes inline", "```python {linenos=inline}\nx = 1\n```\n"},
		{"tilde fence, extra info", "~~~ rust ignore\nfn main() {}\n~~~\n"},
		{"in a list", "- item\n\n  ```go\n  x := 1\n  ```\n"},
		{"indented code", "    not fenced <x>\n"},
		{"upper-case language", "```Go\nx := 1\n```\n"},
	}
	fast := New()
	slow := NewWithOptions(Options{Extensions: true, perBlockFormatter: true})
	for _, b := range blocks {
		t.Run(b.name, func(t *testing.T) {
			got, err := fast.Render(b.md, blog.FormatMarkdown, "")
			if err != nil {
				t.Fatal(err)
			}
			want, err := slow.Render(b.md, blog.FormatMarkdown, "")
			if err != nil {
				t.Fatal(err)
			}
			if got.HTML != want.HTML {
				t.Errorf("HTML differs\n got: %q\nwant: %q", got.HTML, want.HTML)
			}
			if !strings.Contains(got.HTML, "<pre") {
				t.Errorf("no <pre> in %q", got.HTML)
			}
		})
	}
}

// TestClassWriterSameAsChroma tokenises chroma's own test file of every
// lexer and writes the tokens with classWriter and with chroma's HTML
// formatter given the options Octavo uses: the bytes must be the same.
func TestClassWriterSameAsChroma(t *testing.T) {
	cw := newClassWriter(focusablePre{})
	tested := 0
	files, all := testkit.ChromaTestdata(t)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".actual")
		lexer := lexers.Get(name)
		if lexer == nil {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		it, err := chroma.Coalesce(lexer).Tokenise(nil, string(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		g, wn := bothFormats(t, cw, it.Tokens())
		if g != wn {
			i := 0
			for i < len(g) && i < len(wn) && g[i] == wn[i] {
				i++
			}
			t.Errorf("%s: differs at byte %d\n got: %.120q\nwant: %.120q", name, i, g[i:], wn[i:])
		}
		tested++
	}
	if all && tested < 100 || tested == 0 {
		t.Errorf("only %d lexers tested", tested)
	}
}

// The registry is wrapped before any test lexes, as in a running Octavo
// (markdown.New does it first): a lexer that builds its rules from another
// compiles them once, and a test lexing earlier would hide what it does
// with a wrapped one.
func init() { fastlex.Install() }

// TestEveryLexerHighlights tokenises a sample with every lexer of the
// registry code blocks use (chroma's, with internal/fastlex installed by
// New): none may panic. Some of chroma's lexers build their rules from
// another's, and fastlex must leave those as they expect them.
func TestEveryLexerHighlights(t *testing.T) {
	New()
	sample := "<?php echo \"<b>\" . $x; ?>\n<p class=\"a\">text</p>\n# comment\nfunc main() { return 1 }\n"
	n := 0
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		name := l.Config().Name
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panic: %v", name, p)
				}
			}()
			it, err := l.Tokenise(nil, sample)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			tokens := 0
			for tok := it(); tok != chroma.EOF; tok = it() {
				if tokens++; tokens > 10*len(sample) {
					t.Errorf("%s: more than %d tokens for %d bytes", name, tokens, len(sample))
					return
				}
			}
			if tokens == 0 {
				t.Errorf("%s: no tokens", name)
			}
		}()
		n++
	}
	if n < 200 {
		t.Errorf("only %d lexers in the registry", n)
	}
	got, err := New().Render("```phtml\n<p><?php echo 1; ?></p>\n```\n", blog.FormatMarkdown, "")
	if err != nil || !strings.Contains(got.HTML, `<span class="cp">&lt;?php</span>`) {
		t.Errorf("a phtml block: %v\n%s", err, got.HTML)
	}
}

// TestClassWriterLines: the lines classWriter makes as the tokens come are
// chroma.SplitTokensIntoLines's, on the cases that make them tricky: empty
// tokens beginning a line or ending the text, newlines inside tokens, and
// characters to escape.
func TestClassWriterLines(t *testing.T) {
	cw := newClassWriter(focusablePre{})
	type tk = chroma.Token
	tests := map[string][]tk{
		"nothing":                   nil,
		"one empty token":           {{Type: chroma.Text}},
		"a comment and its newline": {{Type: chroma.CommentSingle, Value: "// a\n"}},
		"after a newline":           {{Type: chroma.CommentSingle, Value: "// a\n"}, {Type: chroma.Keyword, Value: "func"}},
		"empty first":               {{Type: chroma.Keyword}, {Type: chroma.Name, Value: "x"}},
		"blank lines inside":        {{Type: chroma.LiteralString, Value: "a\n\nb\n"}, {Type: chroma.Text}},
		"newlines only":             {{Type: chroma.Text, Value: "\n"}, {Type: chroma.Text, Value: "\n"}},
		"escaped":                   {{Type: chroma.Punctuation, Value: `<&>"'`}, {Type: chroma.Text, Value: "x<y"}},
		"empty inside a line":       {{Type: chroma.Name, Value: "x"}, {Type: chroma.Keyword}, {Type: chroma.Name, Value: "y"}},
		"one empty last":            {{Type: chroma.Text, Value: "a\n"}, {Type: chroma.Keyword}},
		"two empty last":            {{Type: chroma.Text, Value: "a\n"}, {Type: chroma.Keyword}, {Type: chroma.Keyword}},
		"empty then newline":        {{Type: chroma.Text, Value: "a\n"}, {Type: chroma.Keyword}, {Type: chroma.Text, Value: "\n"}},
		"no newline at the end":     {{Type: chroma.Text, Value: "a\nb"}},
	}
	for name, tokens := range tests {
		if got, want := bothFormats(t, cw, tokens); got != want {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
		}
	}
}

// bothFormats returns the HTML classWriter and chroma's formatter, with
// the options Octavo gives it, write of tokens.
func bothFormats(t *testing.T, cw *classWriter, tokens []chroma.Token) (got, want string) {
	t.Helper()
	chromaFormatter := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithPreWrapper(focusablePre{}))
	var w bytes.Buffer
	if err := chromaFormatter.Format(&w, styles.Get(highlighting.NewConfig().Style), chroma.Literator(tokens...)); err != nil {
		t.Fatal(err)
	}
	var g bytes.Buffer
	bw := bufio.NewWriter(&g)
	cw.write(bw, chroma.Literator(tokens...))
	bw.Flush()
	return g.String(), w.String()
}
