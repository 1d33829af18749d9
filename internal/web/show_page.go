package web

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"octavo/internal/blog"
)

// showPage answers a public page from the cache, rendering it on a miss.
func (s *Server) showPage(w http.ResponseWriter, r *http.Request) {
	if e := s.cache.get(r.URL.Path); e != nil {
		e.write(w, r)
		return
	}
	e, err := s.renderEntry(r.Context(), r.URL.Path)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	e.write(w, r)
}

// renderEntry renders path into a cache entry and stores it. Concurrent
// misses of one path share one render; the render outlives a client that
// hangs up (others may be waiting for it), bounded by the render timeout.
func (s *Server) renderEntry(ctx context.Context, path string) (*entry, error) {
	gen := s.cache.generation()
	return s.flight.do(flightKey{path, gen}, func() (*entry, error) {
		// A flight that ended between our miss and now may have stored it.
		if e := s.cache.peek(path); e != nil {
			return e, nil
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.renderTimeout)
		defer cancel()
		// Renders are CPU and memory work: more at once than the machine
		// has cores only makes each slower and the heap bigger (a crawler
		// asking for a thousand cold pages at once).
		select {
		case s.renders <- struct{}{}:
			defer func() { <-s.renders }()
		case <-ctx.Done():
			return nil, blog.Wrap(blog.EUNAVAILABLE, ctx.Err(), "Too busy to render the page; try again.")
		}
		start := time.Now()
		p, err := s.render.Render(ctx, path)
		s.metrics.observeRender(time.Since(start), err)
		if err != nil {
			return nil, err
		}
		s.cache.renders.Add(1)
		a := answer{status: p.Status, contentType: p.ContentType, location: p.Location, body: p.Body, deps: p.Deps}
		switch {
		case p.Status == http.StatusNotFound:
			a.cacheControl = notFoundCacheControl
		default:
			a.cacheControl = revalidateCacheControl
		}
		if len(a.deps) == 0 {
			// A page that names no inputs (a redirect) goes whenever what
			// is published moves, which is when its target may change.
			a.deps = []string{blog.DepList, blog.DepSettings}
		}
		now := s.cache.now()
		e := newEntry(path, a, now, s.cache.lastInvalidation.Load() >= now.Unix(), false)
		// Unknown paths are not kept: anyone can invent them.
		if p.Status != http.StatusNotFound {
			s.cache.put(e, gen)
		}
		return e, nil
	})
}

// Warm renders paths into the cache (the front page after start-up, so the
// first visitor gets a hit); it stops early when ctx ends.
func (s *Server) Warm(ctx context.Context, paths ...string) error {
	for _, p := range paths {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := s.renderEntry(ctx, p); err != nil {
			return fmt.Errorf("warming %s: %w", p, err)
		}
	}
	return nil
}

// flight makes concurrent misses of one path render it once. Its key holds
// the cache generation, so a request that arrives after a write never waits
// for (and gets) a render that began before it.
type flight struct {
	mu    sync.Mutex
	calls map[flightKey]*call
}

type flightKey struct {
	path string
	gen  uint64
}

type call struct {
	done chan struct{}
	e    *entry
	err  error
}

func (f *flight) do(key flightKey, fn func() (*entry, error)) (*entry, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[flightKey]*call{}
	}
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		<-c.done
		return c.e, c.err
	}
	c := &call{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()

	// Waiters are released even when fn panics; the panic goes on to the
	// leader's request, where recoverPanics logs it.
	defer func() {
		v := recover()
		if v != nil {
			c.e, c.err = nil, fmt.Errorf("render %s panicked: %v", key.path, v)
		}
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
		if v != nil {
			panic(v)
		}
	}()
	c.e, c.err = fn()
	return c.e, c.err
}
