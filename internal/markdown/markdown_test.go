package markdown

import (
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"octavo/internal/blog"
)

func render(t *testing.T, body string) blog.Rendered {
	t.Helper()
	out, err := New().Render(body, blog.FormatMarkdown, "")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTableOfContents(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "nested",
			body: "# Title\n\n## One\n\ntext\n\n### One A\n\n### One B\n\n#### Deep\n\n## Two\n\n##### Too deep\n",
			want: `<nav class="toc" aria-label="Table of contents"><h2>Contents</h2><ol>` +
				`<li><a href="#one">One</a><ol>` +
				`<li><a href="#one-a">One A</a></li>` +
				`<li><a href="#one-b">One B</a><ol><li><a href="#deep">Deep</a></li></ol></li>` +
				`</ol></li>` +
				`<li><a href="#two">Two</a></li>` +
				"</ol></nav>\n",
		},
		{
			name: "skipped level nests one deeper only",
			body: "## A\n\n#### B\n\n## C\n",
			want: `<nav class="toc" aria-label="Table of contents"><h2>Contents</h2><ol>` +
				`<li><a href="#a">A</a><ol><li><a href="#b">B</a></li></ol></li>` +
				`<li><a href="#c">C</a></li>` +
				"</ol></nav>\n",
		},
		{
			name: "starting deeper than it goes on",
			body: "### A\n\n## B\n\n### C\n",
			want: `<nav class="toc" aria-label="Table of contents"><h2>Contents</h2><ol>` +
				`<li><a href="#a">A</a></li>` +
				`<li><a href="#b">B</a><ol><li><a href="#c">C</a></li></ol></li>` +
				"</ol></nav>\n",
		},
		{
			name: "heading text is resolved once and escaped",
			body: "## AT&amp;T \\*x\\*\n\n## Use `a&amp;b`\n\n## <3 & [link](/x/)\n",
			want: `<nav class="toc" aria-label="Table of contents"><h2>Contents</h2><ol>` +
				`<li><a href="#atampt-x">AT&amp;T *x*</a></li>` +
				`<li><a href="#use-aampb">Use a&amp;amp;b</a></li>` +
				`<li><a href="#3--linkx">&lt;3 &amp; link</a></li>` +
				"</ol></nav>\n",
		},
		{
			name: "two headings make none",
			body: "## One\n\n### Two\n\ntext\n",
			want: "",
		},
		{
			name: "h1 and h5 do not count",
			body: "# One\n\n## Two\n\n### Three\n\n##### Four\n",
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, tt.body)
			if out.TOCHTML != tt.want {
				t.Errorf("TOC:\n%s\nwant:\n%s", out.TOCHTML, tt.want)
			}
			if err := wellFormed(out.TOCHTML); err != nil {
				t.Errorf("TOC not well-formed: %v", err)
			}
			// Every entry points at a heading of the page.
			for _, part := range strings.Split(out.TOCHTML, `href="#`)[1:] {
				id, _, _ := strings.Cut(part, `"`)
				if !strings.Contains(out.HTML, ` id="`+id+`"`) {
					t.Errorf("TOC links to #%s, which the HTML lacks:\n%s", id, out.HTML)
				}
			}
		})
	}
}

func TestHeadingAnchors(t *testing.T) {
	out := render(t, "## Getting started\n\n## Getting started\n")
	for _, want := range []string{
		`<h2 id="getting-started">Getting started <a href="#getting-started" class="anchor" title="Link to this section">#</a></h2>`,
		`<h2 id="getting-started-1">Getting started <a href="#getting-started-1" class="anchor" title="Link to this section">#</a></h2>`,
	} {
		if !strings.Contains(out.HTML, want) {
			t.Errorf("HTML lacks %s:\n%s", want, out.HTML)
		}
	}
	plain, err := NewWithOptions(Options{}).Markdown("## Getting started\n")
	if err != nil {
		t.Fatal(err)
	}
	if plain != "<h2>Getting started</h2>\n" {
		t.Errorf("plain CommonMark heading = %q", plain)
	}
}

func TestWordCount(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		format blog.Format
		want   int
	}{
		{"empty", "", blog.FormatMarkdown, 0},
		{"inline markup joins no words", "Hello *big* world, [linked](/x/) `code`.\n", blog.FormatMarkdown, 5},
		{"blocks, code and headings; anchors do not count", "## Heading here\n\nOne two.\n\n- three\n- four\n\n```go\nfunc main() {}\n```\n", blog.FormatMarkdown, 9},
		{"marker is no word", "One.\n\n<!--more-->\n\nTwo.\n", blog.FormatMarkdown, 2},
		{"html", "<p>a <em>b</em>c</p><p>d</p><script>var x = 1;</script>", blog.FormatHTML, 3},
		{"long", words(500), blog.FormatMarkdown, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := New().Render(tt.body, tt.format, "")
			if err != nil {
				t.Fatal(err)
			}
			if out.WordCount != tt.want {
				t.Errorf("WordCount = %d, want %d", out.WordCount, tt.want)
			}
		})
	}
}

func TestExtensions(t *testing.T) {
	tests := []struct {
		name string
		body string
		has  []string
		not  []string
	}{
		{
			name: "table alignment as style",
			body: "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n",
			has:  []string{`<th style="text-align:left">a</th>`, `<th style="text-align:center">b</th>`, `<td style="text-align:right">3</td>`},
			not:  []string{"align="},
		},
		{
			name: "highlighted code",
			body: "```go\nfunc main() {}\n```\n",
			has:  []string{`<pre tabindex="0" class="chroma"><code>`, `<span class="kd">func</span>`, `<span class="nf">main</span>`, "</code></pre>\n"},
			not:  []string{"style="},
		},
		{
			name: "code in an unknown language",
			body: "```klingon\nqapla'\n```\n",
			has:  []string{`<pre tabindex="0"><code class="language-klingon">qapla'` + "\n</code></pre>\n"},
		},
		{
			name: "code without language",
			body: "```\n<b>\n```\n",
			has:  []string{"<pre tabindex=\"0\"><code>&lt;b&gt;\n</code></pre>\n"},
		},
		{
			name: "indented code",
			body: "    x < y\n",
			has:  []string{"<pre tabindex=\"0\"><code>x &lt; y\n</code></pre>\n"},
		},
		{
			name: "strikethrough",
			body: "~~gone~~\n",
			has:  []string{"<del>gone</del>"},
		},
		{
			name: "task list",
			body: "- [x] done\n- [ ] to do\n",
			has:  []string{`<input checked="" disabled="" type="checkbox" aria-label="Task done"> done`, `<input disabled="" type="checkbox" aria-label="Task not done"> to do`},
		},
		{
			name: "linkify",
			body: "See https://example.com/page for more.\n",
			has:  []string{`<a href="https://example.com/page">https://example.com/page</a>`},
		},
		{
			name: "linkify keeps no spaces before a hard break",
			body: "aaa     \nbbb\n",
			has:  []string{"<p>aaa<br>\nbbb</p>"},
		},
		{
			name: "footnotes",
			body: "Text[^1].\n\n[^1]: The note.\n",
			has:  []string{`<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>`, `<li id="fn:1">`},
		},
		{
			name: "raw HTML is kept",
			body: "<aside>Note</aside>\n\nText <kbd>Ctrl</kbd>.\n",
			has:  []string{"<aside>Note</aside>", "<kbd>Ctrl</kbd>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, tt.body)
			for _, s := range tt.has {
				if !strings.Contains(out.HTML, s) {
					t.Errorf("HTML lacks %q:\n%s", s, out.HTML)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(out.HTML, s) {
					t.Errorf("HTML has %q:\n%s", s, out.HTML)
				}
			}
		})
	}
}

// TestMarkdownKeepsMarker checks that Markdown, which does not split, leaves
// <!--more--> as the comment CommonMark makes of it.
func TestMarkdownKeepsMarker(t *testing.T) {
	for _, r := range []*Renderer{New(), NewWithOptions(Options{})} {
		got, err := r.Markdown("One.\n\n<!--more-->\n\nTwo <!--more--> three.\n")
		if err != nil {
			t.Fatal(err)
		}
		if want := "<p>One.</p>\n<!--more-->\n<p>Two <!--more--> three.</p>\n"; got != want {
			t.Errorf("Markdown = %q, want %q", got, want)
		}
	}
}

// TestRenderConcurrent renders from many goroutines at once; run with -race.
func TestRenderConcurrent(t *testing.T) {
	r := New()
	body := "## A\n\n## B\n\n## C\n\nText[^1] https://example.com\n\n<!--more-->\n\n```go\nx := 1\n```\n\n[^1]: Note.\n"
	want, err := r.Render(body, blog.FormatMarkdown, "")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				got, err := r.Render(body, blog.FormatMarkdown, "")
				if err != nil || got != want {
					t.Errorf("concurrent Render differs: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// countWords counts what strings.FieldsFunc splits, spaces of every kind
// and invalid UTF-8 included.
func TestCountWords(t *testing.T) {
	cases := []string{"", " ", "one", " one  two\tthree\n", "a\u00a0b\u2003c", "\xffx \xfe", "日本 語", "x\u0085y"}
	for c := range utf8.RuneSelf { // every ASCII character between two letters
		cases = append(cases, "a"+string(rune(c))+"b")
	}
	for _, s := range cases {
		if got, want := countWords(s), len(strings.FieldsFunc(s, unicode.IsSpace)); got != want {
			t.Errorf("countWords(%q) = %d, want %d", s, got, want)
		}
	}
	if n := testing.AllocsPerRun(10, func() { countWords("some words and more words") }); n != 0 {
		t.Errorf("countWords allocates %v times", n)
	}
}
