// Package web is Octavo's HTTP layer: the route table (routes.go), one file
// per handler, middleware, the page cache, and the one place where error
// codes become HTTP statuses (errors.go).
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"octavo/internal/render"
)

// Pinger checks that the database answers (for /healthz).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server answers HTTP requests for one blog.
type Server struct {
	render *render.Renderer
	cache  *Cache
	db     Pinger
	log    *slog.Logger
	assets map[string]*entry // by hashed URL; never evicted

	flight flight
}

// Options configure a Server.
type Options struct {
	Renderer  *render.Renderer
	Cache     *Cache
	DB        Pinger
	Log       *slog.Logger
	AccessLog bool
}

// New returns a server; Handler gives its http.Handler.
func New(o Options) *Server {
	s := &Server{render: o.Renderer, cache: o.Cache, db: o.DB, log: o.Log, assets: map[string]*entry{}}
	now := time.Now()
	for _, a := range o.Renderer.Theme().Assets() {
		s.assets[a.URL] = newEntry(a.URL, http.StatusOK, a.ContentType, "public, max-age=31536000, immutable", "", a.Body, nil, now)
	}
	return s
}

// Cache returns the page cache, so writers can invalidate it.
func (s *Server) Cache() *Cache { return s.cache }

// flight makes concurrent misses of one path render it once.
type flight struct {
	mu    sync.Mutex
	calls map[string]*call
}

type call struct {
	wg   sync.WaitGroup
	e    *entry
	page *render.Page
	err  error
}

func (f *flight) do(key string, fn func() (*render.Page, *entry, error)) (*render.Page, *entry, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]*call{}
	}
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		c.wg.Wait()
		return c.page, c.e, c.err
	}
	c := &call{}
	c.wg.Add(1)
	f.calls[key] = c
	f.mu.Unlock()
	c.page, c.e, c.err = fn()
	c.wg.Done()
	f.mu.Lock()
	delete(f.calls, key)
	f.mu.Unlock()
	return c.page, c.e, c.err
}
