// Command loadcorpus fills an Octavo data folder from a corpus written by
// ../shared/bench/gen-corpus (Markdown files with YAML front matter), for the
// benchmarks in bench/. Every post goes through the content service, so its
// Markdown is rendered and stored exactly as in production: by default in
// batches through content.Service.Import (rendered on every core, one
// transaction a batch, with tags, search documents and revisions as a
// save writes them); -batch 1 saves each post through Service.Save.
//
//	go run ./bench/loadcorpus -corpus SITE -data DIR [-fresh] [-batch 500]
//	go run ./bench/loadcorpus -corpus SITE -database postgres://… # an empty database
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
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/fastlex"
	"octavo/internal/frontmatter"
	"octavo/internal/markdown"
	"octavo/internal/store"
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
	data := fs.String("data", "", "Octavo data folder to fill (the database is DATA/octavo.db unless -database)")
	database := fs.String("database", "", "database URL to fill instead (postgres://…, an empty database)")
	fresh := fs.Bool("fresh", false, "delete an existing SQLite database first")
	batch := fs.Int("batch", 500, "posts per transaction through content.Service.Import (1: each post through Save, as an editor saves)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "with -batch 1: posts saved at once")
	writers := fs.Int("writers", 2, "batches in flight (each rendered on every core, then written)")
	limit := fs.Int("limit", 0, "load at most this many posts (0: all)")
	paths := fs.Int("paths", 0, "print this many post paths of the database, spread over the stream, and exit")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the load to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" && *database == "" {
		fs.Usage()
		return errors.New("-data or -database is required")
	}
	if *paths > 0 {
		return printPaths(ctx, *database, *data, *paths, stdout)
	}
	if *corpus == "" {
		fs.Usage()
		return errors.New("-corpus is required")
	}
	files, err := corpusFiles(*corpus)
	if err != nil {
		return err
	}
	if *limit > 0 && len(files) > *limit {
		files = files[:*limit]
	}
	if *fresh {
		kind, target, err := store.Parse(*database, *data)
		if err != nil {
			return err
		}
		if kind != store.KindSQLite {
			return errors.New("-fresh deletes a SQLite file; give PostgreSQL an empty database (dropdb, createdb)")
		}
		if err := store.Remove("sqlite:" + target); err != nil {
			return err
		}
	}
	// Chroma's lexers filtered by first character: the same tokens (see
	// package fastlex and its tests), in about half the time. octavo build
	// does the same for a content folder.
	fastlex.Install()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	st, err := store.Open(ctx, *database, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	where := store.Describe(*database, *data)
	if seeded, err := st.Seeded(ctx); err != nil {
		return err
	} else if seeded {
		return fmt.Errorf("%s already holds a blog; pass -fresh to replace a SQLite file, or use an empty database", where)
	}
	author := &blog.User{Username: "bench", DisplayName: "Bench Writer", Role: blog.RoleOwner}
	if err := st.CreateUser(ctx, author); err != nil {
		return err
	}
	settings := blog.DefaultSettings()
	settings.Title = "Octavo Bench Blog"
	settings.AuthorName = author.DisplayName
	if err := st.SaveSettings(ctx, settings); err != nil {
		return err
	}
	// Marked as seeded so that `octavo serve` never adds demo posts to it.
	if err := st.MarkSeeded(ctx); err != nil {
		return err
	}

	svc := content.New(st, markdown.New(), blog.SystemClock{}, nil)
	progress := func(n int) {
		if n/1000 != (n-1)/1000 || n == len(files) {
			fmt.Fprintf(stderr, "loadcorpus: %d posts (%.1fs)\n", n, time.Since(start).Seconds())
		}
	}
	var done int
	if *batch <= 1 {
		done, err = savePosts(ctx, svc, files, author.ID, *workers, progress)
	} else {
		done, err = importPosts(ctx, svc, files, author.ID, *batch, *writers, progress)
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	how := fmt.Sprintf("batches of %d, %d in flight", *batch, *writers)
	if *batch <= 1 {
		how = fmt.Sprintf("one Save a post, %d workers", *workers)
	}
	fmt.Fprintf(stdout, "loaded %d posts into %s in %.2fs (%.0f posts/s, %s)\n",
		done, where, elapsed.Seconds(), float64(done)/elapsed.Seconds(), how)
	return nil
}

// importPosts reads the files in batches of size and saves each batch
// with svc.Import (rendered on every core, written in one transaction),
// writers batches at a time: while one batch is written (SQLite writes one
// transaction at a time), the next is rendered.
func importPosts(ctx context.Context, svc *content.Service, files []string, author int64, size, writers int, progress func(int)) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type batch struct {
		posts []*blog.Post
		err   error
	}
	batches := make(chan batch, 1)
	go func() {
		defer close(batches)
		for len(files) > 0 {
			n := min(size, len(files))
			b := batch{posts: make([]*blog.Post, 0, n)}
			for _, f := range files[:n] {
				p, err := readPost(f)
				if err != nil {
					b.err = fmt.Errorf("%s: %w", f, err)
					break
				}
				p.AuthorID = author
				b.posts = append(b.posts, p)
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
			files = files[n:]
		}
	}()
	var mu sync.Mutex
	done := 0
	var first error
	var wg sync.WaitGroup
	for range max(1, writers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				err := b.err
				if err == nil {
					err = svc.Import(ctx, b.posts)
				}
				mu.Lock()
				if err != nil && first == nil {
					first = err
					cancel()
				}
				if err == nil {
					done += len(b.posts)
					progress(done)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return done, first
}

// savePosts saves each post with svc.Save, from several workers: the path
// of one editor's save, for comparison.
func savePosts(ctx context.Context, svc *content.Service, files []string, author int64, workers int, progress func(int)) (int, error) {
	var next, done atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	errc := make(chan error, workers)
	for range max(1, workers) {
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
					p.AuthorID = author
					err = svc.Save(ctx, p)
				}
				if err != nil {
					errc <- fmt.Errorf("%s: %w", files[i], err)
					next.Store(int64(len(files)))
					return
				}
				n := done.Add(1)
				mu.Lock()
				progress(int(n))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return int(done.Load()), err
	}
	return int(done.Load()), nil
}

// printPaths prints n post paths, evenly spread from newest to oldest.
func printPaths(ctx context.Context, database, data string, n int, out io.Writer) error {
	st, err := store.Open(ctx, database, data)
	if err != nil {
		return err
	}
	defer st.Close()
	refs, err := st.Archive(ctx, time.Now(), time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		return fmt.Errorf("%s has no posts", store.Describe(database, data))
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
