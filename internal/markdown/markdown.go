// Package markdown turns a post's body into HTML: goldmark with GFM tables,
// strikethrough, task lists and autolinks, footnotes, heading ids with
// anchor links, chroma highlighting with CSS classes, a table of contents and
// the rich excerpt (the HTML before <!--more-->).
//
// It runs when a post is saved, not when a page is served: the store keeps
// the result (blog.Rendered) with the post.
package markdown

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"octavo/internal/blog"
	"octavo/internal/fastlex"
)

// Version identifies the output of this pipeline. Bump it when the HTML it
// makes changes, so stored posts are rendered again at start-up.
//
// Version 2: automatic excerpts keep their markup when cut; heading text in
// the table of contents has its escapes and entities resolved; every code
// block is focusable; task list check boxes have an accessible name; no
// spaces before a line break; a <!--more--> inside a paragraph splits it;
// excerpts drop footnote lists and raw text elements that would not end.
//
// Version 3: images of the media library get srcset, sizes, width, height,
// loading and decoding (RenderWith).
const Version = 3

// ExcerptWords is about how many words an automatic excerpt keeps.
const ExcerptWords = 60

// Options choose the parts of the pipeline; the zero value is plain
// CommonMark, which the CommonMark conformance test checks.
type Options struct {
	Extensions bool // GFM, footnotes, heading ids and anchors, highlighting

	// xhtml writes void elements as "<br />", the way the CommonMark
	// spec's examples are written. Only the conformance test sets it: pages
	// are HTML5, where "<br>" is the usual spelling.
	xhtml bool
	// parts picks single extensions when Extensions is false, so the
	// conformance test can tell which one changes an example's output.
	parts part
	// perBlockFormatter leaves fenced code to goldmark-highlighting alone
	// (a formatter per block), for the test that compares the two.
	perBlockFormatter bool
}

// part is one extension of the pipeline (a bit in Options.parts).
type part uint

const (
	partHeadingIDs    part = 1 << iota // heading ids and anchor links
	partTables                         // GFM tables
	partStrikethrough                  // GFM strikethrough
	partTaskLists                      // GFM task lists
	partLinkify                        // GFM autolinks
	partFootnotes                      // footnotes
	partHighlighting                   // chroma highlighting of fenced code
	partFocusableCode                  // tabindex="0" on every code block

	allParts = partFocusableCode<<1 - 1
)

// Renderer is a configured Markdown pipeline. It is safe for concurrent use.
type Renderer struct {
	md goldmark.Markdown
}

// New returns the pipeline Octavo renders posts with. It installs
// fastlex's faster chroma lexers (same tokens) for the whole program.
func New() *Renderer {
	fastlex.Install()
	return NewWithOptions(Options{Extensions: true})
}

// NewWithOptions returns a pipeline with the given parts.
func NewWithOptions(o Options) *Renderer {
	opts := []goldmark.Option{
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(moreTransformer{}, 50), util.Prioritized(imageTransformer{}, 60))),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(moreRenderer{}, 50))),
	}
	if o.xhtml {
		opts = append(opts, goldmark.WithRendererOptions(gmhtml.WithXHTML()))
	}
	parts := o.parts
	if o.Extensions {
		parts = allParts
	}
	var exts []goldmark.Extender
	if parts&partTables != 0 {
		exts = append(exts, extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignStyle)))
	}
	if parts&partStrikethrough != 0 {
		exts = append(exts, extension.Strikethrough)
	}
	if parts&partTaskLists != 0 {
		exts = append(exts, extension.TaskList)
		// Before the extension's own renderer (500).
		opts = append(opts, goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(taskCheckBoxRenderer{xhtml: o.xhtml}, 400))))
	}
	if parts&partLinkify != 0 {
		exts = append(exts, extension.Linkify)
		opts = append(opts, goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(lineEndTransformer{}, 100))))
	}
	if parts&partFootnotes != 0 {
		exts = append(exts, extension.Footnote)
	}
	if parts&partHighlighting != 0 {
		formatOpts := []chromahtml.Option{chromahtml.WithClasses(true), chromahtml.WithPreWrapper(focusablePre{})}
		hopts := []highlighting.Option{
			highlighting.WithGuessLanguage(false),
			highlighting.WithFormatOptions(formatOpts...),
		}
		var wrapper highlighting.WrapperRenderer
		if parts&partFocusableCode != 0 {
			wrapper = plainFencedCode
			hopts = append(hopts, highlighting.WithWrapperRenderer(wrapper))
		}
		exts = append(exts, highlighting.NewHighlighting(hopts...))
		if !o.perBlockFormatter {
			// The same output with one formatter for all blocks
			// (highlight.go), before the extension's renderer (200).
			opts = append(opts, goldmark.WithRendererOptions(renderer.WithNodeRenderers(
				util.Prioritized(newFencedCode(hopts, focusablePre{}, wrapper), 190))))
		}
	}
	opts = append(opts, goldmark.WithExtensions(exts...))
	if parts&partFocusableCode != 0 {
		// After highlighting (200), before goldmark's own renderer (1000).
		opts = append(opts, goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(codeBlockRenderer{}, 300))))
	}
	if parts&partHeadingIDs != 0 {
		opts = append(opts, goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(headingTransformer{}, 100)),
		))
	}
	return &Renderer{md: goldmark.New(opts...)}
}

// focusablePre makes highlighted code blocks reachable by keyboard, since
// a long line makes them scroll sideways.
type focusablePre struct{}

func (focusablePre) Start(code bool, styleAttr string) string {
	if code {
		return fmt.Sprintf(`<pre tabindex="0"%s><code>`, styleAttr)
	}
	return fmt.Sprintf(`<pre tabindex="0"%s>`, styleAttr)
}

func (focusablePre) End(code bool) string {
	if code {
		return "</code></pre>\n"
	}
	return "</pre>\n"
}

// plainFencedCode writes the <pre> of a fenced code block that chroma does
// not highlight (no language, or one it does not know), focusable like the
// highlighted ones. For a highlighted block it writes nothing, since
// focusablePre has written the <pre> already.
func plainFencedCode(w util.BufWriter, c highlighting.CodeBlockContext, entering bool) {
	if c.Highlighted() {
		return
	}
	if !entering {
		_, _ = w.WriteString("</code></pre>\n")
		return
	}
	_, _ = w.WriteString(`<pre tabindex="0"><code`)
	if lang, ok := c.Language(); ok && len(lang) > 0 {
		_, _ = w.WriteString(` class="language-`)
		gmhtml.DefaultWriter.Write(w, lang)
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
}

// codeBlockRenderer writes code blocks that chroma does not see (indented
// ones, and fenced ones when highlighting is off) focusable too.
type codeBlockRenderer struct{}

func (codeBlockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	write := func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			_, _ = w.WriteString("</code></pre>\n")
			return ast.WalkContinue, nil
		}
		_, _ = w.WriteString(`<pre tabindex="0"><code`)
		if fc, ok := n.(*ast.FencedCodeBlock); ok {
			if lang := fc.Language(src); len(lang) > 0 {
				_, _ = w.WriteString(` class="language-`)
				gmhtml.DefaultWriter.Write(w, lang)
				_ = w.WriteByte('"')
			}
		}
		_ = w.WriteByte('>')
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			s := lines.At(i)
			gmhtml.DefaultWriter.RawWrite(w, s.Value(src))
		}
		return ast.WalkContinue, nil
	}
	reg.Register(ast.KindCodeBlock, write)
	reg.Register(ast.KindFencedCodeBlock, write)
}

// taskCheckBoxRenderer writes the check box of a task list item with an
// accessible name, which a form control must have even when disabled.
type taskCheckBoxRenderer struct{ xhtml bool }

func (r taskCheckBoxRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(extast.KindTaskCheckBox, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.(*extast.TaskCheckBox).IsChecked {
			_, _ = w.WriteString(`<input checked="" disabled="" type="checkbox" aria-label="Task done"`)
		} else {
			_, _ = w.WriteString(`<input disabled="" type="checkbox" aria-label="Task not done"`)
		}
		if r.xhtml {
			_, _ = w.WriteString(" /> ")
		} else {
			_, _ = w.WriteString("> ")
		}
		return ast.WalkContinue, nil
	})
}

// moreSentinel marks where <!--more--> stood in the rendered HTML. A body
// that contains it already gets a longer one (see sentinelFor).
const moreSentinel = "<!--octavo:more-->"

// sentinelKey carries the sentinel of one Render call to moreTransformer.
// Without it (Markdown, an explicit excerpt) <!--more--> stays a comment.
var sentinelKey = parser.NewContextKey()

var moreRE = regexp.MustCompile(`(?i)^<!--\s*more\s*-->$`)

// sentinelFor returns a marker that does not occur in body, so that only
// the rendered <!--more--> can be taken for it. The pipeline writes no
// comments of its own, and copies those of the body (raw HTML) as they are,
// so a comment absent from the body is absent from the HTML made of it.
func sentinelFor(body string) string {
	s := moreSentinel
	for i := 1; strings.Contains(body, s); i++ {
		s = "<!--octavo:more:" + strconv.Itoa(i) + "-->"
	}
	return s
}

// Markdown renders body to HTML and nothing else (no excerpt, no table of
// contents); a <!--more--> in it stays an HTML comment. The CommonMark
// conformance test uses it.
func (r *Renderer) Markdown(body string) (string, error) {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(body), &buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Render turns a post's body into its full HTML, its rich excerpt, its
// table of contents and its word count. excerpt is the explicit excerpt,
// used when the body has no <!--more-->.
func (r *Renderer) Render(body string, format blog.Format, excerpt string) (blog.Rendered, error) {
	out, _, err := r.render(body, format, excerpt, nil)
	return out, err
}

// RenderWith is Render with the media library at hand: images of it get
// srcset, sizes, width and height (see imageTransformer). images may be
// nil.
func (r *Renderer) RenderWith(body string, format blog.Format, excerpt string, images ImageLookup) (blog.Rendered, error) {
	out, _, err := r.render(body, format, excerpt, images)
	return out, err
}

// render is RenderWith that also returns the HTML after <!--more--> (rest,
// nil when the body was not split), for tests to check HasMore against.
func (r *Renderer) render(body string, format blog.Format, excerpt string, images ImageLookup) (out blog.Rendered, rest *string, err error) {
	out = blog.Rendered{Version: Version}
	sentinel := sentinelFor(body)
	var full string
	var firstPara string   // HTML of the first paragraph, for the automatic excerpt
	var moreAfterPara bool // whether anything but the first paragraph has content
	if format == blog.FormatHTML {
		full = markHTMLMore(body, sentinel)
		firstPara, moreAfterPara = firstParagraphOfHTML(full)
		out.WordCount = countWords(htmlText(body))
	} else {
		src := []byte(body)
		pc := parser.NewContext()
		pc.Set(sentinelKey, sentinel)
		if images != nil {
			pc.Set(imagesKey, images)
		}
		doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
		var buf bytes.Buffer
		if err := r.md.Renderer().Render(&buf, src, doc); err != nil {
			return out, nil, fmt.Errorf("markdown: %w", err)
		}
		full = buf.String()
		out.TOCHTML = tableOfContents(doc, src)
		out.WordCount = countWords(nodeText(doc, src))
		for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
			if p, ok := c.(*ast.Paragraph); ok {
				var pb bytes.Buffer
				if err := r.md.Renderer().Render(&pb, src, p); err != nil {
					return out, nil, fmt.Errorf("markdown: %w", err)
				}
				firstPara = pb.String()
				// The paragraph is rendered exactly as in full, so taking
				// it out leaves the rest of the post.
				moreAfterPara = hasContent(strings.Replace(full, firstPara, "", 1))
				break
			}
		}
	}

	if before, after, ok := strings.Cut(full, sentinel); ok {
		out.HTML = before + after
		out.ExcerptHTML = cleanExcerpt(before)
		out.HasMore = hasContent(after)
		return out, &after, nil
	}
	out.HTML = full
	switch {
	case strings.TrimSpace(excerpt) != "":
		eh, err := r.Markdown(excerpt)
		if err != nil {
			return out, nil, fmt.Errorf("markdown: excerpt: %w", err)
		}
		out.ExcerptHTML = cleanExcerpt(eh)
		out.HasMore = hasContent(full)
	case firstPara != "":
		var cut bool
		out.ExcerptHTML, cut = truncateWords(cleanExcerpt(firstPara), ExcerptWords, ExcerptWords/6)
		out.HasMore = cut || moreAfterPara
	}
	return out, nil, nil
}

// moreNode stands where a <!--more--> HTML block was, so the renderer can
// mark it; moreInline stands where one was inside a paragraph.
type moreNode struct {
	ast.BaseBlock
	sentinel string
}

type moreInline struct {
	ast.BaseInline
	sentinel string
}

var kindMore = ast.NewNodeKind("More")

func (n *moreNode) Kind() ast.NodeKind              { return kindMore }
func (n *moreNode) Dump(source []byte, level int)   { ast.DumpHelper(n, source, level, nil, nil) }
func (n *moreInline) Kind() ast.NodeKind            { return kindMore }
func (n *moreInline) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// moreTransformer replaces the first <!--more--> by a moreNode or a
// moreInline: one that stands as an HTML block of its own (anywhere: top
// level, in a list or a quote) or as raw HTML inside a paragraph. A marker in
// a code block or a code span is code, and one inside a longer comment is
// part of that comment, so neither splits. It does nothing unless the parser
// context carries a sentinel (see Render).
type moreTransformer struct{}

func (moreTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	sentinel, _ := pc.Get(sentinelKey).(string)
	if sentinel == "" {
		return
	}
	src := reader.Source()
	var found, repl ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var b strings.Builder
		switch n := n.(type) {
		case *ast.HTMLBlock:
			if n.HTMLBlockType != ast.HTMLBlockType2 {
				return ast.WalkContinue, nil
			}
			for i := 0; i < n.Lines().Len(); i++ {
				s := n.Lines().At(i)
				b.Write(s.Value(src))
			}
			if n.HasClosure() {
				b.Write(n.ClosureLine.Value(src))
			}
			repl = &moreNode{sentinel: sentinel}
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				s := n.Segments.At(i)
				b.Write(s.Value(src))
			}
			repl = &moreInline{sentinel: sentinel}
		default:
			return ast.WalkContinue, nil
		}
		if moreRE.MatchString(strings.TrimSpace(b.String())) {
			found = n
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if found != nil {
		found.Parent().ReplaceChild(found.Parent(), found, repl)
	}
}

type moreRenderer struct{}

func (moreRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMore, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n := n.(type) {
			case *moreNode:
				_, _ = w.WriteString(n.sentinel)
			case *moreInline:
				_, _ = w.WriteString(n.sentinel)
			}
		}
		return ast.WalkContinue, nil
	})
}

// lineEndTransformer removes the spaces before a line break that linkify
// leaves: it splits the text at spaces, so "aaa     \n" keeps some of its
// trailing spaces in a text node of their own, before the <br>.
type lineEndTransformer struct{}

func (lineEndTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		t, ok := n.(*ast.Text)
		if !entering || !ok || !(t.HardLineBreak() || t.SoftLineBreak()) {
			return ast.WalkContinue, nil
		}
		for t != nil && !t.IsRaw() {
			seg := t.Segment
			for seg.Stop > seg.Start && (src[seg.Stop-1] == ' ' || src[seg.Stop-1] == '\t') {
				seg.Stop--
			}
			t.Segment = seg
			if seg.Len() > 0 {
				break
			}
			t, _ = t.PreviousSibling().(*ast.Text)
			if t != nil && (t.HardLineBreak() || t.SoftLineBreak()) {
				break
			}
		}
		return ast.WalkContinue, nil
	})
}

// headingTransformer appends an anchor link to every heading that has an id.
type headingTransformer struct{}

func (headingTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		id, ok := h.AttributeString("id")
		if !ok {
			return ast.WalkSkipChildren, nil
		}
		idb, _ := id.([]byte)
		link := ast.NewLink()
		link.Destination = append([]byte("#"), idb...)
		link.SetAttributeString("class", []byte("anchor"))
		link.SetAttributeString("title", []byte("Link to this section"))
		link.AppendChild(link, ast.NewString([]byte("#")))
		h.AppendChild(h, ast.NewString([]byte(" ")))
		h.AppendChild(h, link)
		return ast.WalkSkipChildren, nil
	})
}

// nodeText returns the words of a node: its text, code and code blocks,
// with blocks separated by spaces. Backslash escapes and entities are
// resolved, as the renderer does, except in code.
func nodeText(n ast.Node, src []byte) string {
	var b strings.Builder
	b.Grow(len(src))
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if c.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			v := t.Segment.Value(src)
			if !t.IsRaw() && (t.Parent() == nil || t.Parent().Kind() != ast.KindCodeSpan) {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			if string(t.Value) != "#" { // heading anchors
				b.Write(t.Value)
			}
		case *ast.AutoLink:
			b.Write(t.Label(src))
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := c.Lines()
			for i := 0; i < lines.Len(); i++ {
				s := lines.At(i)
				b.Write(s.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// countWords counts the runs of non-space characters, as
// len(strings.FieldsFunc(s, unicode.IsSpace)) would, without making them.
// ASCII is looked up in a table; other characters ask unicode.IsSpace.
func countWords(s string) int {
	n := 0
	inWord := false
	for i := 0; i < len(s); {
		c := s[i]
		var space bool
		if c < utf8.RuneSelf {
			space = asciiSpace[c]
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if space {
			inWord = false
		} else if !inWord {
			inWord = true
			n++
		}
	}
	return n
}

// asciiSpace holds the ASCII characters unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}
