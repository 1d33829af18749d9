package content_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/store/sqlite"
)

// BenchmarkSaveSettingsRepath measures a permalink pattern change on a blog
// of 1,000 published posts (SQLite): every post moves and leaves a 301.
// One op is one change; posts/s is how many posts move a second.
func BenchmarkSaveSettingsRepath(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "octavo.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	svc := content.New(s, markdown.New(), &blog.FixedClock{T: t0}, nil)
	const posts = 1000
	for i := range posts {
		p := &blog.Post{Title: fmt.Sprintf("Post number %d", i), Status: blog.StatusPublished,
			PublishedAt: t0.Add(-time.Duration(i) * time.Hour), Body: "A paragraph of *Markdown*.\n\n```go\nfunc main() {}\n```\n"}
		if err := svc.Save(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	st, _ := s.Settings(ctx)
	patterns := []string{"/posts/:slug/", "/:year/:month/:slug/"}
	for i := 0; b.Loop(); i++ {
		st.Permalink = patterns[i%2]
		moved, err := svc.SaveSettings(ctx, st)
		if err != nil || moved != posts {
			b.Fatalf("moved %d: %v", moved, err)
		}
	}
	b.ReportMetric(float64(posts*b.N)/b.Elapsed().Seconds(), "posts/s")
}
