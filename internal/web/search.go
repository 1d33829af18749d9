package web

import (
	"context"
	"net/http"
	"strconv"

	"octavo/internal/blog"
)

// searchCacheControl keeps results pages out of every cache: they change
// with every post published, and a query is nobody else's business.
const searchCacheControl = "private, no-store"

// showSearch answers /search?q=…&page=N: rendered on every request, never
// kept in the page cache (the URL space of a query string is endless),
// and sharing the render slots with page renders so that a flood of
// searches cannot take more of the machine than a flood of cache misses.
// A query that cannot be searched gets the page with a message (200); only
// a database that fails gives an error status.
func (s *Server) showSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := 1
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		page = n
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.renderTimeout)
	defer cancel()
	select {
	case s.renders <- struct{}{}:
		defer func() { <-s.renders }()
	case <-ctx.Done():
		s.serveError(w, r, blog.Wrap(blog.EUNAVAILABLE, ctx.Err(), "Too busy to search; try again."))
		return
	}
	p, err := s.render.Search(ctx, q.Get("q"), page)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", p.ContentType)
	h.Set("Cache-Control", searchCacheControl)
	h.Set("Content-Length", strconv.Itoa(len(p.Body)))
	w.WriteHeader(p.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(p.Body)
	}
}
