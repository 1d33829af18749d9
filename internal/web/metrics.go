package web

import (
	"bufio"
	"bytes"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Metrics counts what the server does, for /metrics in the Prometheus text
// exposition format (version 0.0.4), written by hand: the handful of
// counters and histograms here do not justify client_golang and its
// dependencies, and fixed arrays of atomics keep counting free of locks and
// allocations on the request path.
type Metrics struct {
	start        time.Time
	version      string
	requests     [numKinds][600]atomic.Uint64 // by kind and status code
	latency      [numKinds]histogram
	render       histogram
	renderErrors atomic.Uint64
}

// NewMetrics returns empty metrics; version is reported in octavo_build_info.
func NewMetrics(version string) *Metrics {
	return &Metrics{start: time.Now(), version: version}
}

// routeKind groups URLs for metrics: few enough to keep label sets small,
// and never the path itself (anyone can invent paths).
type routeKind uint8

const (
	kindPage    routeKind = iota // HTML pages, redirects and 404s of the public site
	kindFeed                     // RSS, Atom and JSON feeds
	kindSitemap                  // sitemaps and robots.txt
	kindAsset                    // theme assets under /assets/
	kindHealth                   // /healthz
	kindOther                    // anything else
	numKinds
)

var kindNames = [numKinds]string{"page", "feed", "sitemap", "asset", "health", "other"}

// classify returns the kind of a request path, without allocating.
func classify(path string) routeKind {
	switch {
	case strings.HasPrefix(path, "/assets/"):
		return kindAsset
	case path == "/healthz":
		return kindHealth
	case strings.HasSuffix(path, "/feed.xml"), strings.HasSuffix(path, "/atom.xml"), strings.HasSuffix(path, "/feed.json"):
		return kindFeed
	case path == "/robots.txt", strings.HasPrefix(path, "/sitemap") && strings.HasSuffix(path, ".xml"):
		return kindSitemap
	case strings.HasSuffix(path, "/"), !strings.Contains(path[strings.LastIndexByte(path, '/')+1:], "."):
		return kindPage
	}
	return kindOther
}

// Buckets of the latency histograms, in seconds: a cached hit takes tens of
// microseconds, a render milliseconds.
var latencyBuckets = [...]float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

var latencyBucketNanos = func() (b [len(latencyBuckets)]int64) {
	for i, s := range latencyBuckets {
		b[i] = int64(s * 1e9)
	}
	return b
}()

type histogram struct {
	counts [len(latencyBuckets) + 1]atomic.Uint64 // the last is +Inf
	sum    atomic.Int64                           // nanoseconds
}

func (h *histogram) observe(d time.Duration) {
	i := 0
	for i < len(latencyBucketNanos) && int64(d) > latencyBucketNanos[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sum.Add(int64(d))
}

// observe counts one request; m may be nil.
func (m *Metrics) observe(kind routeKind, status int, d time.Duration) {
	if m == nil {
		return
	}
	if status < 100 || status > 599 {
		status = 599
	}
	m.requests[kind][status].Add(1)
	m.latency[kind].observe(d)
}

// observeRender counts one render on a miss; m may be nil.
func (m *Metrics) observeRender(d time.Duration, err error) {
	if m == nil {
		return
	}
	m.render.observe(d)
	if err != nil {
		m.renderErrors.Add(1)
	}
}

// MetricsHandler serves /metrics (and, when Options.Pprof is set,
// /debug/pprof/). Serve it on its own listener (serve --metrics-addr), not
// on the public site.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", s.showMetrics)
	if s.pprof {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	return s.recoverPanics(mux)
}

// showMetrics writes the exposition.
func (s *Server) showMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var buf bytes.Buffer
	s.writeMetrics(&buf)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) writeMetrics(out *bytes.Buffer) {
	w := bufio.NewWriter(out)
	defer w.Flush()
	m := s.metrics
	if m == nil {
		m = &Metrics{start: time.Now()}
	}
	head := func(name, typ, help string) {
		w.WriteString("# HELP " + name + " " + help + "\n# TYPE " + name + " " + typ + "\n")
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	line := func(name, labels string, v float64) {
		w.WriteString(name)
		if labels != "" {
			w.WriteString("{" + labels + "}")
		}
		w.WriteString(" " + num(v) + "\n")
	}
	hist := func(name, labels string, h *histogram) {
		sep := ""
		if labels != "" {
			sep = ","
		}
		var cum uint64
		for i, b := range latencyBuckets {
			cum += h.counts[i].Load()
			line(name+"_bucket", labels+sep+`le="`+num(b)+`"`, float64(cum))
		}
		cum += h.counts[len(latencyBuckets)].Load()
		line(name+"_bucket", labels+sep+`le="+Inf"`, float64(cum))
		line(name+"_sum", labels, float64(h.sum.Load())/1e9)
		line(name+"_count", labels, float64(cum))
	}

	head("octavo_http_requests_total", "counter", "HTTP requests answered, by route kind and status code.")
	for k := range numKinds {
		for code := range m.requests[k] {
			if n := m.requests[k][code].Load(); n > 0 {
				line("octavo_http_requests_total", `kind="`+kindNames[k]+`",code="`+strconv.Itoa(code)+`"`, float64(n))
			}
		}
	}
	head("octavo_http_request_duration_seconds", "histogram", "Time from a request's headers to the end of its answer, by route kind.")
	for k := range numKinds {
		hist("octavo_http_request_duration_seconds", `kind="`+kindNames[k]+`"`, &m.latency[k])
	}
	head("octavo_render_duration_seconds", "histogram", "Time to render a page on a cache miss.")
	hist("octavo_render_duration_seconds", "", &m.render)
	head("octavo_render_errors_total", "counter", "Renders that failed (the database did not answer).")
	line("octavo_render_errors_total", "", float64(m.renderErrors.Load()))

	st := s.cache.Stats()
	head("octavo_pages_rendered_total", "counter", "Pages rendered on cache misses (concurrent misses of one path count once).")
	line("octavo_pages_rendered_total", "", float64(st.Renders))
	head("octavo_cache_hits_total", "counter", "Page cache lookups that found the page.")
	line("octavo_cache_hits_total", "", float64(st.Hits))
	head("octavo_cache_misses_total", "counter", "Page cache lookups that did not.")
	line("octavo_cache_misses_total", "", float64(st.Misses))
	head("octavo_cache_evictions_total", "counter", "Pages pushed out of the cache by its byte bound.")
	line("octavo_cache_evictions_total", "", float64(st.Evictions))
	head("octavo_cache_invalidations_total", "counter", "Pages dropped from the cache because a write changed what they show.")
	line("octavo_cache_invalidations_total", "", float64(st.Invalidated))
	head("octavo_cache_discarded_renders_total", "counter", "Renders not cached because a write overtook them.")
	line("octavo_cache_discarded_renders_total", "", float64(st.Dropped))
	head("octavo_cache_entries", "gauge", "Pages in the cache.")
	line("octavo_cache_entries", "", float64(st.Entries))
	head("octavo_cache_bytes", "gauge", "Bytes the cache accounts for (pages, their gzip forms, bookkeeping).")
	line("octavo_cache_bytes", "", float64(st.Bytes))
	head("octavo_cache_max_bytes", "gauge", "The cache's bound (cache-mb).")
	line("octavo_cache_max_bytes", "", float64(s.cache.MaxBytes()))
	head("octavo_cache_dependency_keys", "gauge", "Dependency keys in the cache's index.")
	line("octavo_cache_dependency_keys", "", float64(st.Keys))

	head("octavo_build_info", "gauge", "Always 1; the version of the running binary.")
	line("octavo_build_info", `version="`+escapeLabel(m.version)+`",go="`+runtime.Version()+`"`, 1)
	head("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch.")
	line("process_start_time_seconds", "", float64(m.start.Unix()))
	if rss, ok := residentBytes(); ok {
		head("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
		line("process_resident_memory_bytes", "", float64(rss))
	}
	head("go_goroutines", "gauge", "Goroutines that currently exist.")
	line("go_goroutines", "", float64(runtime.NumGoroutine()))
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/total:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(samples)
	for i, name := range []string{"go_heap_objects_bytes", "go_memory_total_bytes", "go_gc_cycles_total"} {
		if samples[i].Value.Kind() != metrics.KindUint64 {
			continue
		}
		typ, help := "gauge", "Go runtime/metrics "+samples[i].Name+"."
		if strings.HasSuffix(name, "_total") {
			typ = "counter"
		}
		head(name, typ, help)
		line(name, "", float64(samples[i].Value.Uint64()))
	}
}

// residentBytes reads VmRSS from /proc (Linux only).
func residentBytes() (int64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for l := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
