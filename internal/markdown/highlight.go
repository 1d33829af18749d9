package markdown

import (
	"bytes"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// fencedCode highlights fenced code blocks the way goldmark-highlighting
// does, byte for byte, but faster. goldmark-highlighting makes a chroma
// formatter per block, and with it chroma computes the style's CSS classes
// again each time (a tenth of a highlighted post's rendering); and chroma's
// formatter writes each token through fmt (another ~7 % of a build's CPU).
// fencedCode writes the tokens itself (classWriter), as chroma's formatter
// does with the options Octavo gives it: CSS classes, no line numbers, no
// highlighted lines, a PreWrapper. Blocks with attributes ("```go
// {linenos=true}"), whose options differ, and blocks it does not
// highlight go to goldmark-highlighting's own renderer. Tests compare both
// with chroma's formatter (highlight_test.go).
type fencedCode struct {
	fallback renderer.NodeRendererFunc
	out      *classWriter
	wrapper  highlighting.WrapperRenderer
}

// newFencedCode returns the renderer for the given highlighting options,
// whose formatter options must be chromahtml.WithClasses(true) and
// chromahtml.WithPreWrapper(pre); wrapper must be the one in opts.
func newFencedCode(opts []highlighting.Option, pre chromahtml.PreWrapper, wrapper highlighting.WrapperRenderer) *fencedCode {
	fc := &fencedCode{out: newClassWriter(pre), wrapper: wrapper}
	highlighting.NewHTMLRenderer(opts...).RegisterFuncs(funcGrabber{kind: ast.KindFencedCodeBlock, f: &fc.fallback})
	return fc
}

// classWriter writes tokens as chroma's HTML formatter does with
// chromahtml.WithClasses(true) and a PreWrapper, and no other option: a
// <span class="line"><span class="cl"> per line, a span with the token
// type's class around each token that has one, text escaped with
// html.EscapeString.
type classWriter struct {
	pre                chromahtml.PreWrapper
	preAttr, lineStart string
	byType             map[chroma.TokenType]string // ` class="…"`, "" for none
}

func newClassWriter(pre chromahtml.PreWrapper) *classWriter {
	cw := &classWriter{pre: pre, byType: map[chroma.TokenType]string{}}
	for t := range chroma.StandardTypes {
		cw.byType[t] = classAttr(t)
	}
	cw.preAttr = classAttr(chroma.PreWrapper)
	cw.lineStart = "<span" + classAttr(chroma.Line) + "><span" + classAttr(chroma.CodeLine) + ">"
	return cw
}

// classAttr is chroma's formatter's class attribute for a token type: the
// class of the type or of its nearest parent chroma names.
func classAttr(t chroma.TokenType) string {
	for t != 0 {
		if cls, ok := chroma.StandardTypes[t]; ok {
			if cls == "" {
				return ""
			}
			return ` class="` + cls + `"`
		}
		t = t.Parent()
	}
	if cls := chroma.StandardTypes[t]; cls != "" {
		return ` class="` + cls + `"`
	}
	return ""
}

// attr is the class attribute of a token type; the types chroma names are
// looked up once, others (a lexer's own sub-types) resolved each time.
func (cw *classWriter) attr(t chroma.TokenType) string {
	if a, ok := cw.byType[t]; ok {
		return a
	}
	return classAttr(t)
}

// write writes the tokens of it. It splits them into lines as
// chroma.SplitTokensIntoLines does, as they come: a token's text up to
// and with each newline ends a line, the rest, if any, begins the next;
// a token that was empty is kept, but a last line holding only one empty
// token is left out.
func (cw *classWriter) write(w util.BufWriter, it chroma.Iterator) {
	w.WriteString(cw.pre.Start(true, cw.preAttr))
	open := false // a line is started
	// held is an empty token that would begin a line: written when more
	// follows, left out if the text ends there.
	var held *chroma.Token
	begin := func() {
		if !open {
			w.WriteString(cw.lineStart)
			open = true
		}
		if held != nil {
			t := held
			held = nil
			cw.token(w, t.Type, t.Value)
		}
	}
	for t := it(); t != chroma.EOF; t = it() {
		v := t.Value
		split := false
		for {
			i := strings.IndexByte(v, '\n')
			if i < 0 {
				break
			}
			begin()
			cw.token(w, t.Type, v[:i+1])
			w.WriteString("</span></span>")
			open, split = false, true
			v = v[i+1:]
		}
		if split && v == "" {
			continue // nothing of the token is left for the next line
		}
		if v == "" && !open && held == nil {
			held = &chroma.Token{Type: t.Type}
			continue
		}
		begin()
		cw.token(w, t.Type, v)
	}
	if open {
		w.WriteString("</span></span>")
	}
	w.WriteString(cw.pre.End(true))
}

// token writes one token's text, escaped as html.EscapeString does, in a
// span with its type's class when it has one.
func (cw *classWriter) token(w util.BufWriter, typ chroma.TokenType, text string) {
	a := cw.attr(typ)
	if a != "" {
		w.WriteString("<span")
		w.WriteString(a)
		w.WriteByte('>')
	}
	for {
		i := strings.IndexAny(text, `<>&'"`)
		if i < 0 {
			break
		}
		w.WriteString(text[:i])
		w.WriteString(htmlEscapes[text[i]])
		text = text[i+1:]
	}
	w.WriteString(text)
	if a != "" {
		w.WriteString("</span>")
	}
}

// htmlEscapes are html.EscapeString's replacements.
var htmlEscapes = [256]string{'<': "&lt;", '>': "&gt;", '&': "&amp;", '\'': "&#39;", '"': "&#34;"}

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
	fc.out.write(w, it)
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
