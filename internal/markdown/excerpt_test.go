package markdown

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"octavo/internal/blog"
)

// wellFormed reports an error unless every start tag of fragment is closed,
// in order, by its end tag. Void elements (<br>, <img>, …) and self-closing
// tags need none. Inside <svg> and <math> it reads tags as a browser does:
// there <title> or <style> hold elements, not raw text.
func wellFormed(fragment string) error {
	type elem struct {
		name string
		ns   string // "svg", "math" or "" for HTML
		ip   bool   // an integration point: its children are HTML
	}
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	var open []elem
	for {
		switch z.Next() {
		case nethtml.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return err
			}
			if len(open) > 0 {
				names := make([]string, len(open))
				for i, e := range open {
					names[i] = e.name
				}
				return fmt.Errorf("unclosed <%s>", strings.Join(names, "> <"))
			}
			return nil
		case nethtml.StartTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			// In SVG or MathML an element takes its parent's namespace,
			// but for the integration points, whose children are HTML.
			ns := ""
			if n := len(open); n > 0 && open[n-1].ns != "" && !open[n-1].ip {
				ns = open[n-1].ns
				if open[n-1].name == "annotation-xml" && a == atom.Svg {
					ns = "svg"
				}
			} else if a == atom.Svg || a == atom.Math {
				ns = string(name)
			}
			if ns == "" && voidElements[a] {
				continue
			}
			ip := integrationPoints[ns+" "+string(name)]
			if ns == "math" && string(name) == "annotation-xml" {
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					enc := strings.ToLower(string(v))
					if string(k) == "encoding" && (enc == "text/html" || enc == "application/xhtml+xml") {
						ip = true
					}
				}
			}
			if ns != "" {
				z.NextIsNotRawText()
			}
			open = append(open, elem{string(name), ns, ip})
		case nethtml.EndTagToken:
			name, _ := z.TagName()
			if len(open) == 0 {
				return fmt.Errorf("</%s> closes nothing", name)
			}
			if top := open[len(open)-1]; top.name != string(name) {
				return fmt.Errorf("</%s> closes <%s>", name, top.name)
			}
			open = open[:len(open)-1]
		}
	}
}

// integrationPoints are the SVG and MathML elements whose children are
// HTML again, as "namespace name" (lower-cased, as the tokenizer gives tag
// names).
var integrationPoints = map[string]bool{
	"svg foreignobject": true, "svg desc": true, "svg title": true,
	"math mi": true, "math mo": true, "math mn": true, "math ms": true, "math mtext": true,
}

// voidElements have no end tag.
var voidElements = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true,
	atom.Hr: true, atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true,
	atom.Source: true, atom.Track: true, atom.Wbr: true, atom.Param: true, atom.Keygen: true,
}

func TestWellFormed(t *testing.T) {
	for _, s := range []string{
		"", "text", "<p>a<br>b<img src=x></p>", "<svg><path/></svg>", "<ul><li>a</li></ul>",
		"<title><b></title>", "<svg><title><b></b></title></svg>", "<svg><desc><textarea><b></textarea></desc></svg>",
	} {
		if err := wellFormed(s); err != nil {
			t.Errorf("wellFormed(%q) = %v, want nil", s, err)
		}
	}
	for _, s := range []string{"<div>", "<p><em>a</p></em>", "</p>", "<ul><li>a</ul>", "<svg><title><b></title></svg>", "<plaintext>"} {
		if wellFormed(s) == nil {
			t.Errorf("wellFormed(%q) = nil, want an error", s)
		}
	}
}

// words returns "w1 w2 … wn".
func words(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = fmt.Sprintf("w%d", i+1)
	}
	return strings.Join(ws, " ")
}

// anyExcerpt in excerptCase.want skips the exact comparison.
const anyExcerpt = "\x00any"

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		format  blog.Format // markdown when empty
		excerpt string      // the explicit excerpt
		want    string      // the exact ExcerptHTML, or anyExcerpt
		has     []string    // in ExcerptHTML
		hasNot  []string    // not in ExcerptHTML
		html    []string    // in the full HTML
		htmlNot []string    // not in the full HTML
		more    bool
	}{
		{
			name: "marker after a list and a code block",
			body: "Intro with [a link](https://example.com/).\n\n- one\n- two\n\n```go\nfunc main() {}\n```\n\n<!--more-->\n\nThe rest.\n",
			want: anyExcerpt,
			has: []string{
				`<a href="https://example.com/">a link</a>`, "<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
				`<pre tabindex="0" class="chroma"><code>`, `<span class="kd">func</span>`,
			},
			hasNot: []string{"The rest", "more"},
			html:   []string{"<p>The rest.</p>"},
			more:   true,
		},
		{
			name: "unbalanced div before the marker",
			body: "<div class=\"note\">\n\nHello *world*.\n\n<!--more-->\n\nThe rest.\n\n</div>\n",
			want: "<div class=\"note\">\n<p>Hello <em>world</em>.</p>\n</div>\n",
			more: true,
		},
		{
			name: "unbalanced details before the marker",
			body: "<details>\n<summary>Spoiler</summary>\n\nIt was *him*.\n\n<!--more-->\n\nThe rest.\n\n</details>\n",
			want: "<details>\n<summary>Spoiler</summary>\n<p>It was <em>him</em>.</p>\n</details>\n",
			more: true,
		},
		{
			name: "unbalanced table before the marker",
			body: "<table>\n<tr>\n<td>\n\nCell\n\n<!--more-->\n\nThe rest.\n</td>\n</tr>\n</table>\n",
			want: "<table>\n<tbody><tr>\n<td>\n<p>Cell</p>\n</td></tr></tbody></table>\n",
			more: true,
		},
		{
			name:   "marker in a fenced code block does not split",
			body:   "First paragraph.\n\n```\n<!--more-->\n```\n\nLast.\n",
			want:   "<p>First paragraph.</p>\n",
			html:   []string{"&lt;!--more--&gt;", "<p>Last.</p>"},
			more:   true,
			hasNot: []string{"more"},
		},
		{
			name: "marker in an indented code block does not split",
			body: "First paragraph.\n\n    <!--more-->\n\nLast.\n",
			want: "<p>First paragraph.</p>\n",
			html: []string{"<pre tabindex=\"0\"><code>&lt;!--more--&gt;\n</code></pre>", "<p>Last.</p>"},
			more: true,
		},
		{
			name: "marker inside a longer comment does not split",
			body: "First paragraph.\n\n<!-- draft <!--more--> -->\n\nLast.\n",
			want: "<p>First paragraph.</p>\n",
			html: []string{"<!-- draft <!--more--> -->", "<p>Last.</p>"},
			more: true,
		},
		{
			name: "marker inside a paragraph splits it",
			body: "First <!--more--> paragraph.\n\nLast.\n",
			want: "<p>First </p>\n",
			html: []string{"<p>First  paragraph.</p>\n<p>Last.</p>"},
			more: true,
		},
		{
			name: "marker in a code span does not split",
			body: "Write `<!--more-->` to split.\n\nLast.\n",
			want: "<p>Write <code>&lt;!--more--&gt;</code> to split.</p>\n",
			more: true,
		},
		{
			name: "marker inside a longer inline comment does not split",
			body: "First <!-- draft <!--more--> --> paragraph.\n\nLast.\n",
			want: "<p>First  --&gt; paragraph.</p>\n",
			more: true,
		},
		{
			name:    "marker with spaces",
			body:    "Before.\n\n<!-- more -->\n\nAfter.\n",
			want:    "<p>Before.</p>\n",
			htmlNot: []string{"more"},
			html:    []string{"<p>Before.</p>\n<p>After.</p>"},
			more:    true,
		},
		{
			name:    "marker in upper case",
			body:    "Before.\n<!--MORE-->\nAfter.\n",
			want:    "<p>Before.</p>\n",
			htmlNot: []string{"MORE"},
			more:    true,
		},
		{
			name: "marker inside a list item",
			body: "- one\n- two\n  <!--more-->\n- three\n",
			want: "<ul>\n<li>one</li>\n<li>two\n</li></ul>\n",
			html: []string{"<li>three</li>"},
			more: true,
		},
		{
			name: "marker inside a block quote",
			body: "> Quoted.\n>\n> <!--more-->\n>\n> Still quoted.\n",
			want: "<blockquote>\n<p>Quoted.</p>\n</blockquote>\n",
			html: []string{"<blockquote>\n<p>Quoted.</p>\n<p>Still quoted.</p>\n</blockquote>"},
			more: true,
		},
		{
			name: "marker as the last thing",
			body: "All of it.\n\n- a list\n\n<!--more-->\n",
			want: "<p>All of it.</p>\n<ul>\n<li>a list</li>\n</ul>\n",
			more: false,
		},
		{
			name: "marker followed only by a comment",
			body: "All of it.\n\n<!--more-->\n\n<!-- a note to self -->\n",
			want: "<p>All of it.</p>\n",
			more: false,
		},
		{
			name: "marker followed by an image",
			body: "Text.\n\n<!--more-->\n\n![](/photo.jpg)\n",
			want: "<p>Text.</p>\n",
			more: true,
		},
		{
			name: "marker as the first thing",
			body: "<!--more-->\n\nEverything.\n",
			want: "",
			more: true,
		},
		{
			name:    "explicit excerpt when there is no marker",
			body:    "The first paragraph.\n\nThe second.\n",
			excerpt: "A *custom* excerpt with [a link](/x/).",
			want:    "<p>A <em>custom</em> excerpt with <a href=\"/x/\">a link</a>.</p>\n",
			more:    true,
		},
		{
			name:    "marker wins over the explicit excerpt",
			body:    "Before.\n\n<!--more-->\n\nAfter.\n",
			excerpt: "Explicit.",
			want:    "<p>Before.</p>\n",
			more:    true,
		},
		{
			name: "automatic: one short paragraph",
			body: "Just one short paragraph.\n",
			want: "<p>Just one short paragraph.</p>\n",
			more: false,
		},
		{
			name: "automatic: short first paragraph and more blocks",
			body: "A short *first* paragraph.\n\n## Then\n\nMore text.\n",
			want: "<p>A short <em>first</em> paragraph.</p>\n",
			more: true,
		},
		{
			name: "automatic: 100 words cut to 60",
			body: words(100) + "\n",
			want: "<p>" + words(60) + "…</p>\n",
			more: true,
		},
		{
			name: "automatic: cut keeps markup and closes it",
			body: "*" + words(59) + " [w60 w61](/x/) " + words(30) + "*\n",
			want: "<p><em>" + words(59) + " <a href=\"/x/\">w60…</a></em></p>\n",
			more: true,
		},
		{
			name: "automatic: cut resolves escapes and entities once",
			body: "AT&amp;T \\*not emphasis\\* " + words(80) + "\n",
			want: "<p>AT&amp;T *not emphasis* " + words(57) + "…</p>\n",
			more: true,
		},
		{
			name: "automatic: 65 words are not cut",
			body: words(65) + "\n",
			want: "<p>" + words(65) + "</p>\n",
			more: false,
		},
		{
			name: "automatic: heading first",
			body: "# A title\n\nThe paragraph.\n",
			want: "<p>The paragraph.</p>\n",
			more: true,
		},
		{
			name: "automatic: only a heading",
			body: "## Nothing else\n",
			want: "",
			more: false,
		},
		{
			name: "empty body",
			body: "",
			want: "",
			more: false,
		},
		{
			name:   "html without marker",
			format: blog.FormatHTML,
			body:   "<p>First <em>para</em>.</p>\n<p>Second.</p>\n",
			want:   "<p>First <em>para</em>.</p>\n",
			more:   true,
		},
		{
			name:   "html single paragraph",
			format: blog.FormatHTML,
			body:   "<p>Only this.</p>\n<!-- a comment -->\n",
			want:   "<p>Only this.</p>\n",
			more:   false,
		},
		{
			name:    "html with marker",
			format:  blog.FormatHTML,
			body:    "<div class=\"intro\"><p>One</p>\n<!-- more -->\n<p>Two</p></div>\n",
			want:    "<div class=\"intro\"><p>One</p>\n</div>\n",
			html:    []string{"<p>Two</p>"},
			htmlNot: []string{"more"},
			more:    true,
		},
		{
			name:   "html marker in a script does not split",
			format: blog.FormatHTML,
			body:   "<p>One</p><script>let s = '<!--more-->';</script><p>Two</p>",
			want:   "<p>One</p>\n",
			html:   []string{"'<!--more-->'"},
			more:   true,
		},
		{
			name: "headings lose ids and anchors",
			body: "## Intro\n\nText.\n\n### Detail\n\n<!--more-->\n\nRest.\n",
			want: "<h2>Intro</h2>\n<p>Text.</p>\n<h3>Detail</h3>\n",
			html: []string{`<h2 id="intro">Intro <a href="#intro" class="anchor"`},
			more: true,
		},
		{
			name: "footnote references removed",
			body: "Text[^1] and more[^note].\n\n<!--more-->\n\nRest.\n\n[^1]: One.\n[^note]: Two.\n",
			want: "<p>Text and more.</p>\n",
			html: []string{`class="footnote-ref"`, `class="footnotes"`},
			more: true,
		},
		{
			name:    "explicit excerpt loses its footnotes",
			body:    "Body.\n",
			excerpt: "See this[^1].\n\n[^1]: The note.\n",
			want:    "<p>See this.</p>\n",
			more:    true,
		},
		{
			name: "plaintext before the marker is closed",
			body: "<plaintext>\n\nraw\n\n<!--more-->\n\nrest\n",
			want: anyExcerpt,
			has:  []string{"<pre>"},
			more: true,
		},
		{
			// "<!--<script>" puts the tokenizer in a state where
			// "</script>" does not end the script: it would swallow the
			// page the excerpt is shown on.
			name: "a script cut short by the marker is dropped",
			body: "Intro.\n\n<script>var s = '<!--<script>';</pre>\n<!--more-->\n\nAfter.\n",
			want: "<p>Intro.</p>\n",
			more: true,
		},
		{
			name: "a whole script before the marker is kept",
			body: "Intro.\n\n<script>var s = 1;</script>\n<!--more-->\n\nAfter.\n",
			want: "<p>Intro.</p>\n<script>var s = 1;</script>\n",
			more: true,
		},
		{
			name: "a body holding the sentinel is not split by it",
			body: "One.\n\n<!--octavo:more-->\n\nTwo.\n",
			want: "<p>One.</p>\n",
			html: []string{"<!--octavo:more-->", "<p>Two.</p>"},
			more: true,
		},
	}
	r := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			format := tt.format
			if format == "" {
				format = blog.FormatMarkdown
			}
			out, err := r.Render(tt.body, format, tt.excerpt)
			if err != nil {
				t.Fatal(err)
			}
			ex := out.ExcerptHTML
			if err := wellFormed(ex); err != nil {
				t.Errorf("excerpt not well-formed: %v\n%s", err, ex)
			}
			if tt.want != anyExcerpt && ex != tt.want {
				t.Errorf("excerpt:\n%q\nwant:\n%q", ex, tt.want)
			}
			for _, s := range tt.has {
				if !strings.Contains(ex, s) {
					t.Errorf("excerpt lacks %q:\n%s", s, ex)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(ex, s) {
					t.Errorf("excerpt has %q:\n%s", s, ex)
				}
			}
			for _, s := range tt.html {
				if !strings.Contains(out.HTML, s) {
					t.Errorf("HTML lacks %q:\n%s", s, out.HTML)
				}
			}
			for _, s := range tt.htmlNot {
				if strings.Contains(out.HTML, s) {
					t.Errorf("HTML has %q:\n%s", s, out.HTML)
				}
			}
			if strings.Contains(out.HTML, moreSentinel) && !strings.Contains(tt.body, moreSentinel) {
				t.Errorf("HTML keeps the sentinel:\n%s", out.HTML)
			}
			if strings.Contains(ex, " id=") || strings.Contains(ex, `class="anchor"`) || strings.Contains(ex, "footnote") {
				t.Errorf("excerpt keeps ids, anchors or footnotes:\n%s", ex)
			}
			if out.HasMore != tt.more {
				t.Errorf("HasMore = %v, want %v", out.HasMore, tt.more)
			}
			if out.Version != Version {
				t.Errorf("Version = %d, want %d", out.Version, Version)
			}
		})
	}
}

// TestExcerptCutWords checks the automatic excerpt's cut by counting the
// words a reader sees.
func TestExcerptCutWords(t *testing.T) {
	out, err := New().Render(words(100)+"\n\nSecond paragraph.\n", blog.FormatMarkdown, "")
	if err != nil {
		t.Fatal(err)
	}
	ws := strings.Fields(PlainText(out.ExcerptHTML))
	if len(ws) != ExcerptWords || ws[len(ws)-1] != "w60…" {
		t.Errorf("excerpt has %d words ending %q, want %d ending %q", len(ws), ws[len(ws)-1], ExcerptWords, "w60…")
	}
	if !out.HasMore {
		t.Error("HasMore = false for a cut excerpt")
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>a <em>b</em>c</p><p>d</p>", " a bc  d "},
		{"x<br>y", "x y"},
		{"AT&amp;T &lt;tag&gt;", "AT&T <tag>"},
		{"<p>a</p><script>var x = 1;</script><style>p{}</style><p>b</p>", " a      b "},
		{"<!-- hidden -->shown", "shown"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// summaryOfAll is Summary as it was first written: the whole text, then
// the cut. Summary reads only as far as the cut needs, and must give the
// same.
func summaryOfAll(fragment string, n int) string {
	return cutSummary(strings.Join(strings.Fields(PlainText(fragment)), " "), n)
}

var summaryCases = []string{
	"",
	"<p>One two three.</p>",
	"<p>  Leading   and trailing  </p>\n\n<p>Second paragraph, with <em>em</em>phasis and <a href=\"/x\">a link</a>.</p>",
	"<p>a<em>b</em>c d<br>e</p><ul><li>one</li><li>two</li></ul>",
	"<p>Entities: &amp; &lt;tag&gt; &nbsp;non&nbsp;breaking&#160;spaces\u2003em space</p>",
	"<p>Before</p><script>var x = 1; // no words here</script><style>p{}</style><p>after</p>",
	"<p>日本語のテキスト、そして English words mixed in, with ünïcödé.</p>",
	"<pre><code>func main() {\n\tfmt.Println(\"hi\")\n}\n</code></pre><p>tail</p>",
	"<p>" + strings.Repeat("word ", 80) + "</p>",
	"<p>averyveryveryverylongwordwithoutanyspacesatallthatgoesonandon</p><p>next</p>",
}

// TestSummaryReadsOnlyWhatItNeeds: every cut of every case is the one the
// whole text gives.
func TestSummaryReadsOnlyWhatItNeeds(t *testing.T) {
	for _, f := range summaryCases {
		for n := 0; n <= len(f)+2; n++ {
			if got, want := Summary(f, n), summaryOfAll(f, n); got != want {
				t.Fatalf("Summary(%q, %d) = %q, want %q", f, n, got, want)
			}
		}
	}
}

func FuzzSummary(f *testing.F) {
	for _, c := range summaryCases {
		f.Add(c, 40)
	}
	f.Fuzz(func(t *testing.T, fragment string, n int) {
		if n < 0 || n > 1000 {
			return
		}
		if got, want := Summary(fragment, n), summaryOfAll(fragment, n); got != want {
			t.Fatalf("Summary(%q, %d) = %q, want %q", fragment, n, got, want)
		}
	})
}
