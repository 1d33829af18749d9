// Command loadcorpus fills an Octavo data folder from a corpus written by
// ../shared/bench/gen-corpus (Markdown files with YAML front matter), for the
// benchmarks in bench/. Every post goes through the content service, so its
// Markdown is rendered and stored exactly as in production.
//
//	go run ./bench/loadcorpus -corpus SITE -data DIR [-fresh] [-workers N]
//	go run ./bench/loadcorpus -data DIR -paths N   # print N post paths, spread over the stream
//
// Front matter (YAML as gen-corpus and Hugo write it, or TOML or JSON) is
// read by internal/frontmatter, as importers read it. The mapping: title,
// date, tags as is; categories become tags too
// (so every taxonomy page Hugo builds from the corpus has an Octavo
// counterpart); summary becomes the meta description (the body's
// <!--more--> makes the excerpt); draft: true saves a draft.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/frontmatter"
	"octavo/internal/markdown"
	"octavo/internal/store/sqlite"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadcorpus:", err)
		os.Exit(1)
	}
}

// frontMatter is the head of a gen-corpus (or Hugo) post; the YAML decoder
// reads the json tags.
type frontMatter struct {
	Title      string    `toml:"title" json:"title"`
	Date       time.Time `toml:"date" json:"date"`
	Tags       []string  `toml:"tags" json:"tags"`
	Categories []string  `toml:"categories" json:"categories"`
	Summary    string    `toml:"summary" json:"summary"`
	Draft      bool      `toml:"draft" json:"draft"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadcorpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := fs.String("corpus", "", "corpus folder (SITE written by gen-corpus, or a folder of .md files)")
	data := fs.String("data", "", "Octavo data folder to fill (the database is DATA/octavo.db)")
	fresh := fs.Bool("fresh", false, "delete an existing database first")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "posts rendered and saved in parallel")
	limit := fs.Int("limit", 0, "load at most this many posts (0: all)")
	paths := fs.Int("paths", 0, "print this many post paths of DATA, spread over the stream, and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *paths > 0 && *data != "" {
		return printPaths(ctx, filepath.Join(*data, "octavo.db"), *paths, stdout)
	}
	if *corpus == "" || *data == "" {
		fs.Usage()
		return errors.New("-corpus and -data are required")
	}
	files, err := corpusFiles(*corpus)
	if err != nil {
		return err
	}
	if *limit > 0 && len(files) > *limit {
		files = files[:*limit]
	}
	dbPath := filepath.Join(*data, "octavo.db")
	if *fresh {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	start := time.Now()
	store, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	if seeded, err := store.Seeded(ctx); err != nil {
		return err
	} else if seeded {
		return fmt.Errorf("%s already holds a blog; pass -fresh to replace it", dbPath)
	}
	author := &blog.User{Username: "bench", DisplayName: "Bench Writer", Role: blog.RoleOwner}
	if err := store.CreateUser(ctx, author); err != nil {
		return err
	}
	st := blog.DefaultSettings()
	st.Title = "Octavo Bench Blog"
	st.AuthorName = author.DisplayName
	if err := store.SaveSettings(ctx, st); err != nil {
		return err
	}
	// Marked as seeded so that `octavo serve` never adds demo posts to it.
	if err := store.MarkSeeded(ctx); err != nil {
		return err
	}

	svc := content.New(store, markdown.New(), blog.SystemClock{}, nil)
	var next, done atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, *workers)
	for range max(1, *workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				p, err := readPost(files[i])
				if err == nil {
					p.AuthorID = author.ID
					err = svc.Save(ctx, p)
				}
				if err != nil {
					errc <- fmt.Errorf("%s: %w", files[i], err)
					next.Store(int64(len(files)))
					return
				}
				if n := done.Add(1); n%1000 == 0 {
					fmt.Fprintf(stderr, "loadcorpus: %d posts (%.1fs)\n", n, time.Since(start).Seconds())
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "loaded %d posts into %s in %.2fs (%.0f posts/s, %d workers)\n",
		done.Load(), dbPath, elapsed.Seconds(), float64(done.Load())/elapsed.Seconds(), *workers)
	return nil
}

// printPaths prints n post paths, evenly spread from newest to oldest.
func printPaths(ctx context.Context, dbPath string, n int, out io.Writer) error {
	store, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	refs, err := store.Archive(ctx, time.Now(), time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		return fmt.Errorf("%s has no posts", dbPath)
	}
	for i := range min(n, len(refs)) {
		fmt.Fprintln(out, refs[i*len(refs)/min(n, len(refs))].Path)
	}
	return nil
}

// corpusFiles lists the .md files under dir, sorted.
func corpusFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no .md files", dir)
	}
	sort.Strings(files)
	return files, nil
}

// readPost parses one Markdown file with its front matter.
func readPost(file string) (*blog.Post, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var fm frontMatter
	r, err := frontmatter.Decode(src, &fm)
	if err != nil {
		return nil, err
	}
	if r.Format == frontmatter.FormatNone {
		return nil, errors.New("no front matter")
	}
	body := r.Body
	p := &blog.Post{
		Kind: blog.KindPost, Title: fm.Title, Body: string(body), Format: blog.FormatMarkdown,
		Description: fm.Summary, Status: blog.StatusPublished,
		PublishedAt: fm.Date.UTC(), CreatedAt: fm.Date.UTC(),
	}
	if fm.Draft {
		p.Status, p.PublishedAt = blog.StatusDraft, time.Time{}
	}
	for _, t := range append(fm.Tags, fm.Categories...) {
		p.Tags = append(p.Tags, blog.Tag{Name: t})
	}
	return p, nil
}
