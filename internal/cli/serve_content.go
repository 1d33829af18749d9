package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"octavo/internal/blog"
	"octavo/internal/config"
	"octavo/internal/contentdir"
	"octavo/internal/deadline"
	"octavo/internal/mimetype"
	"octavo/internal/render"
	"octavo/internal/web"
)

// serveContent is `octavo serve --content DIR`: the server of serve.go
// with a folder of Markdown files for its blog. There is no database, so
// no admin, accounts or publishing API: the files are the content. The
// base URL is --base-url (or OCTAVO_BASE_URL, or the data folder's
// octavo.toml), else the listen address, never the folder's baseURL (a
// Hugo site's names the public site, not this server).
func serveContent(ctx context.Context, cfg config.Config, env Env, log *slog.Logger, started time.Time) (err error) {
	clock := blog.SystemClock{}
	cs, err := openContentServer(ctx, cfg.Content, cfg.Dev, clock, log)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := cs.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing the content folder: %w", cerr)
		}
	}()
	cacheBytes := int64(cfg.CacheMB) << 20
	cache := web.NewCache(cacheBytes)
	tuneMemory(cacheBytes, cfg.Pprof)
	th, _, err := render.LoadTheme(cs.site.ThemeDir(), log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	var metrics *web.Metrics
	var mln net.Listener
	if cfg.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			return fmt.Errorf("listen on %s for metrics: %w", cfg.MetricsAddr, err)
		}
		defer mln.Close()
		metrics = web.NewMetrics(Version)
	}
	base := cfg.ResolvedBaseURL(ln.Addr().String())
	if cfg.BaseURL == "" {
		log.Info("no base URL configured: absolute links use the listen address (set --base-url or OCTAVO_BASE_URL)", "base_url", base)
	}
	var accessLog *slog.Logger
	if cfg.AccessLog {
		buf := newFlushingWriter(env.Stderr, 64<<10, 100*time.Millisecond)
		defer buf.Close()
		accessLog = newLogger(buf, cfg.LogFormat, cfg.LogLevel)
	}
	srv := web.New(web.Options{Renderer: render.New(cs.site, th, base, clock), Cache: cache, DB: cs, Log: log,
		AccessLog: cfg.AccessLog, AccessLogger: accessLog, Metrics: metrics, Pprof: cfg.Pprof, Clock: clock})

	errorLog := slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	servers := []*http.Server{newHTTPServer(cs.Handler(srv.Handler()), errorLog)}
	listeners := []net.Listener{ln}
	if mln != nil {
		servers = append(servers, newHTTPServer(srv.MetricsHandler(), errorLog))
		listeners = append(listeners, mln)
	}
	errc := make(chan error, len(servers))
	for i, hs := range servers {
		go func() { errc <- hs.Serve(deadline.Wrap(listeners[i], deadlineTick)) }()
	}
	// The watcher and the warm-up stop at shutdown, before the folder's
	// cache closes; on every way out they are told to stop before they are
	// waited for (defers run last first).
	var background sync.WaitGroup
	defer background.Wait()
	bgCtx, stopBg := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBg()
	background.Go(func() { cs.Watch(bgCtx, cache.Invalidate) })
	background.Go(func() {
		if err := srv.Warm(bgCtx, warmPaths...); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("warm-up failed", "error", err)
		}
	})

	fmt.Fprintf(env.Stdout, "Octavo is serving %s at %s\n", cs.site.ContentDir(), base+"/")
	if cfg.Dev {
		fmt.Fprintln(env.Stdout, "Development mode: drafts are shown, open pages reload when a file changes. Not for visitors.")
	}
	log.Info("ready", "addr", ln.Addr().String(), "startup", time.Since(started).Round(time.Microsecond),
		"cache_mb", cfg.CacheMB, "content", cs.site.ContentDir(), "dev", cfg.Dev)
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		stopBg()
		for _, hs := range servers {
			hs.Close()
		}
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	stopBg()
	return shutdown(servers, cfg.ShutdownTimeout, log)
}

// contentServer is what `octavo serve --content DIR` adds to the server:
// the blog read from a folder of Markdown files, the folder's files served
// as they are, a watcher that drops exactly the changed pages from the
// page cache, and, in development mode (--dev), a live reload of the open
// pages and the folder's problems shown at the top of every page.
type contentServer struct {
	site *contentdir.Site
	log  *slog.Logger
	dev  bool

	mu      sync.Mutex
	version int           // counts the loads that changed something
	bump    chan struct{} // closed (and replaced) at each such load
}

// openContentServer opens a content folder for serve and logs its
// problems.
func openContentServer(ctx context.Context, dir string, dev bool, clock blog.Clock, log *slog.Logger) (*contentServer, error) {
	site, err := contentdir.Open(ctx, contentdir.Options{Dir: dir, Clock: clock, Log: log, CacheDir: defaultCacheDir(dir), Drafts: dev})
	if err != nil {
		return nil, err
	}
	c := &contentServer{site: site, log: log, dev: dev, bump: make(chan struct{})}
	c.logProblems(nil)
	st := site.Stats()
	log.Info("content folder read", "folder", site.ContentDir(), "files", st.Files, "rendered", st.Parsed,
		"took", st.Duration.Round(time.Millisecond), "config", site.ConfigFile())
	return c, nil
}

// Close releases the folder's render cache.
func (c *contentServer) Close() error { return c.site.Close() }

// Ping tells /healthz whether the folder can still be read.
func (c *contentServer) Ping(context.Context) error {
	_, err := os.Stat(c.site.ContentDir())
	return err
}

// logProblems logs the problems that were not in seen, and returns all.
func (c *contentServer) logProblems(seen map[string]bool) map[string]bool {
	now := map[string]bool{}
	for _, p := range c.site.Problems() {
		s := p.String()
		now[s] = true
		if seen[s] {
			continue
		}
		if p.Level == contentdir.LevelError {
			c.log.Error("content folder", "problem", s)
		} else {
			c.log.Warn("content folder", "problem", s)
		}
	}
	return now
}

// Watch reads the folder again whenever a file changes, and tells the
// page cache which pages to drop (invalidate); it also drops what a
// scheduled post's time (or an expiry) changes. It returns when ctx ends.
func (c *contentServer) Watch(ctx context.Context, invalidate func(keys []string)) {
	seen := map[string]bool{} // logged by openContentServer already
	for _, p := range c.site.Problems() {
		seen[p.String()] = true
	}
	// Only the paths the watcher names are looked at again.
	pending := contentdir.NewPending()
	go func() {
		if err := c.site.WatchPaths(ctx, pending.Add); err != nil {
			c.log.Error("watching the content folder failed: changes need a restart", "error", err)
		}
	}()
	last := time.Now()
	for {
		var next <-chan time.Time
		if t := c.site.NextChange(last); !t.IsZero() {
			next = time.After(time.Until(t) + 10*time.Millisecond)
		}
		select {
		case <-ctx.Done():
			return
		case <-pending.C:
			start := time.Now()
			ok, keys, err := c.site.ReloadPaths(ctx, pending.Take())
			if err != nil {
				c.log.Error("reading the content folder", "error", err)
				continue
			}
			if !ok {
				continue
			}
			invalidate(keys)
			seen = c.logProblems(seen)
			c.log.Info("content folder changed", "files_rendered", c.site.Stats().Parsed, "keys", len(keys),
				"took", time.Since(start).Round(time.Millisecond))
		case <-next:
			now := time.Now()
			invalidate(c.site.ChangedBetween(last, now))
			last = now
		}
		c.mu.Lock()
		c.version++
		close(c.bump)
		c.bump = make(chan struct{})
		c.mu.Unlock()
	}
}

// livePath is the live-reload event stream (development mode).
const livePath = "/_octavo/live"

// Handler serves the folder's files as they are (bundle images, static/),
// then the blog. In development mode it also streams reloads and adds the
// live-reload script and the problems to every HTML page.
func (c *contentServer) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if c.dev && r.URL.Path == livePath {
				c.live(w, r)
				return
			}
			if file, ok := c.site.Resource(r.URL.Path); ok {
				c.serveFile(w, r, file)
				return
			}
			if c.dev {
				c.inject(w, r, next)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// serveFile answers a file of the folder, with its modification time for
// conditional requests.
func (c *contentServer) serveFile(w http.ResponseWriter, r *http.Request, file string) {
	f, err := os.Open(file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	if t := mimetype.ByExtension(filepath.Ext(file)); t != "" {
		w.Header().Set("Content-Type", t) // else ServeContent looks
	}
	http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
}

// live streams an event each time the folder changes (Server-Sent Events).
func (c *contentServer) live(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the write timeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush()
	for {
		c.mu.Lock()
		bump, version := c.bump, c.version
		c.mu.Unlock()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(25 * time.Second):
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		case <-bump:
			if _, err := fmt.Fprintf(w, "event: reload\ndata: %d\n\n", version+1); err != nil {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// liveScript reloads the page when the folder changes; it is added to
// pages in development mode only, so served pages stay the built ones.
const liveScript = `<script>(function(){var s=new EventSource("` + livePath + `");s.addEventListener("reload",function(){location.reload()})})();</script>`

// inject answers a page with the live-reload script and the folder's
// problems before </body>.
func (c *contentServer) inject(w http.ResponseWriter, r *http.Request, next http.Handler) {
	r2 := r.Clone(r.Context())
	// The whole page, uncompressed, every time: it is rewritten below.
	for _, h := range []string{"Accept-Encoding", "If-None-Match", "If-Modified-Since"} {
		r2.Header.Del(h)
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	next.ServeHTTP(rec, r2)
	body := rec.body.Bytes()
	if strings.HasPrefix(rec.header.Get("Content-Type"), "text/html") {
		if i := bytes.LastIndex(body, []byte("</body>")); i >= 0 {
			var add bytes.Buffer
			add.WriteString(c.problemsHTML())
			add.WriteString(liveScript)
			body = append(append(append([]byte{}, body[:i]...), add.Bytes()...), body[i:]...)
		}
		rec.header.Del("ETag")
		rec.header.Del("Last-Modified")
		rec.header.Set("Cache-Control", "no-store")
		rec.header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// problemsHTML lists the folder's problems for the top of the page.
func (c *contentServer) problemsHTML() string {
	ps := c.site.Problems()
	if len(ps) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<aside role="alert" style="position:fixed;top:0;left:0;right:0;max-height:40vh;overflow:auto;z-index:9999;margin:0;padding:.5em 1em;background:#fff3f3;color:#5c0000;border-bottom:2px solid #b00020;font:14px/1.4 monospace"><strong>`)
	fmt.Fprintf(&b, "%d problems in the content folder (shown in development mode only)", len(ps))
	b.WriteString("</strong><ul style=\"margin:.3em 0;padding-left:1.2em\">")
	for _, p := range ps {
		b.WriteString("<li>" + html.EscapeString(p.String()) + "</li>")
	}
	b.WriteString("</ul></aside>")
	return b.String()
}

// recorder keeps a response to rewrite it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
