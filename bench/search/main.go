// Command search measures full-text search on a blog loaded from the
// synthetic corpus of ../shared/bench/gen-corpus, on SQLite and on
// PostgreSQL, and prints a Markdown table for docs/benchmarks.md.
//
//	go run ./bench/loadcorpus -corpus SITE -data DIR -fresh      # SQLite (see bench/mkdb)
//	createdb -h 127.0.0.1 -U postgres octavo_bench               # an empty PostgreSQL database
//	go run ./bench/search -sqlite DIR/octavo.db -postgres postgres://postgres@127.0.0.1/octavo_bench?sslmode=disable
//
// PostgreSQL is loaded from the SQLite database when it is empty: the
// copy of `octavo db copy` (store.Copy), which writes post_search rows and
// lets PostgreSQL compute their tsvectors, then ANALYZE. Opening either
// database applies the migrations and indexes posts the index lacks.
//
// Each query runs -runs times (after -warm runs), queries interleaved
// round-robin so that none gets the caches to itself. A run is what a
// visitor's first page costs below HTTP: the store's Search for 10 results
// (the count, then the first tier pages it needs) and the snippets of the
// 10 hits (search.Text of the body, search.Snippet); "page" adds the
// template (render.Search, the whole HTML page).
//
// "matches" is how many posts a query matches in all (counted in SQLite's
// index; Search itself counts up to blog.SearchMaxResults, 1,000).
//
// The query set. The corpus has a small vocabulary (70 nouns, 35
// adjectives, 33 verbs, 50 tags, 12 inline identifiers used in most
// posts); what is rare in it are the names in its code blocks (110
// CamelCase names, each in about 2% of posts, and Worker/run/fetch
// functions built from them, each in about 0.3%) and particular numbers.
// The document frequency of every query is measured and printed (share
// of posts matching), and a query is classed by it: "selective" under 1%,
// "common" over 50%. The targets: selective p95 ≤ 10 ms, common
// p95 ≤ 100 ms for the first page of 10.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"octavo/internal/blog"
	"octavo/internal/render"
	"octavo/internal/search"
	"octavo/internal/store"
	"octavo/internal/store/postgres"
	"octavo/internal/store/sqlite"
	"octavo/internal/store/sqlstore"
)

// queries is the query set, with what each stands for.
var queries = []struct{ q, what string }{
	// Selective: identifiers and words in under 1% of posts.
	{"cacheStoreWorker", "identifier in code (a Go func name)"},
	{"fetchRouterTracker", "identifier in code (a JavaScript func name)"},
	{"runPoolLoader(", "identifier as typed, with punctuation"},
	{"417", "a number (\"took 417 ms\")"},
	{`"417 ms"`, "two-word phrase, selective"},
	{"cacheStoreW*", "prefix, selective"},
	{"cacheStoreWorker jobs", "identifier and a common word"},
	// Common: words and phrases in most posts.
	{"server", "common noun"},
	{"the", "the commonest word (every post)"},
	{"EXPLAIN ANALYZE", "identifier of the prose (most posts)"},
	{`"load balancer"`, "two-word phrase, common"},
	{"deploy*", "prefix, common"},
	{"cache server request", "three common words"},
	{"go", "a tag and a word"},
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "search:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	sqlitePath := fs.String("sqlite", "", "SQLite database loaded by bench/loadcorpus (DATA/octavo.db)")
	pgURL := fs.String("postgres", "", "PostgreSQL database URL: loaded from -sqlite when empty")
	runs := fs.Int("runs", 100, "measured runs of each query")
	warm := fs.Int("warm", 5, "unmeasured runs of each query first")
	page := fs.Int("page", 1, "results page to measure (10 a page)")
	only := fs.String("only", "", "measure only this backend: sqlite or postgres")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *sqlitePath == "" {
		fs.Usage()
		return errors.New("-sqlite is required")
	}
	start := time.Now()
	lite, err := sqlite.Open(ctx, *sqlitePath)
	if err != nil {
		return err
	}
	defer lite.Close()
	fmt.Fprintf(out, "SQLite %s opened (migrations, search index) in %s\n", *sqlitePath, time.Since(start).Round(time.Millisecond))
	backends := []backend{{"SQLite", lite}}
	if *pgURL != "" {
		start = time.Now()
		pg, err := postgres.Open(ctx, *pgURL)
		if err != nil {
			return err
		}
		defer pg.Close()
		if err := loadPostgres(ctx, lite, pg, out); err != nil {
			return err
		}
		fmt.Fprintf(out, "PostgreSQL ready in %s\n", time.Since(start).Round(time.Millisecond))
		backends = append(backends, backend{"PostgreSQL", pg})
	}
	if *only != "" {
		backends = slices.DeleteFunc(backends, func(b backend) bool { return !strings.HasPrefix(strings.ToLower(b.name), strings.ToLower(*only)) })
	}
	th, _, err := render.LoadTheme("", slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	now := blog.FixedClock{T: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)} // after every corpus post
	// How many posts each query matches in all (Search counts up to
	// blog.SearchMaxResults only), from SQLite's index.
	df := make([]int, len(queries))
	for i, q := range queries {
		cond, args := sqlstore.FTS5Search.Match(search.Parse(q.q).Terms, search.NumTiers, sqlstore.PlanIndex)
		if err := lite.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM post_fts WHERE `+cond, args...).Scan(&df[i]); err != nil {
			return err
		}
	}
	for _, b := range backends {
		_, posts, err := b.s.ListPosts(ctx, blog.ListQuery{Now: now.T, Limit: 1})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\n### %s, %d posts, page %d, %d runs a query\n\n", b.name, posts, *page, *runs)
		fmt.Fprintln(out, "| query | what | matches | share | class | Search p50 | Search p95 | +snippets p50 | +snippets p95 | +snippets max | page p95 |")
		fmt.Fprintln(out, "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
		r := render.New(b.s, th, "http://bench.example", &now)
		res := make([]result, len(queries))
		for i := range *warm + *runs {
			for qi, q := range queries {
				terms := search.Parse(q.q).Terms
				t := time.Now()
				posts, total, err := b.s.Search(ctx, blog.SearchQuery{Terms: terms, Now: now.T, Offset: (*page - 1) * 10, Limit: 10})
				if err != nil {
					return fmt.Errorf("%s: %q: %w", b.name, q.q, err)
				}
				dq := time.Since(t)
				for _, p := range posts {
					search.Snippet(search.Text(p.Rendered.HTML), terms, search.SnippetWords)
				}
				d := time.Since(t)
				t = time.Now()
				if _, err := r.Search(ctx, q.q, *page); err != nil {
					return fmt.Errorf("%s: render %q: %w", b.name, q.q, err)
				}
				dp := time.Since(t)
				if i >= *warm {
					res[qi].query = append(res[qi].query, dq)
					res[qi].store = append(res[qi].store, d)
					res[qi].page = append(res[qi].page, dp)
				}
				res[qi].total = total
			}
		}
		for qi, q := range queries {
			share := float64(df[qi]) / float64(posts)
			class := ""
			switch {
			case share < 0.01:
				class = "selective"
			case share > 0.5:
				class = "common"
			}
			s := res[qi].store
			fmt.Fprintf(out, "| `%s` | %s | %d | %.2f%% | %s | %s | %s | %s | %s | %s | %s |\n", q.q, q.what, df[qi], 100*share, class,
				ms(pct(res[qi].query, 50)), ms(pct(res[qi].query, 95)), ms(pct(s, 50)), ms(pct(s, 95)), ms(pct(s, 100)), ms(pct(res[qi].page, 95)))
		}
	}
	if len(backends) == 2 {
		return compare(ctx, backends, now.T, out)
	}
	return nil
}

type backend struct {
	name string
	s    store.Store
}

type result struct {
	query, store, page []time.Duration
	total              int
}

// compare checks that both backends return the same first page, by the
// posts' paths: ids differ when each database was loaded on its own (by
// bench/loadcorpus) rather than copied from the other.
func compare(ctx context.Context, bs []backend, now time.Time, out io.Writer) error {
	same := 0
	for _, q := range queries {
		var pages [2]string
		for i, b := range bs {
			posts, total, err := b.s.Search(ctx, blog.SearchQuery{Terms: search.Parse(q.q).Terms, Now: now, Limit: 10})
			if err != nil {
				return err
			}
			ids := make([]string, len(posts))
			for k, p := range posts {
				ids[k] = p.Path
			}
			pages[i] = fmt.Sprint(total, ids)
		}
		if pages[0] == pages[1] {
			same++
		} else {
			fmt.Fprintf(out, "DIFFERENT first page for %q:\n  %s\n  %s\n", q.q, pages[0], pages[1])
		}
	}
	fmt.Fprintf(out, "\n%d of %d queries: the same total and first page on both backends\n", same, len(queries))
	return nil
}

// loadPostgres copies the SQLite database into an empty PostgreSQL one.
func loadPostgres(ctx context.Context, from, to store.Store, out io.Writer) error {
	_, n, err := to.ListPosts(ctx, blog.ListQuery{Now: time.Now().AddDate(100, 0, 0), Limit: 1})
	if err != nil || n > 0 {
		return err
	}
	start := time.Now()
	rep, err := store.Copy(ctx, from, to)
	if err != nil {
		return fmt.Errorf("copying into PostgreSQL: %w", err)
	}
	fmt.Fprintf(out, "copied %d rows into PostgreSQL in %s\n", rep.Rows(), time.Since(start).Round(time.Millisecond))
	pg := to.(*postgres.Store)
	start = time.Now()
	if _, err := pg.DB().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		return err
	}
	fmt.Fprintf(out, "VACUUM ANALYZE in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

func ms(d time.Duration) string {
	return strings.TrimSuffix(fmt.Sprintf("%.2f", float64(d.Microseconds())/1000), "")
}
