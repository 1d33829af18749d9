package markdown

import (
	"bytes"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// cleanExcerpt makes an excerpt safe to stand next to others on a list
// page: the HTML is parsed and written again, so unbalanced tags written
// before <!--more--> are closed (always well-formed); ids are dropped (two
// excerpts must not both define "#introduction"), and so are heading anchor
// links, footnote references and footnote lists, which point into the full
// post, and comments.
func cleanExcerpt(fragment string) string {
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	body := &nethtml.Node{Type: nethtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := nethtml.ParseFragment(strings.NewReader(fragment), body)
	if err != nil {
		return "<p>" + html.EscapeString(htmlText(fragment)) + "</p>\n"
	}
	var buf bytes.Buffer
	for _, n := range nodes {
		if n.Type == nethtml.CommentNode || dropFromExcerpt(n) {
			continue
		}
		clean(n)
		if !rawTextSafe(n) {
			continue
		}
		if err := nethtml.Render(&buf, n); err != nil {
			return "<p>" + html.EscapeString(htmlText(fragment)) + "</p>\n"
		}
	}
	s := strings.TrimSpace(buf.String())
	if s == "" {
		return ""
	}
	return s + "\n"
}

// dropFromExcerpt reports whether n points into the full post: a heading
// anchor, a footnote reference or the list of footnotes.
func dropFromExcerpt(n *nethtml.Node) bool {
	if n.Type != nethtml.ElementNode {
		return false
	}
	return hasClass(n, "anchor") || hasClass(n, "footnotes") ||
		n.DataAtom == atom.Sup && n.FirstChild != nil && hasClass(n.FirstChild, "footnote-ref")
}

// clean prepares the tree under n for an excerpt: see cleanExcerpt.
func clean(n *nethtml.Node) {
	if n.Type == nethtml.ElementNode {
		attrs := n.Attr[:0]
		for _, a := range n.Attr {
			if a.Key != "id" {
				attrs = append(attrs, a)
			}
		}
		n.Attr = attrs
		// <plaintext> has no end tag: everything after it on the page
		// would become its text. <xmp> shows its text as <pre> does.
		if n.Namespace == "" && (n.DataAtom == atom.Plaintext || n.DataAtom == atom.Xmp) {
			n.DataAtom, n.Data = atom.Pre, "pre"
		}
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == nethtml.CommentNode || dropFromExcerpt(c) {
			n.RemoveChild(c)
		} else {
			clean(c)
			if !rawTextSafe(c) {
				n.RemoveChild(c)
			}
		}
		c = next
	}
	// A heading whose anchor was removed keeps a trailing space.
	if n.Type == nethtml.ElementNode && n.LastChild != nil && n.LastChild.Type == nethtml.TextNode {
		switch n.DataAtom {
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			n.LastChild.Data = strings.TrimRight(n.LastChild.Data, " ")
		}
	}
}

// rawTextElements are read as text up to their end tag, whatever their
// namespace when a tokenizer meets them out of context.
var rawTextElements = map[atom.Atom]bool{
	atom.Iframe: true, atom.Noembed: true, atom.Noframes: true, atom.Noscript: true,
	atom.Script: true, atom.Style: true, atom.Textarea: true, atom.Title: true,
}

// rawTextSafe reports whether n can be written and read back as the same
// tree. The parser can leave elements, or text holding "</style", inside an
// element that is read as raw text (in foreign content, or where
// golang.org/x/net/html parses differently from browsers), and a script cut
// at <!--more--> may hold an open "<!--"; written out, those would end it
// early or never, so the excerpt drops it.
func rawTextSafe(n *nethtml.Node) bool {
	if n.Type != nethtml.ElementNode || !rawTextElements[atom.Lookup([]byte(n.Data))] {
		return true
	}
	end := "</" + n.Data
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != nethtml.TextNode {
			return false
		}
		text := strings.ToLower(c.Data)
		// In a script, "<!--" starts states where "</script>" no longer
		// ends it: a script cut short by <!--more--> would run on.
		if strings.Contains(text, end) || n.Data == "script" && strings.Contains(text, "<!--") {
			return false
		}
	}
	return true
}

func hasClass(n *nethtml.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" {
			for _, c := range strings.Fields(a.Val) {
				if c == class {
					return true
				}
			}
		}
	}
	return false
}

// PlainText returns the text of an HTML fragment, tags removed and
// entities decoded, for meta descriptions and summaries. Block tags and
// <br> separate words; inline tags such as <em> do not.
func PlainText(fragment string) string { return htmlText(fragment) }

// Summary returns the text of an HTML fragment on one line (PlainText,
// runs of white space made one space), cut near n bytes at a word
// boundary with an ellipsis: what a search index lists for a post. It
// reads the fragment only as far as the cut needs.
func Summary(fragment string, n int) string {
	var w fieldsWriter
	walkText(fragment, func(text string, raw []byte, tok nethtml.TokenType, inline bool) bool {
		w.text(tok, text, inline)
		// One byte past n tells that the text is longer than n; the
		// text read so far is the start of the whole one.
		return w.b.Len() <= n
	})
	return cutSummary(w.b.String(), n)
}

// cutSummary cuts a one-line text near n bytes at a word boundary, with an
// ellipsis (a text of n bytes or fewer is returned as it is).
func cutSummary(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}

// fieldsWriter makes of htmlText's text, as it comes, what
// strings.Join(strings.Fields(text), " ") makes of all of it.
type fieldsWriter struct {
	b     strings.Builder
	space bool // white space came after the last word
}

// text takes a token as htmlText does: a text token's text, a space for
// a tag that is not inline.
func (w *fieldsWriter) text(tok nethtml.TokenType, text string, inline bool) {
	switch {
	case tok == nethtml.TextToken:
		for i := 0; i < len(text); {
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				w.space = true
			} else {
				if w.space && w.b.Len() > 0 {
					w.b.WriteByte(' ')
				}
				w.space = false
				w.b.WriteString(text[i : i+size]) // as written, even if not UTF-8
			}
			i += size
		}
	case !inline:
		w.space = true
	}
}

// htmlText returns the text of an HTML fragment, tags removed and entities
// decoded. Blocks are separated by a space; the text of <script> and
// <style> is left out.
func htmlText(fragment string) string {
	var b strings.Builder
	walkText(fragment, func(text string, raw []byte, tok nethtml.TokenType, inline bool) bool {
		switch {
		case tok == nethtml.TextToken:
			b.WriteString(text)
		case !inline:
			b.WriteByte(' ')
		}
		return true
	})
	return b.String()
}

// walkText tokenizes fragment and calls f for every token, until f returns
// false: text is the decoded text of a text token ("" for the text of
// <script> and <style>, which is code, not words), raw the token as
// written (valid during the call only), and inline whether a tag leaves
// the words on either side of it joined.
func walkText(fragment string, f func(text string, raw []byte, tok nethtml.TokenType, inline bool) bool) {
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	code := false // inside <script> or <style>
	for {
		tt := z.Next()
		switch tt {
		case nethtml.ErrorToken:
			return
		case nethtml.TextToken:
			text := ""
			if !code {
				text = string(z.Text())
			}
			if !f(text, z.Raw(), tt, true) {
				return
			}
		case nethtml.StartTagToken, nethtml.EndTagToken, nethtml.SelfClosingTagToken:
			raw := z.Raw()
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Script || a == atom.Style {
				code = tt == nethtml.StartTagToken
			}
			if !f("", raw, tt, inlineElements[a]) {
				return
			}
		default:
			if !f("", z.Raw(), tt, true) {
				return
			}
		}
	}
}

// inlineElements are the elements whose tags do not end a word:
// "<em>a</em>b" is the one word "ab".
var inlineElements = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true,
	atom.Cite: true, atom.Code: true, atom.Data: true, atom.Del: true, atom.Dfn: true,
	atom.Em: true, atom.I: true, atom.Ins: true, atom.Kbd: true, atom.Mark: true,
	atom.Q: true, atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true,
	atom.Strong: true, atom.Sub: true, atom.Sup: true, atom.Time: true, atom.U: true,
	atom.Var: true, atom.Wbr: true, atom.Font: true, atom.Strike: true, atom.Tt: true,
	atom.Big: true, atom.Nobr: true,
}

// embeddedElements show something without any text of their own.
var embeddedElements = map[atom.Atom]bool{
	atom.Img: true, atom.Picture: true, atom.Video: true, atom.Audio: true,
	atom.Iframe: true, atom.Embed: true, atom.Object: true, atom.Svg: true,
	atom.Canvas: true, atom.Math: true, atom.Input: true, atom.Select: true,
	atom.Textarea: true, atom.Button: true,
}

// hasContent reports whether an HTML fragment shows anything: words, or an
// image, a video, an embed or the like. Comments, empty elements and the
// end tags left after <!--more--> do not count.
func hasContent(fragment string) bool {
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	code := false
	for {
		switch tt := z.Next(); tt {
		case nethtml.ErrorToken:
			return false
		case nethtml.TextToken:
			if !code && strings.TrimFunc(string(z.Text()), unicode.IsSpace) != "" {
				return true
			}
		case nethtml.StartTagToken, nethtml.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if embeddedElements[a] {
				return true
			}
			code = tt == nethtml.StartTagToken && (a == atom.Script || a == atom.Style)
		case nethtml.EndTagToken:
			code = false
		}
	}
}

// truncateWords cuts a well-formed fragment after n words, keeping its
// markup, and appends "…". A fragment of up to n+slack words is returned
// as it is, so that an excerpt is not cut a few words before its end. It
// reports whether it cut.
func truncateWords(fragment string, n, slack int) (string, bool) {
	if countWords(htmlText(fragment)) <= n+slack {
		return fragment, false
	}
	var b strings.Builder
	words, inWord, end := 0, false, 0
	walkText(fragment, func(text string, raw []byte, tok nethtml.TokenType, inline bool) bool {
		if tok != nethtml.TextToken || text == "" {
			if !inline {
				inWord = false
			}
			b.Write(raw)
			return true
		}
		for _, r := range text {
			if unicode.IsSpace(r) {
				inWord = false
			} else if !inWord {
				inWord = true
				words++
				if words > n {
					return false
				}
			}
			b.WriteString(html.EscapeString(string(r)))
			if !unicode.IsSpace(r) {
				end = b.Len()
			}
		}
		return true
	})
	return cleanExcerpt(b.String()[:end] + "…"), true
}

// markHTMLMore finds the first <!--more--> comment in an HTML body (format
// html) and puts sentinel in its place. The tokenizer tells a comment from
// text that looks like one (in <script>, <textarea>, an attribute) and
// ends a comment at its first "-->", as browsers do.
func markHTMLMore(body, sentinel string) string {
	z := nethtml.NewTokenizer(strings.NewReader(body))
	off := 0
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			return body
		}
		raw := z.Raw()
		if tt == nethtml.CommentToken && moreRE.Match(raw) {
			return body[:off] + sentinel + body[off+len(raw):]
		}
		off += len(raw)
	}
}

// firstParagraphOfHTML finds the first top-level <p> of an HTML body, for
// the automatic excerpt of posts in the html format, and reports whether
// the rest of the body has content.
func firstParagraphOfHTML(body string) (para string, more bool) {
	ctx := &nethtml.Node{Type: nethtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := nethtml.ParseFragment(strings.NewReader(body), ctx)
	if err != nil {
		return "", false
	}
	var rest bytes.Buffer
	for _, n := range nodes {
		if para == "" && n.Type == nethtml.ElementNode && n.DataAtom == atom.P {
			var buf bytes.Buffer
			if nethtml.Render(&buf, n) == nil {
				para = buf.String()
				continue
			}
		}
		_ = nethtml.Render(&rest, n)
	}
	return para, hasContent(rest.String())
}

// tableOfContents lists the h2–h4 headings of a document as nested lists,
// or returns "" when there are fewer than three.
func tableOfContents(doc ast.Node, src []byte) string {
	type entry struct {
		level int
		id    string
		text  string
	}
	var hs []entry
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		if h.Level >= 2 && h.Level <= 4 {
			if id, ok := h.AttributeString("id"); ok {
				idb, _ := id.([]byte)
				hs = append(hs, entry{h.Level, string(idb), strings.TrimSpace(nodeText(h, src))})
			}
		}
		return ast.WalkSkipChildren, nil
	})
	if len(hs) < 3 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<nav class="toc" aria-label="Table of contents"><h2>Contents</h2>`)
	base := hs[0].level
	for _, h := range hs {
		if h.level < base {
			base = h.level
		}
	}
	depth := 0 // number of open <ol>
	for i, h := range hs {
		want := h.level - base + 1
		if i == 0 {
			want = 1
		}
		if want > depth+1 {
			want = depth + 1
		}
		switch {
		case want > depth:
			for ; depth < want; depth++ {
				b.WriteString("<ol>")
			}
		default:
			for ; depth > want; depth-- {
				b.WriteString("</li></ol>")
			}
			b.WriteString("</li>")
		}
		b.WriteString(`<li><a href="#`)
		b.WriteString(html.EscapeString(h.id))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(h.text))
		b.WriteString("</a>")
	}
	for ; depth > 0; depth-- {
		b.WriteString("</li></ol>")
	}
	b.WriteString("</nav>\n")
	return b.String()
}
