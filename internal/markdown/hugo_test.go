package markdown

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"octavo/internal/blog"
	"octavo/internal/frontmatter"
)

// TestHugoBasicExample renders the posts of Hugo's basic example site
// (shared test data, read in place), whose <!--more--> markers stand on a
// line of their own straight after a paragraph, or inside one.
func TestHugoBasicExample(t *testing.T) {
	dir := sharedTestdata(t, "markdown/hugoBasicExample/content/post")
	tests := []struct {
		file    string
		excerpt string // the text of the excerpt
	}{
		{"emoji-support.md", "Emoji can be enabled in a Hugo project in a number of ways."},
		{"markdown-syntax.md", "This article offers a sample of basic Markdown syntax that can be used in Hugo content files, also it shows whether basic HTML elements are decorated with CSS in a Hugo theme."},
		{"math-typesetting.md", "Mathematical notation in a Hugo project can be enabled by using third party JavaScript libraries."},
		{"placeholder-text.md", "Lorem est tota propiore conpellat pectoribus de pectora summo."},
		{"rich-content.md", "Hugo ships with several Built-in Shortcodes for rich content, along with a Privacy Config and a set of Simple Shortcodes that enable static and no-JS versions of various social media embeds."},
	}
	r := New()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var meta map[string]any
			fm, err := frontmatter.Decode(src, &meta)
			if err != nil {
				t.Fatal(err)
			}
			out, err := r.Render(string(fm.Body), blog.FormatMarkdown, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(strings.Fields(PlainText(out.ExcerptHTML)), " "); got != tt.excerpt {
				t.Errorf("excerpt text %q, want %q\n%s", got, tt.excerpt, out.ExcerptHTML)
			}
			if !strings.HasPrefix(out.ExcerptHTML, "<p>") || strings.Count(out.ExcerptHTML, "<p>") != 1 {
				t.Errorf("excerpt is not one paragraph:\n%s", out.ExcerptHTML)
			}
			if err := wellFormed(out.ExcerptHTML); err != nil {
				t.Errorf("excerpt not well-formed: %v", err)
			}
			if !out.HasMore {
				t.Error("HasMore = false")
			}
			if strings.Contains(out.HTML, "more-->") {
				t.Error("the marker is left in the HTML")
			}
			if out.WordCount < 40 {
				t.Errorf("WordCount = %d", out.WordCount)
			}
		})
	}
}
