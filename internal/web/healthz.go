package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers 200 "ok" when the database answers within a second, 503
// otherwise; load balancers poll it.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if s.db != nil {
		if err := s.db.Ping(ctx); err != nil {
			s.log.Warn("health check failed", "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unavailable\n"))
			return
		}
	}
	_, _ = w.Write([]byte("ok\n"))
}
