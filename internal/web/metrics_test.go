package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sampleRE is one sample line of the Prometheus text format.
var sampleRE = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|\+Inf|NaN)$`)

// scrape fetches /metrics from the metrics handler, checks every line of
// the exposition and returns the samples by name and labels.
func scrape(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("/metrics: status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	samples := map[string]float64{}
	typed := map[string]string{}
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(rest, " ")
			if typed[name] != "" {
				t.Errorf("TYPE of %s given twice", name)
			}
			typed[name] = typ
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		m := sampleRE.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("not a valid sample line: %q", line)
			continue
		}
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(m[1], "_bucket"), "_sum"), "_count")
		if typed[m[1]] == "" && typed[base] == "" {
			t.Errorf("sample %s has no TYPE line before it", m[1])
		}
		v, _ := strconv.ParseFloat(strings.Replace(m[len(m)-1], "+Inf", "Inf", 1), 64)
		samples[m[1]+m[2]] = v
	}
	return samples
}

func TestMetrics(t *testing.T) {
	b := newTestBlog(t, blogOptions{options: func(o *Options) { o.Metrics = NewMetrics("v-test") }})
	p := b.publish("p", "Counted post", testNow.Add(-time.Hour), "go")
	b.get("/", http.StatusOK)
	b.get("/", http.StatusOK)
	b.get(p.Path, http.StatusOK)
	b.get("/nope/", http.StatusNotFound)
	b.get("/feed.xml", http.StatusOK)
	b.get("/healthz", http.StatusOK)

	m := scrape(t, b.server.MetricsHandler())
	want := map[string]float64{
		`octavo_http_requests_total{kind="page",code="200"}`:                 3,
		`octavo_http_requests_total{kind="page",code="404"}`:                 1,
		`octavo_http_requests_total{kind="feed",code="200"}`:                 1,
		`octavo_http_requests_total{kind="health",code="200"}`:               1,
		`octavo_http_request_duration_seconds_count{kind="page"}`:            4,
		`octavo_http_request_duration_seconds_bucket{kind="page",le="+Inf"}`: 4,
		`octavo_cache_hits_total`:                                            1,
		`octavo_cache_misses_total`:                                          4,
		`octavo_pages_rendered_total`:                                        4, // /, the post, the 404, the feed
		`octavo_render_duration_seconds_count`:                               4,
		`octavo_cache_entries`:                                               3,
		`octavo_cache_evictions_total`:                                       0,
		`octavo_cache_max_bytes`:                                             32 << 20,
		`octavo_build_info{version="v-test",go="` + runtimeVersion() + `"}`:  1,
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if m["octavo_cache_bytes"] <= 0 {
		t.Errorf("octavo_cache_bytes = %v", m["octavo_cache_bytes"])
	}

	// /metrics is not part of the public site.
	b.get("/metrics", http.StatusNotFound)
	// pprof only when asked for.
	rec := httptest.NewRecorder()
	b.server.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/debug/pprof/", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("pprof served without Options.Pprof: %d", rec.Code)
	}
}

func TestClassify(t *testing.T) {
	for path, want := range map[string]routeKind{
		"/": kindPage, "/2026/01/post/": kindPage, "/about": kindPage, "/tag/go/page/2/": kindPage,
		"/feed.xml": kindFeed, "/tag/go/atom.xml": kindFeed, "/feed.json": kindFeed,
		"/sitemap.xml": kindSitemap, "/sitemap-2.xml": kindSitemap, "/robots.txt": kindSitemap,
		"/assets/style.abc.css": kindAsset, "/healthz": kindHealth, "/favicon.ico": kindOther,
	} {
		if got := classify(path); got != want {
			t.Errorf("classify(%q) = %s, want %s", path, kindNames[got], kindNames[want])
		}
	}
}

func TestAccessLogAndRequestID(t *testing.T) {
	var logs bytes.Buffer
	b := newTestBlog(t, blogOptions{options: func(o *Options) {
		o.AccessLog, o.AccessLogger = true, slog.New(slog.NewJSONHandler(&logs, nil))
	}})
	res, _ := b.get("/", http.StatusOK)
	id := res.Header.Get("X-Request-Id")
	res2, _ := b.get("/", http.StatusOK)
	if id == "" || res2.Header.Get("X-Request-Id") == id {
		t.Fatalf("request ids %q and %q: want distinct, non-empty", id, res2.Header.Get("X-Request-Id"))
	}
	// A proxy's id is kept; an unreasonable one is replaced.
	res, _ = b.get("/", http.StatusOK, "X-Request-Id", "edge-42.a_b")
	if got := res.Header.Get("X-Request-Id"); got != "edge-42.a_b" {
		t.Errorf("a client id was not kept: %q", got)
	}
	res, _ = b.get("/", http.StatusOK, "X-Request-Id", "bad id\" with=spaces")
	if got := res.Header.Get("X-Request-Id"); got == "" || strings.ContainsAny(got, "\" =") {
		t.Errorf("a bad client id was kept: %q", got)
	}
	b.get("/nope/", http.StatusNotFound)

	var lines []map[string]any
	dec := json.NewDecoder(&logs)
	for {
		var l map[string]any
		if err := dec.Decode(&l); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l)
	}
	if len(lines) != 5 {
		t.Fatalf("%d access log lines for 5 requests", len(lines))
	}
	first, last := lines[0], lines[4]
	if first["msg"] != "request" || first["request_id"] != id || first["method"] != "GET" || first["path"] != "/" ||
		first["status"] != float64(200) || first["bytes"].(float64) <= 0 {
		t.Errorf("first line: %v", first)
	}
	if last["status"] != float64(404) || last["path"] != "/nope/" {
		t.Errorf("last line: %v", last)
	}
	if _, ok := first["duration"]; !ok {
		t.Errorf("no duration: %v", first)
	}
}

func runtimeVersion() string { return runtime.Version() }

// With the access log off, a failed request still gets an id that its
// error line names, and the client sees no internal detail.
func TestErrorHasRequestID(t *testing.T) {
	var logs bytes.Buffer
	b := newTestBlog(t, blogOptions{options: func(o *Options) { o.Log = slog.New(slog.NewJSONHandler(&logs, nil)) }})
	p := b.publish("p", "Broken post", testNow.Add(-time.Hour))
	b.gate.fail = p.Path
	res, body := b.get(p.Path, http.StatusInternalServerError)
	id := res.Header.Get("X-Request-Id")
	if id == "" || !strings.Contains(logs.String(), `"request_id":"`+id+`"`) || !strings.Contains(logs.String(), "disk I/O error") {
		t.Errorf("X-Request-Id %q; log:\n%s", id, logs.String())
	}
	if strings.Contains(string(body), "disk I/O") {
		t.Errorf("the internal error reached the client: %s", body)
	}
	if b.cache.Has(p.Path) {
		t.Error("a failed render was cached")
	}
	// Hits carry no id when nothing logs them.
	res, _ = b.get("/", http.StatusOK)
	if res.Header.Get("X-Request-Id") != "" {
		t.Errorf("a hit without access log has an id: %q", res.Header.Get("X-Request-Id"))
	}
}
