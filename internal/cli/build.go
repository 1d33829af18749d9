package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"octavo/internal/blog"
	"octavo/internal/config"
	"octavo/internal/contentdir"
	"octavo/internal/media"
	"octavo/internal/render"
	"octavo/internal/static"
	"octavo/internal/store"
)

// buildFlags are the options of `octavo build`.
type buildFlags struct {
	out, baseURL, content, data, database, cacheDir string
	clean, noCache, drafts, future, strict, quiet   bool
	watch, noSearch, verbose                        bool
	gzip, jobs                                      int
}

const buildUsage = `Usage: octavo build [flags]

Writes the blog as static files: every public page, the theme's assets, the
files published as is, 404.html, redirect pages with a _redirects file
(Netlify, Cloudflare Pages) and nginx-redirects.conf, and a .gz next to every
text file for nginx's gzip_static. A second build rewrites only the files
whose bytes change and removes those of what is gone (.octavo-manifest.json
in the output records what was written).

The blog comes from a content folder (--content, Markdown files; see
docs/content-folder.md) or from the database of a data folder (--data, the
default octavo-data, or --database).

`

func parseBuildFlags(args []string, env Env) (buildFlags, error) {
	var f buildFlags
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.StringVar(&f.out, "out", "public", "output folder")
	fs.StringVar(&f.baseURL, "base-url", "", "public URL of the site for absolute links (default: the content's configuration, else OCTAVO_BASE_URL or the data folder's octavo.toml)")
	fs.StringVar(&f.content, "content", "", "build from this folder of Markdown files (a Hugo site's root or its content/)")
	fs.StringVar(&f.data, "data", "", "build from the database of this data folder (default octavo-data, env OCTAVO_DATA)")
	fs.StringVar(&f.database, "database", "", "build from this database URL instead (sqlite:PATH or postgres://…, env OCTAVO_DATABASE)")
	fs.BoolVar(&f.clean, "clean", false, "remove what the last build wrote and write everything again")
	fs.IntVar(&f.gzip, "gzip", static.DefaultGzipLevel, "gzip level of the .gz files, 1 (fastest) to 9 (smallest); 0 writes none")
	fs.IntVar(&f.jobs, "jobs", 0, "pages rendered at once (default: the number of CPUs)")
	fs.StringVar(&f.cacheDir, "cache", "", "folder keeping rendered Markdown between builds (default: in the user cache folder)")
	fs.BoolVar(&f.noCache, "no-cache", false, "keep no rendered Markdown between builds")
	fs.BoolVar(&f.drafts, "drafts", false, "publish drafts too (content folder)")
	fs.BoolVar(&f.future, "future", false, "publish posts dated in the future too (content folder)")
	fs.BoolVar(&f.strict, "strict", false, "fail when a file of the content folder has an error")
	fs.BoolVar(&f.quiet, "quiet", false, "print nothing but problems")
	fs.BoolVar(&f.verbose, "verbose", false, "log debug lines too: how long each phase of the build takes")
	fs.BoolVar(&f.noSearch, "no-search", false, "write no static search page (/search/)")
	fs.BoolVar(&f.watch, "watch", false, "keep running: build again when a file of the content folder changes, and when a scheduled post's time comes")
	fs.Usage = func() {
		fmt.Fprint(env.Stderr, buildUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected argument %q (see octavo build --help)", fs.Arg(0))
	}
	if f.content != "" && (f.data != "" || f.database != "") {
		return f, errors.New("give --content or --data/--database, not both")
	}
	if f.gzip < 0 || f.gzip > 9 {
		return f, fmt.Errorf("--gzip %d: want 0 to 9", f.gzip)
	}
	if f.watch && f.content == "" {
		return f, errors.New("--watch needs --content (a database blog is served, not watched)")
	}
	return f, nil
}

func build(ctx context.Context, args []string, env Env) (err error) {
	f, err := parseBuildFlags(args, env)
	if err != nil {
		return err
	}
	level := "warn"
	if f.verbose {
		level = "debug"
	}
	log := newLogger(env.Stderr, "text", level)
	now := time.Now()
	clock := &blog.FixedClock{T: now}
	var (
		src      blog.Reader
		site     *contentdir.Site
		themeDir string
		files    []static.File
		protect  []string
		base     = f.baseURL
	)
	if f.content != "" {
		var err error
		site, err = openContent(ctx, f, clock, log, env)
		if err != nil {
			return err
		}
		defer site.Close()
		if !f.watch {
			// The render cache's index is written while the pages are
			// (a watch saves it once, at the end).
			var saving sync.WaitGroup
			saving.Go(site.SaveCache)
			defer saving.Wait()
		}
		if n := reportProblems(site.Problems(), env.Stderr); n > 0 && f.strict {
			return fmt.Errorf("%d files have errors (--strict)", n)
		}
		src, themeDir = site, site.ThemeDir()
		for _, r := range site.Resources() {
			files = append(files, static.File{Path: r.Path, Src: r.File})
		}
		protect = []string{site.SiteDir(), site.ContentDir()}
		if base == "" {
			base = site.BaseURL()
		}
	} else {
		// The data folder's configuration as serve reads it: flags, then
		// OCTAVO_*, then DATA/octavo.toml.
		cfgArgs := []string{}
		if f.data != "" {
			cfgArgs = append(cfgArgs, "--data", f.data)
		}
		if f.database != "" {
			cfgArgs = append(cfgArgs, "--database", f.database)
		}
		cfg, err := config.Load("build", cfgArgs, env.Getenv, io.Discard)
		if err != nil {
			return err
		}
		dbURL := cfg.Database
		ok, err := store.Exists(dbURL, cfg.DataDir)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no blog in %s: run octavo serve once to create one, or build a folder of Markdown files with --content", store.Describe(dbURL, cfg.DataDir))
		}
		db, err := store.Open(ctx, dbURL, cfg.DataDir)
		if err != nil {
			return err
		}
		defer db.Close()
		src, themeDir = db, filepath.Join(cfg.DataDir, "theme")
		protect = []string{cfg.DataDir}
		if files, err = mediaFiles(ctx, db, cfg.DataDir, log); err != nil {
			return err
		}
		if base == "" {
			base = cfg.BaseURL
		}
	}
	if base == "" {
		return errors.New("no base URL for absolute links: give --base-url https://example.org (or set it in the configuration)")
	}
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		return fmt.Errorf("--base-url %q: want an absolute http(s) URL such as https://blog.example.org", base)
	}
	th, _, err := render.LoadTheme(themeDir, log)
	if err != nil {
		return err
	}
	th.CacheSummaries(buildSummaryCache)
	r := render.New(src, th, base, clock)
	progress := newProgress(env.Stderr, f.quiet)
	bd, err := static.NewBuilder(static.Options{
		Renderer: r, Source: src, Out: f.out, Clean: f.clean, Gzip: f.gzip, Workers: f.jobs,
		Files: files, Now: now, Stamp: programStamp(), Protect: protect, Progress: progress, Log: log,
		NoSearch: f.noSearch, LaterManifest: f.watch, ManifestDelay: time.Second, SearchEntries: searchEntries(site),
	})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := bd.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("writing the manifest: %w", cerr)
		}
	}()
	stats, err := bd.Build(ctx, now)
	if err != nil {
		return err
	}
	if !f.quiet {
		printStats(env.Stdout, "Built", f.out, stats)
	}
	if !f.watch {
		return nil
	}
	return watchBuild(ctx, f, site, bd, clock, env)
}

// searchEntries gives the static search the summaries a content folder
// keeps in memory (nil for a database: the build reads the posts).
func searchEntries(site *contentdir.Site) func(context.Context, time.Time) ([]static.SearchEntry, error) {
	if site == nil {
		return nil
	}
	return func(ctx context.Context, now time.Time) ([]static.SearchEntry, error) {
		st, err := site.Settings(ctx)
		if err != nil {
			return nil, err
		}
		loc := st.Location()
		sums := site.Summaries(now)
		out := make([]static.SearchEntry, 0, len(sums))
		for _, s := range sums {
			e := static.SearchEntry{URL: s.Path, Title: s.Title, Tags: s.Tags, Summary: s.Text}
			if s.Kind == blog.KindPost {
				e.Date = s.PublishedAt.In(loc).Format("2006-01-02")
			}
			out = append(out, e)
		}
		return out, nil
	}
}

func printStats(w io.Writer, verb, out string, st static.Stats) {
	fmt.Fprintf(w, "%s %d pages into %s in %s: %d rendered, %d files written, %d unchanged, %d removed; %d redirects, %d files copied.\n",
		verb, st.Pages, out, st.Duration.Round(time.Millisecond), st.Rendered, st.Written, st.Unchanged,
		st.Removed, st.Redirects, st.Copied)
}

// watchBuild builds again whenever a file changes, and when the next
// scheduled post's (or expiring one's) time comes, until ctx ends. The
// site stays in memory between builds: only changed files are read again,
// only pages whose inputs changed are rendered.
func watchBuild(ctx context.Context, f buildFlags, site *contentdir.Site, bd *static.Builder, clock *blog.FixedClock, env Env) error {
	fmt.Fprintf(env.Stderr, "Watching %s for changes (Ctrl-C to stop).\n", site.ContentDir())
	// The paths changed since the last build: only they are looked at
	// again (ReloadPaths).
	pending := contentdir.NewPending()
	watchErr := make(chan error, 1)
	go func() { watchErr <- site.WatchPaths(ctx, pending.Add) }()
	seen := map[string]bool{}
	for _, p := range site.Problems() {
		seen[p.String()] = true
	}
	for {
		var next <-chan time.Time
		if t := site.NextChange(time.Now()); !t.IsZero() {
			next = time.After(time.Until(t) + 10*time.Millisecond)
		}
		var paths []string
		select {
		case <-ctx.Done():
			return nil
		case err := <-watchErr:
			return err
		case <-pending.C:
			if paths = pending.Take(); len(paths) == 0 {
				continue
			}
		case <-next:
		}
		st, ok, err := rebuild(ctx, site, bd, clock, paths)
		if err != nil {
			fmt.Fprintln(env.Stderr, err)
			continue
		}
		if !ok {
			continue
		}
		if paths != nil {
			now := map[string]bool{}
			for _, p := range site.Problems() {
				now[p.String()] = true
				if !seen[p.String()] {
					fmt.Fprintln(env.Stderr, p.String())
				}
			}
			seen = now
		}
		if !f.quiet {
			printStats(env.Stdout, "Rebuilt", f.out, st)
		}
	}
}

// rebuild is one step of a watched build: the changed paths read again
// (none: a scheduled post's time came), then the build. ok is false when
// the files changed nothing. The duration is from the change seen to the
// files written, the folder's reading included.
func rebuild(ctx context.Context, site *contentdir.Site, bd *static.Builder, clock *blog.FixedClock, paths []string) (st static.Stats, ok bool, err error) {
	start := time.Now()
	if paths != nil {
		changed, _, err := site.ReloadPaths(ctx, paths)
		if err != nil {
			return st, false, fmt.Errorf("reading the content folder: %w", err)
		}
		if !changed {
			return st, false, nil
		}
	}
	at := time.Now()
	clock.T = at
	st, err = bd.Build(ctx, at)
	if err != nil {
		return st, false, fmt.Errorf("build failed: %w", err)
	}
	st.Duration = time.Since(start)
	return st, true, nil
}

// parseGCPercent is the collector's GOGC while a build reads and renders a
// content folder's Markdown (unless GOGC is set). That phase keeps little
// alive (the rendered HTML goes to the render cache's file, about 20 MB
// live at 10,000 posts) but allocates fast, so with the default of 100 it
// collected every 15 ms: about 575 cycles and 15 % of its CPU. At 400 the
// heap may grow to five times what is live, still well under the peak of
// the page-writing phase that follows (which runs at the default again).
const parseGCPercent = 400

// buildSummaryCache is the bytes of list pages' post summaries a build
// keeps (render.Theme.CacheSummaries): each post is on the front page's
// list and on each of its tags', and its summary is made once. 10,000
// posts of the benchmark corpus take about 25 MB.
const buildSummaryCache = 64 << 20

// openContent opens a content folder for a build.
func openContent(ctx context.Context, f buildFlags, clock blog.Clock, log *slog.Logger, env Env) (*contentdir.Site, error) {
	cacheDir := f.cacheDir
	if cacheDir == "" && !f.noCache {
		cacheDir = defaultCacheDir(f.content)
	}
	if f.noCache {
		cacheDir = ""
	}
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(parseGCPercent))
	}
	return contentdir.Open(ctx, contentdir.Options{Dir: f.content, Clock: clock, Log: log, CacheDir: cacheDir,
		Drafts: f.drafts, Future: f.future})
}

// defaultCacheDir is where a content folder's rendered Markdown is kept:
// one folder per content folder in the user's cache ("" when there is
// none).
func defaultCacheDir(content string) string {
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	abs, err := filepath.Abs(content)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(base, "octavo", "content-"+hex.EncodeToString(sum[:6]))
}

// reportProblems prints the problems of a content folder and returns how
// many are errors.
func reportProblems(problems []contentdir.Problem, w io.Writer) int {
	errs := 0
	for _, p := range problems {
		fmt.Fprintln(w, p.String())
		if p.Level == contentdir.LevelError {
			errs++
		}
	}
	return errs
}

// programStamp identifies this program: its version and a hash of the
// executable, so a new build of Octavo renders every page again.
var programStamp = sync.OnceValue(func() string {
	stamp := Version
	exe, err := os.Executable()
	if err != nil {
		return stamp
	}
	fh, err := os.Open(exe)
	if err != nil {
		return stamp
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return stamp
	}
	return stamp + "-" + hex.EncodeToString(h.Sum(nil)[:8])
})

// newProgress shows a progress bar on a terminal and plain lines
// otherwise.
func newProgress(w io.Writer, quiet bool) static.Progress {
	if quiet {
		return nil
	}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return &barProgress{w: w}
		}
	}
	return &lineProgress{w: w}
}

// lineProgress prints one line per phase, for logs.
type lineProgress struct {
	w     io.Writer
	mu    sync.Mutex
	name  string
	total int
	start time.Time
}

func (p *lineProgress) Phase(name string, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.end()
	p.name, p.total, p.start = name, total, time.Now()
}

func (p *lineProgress) end() {
	if p.name != "" && p.total > 0 {
		fmt.Fprintf(p.w, "%s: %d in %s\n", p.name, p.total, time.Since(p.start).Round(time.Millisecond))
	}
	p.name = ""
}

func (p *lineProgress) Step(int) {}

func (p *lineProgress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.end()
}

// barProgress redraws one line: the phase, a bar and a count.
type barProgress struct {
	w           io.Writer
	mu          sync.Mutex
	name        string
	total, done int
	drawn       time.Time
}

func (p *barProgress) Phase(name string, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.name, p.total, p.done = name, total, 0
	p.draw()
}

func (p *barProgress) Step(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if time.Since(p.drawn) > 80*time.Millisecond || p.done == p.total {
		p.draw()
	}
}

func (p *barProgress) draw() {
	p.drawn = time.Now()
	if p.total <= 0 {
		fmt.Fprintf(p.w, "\r\033[K%s…", p.name)
		return
	}
	const width = 30
	n := width * p.done / p.total
	fmt.Fprintf(p.w, "\r\033[K%-16s [%s%s] %d/%d", p.name, strings.Repeat("=", n), strings.Repeat(" ", width-n), p.done, p.total)
}

func (p *barProgress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\033[K")
}

// mediaFiles lists the media library's files and their smaller copies for
// the build to publish under /media/, making the copies that serve has not
// made yet (a blog built without ever being served, or stopped early).
func mediaFiles(ctx context.Context, db store.Store, dataDir string, log *slog.Logger) ([]static.File, error) {
	local := media.Local{Dir: filepath.Join(dataDir, "media")}
	lib := media.New(media.Options{Store: db, Storage: local, Log: log})
	all, err := db.ListMedia(ctx)
	if err != nil {
		return nil, err
	}
	var files []static.File
	add := func(name string) {
		if p, ok := local.File(name); ok {
			if _, err := os.Stat(p); err == nil {
				files = append(files, static.File{Path: "/media/" + name, Src: p})
				return
			}
		}
		log.Warn("media file missing from the data folder: not published", "file", name)
	}
	for _, m := range all {
		img := m.Image()
		if len(m.Variants) < len(img.Widths()) {
			if err := lib.MakeVariants(ctx, m.Hash); err != nil {
				return nil, fmt.Errorf("making the smaller copies of %s: %w", img.Name(), err)
			}
		}
		add(img.Name())
		for _, w := range img.Widths() {
			add(blog.VariantName(m.Hash, m.Type, w))
		}
	}
	return files, nil
}
