package web

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"octavo/internal/render"
)

// Limits on what a request may carry before it is refused.
const (
	maxQueryLength = 2048
	maxRequestID   = 64
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
				s.log.Error("panic", "request_id", s.requestID(w, r), "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				writePlainError(w, http.StatusInternalServerError, "An internal error occurred.")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// observe counts requests in the metrics and writes the access log, when
// either is enabled; with neither it is not in the chain at all, so a
// cached hit costs what a bare net/http server writing bytes costs.
//
// With the access log on, every response carries the X-Request-Id its log
// line names: the client's own when it sends a sane one (a proxy in front
// of Octavo usually does), otherwise a new one. Handlers read it back from
// the response header (requestID) for their own lines, which costs nothing
// on the hot path, unlike a context value. With the access log off, only
// responses that are logged (errors, panics) get an id.
func (s *Server) observe(next http.Handler) http.Handler {
	if s.accessLog == nil && s.metrics == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var id []string
		if s.accessLog != nil {
			id = s.requestIDFor(r)
			w.Header()["X-Request-Id"] = id
		}
		rec := recorders.Get().(*recorder)
		rec.ResponseWriter, rec.status, rec.bytes = w, 0, 0
		defer func() {
			// A panic that recoverPanics let through (ErrAbortHandler)
			// still leaves a line and a count.
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			d := time.Since(start)
			s.metrics.observe(classify(r.URL.Path), status, d)
			if s.accessLog != nil {
				s.accessLog.LogAttrs(context.Background(), slog.LevelInfo, "request",
					slog.String("request_id", id[0]),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", status),
					slog.Int64("bytes", rec.bytes),
					slog.Duration("duration", d),
					slog.String("remote", r.RemoteAddr))
			}
			rec.ResponseWriter = nil
			recorders.Put(rec)
		}()
		next.ServeHTTP(rec, r)
	})
}

var recorders = sync.Pool{New: func() any { return new(recorder) }}

// recorder notes the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

var requestSeq atomic.Uint64

// requestIDFor returns the header value of a request's id: the client's
// own when it is short and plain, else idPrefix and a sequence number.
func (s *Server) requestIDFor(r *http.Request) []string {
	if v := r.Header["X-Request-Id"]; len(v) == 1 && plainID(v[0]) {
		return v
	}
	// The header value and its text share one allocation: the string
	// points into the buffer beside it, which nothing writes again.
	v := new(idValue)
	b := append(v.buf[:0], s.idPrefix...)
	b = strconv.AppendUint(b, requestSeq.Add(1), 36)
	v.value[0] = unsafe.String(&v.buf[0], len(b))
	return v.value[:]
}

// idValue holds a generated request id: an 8-character prefix, a dash and
// up to 13 base-36 digits fit in buf.
type idValue struct {
	value [1]string
	buf   [24]byte
}

func plainID(s string) bool {
	if s == "" || len(s) > maxRequestID {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// requestID returns the id of a response for a log line: the one observe
// gave it, or a new one set on the response now (an error to log while the
// access log is off).
func (s *Server) requestID(w http.ResponseWriter, r *http.Request) string {
	h := w.Header()
	if v := h["X-Request-Id"]; len(v) > 0 {
		return v[0]
	}
	id := s.requestIDFor(r)
	h["X-Request-Id"] = id
	return id[0]
}
