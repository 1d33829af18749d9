package web

import (
	"net/http"
	"time"

	"octavo/internal/blog"
)

// showMedia serves a file of the media library, or one of its smaller
// copies, by its name under /media/. Only names of the exact form
// HASH.ext and HASH-WIDTH.ext are looked up (anything else, a "..", a
// slash, is a 404 before the storage is asked), and the names change with
// the content, so every answer is cached for a year as immutable. A copy
// not made yet is answered with the file itself, not cached, so that a
// page never waits for the background work.
func (s *Server) showMedia(w http.ResponseWriter, r *http.Request) {
	if s.media == nil {
		s.showPage(w, r)
		return
	}
	o, typ, pending, err := s.media.Open(r.Context(), r.PathValue("file"))
	if err != nil {
		if !blog.IsNotFound(err) {
			s.log.Error("media: opening a file", "path", r.URL.Path, "error", err)
			http.Error(w, "The file cannot be read now.", http.StatusServiceUnavailable)
			return
		}
		s.showPage(w, r) // the 404 page
		return
	}
	defer o.Close()
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("X-Content-Type-Options", "nosniff")
	// An image is never a document of this site: no scripts, even if a
	// browser were made to take it for one.
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	if pending {
		h.Set("Cache-Control", "no-store")
	} else {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("ETag", `"`+r.PathValue("file")+`"`)
	}
	http.ServeContent(w, r, "", time.Time{}, o)
}
