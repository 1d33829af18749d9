package content_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/seed"
	"octavo/internal/store/sqlite"
)

// TestSanitizeKeepsThePipeline: sanitizing what the Markdown pipeline
// makes of ordinary text changes nothing — every demo post, and a text
// with every feature the pipeline has.
func TestSanitizeKeepsThePipeline(t *testing.T) {
	posts, err := seed.Posts()
	if err != nil {
		t.Fatal(err)
	}
	posts = append(posts, &blog.Post{Title: "Every feature", Format: blog.FormatMarkdown, Body: "# Title\n\n## Sub\n\n### Third\n\n" +
		"Text[^1], ~~struck~~, <https://example.org>, [a link](/about/ \"About\"), ![an image](/media/a.png).\n\n" +
		"- [x] done\n- [ ] todo\n\n| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |\n\n```go\nfunc main() {}\n```\n\n    indented\n\n" +
		"> a quote\n\n1. one\n2. two\n\n[^1]: A note.\n"})
	md := markdown.New()
	for _, p := range posts {
		r, err := md.Render(p.Body, p.Format, p.Excerpt)
		if err != nil {
			t.Fatal(err)
		}
		for name, h := range map[string]string{"HTML": r.HTML, "excerpt": r.ExcerptHTML, "table of contents": r.TOCHTML} {
			if got := content.Sanitize(h); got != h {
				t.Errorf("%s, %s: sanitizing changed it\n got: %s\nwant: %s", p.Title, name, got, h)
			}
		}
	}
}

// TestUntrustedHTML: the HTML of an author's or a contributor's post is
// sanitized, at every render; an editor's, the owner's and an
// authorless post's is kept.
func TestUntrustedHTML(t *testing.T) {
	svc, store := newServiceAndStore(t)
	ctx := context.Background()
	users := map[blog.Role]int64{}
	for _, r := range []blog.Role{blog.RoleOwner, blog.RoleEditor, blog.RoleAuthor, blog.RoleContributor} {
		u := &blog.User{Username: string(r), DisplayName: string(r), Role: r, CreatedAt: t0}
		if err := store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		users[r] = u.ID
	}
	const body = "Hello <script>alert(1)</script><img src=\"x.png\" onerror=\"alert(2)\">" +
		"<a href=\"javascript:alert(3)\">click</a><iframe src=\"https://evil.example/\"></iframe>\n\n<!--more-->\n\nRest <b onclick=\"alert(4)\">bold</b>."
	bad := []string{"<script", "onerror", "javascript:", "<iframe", "onclick"}
	for _, tt := range []struct {
		name    string
		author  int64
		trusted bool
	}{
		{"owner", users[blog.RoleOwner], true},
		{"editor", users[blog.RoleEditor], true},
		{"author", users[blog.RoleAuthor], false},
		{"contributor", users[blog.RoleContributor], false},
		{"no author (the CLI)", 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := &blog.Post{Title: "Post by " + tt.name, Body: body, AuthorID: tt.author, Status: blog.StatusDraft}
			if err := svc.Save(ctx, p); err != nil {
				t.Fatal(err)
			}
			got, _ := store.PostByID(ctx, p.ID)
			for _, h := range []string{got.Rendered.HTML, got.Rendered.ExcerptHTML} {
				for _, b := range bad[:1] {
					if strings.Contains(h, b) != tt.trusted {
						t.Errorf("%q in %s: %v, want %v", b, h, !tt.trusted, tt.trusted)
					}
				}
			}
			if !tt.trusted {
				for _, b := range bad {
					if strings.Contains(got.Rendered.HTML, b) {
						t.Errorf("%q left in %s", b, got.Rendered.HTML)
					}
				}
				if !strings.Contains(got.Rendered.HTML, "<b>bold</b>") || !strings.Contains(got.Rendered.HTML, `<img src="x.png">`) {
					t.Errorf("harmless HTML lost: %s", got.Rendered.HTML)
				}
				// A restored revision is rendered, and sanitized, again.
				revs, _ := store.Revisions(ctx, p.ID)
				r, err := svc.RestoreRevision(ctx, p.ID, revs[0].ID, got.Version)
				if err != nil || strings.Contains(r.Rendered.HTML, "<script") {
					t.Errorf("restored: %v %s", err, r.Rendered.HTML)
				}
			}
		})
	}
	// The preview follows the same rule.
	for _, trusted := range []bool{true, false} {
		r, err := svc.Preview(ctx, body, blog.FormatMarkdown, "", trusted)
		if err != nil || strings.Contains(r.HTML, "<script") != trusted {
			t.Errorf("preview (trusted %v): %v %s", trusted, err, r.HTML)
		}
	}
}

func newServiceAndStore(t *testing.T) (*content.Service, *sqlite.Store) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return content.New(s, markdown.New(), &blog.FixedClock{T: t0}, nil), s
}
