package cli_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"octavo/internal/cli"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is `octavo serve` running in the test process.
type server struct {
	url            string
	stdout, stderr *syncBuffer
	stop           func() error
}

// startServe runs `octavo serve` with args on a free port and waits until
// it listens; it fails the test if the command ends first.
func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), cli.Env{
			Getenv: func(string) string { return "" },
			Stdout: s.stdout, Stderr: s.stderr,
			Ready: func(addr string) { ready <- addr },
		})
	}()
	select {
	case addr := <-ready:
		s.url = "http://" + addr
	case err := <-done:
		cancel()
		t.Fatalf("serve ended before listening: %v\n%s", err, s.stderr)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not listen within 30 s")
	}
	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}
	t.Cleanup(func() { _ = s.stop() })
	return s
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeSeedsOnceAndReusesData(t *testing.T) {
	data := filepath.Join(t.TempDir(), "blog")
	s := startServe(t, "--data", data)
	if !strings.Contains(s.stdout.String(), "Octavo is serving "+data+" at "+s.url+"/") {
		t.Errorf("the address is not printed: %q", s.stdout.String())
	}
	if !strings.Contains(s.stderr.String(), "wrote demo content") {
		t.Errorf("first start did not seed: %s", s.stderr)
	}
	status, home := get(t, s.url+"/")
	if status != 200 || strings.Count(home, `class="summary`) != 10 {
		t.Fatalf("front page: %d, %d posts", status, strings.Count(home, `class="summary`))
	}
	if status, _ := get(t, s.url+"/healthz"); status != 200 {
		t.Errorf("healthz %d", status)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	for _, f := range []string{"octavo.db", "octavo.db-wal"} {
		if _, err := os.Stat(filepath.Join(data, f)); err != nil && f == "octavo.db" {
			t.Errorf("%s: %v", f, err)
		}
	}

	s2 := startServe(t, "--data", data)
	if strings.Contains(s2.stderr.String(), "wrote demo content") {
		t.Error("second start seeded again")
	}
	_, home2 := get(t, s2.url+"/")
	if strings.Count(home2, `class="summary`) != 10 {
		t.Errorf("second start shows %d posts, want the same 10", strings.Count(home2, `class="summary`))
	}
}

func TestServeRefusesBadDatabase(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(dir string)
		want    string
	}{
		{"corrupt", func(dir string) {
			os.WriteFile(filepath.Join(dir, "octavo.db"), bytes.Repeat([]byte("garbage!"), 1000), 0o644)
		}, "not a valid SQLite database"},
		{"data is a file", func(dir string) {
			os.Remove(dir)
			os.WriteFile(dir, []byte("x"), 0o644)
		}, "data folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			os.MkdirAll(dir, 0o755)
			tt.prepare(dir)
			var out, errb bytes.Buffer
			err := cli.Run(context.Background(), []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"},
				cli.Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errb})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("want an error containing %q, got %v", tt.want, err)
			}
		})
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"serve", "--addr", "nonsense"}, "want HOST:PORT"},
		{[]string{"serve", "--base-url", "ftp://x"}, "absolute http(s) URL"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "--no-such-flag"}, "not defined"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		err := cli.Run(context.Background(), tt.args, cli.Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errb})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: want error %q, got %v", tt.args, tt.want, err)
		}
	}
}

func TestThemeOverrides(t *testing.T) {
	data := t.TempDir()
	tdir := filepath.Join(data, "theme")
	os.MkdirAll(filepath.Join(tdir, "templates"), 0o755)
	os.MkdirAll(filepath.Join(tdir, "static"), 0o755)
	// A working override of the 404 page and of the stylesheet…
	os.WriteFile(filepath.Join(tdir, "templates", "404.html"), []byte(`{{define "main"}}<h1>Lost at sea</h1>{{end}}`), 0o644)
	os.WriteFile(filepath.Join(tdir, "static", "style.css"), []byte("body { color: rebeccapurple; }"), 0o644)
	// …and a broken override of the post page, on its third line.
	os.WriteFile(filepath.Join(tdir, "templates", "post.html"), []byte("{{define \"main\"}}\n<h1>{{.Post.Title}}</h1>\n{{if}}\n{{end}}"), 0o644)

	s := startServe(t, "--data", data)
	logs := s.stderr.String()
	if !strings.Contains(logs, filepath.Join(tdir, "templates", "post.html")) || !strings.Contains(logs, "post.html:3") {
		t.Errorf("the broken override is not reported with file and line:\n%s", logs)
	}
	status, body := get(t, s.url+"/nowhere/")
	if status != 404 || !strings.Contains(body, "Lost at sea") {
		t.Errorf("404 override not used: %d", status)
	}
	_, home := get(t, s.url+"/")
	i := strings.Index(home, `href="/assets/style.`)
	css := home[i+6 : i+6+strings.Index(home[i+6:], `"`)]
	if _, sheet := get(t, s.url+css); !strings.Contains(sheet, "rebeccapurple") {
		t.Error("stylesheet override not served")
	}
	// The broken post template fell back to the default.
	status, post := get(t, s.url+"/2026/06/serving-a-blog-from-one-binary/")
	if status != 200 || !strings.Contains(post, `class="content`) {
		t.Errorf("post page with the default template: %d", status)
	}
}
