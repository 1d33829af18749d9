package static_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"octavo/internal/testkit"
)

// startNginx serves a build with nginx as docs/content-folder.md says to:
// gzip_static, 404.html, the redirect map. It returns the base URL.
func startNginx(t *testing.T, out string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	testkit.RequireTool(t, "nginx", err == nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir := t.TempDir()
	conf := fmt.Sprintf(`user root;
worker_processes 1;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 64; }
http {
	access_log off;
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	map $uri $octavo_redirect { include %[2]s/nginx-redirects.conf; }
	server {
		listen 127.0.0.1:%[3]d;
		root %[2]s;
		gzip_static on;
		error_page 404 /404.html;
		if ($octavo_redirect) { return 301 $octavo_redirect; }
	}
}
`, dir, out, port)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(url + "/robots.txt"); err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not start: %s", stderr.String())
		}
	}
}

// TestNginx serves a build with nginx: pages, precompressed pages,
// redirects from the map, the 404 page, the search page and a reader's
// path through the site in a browser.
func TestNginx(t *testing.T) {
	s := newSite(t)
	out := filepath.Join(t.TempDir(), "public")
	s.build(out)
	base := startNginx(t, out)
	client := &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	get := func(path, encoding string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	file := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if resp, body := get("/", ""); resp.StatusCode != 200 || !bytes.Equal(body, file("index.html")) {
		t.Errorf("/: %d", resp.StatusCode)
	}
	if resp, body := get("/2026/03/pc/", "gzip"); resp.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(body, file("2026/03/pc/index.html.gz")) {
		t.Errorf("gzip_static: %q", resp.Header.Get("Content-Encoding"))
	}
	for from, to := range map[string]string{"/me/": "/about/", "/me": "/about/", "/who.html": "/about/",
		"/index.xml": "/feed.xml", "/tags/tc/": "/tag/tc/", "/search?q=post": "/search/?q=post"} {
		resp, _ := get(from, "")
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusMovedPermanently || !strings.HasSuffix(loc, to) {
			t.Errorf("%s: %d to %q, want a 301 to %s", from, resp.StatusCode, loc, to)
		}
	}
	if resp, body := get("/no/such/page/", ""); resp.StatusCode != 404 || !bytes.Equal(body, file("404.html")) {
		t.Errorf("404: %d", resp.StatusCode)
	}

	// In a browser: the front page, "Read more" to a post, the search box.
	ctx := testkit.Browser(t)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	errs := testkit.ConsoleErrors(ctx)
	testkit.Axe(t, ctx, base+"/")
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.Click(`p.more a`),
		chromedp.WaitVisible(`article.post h1`),
	)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasPrefix(loc, base+"/2026/") {
		t.Errorf("Read more led to %s (%v)", loc, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(`#site-search`, "trip"),
		chromedp.Submit(`#site-search`),
		chromedp.WaitVisible(`#octavo-search li a`),
	)
	if err != nil {
		t.Fatalf("searching from the header: %v", err)
	}
	first, err := chromedp.Run(ctx, chromedp.Text(`#octavo-search li a`))
	if err != nil || first != "Trip" {
		t.Errorf("search found %q (%v)", first, err)
	}
	if e := errs(); len(e) > 0 {
		t.Errorf("console errors: %v", e)
	}
}
