package markdown

import (
	"strings"
	"testing"

	"octavo/internal/blog"
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
