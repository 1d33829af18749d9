package markdown

import (
	"bytes"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// fencedCode highlights fenced code blocks the way goldmark-highlighting
// does, byte for byte, with one chroma formatter for every block:
// goldmark-highlighting makes a formatter per block, and with it chroma
// computes the style's CSS classes again each time (a tenth of a
// highlighted post's rendering). Blocks with attributes ("```go
// {linenos=true}"), whose formatter options differ, and blocks it does not
// highlight go to goldmark-highlighting's own renderer.
type fencedCode struct {
	fallback  renderer.NodeRendererFunc
	formatter *chromahtml.Formatter
	style     *chroma.Style
	wrapper   highlighting.WrapperRenderer
}

// newFencedCode returns the renderer for the given highlighting options;
// formatOpts and wrapper must be the ones in opts.
func newFencedCode(opts []highlighting.Option, formatOpts []chromahtml.Option, wrapper highlighting.WrapperRenderer) *fencedCode {
	fc := &fencedCode{
		formatter: chromahtml.New(formatOpts...),
		style:     styles.Get(highlighting.NewConfig().Style),
		wrapper:   wrapper,
	}
	highlighting.NewHTMLRenderer(opts...).RegisterFuncs(funcGrabber{kind: ast.KindFencedCodeBlock, f: &fc.fallback})
	return fc
}

// funcGrabber keeps the function a node renderer registers for one kind.
type funcGrabber struct {
	kind ast.NodeKind
	f    *renderer.NodeRendererFunc
}

func (g funcGrabber) Register(k ast.NodeKind, f renderer.NodeRendererFunc) {
	if k == g.kind {
		*g.f = f
	}
}

// RegisterFuncs implements renderer.NodeRenderer.
func (fc *fencedCode) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, fc.render)
}

func (fc *fencedCode) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.FencedCodeBlock)
	if !entering {
		return ast.WalkContinue, nil
	}
	language := n.Language(src)
	var lexer chroma.Lexer
	if language != nil {
		lexer = lexers.Get(string(language))
	}
	if lexer == nil || n.Attributes() != nil || (n.Info != nil && bytes.IndexByte(n.Info.Segment.Value(src), '{') >= 0) {
		return fc.fallback(w, src, node, entering)
	}
	var buf bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		line := lines.At(i)
		buf.Write(line.Value(src))
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, buf.String())
	if err != nil {
		return fc.fallback(w, src, node, entering)
	}
	c := highlighted{language: language}
	if fc.wrapper != nil {
		fc.wrapper(w, c, true)
	}
	_ = fc.formatter.Format(w, fc.style, it)
	if fc.wrapper != nil {
		fc.wrapper(w, c, false)
	}
	return ast.WalkContinue, nil
}

// highlighted is the CodeBlockContext of a highlighted block without
// attributes.
type highlighted struct{ language []byte }

func (c highlighted) Language() ([]byte, bool) { return c.language, c.language != nil }
func (highlighted) Highlighted() bool          { return true }
func (highlighted) Attributes() highlighting.ImmutableAttributes {
	return nil
}
