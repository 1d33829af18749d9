package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

func TestAbsolutize(t *testing.T) {
	r := &Renderer{base: "https://blog.example.org"}
	page := "https://blog.example.org/2026/11/post/"
	tests := []struct{ in, want string }{
		{`<a href="/x/">x</a>`, `<a href="https://blog.example.org/x/">x</a>`},
		{`<a href="y/z">x</a>`, `<a href="https://blog.example.org/2026/11/post/y/z">x</a>`},
		{`<a href="../">up</a>`, `<a href="https://blog.example.org/2026/11/">up</a>`},
		{`<a href="#fn:1">1</a>`, `<a href="https://blog.example.org/2026/11/post/#fn:1">1</a>`},
		{`<a href="?q=1">q</a>`, `<a href="https://blog.example.org/2026/11/post/?q=1">q</a>`},
		{`<img src="//cdn.example/a.png">`, `<img src="https://cdn.example/a.png">`},
		{`<img src="/a.png" srcset="/a.png 1x,/b.png 2x">`, `<img src="https://blog.example.org/a.png" srcset="https://blog.example.org/a.png 1x, https://blog.example.org/b.png 2x">`},
		{`<video poster="/p.jpg"></video>`, `<video poster="https://blog.example.org/p.jpg"></video>`},
		{`<blockquote cite="/src/">q</blockquote>`, `<blockquote cite="https://blog.example.org/src/">q</blockquote>`},
		// Kept as they are, byte for byte.
		{`<a href="https://other.example/?a=1&amp;b=2" class="ext">o</a>`, `<a href="https://other.example/?a=1&amp;b=2" class="ext">o</a>`},
		{`<a href="mailto:a@example.org">m</a>`, `<a href="mailto:a@example.org">m</a>`},
		{`<img src="data:image/png;base64,AAAA" alt=x>`, `<img src="data:image/png;base64,AAAA" alt=x>`},
		{`<a href="">empty</a>`, `<a href="">empty</a>`},
		{`<pre><code>&lt;a href="/not-a-link/"&gt;</code></pre>`, `<pre><code>&lt;a href="/not-a-link/"&gt;</code></pre>`},
		{`<script>var s = '<a href="/x/">';</script>`, `<script>var s = '<a href="/x/">';</script>`},
		{`<p>no tags = nothing to do</p><!-- <a href="/c/"> -->`, `<p>no tags = nothing to do</p><!-- <a href="/c/"> -->`},
		{"plain text", "plain text"},
	}
	for _, tt := range tests {
		if got := r.absolutize(tt.in, page); got != tt.want {
			t.Errorf("absolutize(%s)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestXMLText(t *testing.T) {
	tests := []struct {
		in   string
		attr bool
		want string
	}{
		{`a < b & c > "d"`, false, `a &lt; b &amp; c &gt; "d"`},
		{`a "b"` + "\n\t", true, `a &quot;b&quot;&#xA;&#x9;`},
		{"line\r\nnext", false, "line&#xD;\nnext"},
		{"bell\x07 vt\x0b nul\x00", false, "bell\uFFFD vt\uFFFD nul\uFFFD"},
		{"bad \xff byte, real \uFFFD, emoji 🙂, \uFFFE", false, "bad \uFFFD byte, real \uFFFD, emoji 🙂, \uFFFD"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		xmlWriter{&b}.text(tt.in, tt.attr)
		if b.String() != tt.want {
			t.Errorf("text(%q, %v) = %q, want %q", tt.in, tt.attr, b.String(), tt.want)
		}
		// Whatever went in, the result parses as XML.
		doc := `<r a="` + map[bool]string{true: b.String(), false: ""}[tt.attr] + `">` + map[bool]string{false: b.String(), true: ""}[tt.attr] + `</r>`
		if err := xml.NewDecoder(strings.NewReader(doc)).Decode(new(struct{})); err != nil {
			t.Errorf("text(%q, %v) is not well-formed: %v", tt.in, tt.attr, err)
		}
	}
}

// TestAbsCache: the cache gives what absolutize gives, for the fragment
// and page asked, also after it fills up.
func TestAbsCache(t *testing.T) {
	r := &Renderer{base: "https://blog.example.org"}
	frag := func(i int) string {
		return `<a href="x` + strings.Repeat("y", i%7) + `">x</a><img src="/i` + string(rune('a'+i%26)) + `.png">`
	}
	page := func(i int) string { return "https://blog.example.org/p" + string(rune('a'+i%3)) + "/" }
	for round := range 2 {
		for i := range absCacheMax + 100 {
			got, want := r.absFeed.get(r, frag(i), page(i)), r.absolutize(frag(i), page(i))
			if got != want {
				t.Fatalf("round %d, %d: got %s, want %s", round, i, got, want)
			}
		}
	}
	if n := len(r.absFeed.m); n == 0 || n > absCacheMax {
		t.Errorf("%d fragments kept", n)
	}
	if got := r.absFeed.get(r, "<p>plain</p>", page(0)); got != "<p>plain</p>" {
		t.Errorf("plain fragment: %s", got)
	}
}

// TestEncodeJSONFeedSameBytes: the JSON feed spliced from a skeleton is
// the bytes an indenting json.Encoder writes, whatever the items hold.
func TestEncodeJSONFeedSameBytes(t *testing.T) {
	tricky := `"content_html": ""`
	items := []jsonItem{
		{ID: "1", Title: "Plain", ContentHTML: "<p>Hello, <em>world</em> & friends.</p>\n<pre><code>x := \"y\"\n</code></pre>"},
		{ID: "2", Title: tricky, ContentHTML: tricky, Summary: tricky, Tags: []string{tricky}},
		{ID: "3", Title: "Empty content", ContentHTML: ""},
		{ID: "4", Title: "Unicode ✓ \u2028 \x00", ContentHTML: "日本語 \u2029 <script>\"</script>"},
	}
	for n := 0; n <= len(items); n++ {
		f := jsonFeed{Version: jsonFeedVersion, Title: "T", Items: append([]jsonItem(nil), items[:n]...)}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(f); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := encodeJSONFeed(&got, f); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d items:\n got %s\nwant %s", n, got.String(), want.String())
		}
	}
}
