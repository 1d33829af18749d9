package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"octavo/internal/admin"
	"octavo/internal/auth"
	"octavo/internal/blog"
	"octavo/internal/config"
	"octavo/internal/deadline"
	"octavo/internal/media"
	"octavo/internal/render"
	"octavo/internal/seed"
	"octavo/internal/store"
	"octavo/internal/web"
)

// Server timeouts. A request's headers must arrive within 5 s (slowloris),
// its body within 30 s; an answer has 60 s to be written (a slow reader of a
// large page); an idle keep-alive connection is closed after 2 minutes.
// The listeners keep these deadlines coarsely (internal/deadline): each is
// enforced within deadlineTick, and moving one costs no runtime timer.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	deadlineTick      = 250 * time.Millisecond
)

// memoryHeadroom is what the Go heap may hold beyond a full page cache
// before the collector works harder (see serve).
const memoryHeadroom = 24 << 20

// gcPercent is the collector's GOGC for serve (unless GOGC is set): the
// heap may grow by half its live data between collections, not by all of
// it. The live data is mostly the page cache's byte slices, cheap to mark,
// and a cached hit allocates nothing; renders pay for the extra
// collections (docs/benchmarks.md, section 3).
const gcPercent = 50

// gcBallast is a heap floor for the collector's pacing: the live heap of a
// server answering from its cache is ~3 MB, so at gcPercent the collector
// ran every ~1.5 MB of allocation (net/http allocates ~2 KB a request,
// Octavo nothing), about 6 % of a cached hit's CPU. These 4 MiB count as
// live data, so a cycle comes every ~3.5 MB instead (half as many), yet
// they hold no pointers (nothing to scan) and are never written, so the
// kernel never gives them pages: ~2 MB more resident memory, for +6 % of
// cached requests a second (docs/benchmarks.md, section 1b). Set only with
// gcPercent (GOGC unset), once per process.
var (
	gcBallast     []byte
	gcBallastOnce sync.Once
)

const gcBallastBytes = 4 << 20

// defaultMemProfileRate is the Go runtime's own heap-profile sampling rate.
const defaultMemProfileRate = 512 * 1024

// warmPaths are rendered in the background right after start-up, so the
// first visitor of the front page gets a cached answer.
var warmPaths = []string{"/"}

func serve(ctx context.Context, args []string, env Env) (err error) {
	started := time.Now()
	cfg, err := config.Load("serve", args, env.Getenv, env.Stderr)
	if err != nil {
		return err
	}
	log := newLogger(env.Stderr, cfg.LogFormat, cfg.LogLevel)
	if cfg.Content != "" {
		return serveContent(ctx, cfg, env, log, started) // serve_content.go
	}

	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	dbPath := store.Describe(cfg.Database, cfg.DataDir)
	// The theme's templates are parsed while the database opens (each
	// ~10 ms at start-up, on separate cores): part of the cold start.
	type loaded struct {
		th  *render.Theme
		err error
	}
	theme := make(chan loaded, 1)
	go func() {
		th, _, err := render.LoadTheme(filepath.Join(cfg.DataDir, "theme"), log)
		theme <- loaded{th, err}
	}()
	st, err := openStore(ctx, cfg)
	if err != nil {
		<-theme
		return err
	}
	// The database closes last, after every request and background render
	// has finished; a failed close is worth an exit code.
	defer func() {
		if cerr := st.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing the database: %w", cerr)
		}
	}()

	var clock blog.Clock = blog.SystemClock{}
	if env.Clock != nil {
		clock = env.Clock
	}
	cacheBytes := int64(cfg.CacheMB) << 20
	cache := web.NewCache(cacheBytes)
	tuneMemory(cacheBytes, cfg.Pprof)
	svc := newContent(st, cache, clock, log)
	if !cfg.NoSeed {
		seeded, err := seed.Run(ctx, st, svc)
		if err != nil {
			return fmt.Errorf("writing demo content: %w", err)
		}
		if seeded {
			log.Info("new blog: wrote demo content", "database", dbPath)
		}
	}

	lt := <-theme
	if lt.err != nil {
		return lt.err
	}
	th := lt.th

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
	r := render.New(st, th, base, clock)
	proxies, err := auth.ParseProxies(cfg.TrustedProxies)
	if err != nil {
		return fmt.Errorf("trusted-proxies: %w", err)
	}
	accounts := auth.New(auth.Options{Store: st, Clock: clock, BaseURL: base, TrustedProxies: proxies, Log: log})
	lib := media.New(media.Options{Store: st, Storage: media.Local{Dir: filepath.Join(cfg.DataDir, "media")},
		MaxBytes: int64(cfg.MediaMaxMB) << 20, Clock: clock, Log: log})
	adm, err := admin.New(admin.Options{Auth: accounts, Settings: st, Content: svc, Posts: st,
		PagePreview: r.Preview, Media: lib, Clock: clock, Log: log})
	if err != nil {
		return err
	}
	var accessLog *slog.Logger
	if cfg.AccessLog {
		// Access lines go through a buffer flushed every 100 ms (and at
		// shutdown): a write(2) per request would cost more than serving
		// a cached page (docs/benchmarks.md).
		buf := newFlushingWriter(env.Stderr, 64<<10, 100*time.Millisecond)
		defer buf.Close()
		accessLog = newLogger(buf, cfg.LogFormat, cfg.LogLevel)
	}
	srv := web.New(web.Options{Renderer: r, Cache: cache, DB: st, Log: log, AccessLog: cfg.AccessLog,
		AccessLogger: accessLog, Metrics: metrics, Pprof: cfg.Pprof, Clock: clock, Admin: adm, Media: lib})

	errorLog := slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	servers := []*http.Server{newHTTPServer(srv.Handler(), errorLog)}
	listeners := []net.Listener{ln}
	if mln != nil {
		servers = append(servers, newHTTPServer(srv.MetricsHandler(), errorLog))
		listeners = append(listeners, mln)
		log.Info("metrics enabled", "url", "http://"+mln.Addr().String()+"/metrics", "pprof", cfg.Pprof)
	}
	errc := make(chan error, len(servers))
	for i, hs := range servers {
		go func() { errc <- hs.Serve(deadline.Wrap(listeners[i], deadlineTick)) }()
	}

	// Warm-up renders use their own context: cancelled at shutdown, and
	// waited for before the database closes.
	// On every way out, the background work is told to stop before it is
	// waited for (defers run last first): a return that skipped stopWarm
	// would wait forever.
	var background sync.WaitGroup
	defer background.Wait()
	warmCtx, stopWarm := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWarm()
	background.Go(func() {
		if err := srv.Warm(warmCtx, warmPaths...); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("warm-up failed", "error", err)
		}
	})
	startBackground(warmCtx, &background, st, cache, svc, log)
	background.Go(func() { lib.Run(warmCtx) }) // smaller copies of uploads

	fmt.Fprintf(env.Stdout, "Octavo is serving %s at %s\n", cfg.DataDir, base+"/")
	// The servers answer already: a SIGTERM that arrives now (after a first
	// page, say) makes the setup link's query fail, and is a shutdown like
	// any other, below.
	if err := printSetupLink(ctx, accounts, env.Stdout); err != nil && ctx.Err() == nil {
		stopWarm()
		for _, hs := range servers {
			hs.Close()
		}
		return err
	}
	log.Info("ready", "addr", ln.Addr().String(), "startup", time.Since(started).Round(time.Microsecond),
		"cache_mb", cfg.CacheMB, "access_log", cfg.AccessLog)
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}

	select {
	case err := <-errc:
		stopWarm()
		for _, hs := range servers {
			hs.Close()
		}
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	stopWarm()
	return shutdown(servers, cfg.ShutdownTimeout, log)
}

func newHTTPServer(h http.Handler, errorLog *stdlog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          errorLog,
		ConnContext:       web.ConnContext,
	}
}

// tuneMemory sets the collector and the heap profile for a server whose
// page cache holds up to cacheBytes (both serve modes).
func tuneMemory(cacheBytes int64, pprof bool) {
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit on the Go heap: the cache's bound plus room for
		// renders, connections and the runtime. Without it the collector
		// lets the heap grow to twice the live data (the cache, mostly), and
		// a full cache would double the resident memory for nothing; the
		// cache holds byte slices, so collecting more often costs little.
		// GOMEMLIMIT overrides it. The ballast (below) counts as heap.
		limit := cacheBytes + memoryHeadroom
		if os.Getenv("GOGC") == "" {
			limit += gcBallastBytes
		}
		debug.SetMemoryLimit(limit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
		gcBallastOnce.Do(func() { gcBallast = make([]byte, gcBallastBytes) })
	}
	if !pprof && runtime.MemProfileRate == defaultMemProfileRate {
		// Nothing reads the heap profile without --pprof; sampling it
		// (an allocation in 512 KiB by default) unwinds the stack through
		// the binary's function tables, which then stay resident, and keeps
		// a table of the stacks seen. A rate chosen elsewhere (the prof
		// build's OCTAVO_MEMPROFILE, GODEBUG=memprofilerate) stays.
		runtime.MemProfileRate = 0
	}
}

// shutdown stops accepting connections, lets in-flight requests finish
// (each keep-alive connection closes after its current answer) within
// grace, and cuts off whatever is still running after that.
func shutdown(servers []*http.Server, grace time.Duration, log *slog.Logger) error {
	log.Info("shutting down: finishing in-flight requests", "grace", grace)
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	errs := make([]error, len(servers))
	var wg sync.WaitGroup
	for i, hs := range servers {
		wg.Go(func() { errs[i] = hs.Shutdown(ctx) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, hs := range servers {
			hs.Close()
		}
		return fmt.Errorf("shutdown: requests still running after %s were cut off: %w", grace, err)
	}
	log.Info("stopped: every request finished")
	return nil
}

// flushingWriter buffers writes and flushes them every interval, when the
// buffer fills, and at Close: for the access log, where a line a request
// must not cost a system call a request.
type flushingWriter struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newFlushingWriter(w io.Writer, size int, every time.Duration) *flushingWriter {
	f := &flushingWriter{w: bufio.NewWriterSize(w, size), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				f.mu.Lock()
				_ = f.w.Flush()
				f.mu.Unlock()
			case <-f.stop:
				return
			}
		}
	}()
	return f
}

func (f *flushingWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.w.Write(p)
}

// Close stops the ticker and writes out what is buffered.
func (f *flushingWriter) Close() error {
	close(f.stop)
	<-f.done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.w.Flush()
}

// printSetupLink prints the one-time link that creates the owner, when
// the blog has none: each start makes a new one (valid for an hour).
func printSetupLink(ctx context.Context, accounts *auth.Service, out io.Writer) error {
	l, err := accounts.SetupLink(ctx)
	if blog.ErrorCode(err) == blog.ECONFLICT {
		return nil // there is an owner
	}
	if err != nil {
		return fmt.Errorf("making the setup link: %w", err)
	}
	fmt.Fprintf(out, "This blog has no owner yet. Create the owner's account at this link (it works once, until %s):\n  %s\n",
		l.Expires.Local().Format("15:04 MST"), l.URL)
	return nil
}
