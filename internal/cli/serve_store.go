package cli

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"octavo/internal/blog"
	"octavo/internal/config"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/store"
	"octavo/internal/web"
)

// notifier is a store that tells other processes of writes
// (PostgreSQL's LISTEN/NOTIFY).
type notifier interface {
	Notify(ctx context.Context, keys []string) error
	Listen(ctx context.Context, fn func(keys []string)) error
}

// listenErrorHandler is a notifier that reports the connections its
// listener lost.
type listenErrorHandler interface {
	SetListenErrorHandler(h func(err error))
}

// leader is a store on which one process at a time runs scheduled work.
type leader interface {
	TryLead(ctx context.Context) (lost <-chan struct{}, release func(), ok bool, err error)
}

// openStore opens the configured database (SQLite in DATA by default).
func openStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	return store.Open(ctx, cfg.Database, cfg.DataDir)
}

// newContent returns the write path: every write drops this process's
// cached pages and, on a shared database, tells the other processes.
func newContent(st store.Store, cache *web.Cache, clock blog.Clock, log *slog.Logger) *content.Service {
	n, shared := st.(notifier)
	return content.New(st, markdown.New(), clock, func(keys []string) {
		cache.Invalidate(keys)
		if shared {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := n.Notify(ctx, keys); err != nil {
				log.Warn("telling the other processes of a write failed; their caches flush when they reconnect", "error", err)
			}
		}
	})
}

// startBackground runs what a serving process does besides answering
// requests, until ctx ends: rendering stale posts again, listening to other processes' writes (on a
// shared database) and publishing scheduled posts (in one process at a
// time). wg is done when all of it has stopped.
func startBackground(ctx context.Context, wg *sync.WaitGroup, st store.Store, cache *web.Cache, svc *content.Service, log *slog.Logger) {
	// Posts an older Markdown pipeline rendered are rendered again in the
	// background: their stored HTML serves meanwhile, so an upgrade of a
	// large blog does not delay the first answer. On a shared database only
	// the process that publishes scheduled posts does it (below): several
	// processes re-rendering the same posts would each write every one of
	// them, and their commits delay everybody's.
	rerender := func(ctx context.Context) {
		if n, err := svc.RerenderStale(ctx); err != nil && ctx.Err() == nil {
			log.Warn("rendering posts with this version's Markdown pipeline failed", "error", err)
		} else if n > 0 {
			log.Info("rendered posts again with this version's Markdown pipeline", "posts", n)
		}
	}
	if _, shared := st.(leader); !shared {
		wg.Go(func() { rerender(ctx) })
	}
	if n, ok := st.(notifier); ok {
		// A lost listener connection is logged once, and so is its return:
		// during an outage the listener retries every few seconds.
		var lost atomic.Bool
		if l, ok := st.(listenErrorHandler); ok {
			l.SetListenErrorHandler(func(err error) {
				if !lost.Swap(true) {
					log.Warn("listening to other processes: connection lost; retrying, and the page cache is flushed when it is back", "error", err)
				}
			})
		}
		wg.Go(func() {
			err := n.Listen(ctx, func(keys []string) {
				if keys == nil {
					cache.Flush() // (re)connected: notifications may have been missed
					if lost.Swap(false) {
						log.Info("listening to other processes again: page cache flushed")
					}
					return
				}
				dropKeys(cache, keys, log)
			})
			if err != nil && ctx.Err() == nil {
				log.Error("listening to other processes stopped", "error", err)
			}
		})
	}
	wg.Go(func() {
		l, shared := st.(leader)
		if !shared {
			svc.RunScheduler(ctx, log)
			return
		}
		for ctx.Err() == nil {
			lost, release, ok, err := l.TryLead(ctx)
			if err != nil {
				log.Warn("scheduler: cannot take the lock", "error", err)
			}
			if ok {
				log.Info("scheduler: this process publishes scheduled posts")
				lead, stop := context.WithCancel(ctx)
				go func() {
					select {
					case <-lost:
						log.Warn("scheduler: the database connection holding the lock broke; this process stops publishing scheduled posts and tries to take the lock again")
						stop()
					case <-lead.Done():
					}
				}()
				var renders sync.WaitGroup
				renders.Go(func() { rerender(lead) })
				svc.RunScheduler(lead, log)
				stop()
				renders.Wait()
				release()
				if ctx.Err() != nil {
					return
				}
				continue // lost: take the lock again, at once if the database is back
			}
			t := time.NewTimer(30 * time.Second)
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
		}
	})
}

// dropKeys drops the cached pages depending on keys another process sent.
// At debug level it logs when the keys arrived, how many entries went and
// how long that took: with the writer's commit time and a reader's first
// fresh answer this splits publish-to-visible latency into its steps
// (docs/benchmarks.md, issue 8).
func dropKeys(cache *web.Cache, keys []string, log *slog.Logger) {
	if !log.Enabled(context.Background(), slog.LevelDebug) {
		cache.Invalidate(keys)
		return
	}
	start := time.Now()
	before := cache.Stats().Invalidated
	cache.Invalidate(keys)
	log.Debug("cache: keys from another process", "keys", keys,
		"dropped", cache.Stats().Invalidated-before, "took", time.Since(start))
}
