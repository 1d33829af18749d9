package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/store"
)

const newUsage = `Usage: octavo new post "Title" [--body FILE|-] [--tags a,b] [--publish] [--data DIR | --database URL]

Creates a draft (or, with --publish, a published post) in the blog's
database and prints its id and slug. The body
is read from FILE (or standard input with -) when given, else left empty.
It does not open $EDITOR: write the body in a file first, or finish the
draft in the admin (/admin/).

Flags:
`

// newPost implements `octavo new post "Title"`.
func newPost(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, newUsage); fs.PrintDefaults() }
	var db dbFlags
	db.register(fs)
	bodyFile := fs.String("body", "", "Markdown file with the body, or - for standard input")
	tags := fs.String("tags", "", "comma-separated tags")
	publish := fs.Bool("publish", false, "publish at once instead of creating a draft")
	if len(args) == 0 || args[0] != "post" {
		fs.Usage()
		return fmt.Errorf(`new: say what to create: octavo new post "Title"`)
	}
	// The title may stand before or after the flags.
	rest := args[1:]
	var title string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		title, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if title == "" && fs.NArg() > 0 {
		title = fs.Arg(0)
	}
	if strings.TrimSpace(title) == "" {
		return fmt.Errorf(`new post: a title is needed: octavo new post "Title"`)
	}
	var body []byte
	var err error
	switch *bodyFile {
	case "":
	case "-":
		body, err = io.ReadAll(os.Stdin)
	default:
		body, err = os.ReadFile(*bodyFile)
	}
	if err != nil {
		return fmt.Errorf("new post: reading the body: %w", err)
	}
	url, dir := db.resolve(env.Getenv)
	s, err := store.Open(ctx, url, dir)
	if err != nil {
		return err
	}
	defer s.Close()
	p := &blog.Post{Title: title, Body: string(body), Status: blog.StatusDraft}
	if *publish {
		p.Status = blog.StatusPublished
	}
	for _, t := range strings.Split(*tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			p.Tags = append(p.Tags, blog.Tag{Name: t})
		}
	}
	// Servers on a shared database hear of the write; a server on SQLite
	// sees it at its next start or cache drop.
	changed := func([]string) {}
	if n, ok := s.(notifier); ok {
		changed = func(keys []string) { _ = n.Notify(ctx, keys) }
	}
	if err := content.New(s, markdown.New(), blog.SystemClock{}, changed).Save(ctx, p); err != nil {
		return err
	}
	what := "draft"
	if *publish {
		what = "and published post at " + p.Path + ","
	}
	fmt.Fprintf(env.Stdout, "Created %s %q (id %s, slug %s). Edit it at /admin/.\n", what, p.Title, p.ID, p.Slug)
	return nil
}
