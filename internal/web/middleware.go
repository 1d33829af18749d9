package web

import (
	"net/http"
	"runtime/debug"

	"octavo/internal/render"
)

// Limits on what a request may carry before it is refused.
const (
	maxQueryLength = 2048
)

// limitRequest refuses over-long paths and query strings with 414, and
// paths with control characters with 400, before any work is done.
func (s *Server) limitRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.Path) > render.MaxPathLength || len(r.URL.RawQuery) > maxQueryLength {
			writePlainError(w, http.StatusRequestURITooLong, "The address is too long.")
			return
		}
		for i := 0; i < len(r.URL.Path); i++ {
			if c := r.URL.Path[i]; c < 0x20 || c == 0x7f {
				writePlainError(w, http.StatusBadRequest, "The address contains control characters.")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic in a handler into a logged 500, so one bad
// request cannot take the server down.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				writePlainError(w, http.StatusInternalServerError, "An internal error occurred.")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
