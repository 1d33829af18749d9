package contentdir

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WatchQuiet is how long Watch waits after the last change before it
// reports: an editor's save is often several writes and a rename, which
// come within a millisecond or two of each other (a truncate and a
// write; vim's and Emacs's write-then-rename). It is part of the time a
// watched build takes to show an edit, so it is kept short: a writer
// slower than this (a large file copied in) gives two reloads, the last
// one with the whole file, as a longer wait would for a slower one still.
const WatchQuiet = 20 * time.Millisecond

// Watch calls changed whenever a file of the site (content, configuration,
// static/, theme/) is written, created, removed or renamed, once the
// changes have been quiet for WatchQuiet, until ctx ends. Folders created
// later are watched too. changed runs on Watch's goroutine: a slow one
// delays the next report, never overlaps it.
func (s *Site) Watch(ctx context.Context, changed func()) error {
	return s.WatchPaths(ctx, func([]string) { changed() })
}

// WatchPaths is Watch telling which paths changed (files or folders, as
// the system named them; a rename names the old path and the new), for
// ReloadPaths.
func (s *Site) WatchPaths(ctx context.Context, changed func(paths []string)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	add := func(root string, recursive bool) {
		if !recursive {
			_ = w.Add(root)
			return
		}
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			if p != root && (strings.HasPrefix(d.Name(), ".") || (filepath.Dir(p) == s.siteDir && root == s.siteDir && siteFolders[d.Name()] && d.Name() != "static" && d.Name() != "theme")) {
				return filepath.SkipDir
			}
			_ = w.Add(p)
			return nil
		})
	}
	add(s.contentDir, true)
	if s.siteDir != s.contentDir {
		add(s.siteDir, false) // its configuration files
	}
	for _, sub := range []string{"static", "theme"} {
		if fi, err := os.Stat(filepath.Join(s.siteDir, sub)); err == nil && fi.IsDir() {
			add(filepath.Join(s.siteDir, sub), true)
		}
	}

	var timer <-chan time.Time
	seen := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			s.log.Warn("watching the content folder", "error", err)
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			if ev.Op&fsnotify.Create != 0 {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() && !strings.HasPrefix(fi.Name(), ".") {
					add(ev.Name, true)
				}
			}
			seen[ev.Name] = true
			timer = time.After(WatchQuiet)
		case <-timer:
			timer = nil
			paths := make([]string, 0, len(seen))
			for p := range seen {
				paths = append(paths, p)
			}
			clear(seen)
			changed(paths)
		}
	}
}

// Pending gathers the paths WatchPaths reports until a reload takes them:
// changes that come while a reload runs wait for the next one. C receives
// a value when paths are there to take.
type Pending struct {
	C     chan struct{}
	mu    sync.Mutex
	paths []string
}

// NewPending returns an empty Pending.
func NewPending() *Pending { return &Pending{C: make(chan struct{}, 1)} }

// Add is WatchPaths's callback.
func (p *Pending) Add(paths []string) {
	p.mu.Lock()
	p.paths = append(p.paths, paths...)
	p.mu.Unlock()
	select {
	case p.C <- struct{}{}:
	default:
	}
}

// Take returns the paths gathered and forgets them.
func (p *Pending) Take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.paths
	p.paths = nil
	return out
}
