package web

import (
	"fmt"
	"html"
	"net/http"

	"octavo/internal/blog"
	"octavo/internal/httpstatus"
)

// statusFor maps a domain error code to its HTTP status; the mapping
// itself lives in internal/httpstatus, shared with the admin.
func statusFor(code blog.Code) int { return httpstatus.FromCode(code) }

// serveError logs the internal detail of err and answers with its status
// and a message safe to show.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	code := blog.ErrorCode(err)
	status := statusFor(code)
	if status >= 500 {
		s.log.Error("request failed", "request_id", s.requestID(w, r), "method", r.Method, "path", r.URL.Path, "status", status, "error", err)
	}
	writePlainError(w, status, blog.ErrorMessage(err))
}

// writePlainError writes a small HTML error page.
func writePlainError(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%d %s</title></head><body><h1>%s</h1><p>%s</p><p><a href=\"/\">Go to the front page</a></p></body></html>\n",
		status, http.StatusText(status), http.StatusText(status), html.EscapeString(msg))
}
