package markdown

import (
	"bytes"
	"html"
	"strings"

	"github.com/yuin/goldmark/ast"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// cleanExcerpt makes an excerpt safe to stand next to others on a list
// page: the HTML is parsed and written again, so unbalanced tags written
// before <!--more--> are closed (always well-formed); ids are dropped (two
// excerpts must not both define "#introduction"), and so are heading anchor
// links and footnote references, which point into the full post.
func cleanExcerpt(fragment string) string {
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	body := &nethtml.Node{Type: nethtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := nethtml.ParseFragment(strings.NewReader(fragment), body)
	if err != nil {
		return "<p>" + html.EscapeString(htmlText(fragment)) + "</p>"
	}
	var buf bytes.Buffer
	for _, n := range nodes {
		clean(n)
		if err := nethtml.Render(&buf, n); err != nil {
			return "<p>" + html.EscapeString(htmlText(fragment)) + "</p>"
		}
	}
	return strings.TrimSpace(buf.String()) + "\n"
}

func clean(n *nethtml.Node) {
	if n.Type == nethtml.ElementNode {
		attrs := n.Attr[:0]
		for _, a := range n.Attr {
			if a.Key != "id" {
				attrs = append(attrs, a)
			}
		}
		n.Attr = attrs
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == nethtml.ElementNode && (hasClass(c, "anchor") || (c.DataAtom == atom.Sup && c.FirstChild != nil && hasClass(c.FirstChild, "footnote-ref"))) {
			n.RemoveChild(c)
		} else if c.Type == nethtml.CommentNode {
			n.RemoveChild(c)
		} else {
			clean(c)
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
// entities decoded, for meta descriptions and summaries.
func PlainText(fragment string) string { return htmlText(fragment) }

// htmlText returns the text of an HTML fragment, tags removed and entities
// decoded.
func htmlText(fragment string) string {
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	for {
		switch z.Next() {
		case nethtml.ErrorToken:
			return b.String()
		case nethtml.TextToken:
			b.Write(z.Text())
		case nethtml.StartTagToken, nethtml.EndTagToken, nethtml.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}

// firstParagraphOfHTML finds the first top-level <p> of an HTML body, for
// the automatic excerpt of posts in the html format.
func firstParagraphOfHTML(body string) (para, text string, blocks int) {
	ctx := &nethtml.Node{Type: nethtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := nethtml.ParseFragment(strings.NewReader(body), ctx)
	if err != nil {
		return "", "", 0
	}
	for _, n := range nodes {
		if n.Type == nethtml.TextNode && strings.TrimSpace(n.Data) == "" || n.Type == nethtml.CommentNode {
			continue
		}
		blocks++
		if para == "" && n.Type == nethtml.ElementNode && n.DataAtom == atom.P {
			var buf bytes.Buffer
			if nethtml.Render(&buf, n) == nil {
				para = buf.String()
				text = htmlText(para)
			}
		}
	}
	return para, text, blocks
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
