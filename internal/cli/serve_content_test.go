package cli

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/render"
	"octavo/internal/web"
)

// contentFixture serves a content folder through the web layer, as
// `octavo serve --content` does.
func contentFixture(t *testing.T, dev bool) (dir, url string) {
	t.Helper()
	dir = t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("posts/a.md", "---\ntitle: First title\ndate: 2026-01-01\n---\nA.")
	write("posts/trip/index.md", "---\ntitle: Trip\ndate: 2026-02-01\n---\n![View](view.txt)")
	write("posts/trip/view.txt", "a view")
	write("posts/broken.md", "---\ntitle: [unclosed\n---\n")
	t.Setenv("HOME", t.TempDir()) // the render cache goes there
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	log := slog.New(slog.DiscardHandler)
	cs, err := openContentServer(ctx, dir, dev, blog.SystemClock{}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	th, _, err := render.LoadTheme(cs.site.ThemeDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	cache := web.NewCache(8 << 20)
	srv := web.New(web.Options{Renderer: render.New(cs.site, th, "https://example.org", blog.SystemClock{}), Cache: cache, DB: cs, Log: log})
	go cs.Watch(ctx, cache.Invalidate)
	ts := httptest.NewServer(cs.Handler(srv.Handler()))
	t.Cleanup(ts.Close)
	return dir, ts.URL
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeContent: pages, bundle files, and a change shown without a
// restart.
func TestServeContent(t *testing.T) {
	dir, url := contentFixture(t, false)
	if status, body := getBody(t, url+"/2026/01/a/"); status != 200 || !strings.Contains(body, "First title") {
		t.Fatalf("post: %d", status)
	}
	if status, body := getBody(t, url+"/2026/02/trip/view.txt"); status != 200 || body != "a view" {
		t.Errorf("bundle file: %d %q", status, body)
	}
	if _, body := getBody(t, url+"/"); strings.Contains(body, "_octavo/live") || strings.Contains(body, "problems in the content folder") {
		t.Error("live reload or problems outside development mode")
	}
	// The watcher starts on its own: write until the page changes.
	var wrote time.Time
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if time.Since(wrote) > time.Second {
			os.WriteFile(filepath.Join(dir, "posts", "a.md"), []byte("---\ntitle: Second title\ndate: 2026-01-01\n---\nA."), 0o644)
			wrote = time.Now()
		}
		if _, body := getBody(t, url+"/2026/01/a/"); strings.Contains(body, "Second title") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the edit never showed")
		}
	}
	if _, body := getBody(t, url+"/"); !strings.Contains(body, "Second title") {
		t.Error("the front page still shows the old title")
	}
}

// TestServeContentDev: in development mode pages carry the live-reload
// script and the folder's problems, and the event stream announces a
// change.
func TestServeContentDev(t *testing.T) {
	dir, url := contentFixture(t, true)
	_, body := getBody(t, url+"/")
	if !strings.Contains(body, liveScript) || !strings.Contains(body, "broken.md:2: error:") {
		t.Fatalf("the page lacks the script or the problem:\n%s", body)
	}
	resp, err := http.Get(url + livePath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	events := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "event: ") {
				events <- sc.Text()
			}
		}
	}()
	var wrote time.Time
	for deadline := time.Now().Add(15 * time.Second); ; {
		if time.Since(wrote) > time.Second {
			os.WriteFile(filepath.Join(dir, "posts", "broken.md"), []byte("---\ntitle: Fixed\ndate: 2026-03-01\n---\nFixed."), 0o644)
			wrote = time.Now()
		}
		select {
		case ev := <-events:
			if ev != "event: reload" {
				t.Fatalf("event %q", ev)
			}
			if _, body := getBody(t, url+"/"); strings.Contains(body, "broken.md") || !strings.Contains(body, "Fixed") {
				t.Error("the fixed file is still reported, or not shown")
			}
			return
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no reload event")
		}
	}
}
