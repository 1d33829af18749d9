package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"octavo/internal/blog"
	"octavo/internal/config"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/render"
	"octavo/internal/seed"
	"octavo/internal/store/sqlite"
	"octavo/internal/web"
)

// shutdownGrace bounds how long in-flight requests may finish after
// SIGTERM or SIGINT.
const shutdownGrace = 10 * time.Second

func serve(ctx context.Context, args []string, env Env) error {
	cfg, err := config.Load("serve", args, env.Getenv, env.Stderr)
	if err != nil {
		return err
	}
	log := newLogger(env.Stderr, cfg.LogFormat, cfg.LogLevel)

	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	dbPath := filepath.Join(cfg.DataDir, "octavo.db")
	store, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer store.Close()

	clock := blog.SystemClock{}
	cache := web.NewCache(int64(cfg.CacheMB) << 20)
	svc := content.New(store, markdown.New(), clock, func(keys []string) { cache.Invalidate(keys) })
	if !cfg.NoSeed {
		seeded, err := seed.Run(ctx, store, svc)
		if err != nil {
			return fmt.Errorf("writing demo content: %w", err)
		}
		if seeded {
			log.Info("new blog: wrote demo content", "database", dbPath)
		}
	}

	th, _, err := render.LoadTheme(filepath.Join(cfg.DataDir, "theme"), log)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	base := cfg.ResolvedBaseURL(ln.Addr().String())
	if cfg.BaseURL == "" {
		log.Info("no base URL configured: absolute links use the listen address (set --base-url or OCTAVO_BASE_URL)", "base_url", base)
	}
	r := render.New(store, th, base, clock)
	srv := web.New(web.Options{Renderer: r, Cache: cache, DB: store, Log: log, AccessLog: cfg.AccessLog})

	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Fprintf(env.Stdout, "Octavo is serving %s at %s\n", cfg.DataDir, base+"/")
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests", "grace", shutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
