package web

import (
	"net/http"
	"time"

	"octavo/internal/render"
)

// pageCacheControl makes browsers and proxies revalidate pages (cheap: a
// 304 from the cache), so an edit shows at once.
const pageCacheControl = "public, max-age=0, must-revalidate"

// showPage answers a public page from the cache, rendering it on a miss.
func (s *Server) showPage(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if e := s.cache.get(path); e != nil {
		e.write(w, r)
		return
	}
	gen := s.cache.generation()
	_, e, err := s.flight.do(path, func() (*render.Page, *entry, error) {
		p, err := s.render.Render(r.Context(), path)
		if err != nil {
			return nil, nil, err
		}
		s.cache.renders.Add(1)
		e := newEntry(path, p.Status, p.ContentType, pageCacheControl, p.Location, p.Body, p.Deps, time.Now())
		if p.Status != http.StatusNotFound {
			// Unknown paths are not kept: anyone can invent them.
			s.cache.put(e, gen)
		}
		return p, e, nil
	})
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	e.write(w, r)
}
