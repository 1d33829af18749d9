package web

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// healthLogEvery is how often a failure that lasts is logged again: a load
// balancer polls /healthz every few seconds, and an outage should not fill
// the log with one identical line per poll.
const healthLogEvery = time.Minute

// healthz answers 200 "ok" when the database answers within a second, 503
// otherwise; load balancers poll it.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if s.db != nil {
		if err := s.db.Ping(ctx); err != nil {
			s.health.failed(s, err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unavailable\n"))
			return
		}
		s.health.passed(s)
	}
	_, _ = w.Write([]byte("ok\n"))
}

// healthLog logs the transitions of /healthz: the first failure, a reminder
// once a minute while it lasts (with how many polls failed), and the
// recovery, instead of a line per failed poll.
type healthLog struct {
	mu       sync.Mutex
	since    time.Time // first failure of the current outage; zero when healthy
	logged   time.Time // last line logged about it
	failures int
}

func (h *healthLog) failed(s *Server, err error) {
	now := s.cache.clock.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures++
	switch {
	case h.since.IsZero():
		h.since, h.logged, h.failures = now, now, 1
		s.log.Warn("health check failed", "error", err)
	case now.Sub(h.logged) >= healthLogEvery:
		h.logged = now
		s.log.Warn("health check still failing", "error", err, "since", h.since.UTC().Format(time.RFC3339),
			"failures", h.failures)
	}
}

func (h *healthLog) passed(s *Server) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.since.IsZero() {
		return
	}
	s.log.Info("health check passing again", "down_for", s.cache.clock.Now().Sub(h.since).Round(time.Second).String(),
		"failures", h.failures)
	h.since, h.failures = time.Time{}, 0
}
