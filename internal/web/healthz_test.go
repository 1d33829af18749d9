package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"octavo/internal/store/sqlite"
)

// switchDB answers /healthz's pings from a real database: the open one, or
// a closed one when down is set.
type switchDB struct {
	up, closed Pinger
	down       bool
}

func (d *switchDB) Ping(ctx context.Context) error {
	if d.down {
		return d.closed.Ping(ctx)
	}
	return d.up.Ping(ctx)
}

// TestHealthzLogsTransitions checks that an outage gives a line when it
// starts, one a minute while it lasts, and one when it ends, not one per
// poll, while every poll still gets its status.
func TestHealthzLogsTransitions(t *testing.T) {
	closed, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "closed.db"))
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	var logBuf bytes.Buffer
	db := &switchDB{closed: closed}
	b := newTestBlog(t, blogOptions{options: func(o *Options) {
		db.up = o.DB
		o.DB = db
		o.Log = slog.New(slog.NewJSONHandler(&logBuf, nil))
	}})
	steps := []struct {
		down    bool
		advance time.Duration
		status  int
	}{
		{false, 0, http.StatusOK},
		{true, 0, http.StatusServiceUnavailable},                // logged: failed
		{true, 5 * time.Second, http.StatusServiceUnavailable},  // quiet
		{true, 30 * time.Second, http.StatusServiceUnavailable}, // quiet
		{true, 30 * time.Second, http.StatusServiceUnavailable}, // logged: still failing, 4 failures
		{true, 5 * time.Second, http.StatusServiceUnavailable},  // quiet
		{false, 5 * time.Second, http.StatusOK},                 // logged: passing again
		{false, 5 * time.Second, http.StatusOK},                 // quiet
		{true, 5 * time.Second, http.StatusServiceUnavailable},  // logged: a new outage
	}
	for i, st := range steps {
		db.down = st.down
		b.clock.T = b.clock.T.Add(st.advance)
		if got := b.do(http.MethodGet, "/healthz").StatusCode; got != st.status {
			t.Fatalf("step %d: status %d, want %d", i, got, st.status)
		}
	}
	type line struct {
		Msg      string `json:"msg"`
		Failures int    `json:"failures"`
		DownFor  string `json:"down_for"`
		Error    string `json:"error"`
	}
	var got []line
	for _, l := range strings.Split(strings.TrimSpace(logBuf.String()), "\n") {
		var ln line
		if err := json.Unmarshal([]byte(l), &ln); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		got = append(got, ln)
	}
	want := []line{
		{Msg: "health check failed"},
		{Msg: "health check still failing", Failures: 4},
		{Msg: "health check passing again", Failures: 5, DownFor: "1m15s"},
		{Msg: "health check failed"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d log lines, want %d:\n%s", len(got), len(want), logBuf.String())
	}
	for i := range want {
		g := got[i]
		if g.Error == "" && strings.Contains(want[i].Msg, "fail") {
			t.Errorf("line %d has no error: %+v", i, g)
		}
		g.Error = ""
		if g != want[i] {
			t.Errorf("line %d: %+v, want %+v", i, g, want[i])
		}
	}
}
