package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"octavo/internal/blog"
	"octavo/internal/cli"
	"octavo/internal/store/sqlite"
)

func TestNewPostCreatesDraft(t *testing.T) {
	dir := t.TempDir()
	body := filepath.Join(dir, "body.md")
	os.WriteFile(body, []byte("Hello **world**."), 0o644)
	var out, errb bytes.Buffer
	env := cli.Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errb}
	err := cli.Run(context.Background(), []string{"new", "post", "C++ tips", "--body", body, "--tags", "cpp, tips", "--data", dir}, env)
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), `Created draft "C++ tips"`) || !strings.Contains(out.String(), "slug c-plus-plus-tips") {
		t.Errorf("output: %q", out.String())
	}
	s, err := sqlite.Open(context.Background(), filepath.Join(dir, "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	posts, err := s.StalePosts(context.Background(), 1<<30, 10)
	if err != nil || len(posts) != 1 {
		t.Fatalf("posts: %d %v", len(posts), err)
	}
	p := posts[0]
	if p.Status != blog.StatusDraft || p.Body != "Hello **world**." || len(p.Tags) != 2 || p.Path != "" {
		t.Errorf("draft: %+v", p)
	}

	for _, args := range [][]string{{"new"}, {"new", "post"}, {"new", "page", "x"}} {
		if err := cli.Run(context.Background(), append(args, "--data", dir), env); err == nil {
			t.Errorf("%v: want an error", args)
		}
	}
}
