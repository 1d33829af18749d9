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
	"html"
	"regexp"
	"strings"
	"unicode"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"octavo/internal/blog"
)

// Version identifies the output of this pipeline. Bump it when the HTML it
// makes changes, so stored posts are rendered again at start-up.
const Version = 1

// ExcerptWords is about how many words an automatic excerpt keeps.
const ExcerptWords = 60

// Options choose the parts of the pipeline; the zero value is plain
// CommonMark, which is what the CommonMark conformance test runs.
type Options struct {
	Extensions bool // GFM, footnotes, heading ids and anchors, highlighting
}

// Renderer is a configured Markdown pipeline. It is safe for concurrent use.
type Renderer struct {
	md goldmark.Markdown
}

// New returns the pipeline Octavo renders posts with.
func New() *Renderer { return NewWithOptions(Options{Extensions: true}) }

// NewWithOptions returns a pipeline with the given parts.
func NewWithOptions(o Options) *Renderer {
	opts := []goldmark.Option{
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(moreTransformer{}, 50))),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(moreRenderer{}, 50))),
	}
	if o.Extensions {
		opts = append(opts,
			goldmark.WithExtensions(
				extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignStyle)),
				extension.Strikethrough,
				extension.TaskList,
				extension.Linkify,
				extension.Footnote,
				highlighting.NewHighlighting(
					highlighting.WithGuessLanguage(false),
					highlighting.WithFormatOptions(
						chromahtml.WithClasses(true),
						chromahtml.WithPreWrapper(focusablePre{}),
					),
				),
			),
			goldmark.WithParserOptions(
				parser.WithAutoHeadingID(),
				parser.WithASTTransformers(util.Prioritized(headingTransformer{}, 100)),
			),
		)
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
		return "</code></pre>"
	}
	return "</pre>"
}

// moreSentinel marks where <!--more--> stood in the rendered HTML.
const moreSentinel = "<!--octavo:more-->"

var moreRE = regexp.MustCompile(`(?i)^<!--\s*more\s*-->$`)

// Markdown renders body to HTML and nothing else (no excerpt, no table of
// contents); the CommonMark conformance test uses it.
func (r *Renderer) Markdown(body string) (string, error) {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(body), &buf); err != nil {
		return "", err
	}
	return strings.Replace(buf.String(), moreSentinel, "", 1), nil
}

// Render turns a post's body into its full HTML, its rich excerpt, its
// table of contents and its word count. excerpt is the explicit excerpt,
// used when the body has no <!--more-->.
func (r *Renderer) Render(body string, format blog.Format, excerpt string) (blog.Rendered, error) {
	out := blog.Rendered{Version: Version}
	var full string
	var firstPara string // HTML of the first paragraph, for the automatic excerpt
	var firstParaText string
	var blocks int
	if format == blog.FormatHTML {
		full = markHTMLMore(body)
		firstPara, firstParaText, blocks = firstParagraphOfHTML(full)
		out.WordCount = countWords(htmlText(body))
	} else {
		src := []byte(body)
		doc := r.md.Parser().Parse(text.NewReader(src))
		var buf bytes.Buffer
		if err := r.md.Renderer().Render(&buf, src, doc); err != nil {
			return out, fmt.Errorf("markdown: %w", err)
		}
		full = buf.String()
		out.TOCHTML = tableOfContents(doc, src)
		out.WordCount = countWords(nodeText(doc, src))
		for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
			if _, ok := c.(*moreNode); ok {
				continue
			}
			blocks++
			if p, ok := c.(*ast.Paragraph); ok && firstPara == "" {
				var pb bytes.Buffer
				if err := r.md.Renderer().Render(&pb, src, p); err != nil {
					return out, fmt.Errorf("markdown: %w", err)
				}
				firstPara = pb.String()
				firstParaText = nodeText(p, src)
			}
		}
	}

	if before, after, ok := strings.Cut(full, moreSentinel); ok {
		out.HTML = before + after
		out.ExcerptHTML = cleanExcerpt(before)
		out.HasMore = strings.TrimSpace(htmlText(after)) != "" || strings.Contains(after, "<img")
		return out, nil
	}
	out.HTML = full
	switch {
	case strings.TrimSpace(excerpt) != "":
		var eb bytes.Buffer
		if err := r.md.Convert([]byte(excerpt), &eb); err != nil {
			return out, fmt.Errorf("markdown: excerpt: %w", err)
		}
		out.ExcerptHTML = cleanExcerpt(strings.Replace(eb.String(), moreSentinel, "", 1))
		out.HasMore = strings.TrimSpace(body) != ""
	case firstPara != "":
		words := strings.Fields(firstParaText)
		if len(words) > ExcerptWords+ExcerptWords/6 { // "near 60": do not cut off a short tail
			out.ExcerptHTML = "<p>" + html.EscapeString(strings.Join(words[:ExcerptWords], " ")) + "…</p>\n"
			out.HasMore = true
		} else {
			out.ExcerptHTML = cleanExcerpt(firstPara)
			out.HasMore = blocks > 1
		}
	}
	return out, nil
}

// moreNode stands where <!--more--> was, so the renderer can mark it.
type moreNode struct{ ast.BaseBlock }

var kindMore = ast.NewNodeKind("More")

func (n *moreNode) Kind() ast.NodeKind            { return kindMore }
func (n *moreNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// moreTransformer replaces the first <!--more--> that stands as an HTML block
// of its own (anywhere: top level, in a list or a quote) by a moreNode. A
// marker in a code block is code, and one inside a longer comment is part of
// that comment, so neither splits.
type moreTransformer struct{}

func (moreTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var found ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if hb, ok := n.(*ast.HTMLBlock); ok && hb.HTMLBlockType == ast.HTMLBlockType2 {
			var b strings.Builder
			for i := 0; i < hb.Lines().Len(); i++ {
				s := hb.Lines().At(i)
				b.Write(s.Value(src))
			}
			if hb.HasClosure() {
				b.Write(hb.ClosureLine.Value(src))
			}
			if moreRE.MatchString(strings.TrimSpace(b.String())) {
				found = hb
				return ast.WalkStop, nil
			}
		}
		return ast.WalkContinue, nil
	})
	if found != nil {
		found.Parent().ReplaceChild(found.Parent(), found, &moreNode{})
	}
}

type moreRenderer struct{}

func (moreRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMore, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString(moreSentinel)
		}
		return ast.WalkContinue, nil
	})
}

// markHTMLMore finds <!--more--> in an HTML body (format html).
func markHTMLMore(body string) string {
	loc := regexp.MustCompile(`(?i)<!--\s*more\s*-->`).FindStringIndex(body)
	if loc == nil {
		return body
	}
	return body[:loc[0]] + moreSentinel + body[loc[1]:]
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
// with blocks separated by spaces.
func nodeText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if c.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
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
		case *moreNode:
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func countWords(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) }))
}
