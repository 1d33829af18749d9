// Package static builds a static copy of a blog: every public page URL
// (render.Renderer.Paths) written as a file, with the theme's assets, the
// files published as is, a 404 page, redirects (as pages, as a Netlify /
// Cloudflare _redirects file and as an nginx map), and a .gz next to every
// text file for nginx's gzip_static.
//
// Builds are incremental: .octavo-manifest.json in the output records the
// dependency keys of every page (blog.DepPost…) with their hashes and the
// hash of every file written. The next build renders only the pages whose
// keys changed, writes only the files whose bytes changed, and removes the
// files of what is gone. Pages are rendered in parallel; the renderer is
// safe for concurrent use.
package static

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"

	"octavo/internal/blog"
	"octavo/internal/mimetype"
	"octavo/internal/render"
)

// DefaultGzipLevel is the compression of the .gz files: 6, zlib's default,
// is within a few per cent of the smallest files at a fraction of level
// 9's time.
const DefaultGzipLevel = 6

// File is a file published as is.
type File struct {
	Path string // URL path, e.g. "/2026/03/trip/photo.jpg"
	Src  string // the file on disk
}

// DepHasher is a source that knows the hash of each dependency key at a
// time (contentdir does); for other sources the build reads every visible
// post to compute them. The map returned is the caller's.
type DepHasher interface {
	DepHashes(ctx context.Context, now time.Time) (map[string]string, error)
}

// RedirectLister is a source that can list its redirects (old path → new
// path) at a time: a content folder.
type RedirectLister interface {
	Redirects(ctx context.Context, now time.Time) (map[string]string, error)
}

// RuleLister is a source that keeps redirects as rules: a database.
type RuleLister interface {
	Redirects(ctx context.Context) ([]blog.RedirectRule, error)
}

// Progress is told how a build goes: a phase with the number of steps it
// will take, then each step.
type Progress interface {
	Phase(name string, total int)
	Step(n int)
	Done()
}

// Options configure a build.
type Options struct {
	Renderer *render.Renderer
	Source   blog.Reader // the renderer's source
	Out      string
	// Clean removes what the last build wrote and writes everything again.
	Clean bool
	// Gzip is the level of the .gz files (1–9); 0 writes none.
	Gzip int
	// Workers render pages at once (GOMAXPROCS when 0).
	Workers int
	// Files are published as is (page bundle images, static/).
	Files []File
	// Now is the time the blog is built at (what is visible).
	Now time.Time
	// Stamp identifies the program; a build by another one renders every
	// page again (and still writes only the files that differ).
	Stamp string
	// Protect are folders the output must not be, or be inside of (the
	// content folder, the data folder).
	Protect []string
	// NoSearch leaves out the static search page (/search/).
	NoSearch bool
	// SearchEntries lists the static search index's entries (a content
	// folder keeps them in memory); nil reads every visible post.
	SearchEntries func(ctx context.Context, now time.Time) ([]SearchEntry, error)
	// LaterManifest writes the manifest once no build has started for
	// ManifestDelay (build --watch: builds while someone types do not
	// each encode it), and at Close. Meanwhile a marker file in the output
	// (StaleName) tells any other build that the manifest is older than
	// the files: it then trusts none of its hashes.
	LaterManifest bool
	ManifestDelay time.Duration
	Progress      Progress
	Log           *slog.Logger
}

// Stats says what a build did.
type Stats struct {
	Pages     int // public pages (URL paths)
	Rendered  int // pages rendered (the others had not changed)
	Written   int // files written (not counting .gz)
	Unchanged int // files rendered or copied whose bytes had not changed
	Removed   int // files removed (what is gone, not counting .gz)
	Redirects int
	Copied    int // files published as is, written
	Bytes     int64
	Duration  time.Duration
}

// builder holds one build's state.
type builder struct {
	o        Options
	out      string
	old, new *manifest
	stats    Stats
	mu       sync.Mutex // guards new, stats, dirs
	dirs     map[string]bool
	written  atomic.Int64
	// pending holds each page's keys until the key table is numbered.
	pending map[string][]string
	// rewrite writes every file even when its bytes are those of the last
	// build (the .gz files must change).
	rewrite bool
	// trusted: the last build ran in this process, its files are there.
	trusted    bool
	search     searchCache
	searchRows *searchRows
	// lastHashes and lastDeps are the key hashes and each page's keys
	// of the last build, when it ran in this process (nil otherwise):
	// pages are then checked against the keys that changed.
	lastHashes map[string]string
	lastDeps   map[string][]string
	// hashes are this build's key hashes.
	hashes map[string]string
	isPost map[string]bool // the paths of posts and pages
}

// Build writes the blog into o.Out once.
func Build(ctx context.Context, o Options) (Stats, error) {
	bd, err := NewBuilder(o)
	if err != nil {
		return Stats{}, err
	}
	return bd.Build(ctx, o.Now)
}

// Builder builds one output folder, again and again (build --watch): it
// keeps the manifest of its last build in memory, and trusts the files it
// wrote itself to be there.
type Builder struct {
	o          Options
	out        string
	mu         sync.Mutex // one build at a time
	last       *manifest  // nil: read the folder's
	search     searchCache
	searchRows *searchRows
	// unsaved is the last build, whose manifest is not written yet
	// (LaterManifest); timer writes it.
	unsaved *builder
	timer   *time.Timer
	marked  bool // StaleName is in the output
	saveErr error
	// The key hashes and each page's keys of the last build (see
	// builder.lastHashes).
	lastHashes map[string]string
	lastDeps   map[string][]string
}

// Close writes the manifest of the last build if it is not written yet.
func (bd *Builder) Close() error {
	bd.mu.Lock()
	defer bd.mu.Unlock()
	if bd.timer != nil {
		bd.timer.Stop()
	}
	bd.save()
	return bd.saveErr
}

// saveLater is the timer's: the manifest, once the builds have stopped.
func (bd *Builder) saveLater() {
	bd.mu.Lock()
	defer bd.mu.Unlock()
	bd.save()
}

// save writes the manifest of the unsaved build (bd.mu held): its key
// table numbered, then the file, then the marker removed.
func (bd *Builder) save() {
	b := bd.unsaved
	if b == nil {
		return
	}
	bd.unsaved = nil
	b.new.Keys = b.keyTable(b.hashes)
	if err := b.new.write(bd.out); err != nil {
		bd.saveErr = err
		return
	}
	if err := os.Remove(filepath.Join(bd.out, StaleName)); err == nil || errors.Is(err, fs.ErrNotExist) {
		bd.marked = false
	}
}

// NewBuilder checks the options and the output folder.
func NewBuilder(o Options) (*Builder, error) {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Progress == nil {
		o.Progress = nopProgress{}
	}
	if o.Gzip < 0 || o.Gzip > 9 {
		return nil, fmt.Errorf("gzip level %d: want 0 (no .gz files) to 9", o.Gzip)
	}
	out, err := checkOut(o.Out, o.Protect)
	if err != nil {
		return nil, err
	}
	return &Builder{o: o, out: out, search: searchCache{}, searchRows: &searchRows{}}, nil
}

// Build writes the blog as it is at now. Clean applies to the first build
// only.
func (bd *Builder) Build(ctx context.Context, now time.Time) (Stats, error) {
	bd.mu.Lock()
	defer bd.mu.Unlock()
	if bd.timer != nil {
		bd.timer.Stop() // written after this build, or at Close
	}
	if err := bd.saveErr; err != nil {
		// The folder's manifest is older than its files.
		bd.saveErr = nil
		bd.o.Log.Warn("the manifest of the last build could not be written", "error", err)
		distrust(bd.out)
		bd.last = nil
	}
	start := time.Now()
	o := bd.o
	o.Now = now
	b := &builder{o: o, out: bd.out, dirs: map[string]bool{}, search: bd.search, searchRows: bd.searchRows}
	if err := os.MkdirAll(bd.out, 0o755); err != nil {
		return Stats{}, fmt.Errorf("output folder: %w", err)
	}
	if bd.last != nil {
		b.old, b.trusted = bd.last, true
		b.lastHashes, b.lastDeps = bd.lastHashes, bd.lastDeps
	} else {
		var err error
		if b.old, err = readManifest(bd.out); err != nil {
			return Stats{}, err
		}
		if o.Clean {
			b.removeAll(b.old)
			b.old = newManifest()
		}
	}
	b.new = newManifest()
	bd.lastHashes, bd.lastDeps = nil, nil
	if o.LaterManifest && !bd.marked {
		// Before any file changes: the manifest is about to be older
		// than the files, until save.
		if err := os.WriteFile(filepath.Join(bd.out, StaleName), []byte(staleNote), 0o644); err != nil {
			return Stats{}, fmt.Errorf("output folder: %w", err)
		}
		bd.marked = true
	}
	if err := b.build(ctx); err != nil {
		// Some files may be newer than the manifest says.
		bd.save()
		distrust(bd.out)
		bd.last = nil
		return b.stats, err
	}
	bd.last = b.new
	bd.lastHashes, bd.lastDeps = b.hashes, b.pending
	b.stats.Bytes = b.written.Load()
	b.stats.Duration = time.Since(start)
	if o.LaterManifest {
		// The key table is for the manifest alone (the next build in
		// this process reads lastDeps): numbered when it is written.
		bd.unsaved = b
		bd.timer = time.AfterFunc(o.ManifestDelay, bd.saveLater)
		return b.stats, nil
	}
	t := time.Now()
	b.new.Keys = b.keyTable(b.hashes)
	if err := b.new.write(bd.out); err != nil {
		distrust(bd.out)
		bd.last = nil
		return b.stats, err
	}
	b.took("manifest", t)
	// A watched build that was stopped left its marker: the manifest
	// now describes the files again.
	os.Remove(filepath.Join(bd.out, StaleName))
	return b.stats, nil
}

// distrust forgets the hashes of the folder's manifest, keeping the list
// of what was written: after a build that did not finish, files may differ
// from what the manifest says, so the next build renders and writes every
// page, and still removes what is gone.
func distrust(out string) {
	m, err := readManifest(out)
	if err != nil {
		os.Remove(filepath.Join(out, ManifestName))
		return
	}
	m.forget()
	if m.write(out) != nil {
		os.Remove(filepath.Join(out, ManifestName))
	}
}

// checkOut refuses an output folder that would overwrite what it is built
// from, or much else.
func checkOut(out string, protect []string) (string, error) {
	if strings.TrimSpace(out) == "" {
		return "", errors.New("no output folder given")
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	home, _ := os.UserHomeDir()
	if abs == filepath.Dir(abs) || abs == home {
		return "", fmt.Errorf("output folder %s: refusing to build into the root or home folder", out)
	}
	for _, p := range protect {
		pa, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if within(abs, pa) || within(pa, abs) {
			return "", fmt.Errorf("output folder %s: it overlaps %s, which the site is built from; choose another", out, p)
		}
	}
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
		if _, err := os.Stat(filepath.Join(abs, ManifestName)); errors.Is(err, os.ErrNotExist) {
			entries, _ := os.ReadDir(abs)
			for _, e := range entries {
				if e.Name() == ".git" || e.Name() == "go.mod" || e.Name() == "octavo.db" {
					return "", fmt.Errorf("output folder %s holds %s: it does not look like a build output; choose another", out, e.Name())
				}
			}
		}
	}
	return abs, nil
}

// within reports whether p is dir or inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// urlFile maps a URL path to its file in the output: "/x/" is x/index.html.
func urlFile(p string) (string, error) {
	if !strings.HasPrefix(p, "/") || strings.Contains(p, "\x00") || strings.Contains(p, "\\") {
		return "", fmt.Errorf("path %q cannot be a file", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." {
			return "", fmt.Errorf("path %q cannot be a file", p)
		}
	}
	f := strings.TrimPrefix(p, "/")
	if f == "" || strings.HasSuffix(f, "/") {
		f += "index.html"
	}
	return f, nil
}

// rewriteAll reports whether a build must write every file again, even
// those whose bytes have not changed: the last build wrote its .gz files
// at another level. A first build (no manifest, nothing written) writes
// every file anyway, in place rather than through a temporary file.
func rewriteAll(old *manifest, gzip int) bool {
	return len(old.Files) > 0 && old.Gzip != gzip
}

// stamp sums what every page depends on besides the content.
func (b *builder) stamp() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d", b.o.Stamp, b.o.Renderer.BaseURL(), b.o.Renderer.Theme().Hash, b.o.Gzip)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func (b *builder) build(ctx context.Context) error {
	o := b.o
	b.new.Stamp = b.stamp()
	b.new.Gzip = o.Gzip
	sameProgram := b.new.Stamp == b.old.Stamp
	b.rewrite = rewriteAll(b.old, o.Gzip)

	b.o.Progress.Phase("Listing pages", 0)
	t := time.Now()
	paths, err := o.Renderer.Paths(ctx)
	if err != nil {
		return err
	}
	b.stats.Pages = len(paths)
	// Sized once: growing maps of 16,000 pages was a good part of a
	// watched rebuild's time before its first page.
	b.new.Pages = make(map[string]pageEntry, len(paths))
	hashes, err := b.depHashes(ctx)
	if err != nil {
		return err
	}
	// A post page links to its neighbours: blog.DepNav stands for them.
	refs, err := o.Source.Archive(ctx, o.Now, time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	b.new.Posts = make(map[string]string, len(refs))
	for i, r := range refs {
		var older, newer string
		if i+1 < len(refs) {
			older = refs[i+1].ID
		}
		if i > 0 {
			newer = refs[i-1].ID
		}
		hashes[blog.DepNav(r.ID)] = older + "|" + newer
		b.new.Posts[r.ID] = r.Path
	}
	pages, err := o.Source.Pages(ctx, o.Now)
	if err != nil {
		return err
	}
	for _, p := range pages {
		hashes[blog.DepNav(p.ID)] = "page"
		b.new.Posts[p.ID] = p.Path
	}
	b.isPost = make(map[string]bool, len(refs)+len(pages))
	for _, r := range refs {
		b.isPost[r.Path] = true
	}
	for _, p := range pages {
		b.isPost[p.Path] = true
	}

	b.hashes = hashes

	// Which pages must be rendered: those whose keys changed. After a
	// build in this process, the keys that changed since are known, and
	// each page's keys are at hand; otherwise the manifest's hashes say.
	var todo []string
	if b.trusted && sameProgram && b.lastHashes != nil && b.lastDeps != nil {
		changed := changedKeys(b.lastHashes, hashes)
		b.pending = make(map[string][]string, len(paths))
		for _, p := range paths {
			e, ok := b.old.Pages[p]
			deps := b.lastDeps[p]
			if ok && !alwaysRender(p) && len(deps) > 0 && !anyIn(deps, changed) {
				b.pending[p] = deps
				b.new.Pages[p] = pageEntry{Hash: e.Hash}
				b.stats.Unchanged++
				continue
			}
			todo = append(todo, p)
		}
	} else {
		oldHashes := b.old.keyHashes()
		for _, p := range paths {
			e, ok := b.old.Pages[p]
			if ok && sameProgram && !alwaysRender(p) && depsSame(b.old, e, oldHashes, hashes) && b.exists(p) {
				b.keepPage(p, e)
				continue
			}
			todo = append(todo, p)
		}
	}
	// Post pages first: after an edit, the post's own page is the one
	// looked at, and the lists showing it can take longer (the archive).
	sort.SliceStable(todo, func(i, j int) bool { return b.isPost[todo[i]] && !b.isPost[todo[j]] })
	b.stats.Rendered = len(todo)
	t = b.took("listing pages", t)
	if err := b.renderAll(ctx, todo, hashes); err != nil {
		return err
	}
	t = b.took("rendering pages", t)

	if err := b.notFound(ctx); err != nil {
		return err
	}
	if err := b.assets(); err != nil {
		return err
	}
	if err := b.copyFiles(ctx); err != nil {
		return err
	}
	t = b.took("404, assets and files", t)
	if !o.NoSearch {
		if err := b.searchPage(ctx, hashes, b.search); err != nil {
			return err
		}
		t = b.took("search page", t)
	}
	if err := b.redirects(ctx, paths); err != nil {
		return err
	}
	t = b.took("redirects", t)
	b.removeStale()
	b.took("removing stale files", t)
	b.o.Progress.Done()
	return nil
}

// took logs, at debug level, how long a phase of the build took since
// start, and returns the time now for the next phase.
func (b *builder) took(phase string, start time.Time) time.Time {
	now := time.Now()
	b.o.Log.Debug("build phase", "phase", phase, "took", now.Sub(start).Round(time.Millisecond))
	return now
}

// alwaysRender are pages rendered on every build: they are cheap, and
// depend on the set of pages and tags more than on keys.
func alwaysRender(p string) bool {
	return p == "/robots.txt" || strings.HasPrefix(p, "/sitemap")
}

// depsSame reports whether every key a page was made from has the hash it
// had then.
func depsSame(old *manifest, e pageEntry, oldHashes, now map[string]string) bool {
	if len(e.Deps) == 0 {
		return false
	}
	for _, i := range e.Deps {
		if i < 0 || i >= len(old.Keys) {
			return false
		}
		k := old.Keys[i]
		if h, ok := now[k.Key]; !ok || h != k.Hash {
			return false
		}
	}
	return true
}

// changedKeys returns the keys whose hash differs between two builds
// (or that only one has).
func changedKeys(old, now map[string]string) map[string]bool {
	out := map[string]bool{}
	for k, h := range now {
		if oh, ok := old[k]; !ok || oh != h {
			out[k] = true
		}
	}
	for k := range old {
		if _, ok := now[k]; !ok {
			out[k] = true
		}
	}
	return out
}

// anyIn reports whether one of keys is in set.
func anyIn(keys []string, set map[string]bool) bool {
	if len(set) == 0 {
		return false
	}
	for _, k := range keys {
		if set[k] {
			return true
		}
	}
	return false
}

// exists reports whether the file of a page is still in the output.
func (b *builder) exists(p string) bool {
	if b.trusted {
		return true
	}
	f, err := urlFile(p)
	if err != nil {
		return false
	}
	_, err = os.Lstat(filepath.Join(b.out, filepath.FromSlash(f)))
	return err == nil
}

func (b *builder) keepPage(p string, e pageEntry) {
	deps := make([]string, 0, len(e.Deps))
	for _, i := range e.Deps {
		deps = append(deps, b.old.Keys[i].Key)
	}
	b.recordPage(p, e.Hash, deps)
	b.stats.Unchanged++
}

func (b *builder) recordPage(p, hash string, deps []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pending == nil {
		b.pending = map[string][]string{}
	}
	b.pending[p] = deps
	b.new.Pages[p] = pageEntry{Hash: hash}
}

// keyTable numbers every key pages name and fills their Deps.
func (b *builder) keyTable(hashes map[string]string) []keyHash {
	idx := map[string]int{}
	var table []keyHash
	ps := make([]string, 0, len(b.pending))
	for p := range b.pending {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	for _, p := range ps {
		deps := b.pending[p]
		e := b.new.Pages[p]
		e.Deps = make([]int, 0, len(deps))
		for _, k := range deps {
			i, ok := idx[k]
			if !ok {
				i = len(table)
				idx[k] = i
				table = append(table, keyHash{Key: k, Hash: hashes[k]})
			}
			e.Deps = append(e.Deps, i)
		}
		b.new.Pages[p] = e
	}
	return table
}

// renderAll renders paths with the workers and writes the files whose
// bytes changed.
func (b *builder) renderAll(ctx context.Context, paths []string, hashes map[string]string) error {
	b.o.Progress.Phase("Rendering pages", len(paths))
	var next atomic.Int64
	errs := make(chan error, b.o.Workers)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(b.o.Workers, max(1, len(paths))) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(paths) || ctx.Err() != nil {
					return
				}
				p := paths[i]
				if err := b.renderOne(ctx, p, hashes); err != nil {
					select {
					case errs <- err:
					default:
					}
					cancel()
					return
				}
				b.o.Progress.Step(1)
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	return ctx.Err()
}

func (b *builder) renderOne(ctx context.Context, p string, hashes map[string]string) error {
	pg, err := b.o.Renderer.Render(ctx, p)
	if err != nil {
		return fmt.Errorf("render %s: %w", p, err)
	}
	if pg.Status != http.StatusOK {
		return fmt.Errorf("render %s: status %d (the content changed during the build?)", p, pg.Status)
	}
	deps := append([]string(nil), pg.Deps...)
	for _, k := range deps {
		if _, ok := hashes[k]; !ok {
			// A key the source gave no hash for: never trust it.
			deps = nil
			break
		}
	}
	f, _ := urlFile(p)
	h, err := b.writeFile(f, pg.Body, b.old.Pages[p].Hash)
	if err != nil {
		return err
	}
	b.recordPage(p, h, deps)
	return nil
}

// writeFile writes data at f (a slash path in the output) unless the file
// there already has these bytes (oldHash), with its .gz when the type is
// text. It returns the hash of data.
func (b *builder) writeFile(f string, data []byte, oldHash string) (string, error) {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:16])
	full := filepath.Join(b.out, filepath.FromSlash(f))
	if h == oldHash && !b.rewrite {
		if _, err := os.Lstat(full); b.trusted || err == nil {
			b.mu.Lock()
			b.stats.Unchanged++
			b.mu.Unlock()
			return h, nil
		}
	}
	if err := b.mkdirFor(full); err != nil {
		return "", err
	}
	// A file the last build did not write is new: written in place. One
	// it wrote is replaced atomically, for a server reading the folder.
	replace := oldHash != "" || b.rewrite
	if err := writeFileAt(full, data, replace); err != nil {
		return "", err
	}
	n := int64(len(data))
	if b.o.Gzip > 0 && compressible(f) {
		z, err := gzipBytes(data, b.o.Gzip)
		if err != nil {
			return "", err
		}
		if err := writeFileAt(full+".gz", z, replace); err != nil {
			return "", err
		}
		n += int64(len(z))
	} else {
		os.Remove(full + ".gz")
	}
	b.written.Add(n)
	b.mu.Lock()
	b.stats.Written++
	b.mu.Unlock()
	return h, nil
}

func (b *builder) mkdirFor(full string) error {
	dir := filepath.Dir(full)
	b.mu.Lock()
	ok := b.dirs[dir]
	b.mu.Unlock()
	if ok {
		return nil
	}
	// Most folders are new ones in a folder that exists: one system call
	// where MkdirAll makes three.
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("output: %w", err)
		}
	} else if err != nil {
		if fi, serr := os.Stat(dir); serr != nil || !fi.IsDir() {
			return fmt.Errorf("output: %s is not a folder", dir)
		}
	}
	b.mu.Lock()
	b.dirs[dir] = true
	b.mu.Unlock()
	return nil
}

// writeFileAt writes a file; replacing one, it writes a temporary file and
// renames it, so that a server reading the folder meanwhile sees the old
// bytes or the new, never half of them.
func writeFileAt(full string, data []byte, replace bool) error {
	if !replace {
		if err := os.WriteFile(full, data, 0o644); err != nil {
			return fmt.Errorf("output: %w", err)
		}
		return nil
	}
	tmp := full + ".octavo-tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if err := os.Rename(tmp, full); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("output: %w", err)
	}
	return nil
}

// gzipPools keep writers by level.
var gzipPools [10]sync.Pool

// gzipBytes compresses data at level, without a name or time in the
// header, so the same bytes always give the same file. It uses
// klauspost/compress's gzip: the same format, about 2 % larger, in a
// quarter of compress/gzip's time at level 6 (see docs/architecture.md).
func gzipBytes(data []byte, level int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(data)/3 + 64)
	zw, _ := gzipPools[level].Get().(*gzip.Writer)
	if zw == nil {
		var err error
		if zw, err = gzip.NewWriterLevel(&buf, level); err != nil {
			return nil, err
		}
	} else {
		zw.Reset(&buf)
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	gzipPools[level].Put(zw)
	return buf.Bytes(), nil
}

// compressible reports whether a file is text, worth a .gz.
func compressible(f string) bool {
	ext := strings.ToLower(path.Ext(f))
	switch ext {
	case ".html", ".htm", ".css", ".js", ".mjs", ".json", ".xml", ".txt", ".svg", ".md", ".csv", ".map", ".webmanifest", ".ics", ".atom", ".rss":
		return true
	case "":
		return path.Base(f) == "_redirects"
	}
	t := mimetype.ByExtension(ext)
	return strings.HasPrefix(t, "text/")
}

// notFound writes 404.html.
func (b *builder) notFound(ctx context.Context) error {
	pg, err := b.o.Renderer.NotFound(ctx)
	if err != nil {
		return err
	}
	return b.extra("404.html", pg.Body)
}

// extra writes a file that is not a page and records it.
func (b *builder) extra(f string, data []byte) error {
	h, err := b.writeFile(f, data, b.old.Files[f])
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.new.Files[f] = h
	b.mu.Unlock()
	return nil
}

// assets writes the theme's assets at their hashed URLs.
func (b *builder) assets() error {
	for _, a := range b.o.Renderer.Theme().Assets() {
		if err := b.extra(strings.TrimPrefix(a.URL, "/"), a.Body); err != nil {
			return err
		}
	}
	return nil
}

// copyFiles publishes files as is. A file whose size and time are those
// of the last build is not copied again.
func (b *builder) copyFiles(ctx context.Context) error {
	b.o.Progress.Phase("Copying files", len(b.o.Files))
	for _, fl := range b.o.Files {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		f, err := urlFile(fl.Path)
		if err != nil || strings.HasSuffix(fl.Path, "/") {
			b.o.Log.Warn("file not published: its path cannot be a file", "file", fl.Src, "path", fl.Path)
			continue
		}
		if _, isPage := b.new.Pages[fl.Path]; isPage {
			b.o.Log.Warn("file not published: a page has its path", "file", fl.Src, "path", fl.Path)
			continue
		}
		fi, err := os.Stat(fl.Src)
		if err != nil {
			return fmt.Errorf("publishing %s: %w", fl.Src, err)
		}
		sig := fmt.Sprintf("file:%d:%d", fi.Size(), fi.ModTime().UnixNano())
		full := filepath.Join(b.out, filepath.FromSlash(f))
		if b.old.Files[f] == sig && !b.rewrite {
			if _, err := os.Lstat(full); err == nil {
				b.new.Files[f] = sig
				b.stats.Unchanged++
				b.o.Progress.Step(1)
				continue
			}
		}
		data, err := os.ReadFile(fl.Src)
		if err != nil {
			return fmt.Errorf("publishing %s: %w", fl.Src, err)
		}
		// The old signature is no content hash: the file is written, in
		// place of the old one.
		if _, err := b.writeFile(f, data, b.old.Files[f]); err != nil {
			return err
		}
		b.new.Files[f] = sig
		b.stats.Copied++
		b.o.Progress.Step(1)
	}
	return nil
}

// redirects writes a page for every redirect from an HTML address, the
// _redirects file and the nginx map. Besides the source's redirects, a
// post whose path changed since the last build leaves one behind.
func (b *builder) redirects(ctx context.Context, paths []string) error {
	all := map[string]string{}
	switch rl := b.o.Source.(type) {
	case RedirectLister:
		rs, err := rl.Redirects(ctx, b.o.Now)
		if err != nil {
			return err
		}
		for from, to := range rs {
			all[from] = to
		}
	case RuleLister:
		rs, err := rl.Redirects(ctx)
		if err != nil {
			return err
		}
		for _, r := range rs {
			all[r.From] = r.To
		}
	}
	isPage := make(map[string]bool, len(paths))
	for _, p := range paths {
		isPage[p] = true
	}
	for from, to := range b.old.Moved {
		if isPage[to] {
			b.new.Moved[from] = to
		}
	}
	for id, oldPath := range b.old.Posts {
		if newPath, ok := b.new.Posts[id]; ok && newPath != oldPath {
			b.new.Moved[oldPath] = newPath
			// Older redirects to the old path now lead to the new one.
			for from, to := range b.new.Moved {
				if to == oldPath {
					b.new.Moved[from] = newPath
				}
			}
		}
	}
	for from, to := range b.new.Moved {
		if _, ok := all[from]; !ok {
			all[from] = to
		}
	}
	froms := make([]string, 0, len(all))
	for from := range all {
		if isPage[from] || from == all[from] {
			continue
		}
		if f, err := urlFile(from); err != nil {
			continue
		} else if _, ok := b.new.Files[f]; ok {
			continue // a file published as is has that address
		}
		froms = append(froms, from)
	}
	sort.Strings(froms)
	b.stats.Redirects = len(froms)
	var netlify, nginx bytes.Buffer
	netlify.WriteString("# Redirects of the site, for Netlify and Cloudflare Pages (written by octavo build).\n")
	nginx.WriteString("# Redirects of the site as an nginx map (written by octavo build). Use it with:\n" +
		"#   map $uri $octavo_redirect { include /path/to/nginx-redirects.conf; }\n" +
		"#   server { … if ($octavo_redirect) { return 301 $octavo_redirect; } }\n")
	for _, from := range froms {
		to := all[from]
		fmt.Fprintf(&netlify, "%s %s 301\n", urlEscape(from), urlEscape(to))
		fmt.Fprintf(&nginx, "%s %s;\n", nginxQuote(from), nginxQuote(to))
		if strings.HasSuffix(from, "/") && from != "/" {
			fmt.Fprintf(&nginx, "%s %s;\n", nginxQuote(strings.TrimSuffix(from, "/")), nginxQuote(to))
		}
		// A page for HTML addresses only: a feed reader following a
		// redirect needs the server's 301, not a page.
		ext := path.Ext(from)
		if strings.HasSuffix(from, "/") || ext == ".html" || ext == ".htm" {
			f, err := urlFile(from)
			if err != nil {
				continue
			}
			if err := b.extra(f, render.Redirect(to).Body); err != nil {
				return err
			}
		}
	}
	if err := b.extra("_redirects", netlify.Bytes()); err != nil {
		return err
	}
	return b.extra("nginx-redirects.conf", nginx.Bytes())
}

func urlEscape(p string) string {
	var b strings.Builder
	for _, c := range []byte(p) {
		if c <= ' ' || c >= 0x7f || c == '%' {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func nginxQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`).Replace(s) + `"`
}

// removeStale removes what the last build wrote and this one did not.
func (b *builder) removeStale() {
	var gone []string
	for p := range b.old.Pages {
		if _, ok := b.new.Pages[p]; !ok {
			if f, err := urlFile(p); err == nil {
				if _, isFile := b.new.Files[f]; !isFile {
					gone = append(gone, f)
				}
			}
		}
	}
	for f := range b.old.Files {
		if _, ok := b.new.Files[f]; ok {
			continue
		}
		if _, ok := b.new.Pages["/"+f]; ok {
			continue
		}
		if strings.HasSuffix(f, "/index.html") || f == "index.html" {
			if _, ok := b.new.Pages["/"+strings.TrimSuffix(f, "index.html")]; ok {
				continue
			}
		}
		gone = append(gone, f)
	}
	for _, f := range gone {
		full := filepath.Join(b.out, filepath.FromSlash(f))
		os.Remove(full)
		os.Remove(full + ".gz")
		b.stats.Removed++
		// Folders left empty go too, up to the output.
		for dir := filepath.Dir(full); dir != b.out && within(dir, b.out); dir = filepath.Dir(dir) {
			if os.Remove(dir) != nil {
				break
			}
		}
	}
}

// removeAll removes everything a manifest lists (for --clean).
func (b *builder) removeAll(m *manifest) {
	for p := range m.Pages {
		if f, err := urlFile(p); err == nil {
			full := filepath.Join(b.out, filepath.FromSlash(f))
			os.Remove(full)
			os.Remove(full + ".gz")
		}
	}
	for f := range m.Files {
		full := filepath.Join(b.out, filepath.FromSlash(f))
		os.Remove(full)
		os.Remove(full + ".gz")
	}
	// Folders left empty.
	var dirs []string
	filepath.WalkDir(b.out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != b.out {
			dirs = append(dirs, p)
		}
		return nil
	})
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	for _, d := range dirs {
		os.Remove(d)
	}
	os.Remove(filepath.Join(b.out, ManifestName))
}

type nopProgress struct{}

func (nopProgress) Phase(string, int) {}
func (nopProgress) Step(int)          {}
func (nopProgress) Done()             {}
