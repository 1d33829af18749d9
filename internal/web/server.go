// Package web is Octavo's HTTP layer: the route table (routes.go), one file
// per handler, middleware, the page cache (cache.go, entry.go), metrics and
// the one place where error codes become HTTP statuses (errors.go).
package web

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"octavo/internal/admin"
	"octavo/internal/blog"
	"octavo/internal/media"
	"octavo/internal/render"
)

// Pinger checks that the database answers (for /healthz).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server answers HTTP requests for one blog.
type Server struct {
	render        *render.Renderer
	cache         *Cache
	db            Pinger
	log           *slog.Logger
	accessLog     *slog.Logger // nil: no access log
	metrics       *Metrics     // nil: not counted
	pprof         bool
	renderTimeout time.Duration
	assets        map[string]*entry // by hashed URL; never evicted
	idPrefix      string            // makes request ids unique across restarts
	renders       chan struct{}     // a slot per render allowed at once

	admin *admin.Admin   // nil: no /admin/ routes
	media *media.Service // nil: no /media/ files

	flight flight
	health healthLog
}

// Options configure a Server.
type Options struct {
	Renderer *render.Renderer
	Cache    *Cache
	DB       Pinger
	Log      *slog.Logger
	// AccessLog logs one line per request (to AccessLogger, else Log).
	AccessLog    bool
	AccessLogger *slog.Logger
	// Metrics, when set, counts requests and renders; MetricsHandler
	// exposes them. Nil leaves the request path without counting.
	Metrics *Metrics
	// Pprof adds net/http/pprof under /debug/pprof/ to MetricsHandler.
	Pprof bool
	// Clock dates Last-Modified (the cache's clock is set to it); the
	// system clock when nil.
	Clock blog.Clock
	// RenderTimeout bounds one render on a miss, waiting for a slot
	// included (default 10 s).
	RenderTimeout time.Duration
	// MaxRenders is how many pages render at once (default: twice the
	// cores); other misses wait for a slot.
	MaxRenders int
	// Admin, when set, serves the admin under /admin/ (routes.go lists its
	// routes).
	Admin *admin.Admin
	// Media, when set, serves the media library's files under /media/.
	Media *media.Service
}

// New returns a server; Handler gives its http.Handler.
func New(o Options) *Server {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Cache == nil {
		o.Cache = NewCache(32 << 20)
	}
	if o.Clock != nil {
		o.Cache.clock = o.Clock
	}
	if o.RenderTimeout <= 0 {
		o.RenderTimeout = 10 * time.Second
	}
	if o.MaxRenders <= 0 {
		o.MaxRenders = 2 * runtime.GOMAXPROCS(0)
	}
	s := &Server{render: o.Renderer, cache: o.Cache, db: o.DB, log: o.Log, metrics: o.Metrics, pprof: o.Pprof,
		renderTimeout: o.RenderTimeout, assets: map[string]*entry{}, renders: make(chan struct{}, o.MaxRenders), admin: o.Admin, media: o.Media}
	if o.AccessLog {
		s.accessLog = o.AccessLogger
		if s.accessLog == nil {
			s.accessLog = o.Log
		}
	}
	var b [5]byte
	_, _ = rand.Read(b[:])
	s.idPrefix = base32.HexEncoding.EncodeToString(b[:]) + "-"
	started := s.cache.now()
	for _, a := range o.Renderer.Theme().Assets() {
		s.assets[a.URL] = newEntry(a.URL, answer{status: http.StatusOK, contentType: a.ContentType,
			cacheControl: immutableCacheControl, body: a.Body}, started, false, true)
	}
	return s
}

// Cache returns the page cache, so writers can invalidate it.
func (s *Server) Cache() *Cache { return s.cache }
