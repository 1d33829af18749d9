package content

import (
	"context"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"octavo/internal/blog"
)

// HTML written by owners and editors is kept as written; HTML in the posts
// of authors and contributors is sanitized after rendering, at every
// render (a save, a restored revision, a newer Markdown pipeline), so a
// post's trust follows its author. Posts without an author (written by the
// CLI, the seeder, an import run by the operator) are trusted.

// sanitizer keeps what the Markdown pipeline writes — heading anchors,
// footnotes, task lists, aligned table cells, highlighted code — and
// drops scripts, event handlers, frames, forms, styles and URLs of other
// schemes than http(s), mailto and relative ones.
var sanitizer = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false) // the blog's own writers, not spam
	p.AllowElements("nav")          // the table of contents
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^[A-Za-z0-9 _-]+$`)).Globally()
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[\p{L}\p{N}_:.-]+$`)).Globally()
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-[a-z]+$`)).Globally()
	p.AllowAttrs("aria-label").Globally()
	p.AllowAttrs("tabindex").Matching(regexp.MustCompile(`^0$`)).OnElements("pre")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").OnElements("input")
	// Responsive images (the media library writes srcset and sizes).
	p.AllowAttrs("srcset", "sizes").OnElements("img", "source")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^(lazy|eager)$`)).OnElements("img")
	p.AllowAttrs("decoding").Matching(regexp.MustCompile(`^(async|sync|auto)$`)).OnElements("img")
	p.AllowElements("picture", "source")
	p.AllowAttrs("type", "media").OnElements("source")
	p.AllowStyles("text-align").MatchingEnum("left", "right", "center").OnElements("th", "td")
	return p
}()

// Sanitize returns html without what an untrusted writer may not put on
// the blog's pages. When the sanitizer drops nothing (the same tree, only
// spelled its own way) the HTML is returned as it was, so that an author's
// page is the bytes an editor's would be.
func Sanitize(h string) string {
	clean := sanitizer.Sanitize(h)
	if clean == h {
		return h
	}
	a, errA := tree(h)
	b, errB := tree(clean)
	if errA == nil && errB == nil && a == b {
		return h
	}
	return clean
}

// tree is h parsed as the body of a page and written again: one spelling
// per tree.
func tree(h string) (string, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(h), ctx)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return "", err
		}
	}
	// The sanitizer writes a style with a space after its colon.
	return strings.ReplaceAll(b.String(), "text-align: ", "text-align:"), nil
}

// trusted reports whether the HTML of posts by authorID is kept as
// written: no author, or an owner or editor.
func (s *Service) trusted(ctx context.Context, authorID int64) (bool, error) {
	if authorID == 0 {
		return true, nil
	}
	u, err := s.store.UserByID(ctx, authorID)
	if blog.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return u.Role.TrustedHTML(), nil
}
