// Package contentdir reads a blog from a folder of Markdown files, the way
// Hugo and Jekyll users keep one in git, and serves it as a blog.Reader
// with the same semantics as the SQL stores: one renderer, one theme, the
// same pages for both.
//
// The rules (documented for users in docs/content-folder.md):
//
//   - a .md file directly in the content folder, or anywhere with
//     "type: page", is a page; every other .md file is a post;
//   - _index.md gives metadata to the home page or a section and is not a
//     post;
//   - a folder with index.md is a page bundle: index.md is the post, the
//     other files travel with it (served next to the page); a bundle with
//     "headless: true" is not published;
//   - other files are published at their path, like Hugo's;
//   - site settings come from octavo.toml, else Hugo's configuration.
//
// A file's front matter is parsed and its Markdown rendered once; the
// result is kept (in a cache folder between runs) while the file's size and
// modification time stay the same. A file that cannot be read is reported
// (file, line, what) and left out; the rest of the site keeps working.
package contentdir

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"octavo/internal/blog"
	"octavo/internal/fastlex"
	"octavo/internal/frontmatter"
	"octavo/internal/markdown"
)

// The levels of a Problem.
const (
	LevelError   = "error"   // the file (or setting) is left out
	LevelWarning = "warning" // published, but not as written
)

// Problem is something wrong in the content folder, where it is.
type Problem struct {
	File  string // the file, relative to the folder given to Open when inside it
	Line  int    // 1-based; 0 when the problem is with the whole file
	Level string
	Msg   string
}

// String formats the problem the way compilers do: file:line: level: msg.
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Level, p.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", p.File, p.Level, p.Msg)
}

// Options configure a Site.
type Options struct {
	// Dir is the content folder, or the root of a Hugo site (a folder with
	// a content/ folder and a Hugo configuration).
	Dir string
	// Markdown renders bodies; nil uses markdown.New().
	Markdown *markdown.Renderer
	// Clock gives "now" for redirects (whose targets must be visible);
	// nil uses the system clock.
	Clock blog.Clock
	// Log receives progress and problems; nil discards them.
	Log *slog.Logger
	// CacheDir keeps parsed and rendered files between runs; empty keeps
	// them in memory only.
	CacheDir string
	// Drafts publishes drafts and Future posts dated later than now, for
	// previews (like hugo -D and -F).
	Drafts, Future bool
	// Workers is how many files are parsed and rendered at once
	// (GOMAXPROCS when 0).
	Workers int
}

// Site is a blog read from a content folder. It is safe for concurrent
// use: readers see one consistent snapshot of the files, which Reload
// replaces at once.
type Site struct {
	opts       Options
	md         *markdown.Renderer
	clock      blog.Clock
	log        *slog.Logger
	siteDir    string // where octavo.toml, Hugo's configuration, static/ and theme/ are
	contentDir string // where the Markdown files are
	display    string // the prefix files are named with in problems

	mu    sync.Mutex // one load at a time
	files map[string]*record
	store *renderStore
	dirty bool // files changed since the cache's index was saved
	made  map[string]madePost

	// content and static are the files the last load found, for
	// ReloadPaths.
	content, static []entry

	snap  atomic.Pointer[snapshot]
	lru   *postLRU
	stats atomic.Pointer[LoadStats]
}

// LoadStats says what a load did.
type LoadStats struct {
	Files   int // Markdown files seen
	Parsed  int // read and rendered (the others came from the cache)
	Removed int // files gone since the last load
	// Patched: only posts' bodies changed, and the last snapshot was
	// updated with them instead of the folder being indexed again.
	Patched  bool
	Duration time.Duration
}

// Open reads the content folder.
func Open(ctx context.Context, opts Options) (*Site, error) {
	// Chroma's lexers, filtered by first character: the same tokens in
	// half the time (see package fastlex); a content folder highlights all
	// of its code at once.
	fastlex.Install()
	if opts.Markdown == nil {
		opts.Markdown = markdown.New()
	}
	if opts.Clock == nil {
		opts.Clock = blog.SystemClock{}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("content folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("content folder %s: not a folder", opts.Dir)
	}
	s := &Site{opts: opts, md: opts.Markdown, clock: opts.Clock, log: opts.Log, siteDir: dir, contentDir: dir, lru: newPostLRU(postLRUSize)}
	s.display = opts.Dir
	// A Hugo site: its configuration at the root, the posts in content/.
	if fi, err := os.Stat(filepath.Join(dir, "content")); err == nil && fi.IsDir() && hasSiteConfig(dir) {
		s.contentDir = filepath.Join(dir, "content")
	} else if filepath.Base(dir) == "content" && hasSiteConfig(filepath.Dir(dir)) && !hasFile(dir, "octavo.toml") {
		s.siteDir = filepath.Dir(dir)
	}
	store, index, err := openCache(opts.CacheDir)
	if errors.Is(err, errCacheBusy) {
		s.log.Info(err.Error(), "cache", opts.CacheDir)
	} else if err != nil {
		return nil, err
	}
	s.store = store
	s.files = make(map[string]*record, len(index))
	for k, r := range index {
		s.files[k] = &r
	}
	if _, _, err := s.load(ctx); err != nil {
		s.store.close()
		return nil, err
	}
	return s, nil
}

func hasSiteConfig(dir string) bool {
	if hasFile(dir, "octavo.toml") {
		return true
	}
	for _, n := range hugoConfigNames {
		if hasFile(dir, n) {
			return true
		}
	}
	return false
}

func hasFile(dir, name string) bool {
	fi, err := os.Stat(filepath.Join(dir, name))
	return err == nil && !fi.IsDir()
}

// SaveCache saves the render cache's index now, if it changed, instead of
// at Close: a build calls it beside its own work. Reading the site meanwhile
// is safe.
func (s *Site) SaveCache() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saveLocked()
}

func (s *Site) saveLocked() {
	if !s.dirty {
		return
	}
	t := time.Now()
	s.dirty = false
	index := make(map[string]record, len(s.files))
	for k, r := range s.files {
		index[k] = *r
	}
	if err := s.store.save(index); err != nil {
		s.log.Warn("the render cache could not be saved", "error", err)
	}
	s.log.Debug("content folder phase", "phase", "saving the render cache", "took", time.Since(t).Round(time.Millisecond))
}

// Close saves the render cache's index and releases the cache.
func (s *Site) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saveLocked()
	return s.store.close()
}

// ContentDir is the folder the Markdown files are read from.
func (s *Site) ContentDir() string { return s.contentDir }

// SiteDir is the folder of the site's configuration, static/ and theme/.
func (s *Site) SiteDir() string { return s.siteDir }

// ThemeDir is where the site overrides the theme (theme/ next to the
// configuration), like DATA/theme in database mode.
func (s *Site) ThemeDir() string { return filepath.Join(s.siteDir, "theme") }

// BaseURL is the base URL the configuration gives ("" when none).
func (s *Site) BaseURL() string { return s.snap.Load().cfg.BaseURL }

// ConfigFile is the configuration file the settings came from ("" when
// none was found).
func (s *Site) ConfigFile() string { return s.snap.Load().cfg.File }

// Problems lists what is wrong in the folder, by file and line.
func (s *Site) Problems() []Problem {
	return append([]Problem(nil), s.snap.Load().problems...)
}

// Stats returns what the last load did.
func (s *Site) Stats() LoadStats { return *s.stats.Load() }

// Reload reads the folder again: files whose size or modification time
// changed are parsed again, and the snapshot readers see is replaced. It
// returns whether anything changed, and the dependency keys (see
// blog.DepPost…) of what changed, for a page cache to drop.
func (s *Site) Reload(ctx context.Context) (changed bool, keys []string, err error) {
	return s.load(ctx)
}

// ReloadPaths is Reload when only the given paths (absolute, as
// WatchPaths reports them) can have changed: Markdown files and files of
// the content folder are looked at one by one instead of walking the
// whole folder. Any other path (a folder, the configuration, static/,
// theme/) reads the folder again as Reload does.
func (s *Site) ReloadPaths(ctx context.Context, paths []string) (changed bool, keys []string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	if s.content == nil {
		return s.loadLocked(ctx, start)
	}
	byRel := make(map[string]int, len(s.content))
	for i, e := range s.content {
		byRel[e.rel] = i
	}
	content := s.content
	copied := false
	for _, p := range paths {
		rel, err := filepath.Rel(s.contentDir, p)
		if err != nil || rel == "." || !filepath.IsLocal(rel) {
			return s.loadLocked(ctx, start)
		}
		rel = filepath.ToSlash(rel)
		if skipName(rel) {
			continue // an editor's backup or lock file: never content
		}
		if s.siteDir == s.contentDir && (siteFolders[strings.SplitN(rel, "/", 2)[0]] || !strings.Contains(rel, "/") && !isMarkdown(rel)) {
			// static/, theme/ or the configuration of a folder that is
			// both the site and its content.
			return s.loadLocked(ctx, start)
		}
		fi, err := os.Lstat(p)
		i, known := byRel[rel]
		if !copied {
			content, copied = append([]entry(nil), content...), true
		}
		switch {
		case err == nil && fi.Mode().IsRegular() && known:
			content[i] = entry{rel: rel, size: fi.Size(), modTime: fi.ModTime().UnixNano()}
		case errors.Is(err, fs.ErrNotExist) && known:
			content[i] = entry{} // removed below
			delete(byRel, rel)
		case errors.Is(err, fs.ErrNotExist) && !s.knownFolder(rel):
			// A file made and removed at once (an editor's test that
			// it may write there): nothing to read.
		default:
			// A new file (the walk gives its place), a folder, a link:
			// read the folder.
			return s.loadLocked(ctx, start)
		}
	}
	kept := content[:0:0]
	for _, e := range content {
		if e.rel != "" {
			kept = append(kept, e)
		}
	}
	return s.loadEntries(ctx, start, kept, s.static)
}

// knownFolder reports whether the last load found files under rel.
func (s *Site) knownFolder(rel string) bool {
	prefix := rel + "/"
	for _, e := range s.content {
		if strings.HasPrefix(e.rel, prefix) {
			return true
		}
	}
	return false
}

// skipName reports whether a walk leaves a file out: hidden files and
// folders, editors' backups and locks.
func skipName(rel string) bool {
	for _, seg := range strings.Split(rel, "/") {
		if strings.HasPrefix(seg, ".") || strings.HasSuffix(seg, "~") || strings.HasPrefix(seg, "#") {
			return true
		}
	}
	return false
}

// entry is a file found in the folder.
type entry struct {
	rel     string // slash-separated, relative to the content folder
	size    int64
	modTime int64
}

// walk lists the files of the content folder and of static/.
func (s *Site) walk() (content []entry, static []entry, err error) {
	list := func(root string) ([]entry, error) {
		var out []entry
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == root {
					return err
				}
				return nil // an unreadable subfolder: skip it
			}
			name := d.Name()
			if d.IsDir() && filepath.Dir(p) == root && root == s.siteDir && siteFolders[name] {
				return filepath.SkipDir // static/, theme/, public/ of a folder that is both
			}
			if p != root && (strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || strings.HasPrefix(name, "#")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			out = append(out, entry{rel: filepath.ToSlash(rel), size: fi.Size(), modTime: fi.ModTime().UnixNano()})
			return nil
		})
		return out, err
	}
	content, err = list(s.contentDir)
	if err != nil {
		return nil, nil, fmt.Errorf("content folder: %w", err)
	}
	if sd := filepath.Join(s.siteDir, "static"); sd != s.contentDir {
		if fi, err := os.Stat(sd); err == nil && fi.IsDir() {
			static, _ = list(sd)
		}
	}
	return content, static, nil
}

// siteFolders are not content when the content folder is also the site's
// root: static files, theme overrides and the default build output.
var siteFolders = map[string]bool{"static": true, "theme": true, "public": true}

// isMarkdown reports whether a file is content.
func isMarkdown(rel string) bool {
	ext := strings.ToLower(path.Ext(rel))
	return ext == ".md" || ext == ".markdown"
}

// load reads what changed and installs a new snapshot.
func (s *Site) load(ctx context.Context) (bool, []string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loadLocked(ctx, time.Now())
}

func (s *Site) loadLocked(ctx context.Context, start time.Time) (bool, []string, error) {
	content, static, err := s.walk()
	if err != nil {
		return false, nil, err
	}
	s.log.Debug("content folder phase", "phase", "listing files", "files", len(content)+len(static), "took", time.Since(start).Round(time.Millisecond))
	return s.loadEntries(ctx, start, content, static)
}

// loadEntries reads what changed among the files found and installs a new
// snapshot.
func (s *Site) loadEntries(ctx context.Context, start time.Time, content, static []entry) (bool, []string, error) {
	// Which files must be read again.
	var todo []entry
	seen := make(map[string]bool, len(content))
	mdCount := 0
	for _, e := range content {
		if !isMarkdown(e.rel) {
			continue
		}
		mdCount++
		seen[e.rel] = true
		if r := s.files[e.rel]; r != nil && r.Size == e.size && r.ModTime == e.modTime {
			continue
		}
		todo = append(todo, e)
	}
	removed := 0
	for rel := range s.files {
		if !seen[rel] {
			delete(s.files, rel)
			removed++
		}
	}
	t := time.Now()
	before := make(map[string]*record, len(todo))
	rels := make([]string, 0, len(todo))
	for _, e := range todo {
		before[e.rel] = s.files[e.rel]
		rels = append(rels, e.rel)
	}
	parsed, err := s.parseAll(ctx, todo)
	if err != nil {
		return false, nil, err
	}
	s.log.Debug("content folder phase", "phase", "reading and rendering", "files", len(todo), "took", time.Since(t).Round(time.Millisecond))
	t = time.Now()

	prevContent, now := s.content, s.clock.Now()
	cfg, cfgProblems := loadConfig(s.contentDir, s.siteDir)
	old := s.snap.Load()
	var sn *snapshot
	if removed == 0 {
		sn = s.patch(old, rels, before, prevContent, cfg, cfgProblems, content, static, now)
	}
	s.content, s.static = content, static
	patched := sn != nil
	if sn == nil {
		sn = s.index(cfg, cfgProblems, content, static)
	}
	s.log.Debug("content folder phase", "phase", "indexing", "patched", patched, "took", time.Since(t).Round(time.Millisecond))
	s.stats.Store(&LoadStats{Files: mdCount, Parsed: parsed, Removed: removed, Patched: patched, Duration: time.Since(start)})
	if parsed > 0 || removed > 0 {
		s.dirty = true // saved at Close: one save, not one per change
	}
	changed := old == nil || parsed > 0 || removed > 0 || !sameSnapshot(old, sn)
	var keys []string
	if old != nil && changed {
		keys = changedKeys(old, sn, now, now)
	}
	if changed || old == nil {
		s.lru.clear()
		s.snap.Store(sn)
	}
	return changed, keys, nil
}

// parseAll reads, parses and renders files with the workers; it returns
// how many were parsed (files whose content had not changed only get
// their new size and time).
func (s *Site) parseAll(ctx context.Context, todo []entry) (int, error) {
	if len(todo) == 0 {
		return 0, nil
	}
	var (
		mu     sync.Mutex
		parsed int
		wg     sync.WaitGroup
		next   atomic.Int64
		ferr   error
	)
	for range min(s.opts.Workers, len(todo)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(todo) || ctx.Err() != nil {
					return
				}
				e := todo[i]
				src, err := os.ReadFile(filepath.Join(s.contentDir, filepath.FromSlash(e.rel)))
				if err != nil {
					r := &record{Size: e.size, ModTime: e.modTime, Broken: true,
						Problems: []Problem{{File: e.rel, Level: LevelError, Msg: "cannot be read: " + err.Error()}}}
					mu.Lock()
					s.files[e.rel] = r
					mu.Unlock()
					continue
				}
				sum := sha256.Sum256(src)
				hash := hex.EncodeToString(sum[:])
				mu.Lock()
				old := s.files[e.rel]
				mu.Unlock()
				if old != nil && old.Hash == hash {
					old.Size, old.ModTime = e.size, e.modTime
					continue
				}
				r, err := s.parse(e.rel, src)
				if err != nil {
					mu.Lock()
					ferr = err
					mu.Unlock()
					return
				}
				r.Size, r.ModTime, r.Hash = e.size, e.modTime, hash
				mu.Lock()
				s.files[e.rel] = r
				parsed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ferr != nil {
		return parsed, ferr
	}
	return parsed, ctx.Err()
}

// parse reads one Markdown file: front matter, shortcodes, Markdown. Only
// a failing cache is an error; what is wrong with the file is a Problem in
// the record.
func (s *Site) parse(rel string, src []byte) (*record, error) {
	r := &record{}
	var raw map[string]any
	fm, err := frontmatter.Decode(src, &raw)
	if err != nil {
		line := 1
		msg := err.Error()
		var fe *frontmatter.Error
		if errors.As(err, &fe) {
			line, msg = fe.Line, fe.Msg
		}
		r.Broken = true
		r.Problems = append(r.Problems, Problem{File: rel, Line: line, Level: LevelError, Msg: msg + "; the file is not published"})
		return r, nil
	}
	m, ferrs := decodeMeta(raw)
	for _, fe := range ferrs {
		r.Broken = true
		r.Problems = append(r.Problems, Problem{File: rel, Line: keyLine(src, fe.Key), Level: LevelError,
			Msg: fmt.Sprintf("front matter %s: %s; the file is not published", fe.Key, fe.Msg)})
	}
	r.Meta = m
	r.BodyLine = fm.BodyLine
	if r.Broken || path.Base(rel) == "_index.md" {
		return r, nil
	}
	ex := expandShortcodes(string(fm.Body), fm.BodyLine)
	for _, u := range ex.Unknown {
		r.Problems = append(r.Problems, Problem{File: rel, Line: u.Line, Level: LevelWarning, Msg: unknownMessage(u)})
	}
	r.Refs = ex.Refs
	out, err := s.md.Render(ex.Body, blog.FormatMarkdown, m.Summary)
	if err != nil {
		r.Broken = true
		r.Problems = append(r.Problems, Problem{File: rel, Line: fm.BodyLine, Level: LevelError, Msg: "the Markdown cannot be rendered: " + err.Error()})
		return r, nil
	}
	r.Off, r.Len, r.ExcerptLen, err = s.store.put(out.HTML, out.ExcerptHTML, out.TOCHTML)
	if err != nil {
		return nil, err
	}
	r.HasMore, r.WordCount, r.Version = out.HasMore, out.WordCount, out.Version
	r.Summary = markdown.Summary(out.ExcerptHTML, 240)
	return r, nil
}

// Summary is a visible post or page as a search index lists it.
type Summary struct {
	ID, Path, Title string
	Kind            blog.Kind
	PublishedAt     time.Time
	Tags            []string
	Text            string // the description, else the excerpt's text, cut
}

// Summaries lists the posts (newest first) and pages (by title) visible at
// now, without reading their rendered HTML.
func (s *Site) Summaries(now time.Time) []Summary {
	sn := s.snap.Load()
	v := sn.viewAt(now)
	out := make([]Summary, 0, len(v.posts)+len(v.pages))
	for _, p := range append(append([]*post(nil), v.posts...), v.pages...) {
		sm := Summary{ID: p.ID, Path: p.Path, Title: p.Title, Kind: p.Kind, PublishedAt: p.PublishedAt, Text: p.Description}
		for _, t := range p.Tags {
			sm.Tags = append(sm.Tags, t.Name)
		}
		if sm.Text == "" {
			sm.Text = p.summary
		}
		out = append(out, sm)
	}
	return out
}

// Resource is a file published as is: a page bundle's image, a file of
// static/, a file of the content folder outside any bundle.
type Resource struct {
	Path string // the URL path, e.g. "/2026/03/trip/photo.jpg"
	File string // the file on disk
}

// Resources lists every file published as is, by URL path.
func (s *Site) Resources() []Resource {
	sn := s.snap.Load()
	out := make([]Resource, 0, len(sn.resources))
	for p, f := range sn.resources {
		out = append(out, Resource{Path: p, File: f})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Resource returns the file published at a URL path.
func (s *Site) Resource(urlPath string) (string, bool) {
	f, ok := s.snap.Load().resources[urlPath]
	return f, ok
}
