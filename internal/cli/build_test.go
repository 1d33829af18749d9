package cli_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"image"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/cli"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/media"
	"octavo/internal/seed"
	"octavo/internal/store/sqlite"
)

// processEnv is a clean environment for the processes: no OCTAVO_*
// variables from the outside, a home of its own.
func processEnv(t *testing.T) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
}

// runOctavo runs a command to its end.
func runOctavo(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = processEnv(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("octavo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

var addrRE = regexp.MustCompile(`msg=ready addr=(\S+)`)

// serveProcess starts `octavo serve` as a process and returns its URL.
func serveProcess(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = processEnv(t)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
	})
	found := make(chan string, 1)
	var log bytes.Buffer
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case addr, ok := <-found:
		if !ok {
			t.Fatalf("serve ended before listening:\n%s", log.String())
		}
		go io.Copy(io.Discard, stderr)
		return "http://" + addr
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not listen within 30 s")
	}
	return ""
}

// compareWithServer fetches the URL of every file of a build from a
// server and checks the bytes: pages with 200, redirect pages with a 301
// to their target, 404.html for an unknown path; every .gz holds its
// file.
func compareWithServer(t *testing.T, out, base string) {
	t.Helper()
	client := &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	fetch := func(path string) (int, string, []byte) {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), b
	}
	redirectRE := regexp.MustCompile(`^<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Moved</title><meta http-equiv="refresh" content="0; url=([^"]+)">`)
	checked := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(rel, ".gz"):
			plain, err := os.ReadFile(strings.TrimSuffix(p, ".gz"))
			if err != nil {
				t.Errorf("%s without its file", rel)
				return nil
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Errorf("%s: %v", rel, err)
				return nil
			}
			if got, _ := io.ReadAll(zr); !bytes.Equal(got, plain) {
				t.Errorf("%s does not hold its file", rel)
			}
			return nil
		case rel == ".octavo-manifest.json", rel == "_redirects", rel == "nginx-redirects.conf",
			strings.HasPrefix(rel, "search/"): // the static search exists in builds only
			return nil
		case rel == "404.html":
			status, _, got := fetch("/no/such/page/")
			if status != http.StatusNotFound || !bytes.Equal(got, body) {
				t.Errorf("404.html: the server answers %d with other bytes", status)
			}
			checked++
			return nil
		}
		path := "/" + strings.TrimSuffix(rel, "index.html")
		status, location, got := fetch(path)
		if m := redirectRE.FindSubmatch(body); m != nil {
			if status != http.StatusMovedPermanently || location != string(m[1]) {
				t.Errorf("%s: %d to %q, want a 301 to %s", path, status, location, m[1])
			}
		} else if status != http.StatusOK {
			t.Errorf("%s: status %d", path, status)
		}
		if !bytes.Equal(got, body) {
			t.Errorf("%s: the server's bytes differ from the file (%d and %d bytes)%s", path, len(got), len(body), diffAt(got, body))
		}
		checked++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 40 {
		t.Errorf("only %d files compared", checked)
	}
	t.Logf("%d files compared with %s", checked, base)
}

func diffAt(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-60)
	return "\n  server: " + string(a[lo:min(len(a), i+60)]) + "\n  file:   " + string(b[lo:min(len(b), i+60)])
}

// TestBuildMatchesServe builds a database blog and serves it with two
// processes of the octavo binary, and checks that every file of the build
// is what the server answers for its URL.
func TestBuildMatchesServe(t *testing.T) {
	bin := sharedBinary(t)
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "data")
	os.MkdirAll(data, 0o755)
	store, err := sqlite.Open(ctx, filepath.Join(data, "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Run(ctx, store, content.New(store, markdown.New(), blog.SystemClock{}, nil)); err != nil {
		t.Fatal(err)
	}
	// A redirect kept by the database: a page in the build, a 301 served.
	posts, _, err := store.ListPosts(ctx, blog.ListQuery{Now: time.Now(), Limit: 1})
	if err != nil || len(posts) == 0 {
		t.Fatalf("no post: %v", err)
	}
	if err := store.AddRedirect(ctx, "/an/old/address/", posts[0].Path); err != nil {
		t.Fatal(err)
	}
	// A media file shown by a post (its smaller copies are made by the
	// build): the files are published and served with the same bytes.
	lib := media.New(media.Options{Store: store, Storage: media.Local{Dir: filepath.Join(data, "media")}, MaxBytes: 1 << 20})
	img := image.NewNRGBA(image.Rect(0, 0, 1000, 500))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var pngBytes bytes.Buffer
	png.Encode(&pngBytes, img)
	m, _, err := lib.Upload(ctx, "diagram.png", &pngBytes, 0)
	if err != nil {
		t.Fatal(err)
	}
	withImage := &blog.Post{Title: "With a diagram", Status: blog.StatusPublished, Featured: &blog.Image{Hash: m.Hash},
		Body: "![A diagram](/media/" + m.Name() + ")"}
	if err := content.New(store, markdown.New(), blog.SystemClock{}, nil).Save(ctx, withImage); err != nil {
		t.Fatal(err)
	}
	store.Close()

	const base = "https://blog.example.org"
	out := filepath.Join(t.TempDir(), "public")
	msg := runOctavo(t, bin, "build", "--data", data, "--out", out, "--base-url", base)
	if !strings.Contains(msg, "Built ") {
		t.Errorf("build said: %s", msg)
	}
	if _, err := os.Stat(filepath.Join(out, "an", "old", "address", "index.html")); err != nil {
		t.Errorf("the database's redirect is not built: %v", err)
	}
	for _, f := range []string{m.Name(), m.Hash + "-480.png", m.Hash + "-960.png"} {
		if _, err := os.Stat(filepath.Join(out, "media", f)); err != nil {
			t.Errorf("media file not built: %v", err)
		}
	}
	url := serveProcess(t, bin, "--data", data, "--base-url", base, "--no-seed")
	compareWithServer(t, out, url)
}

// runBuild runs `octavo build` in the test process.
func runBuild(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = cli.Run(context.Background(), append([]string{"build"}, args...), cli.Env{
		Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errb})
	return out.String(), errb.String(), err
}

// TestBuildContent builds Hugo's example site: problems on stderr with file
// and line, a summary on stdout, the pages in the output; --strict fails
// on errors; a missing base URL is refused.
func TestBuildContent(t *testing.T) {
	src := filepath.Join("..", "..", "..", "shared", "testdata", "markdown", "hugoBasicExample")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("shared test data not found: %v", err)
	}
	out := filepath.Join(t.TempDir(), "public")
	stdout, stderr, err := runBuild(t, "--content", src, "--out", out, "--cache", t.TempDir())
	if err != nil {
		t.Fatalf("build: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "Built ") || !strings.Contains(stderr, "emoji-support.md:32: warning: the Hugo shortcode \"css.inline\"") {
		t.Errorf("stdout %q\nstderr %q", stdout, stderr)
	}
	for _, f := range []string{"index.html", "post/emoji-support/index.html", "about-us/index.html", "_redirects", "404.html", "sitemap.xml.gz"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(out, "search", "index.json")); !strings.Contains(string(b), `{"u":"/post/emoji-support/","t":"Emoji Support","d":"2019-03-05","g":["emoji"],"s":"Guide to emoji usage in Hugo"}`) {
		t.Errorf("the search index lacks a post: %.300s", b)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "robots.txt")); !strings.Contains(string(b), "https://gohugo.io/sitemap.xml") {
		t.Errorf("the configuration's baseURL is not used: %s", b)
	}

	broken := t.TempDir()
	os.MkdirAll(filepath.Join(broken, "posts"), 0o755)
	os.WriteFile(filepath.Join(broken, "posts", "bad.md"), []byte("---\ntitle: [unclosed\n---\n"), 0o644)
	os.WriteFile(filepath.Join(broken, "posts", "good.md"), []byte("---\ntitle: Good\ndate: 2026-01-01\n---\nFine."), 0o644)
	_, stderr, err = runBuild(t, "--content", broken, "--out", filepath.Join(t.TempDir(), "o"), "--no-cache", "--base-url", "https://example.org")
	if err != nil || !strings.Contains(stderr, "bad.md:2: error:") {
		t.Errorf("a broken file must be reported and the build go on: %v\n%s", err, stderr)
	}
	_, _, err = runBuild(t, "--content", broken, "--out", filepath.Join(t.TempDir(), "o"), "--no-cache", "--base-url", "https://example.org", "--strict")
	if err == nil || !strings.Contains(err.Error(), "--strict") {
		t.Errorf("--strict: %v", err)
	}
	_, _, err = runBuild(t, "--content", broken, "--out", filepath.Join(t.TempDir(), "o"), "--no-cache")
	if err == nil || !strings.Contains(err.Error(), "no base URL") {
		t.Errorf("without a base URL: %v", err)
	}
	_, _, err = runBuild(t, "--content", broken, "--out", broken, "--no-cache", "--base-url", "https://example.org")
	if err == nil || !strings.Contains(err.Error(), "overlaps") {
		t.Errorf("building into the content: %v", err)
	}
	_, _, err = runBuild(t, "--data", filepath.Join(t.TempDir(), "none"), "--out", filepath.Join(t.TempDir(), "o"), "--base-url", "https://example.org")
	if err == nil || !strings.Contains(err.Error(), "no blog in") {
		t.Errorf("a data folder without a blog: %v", err)
	}
}

// TestBuildWatch: build --watch builds again after a file changes.
func TestBuildWatch(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "posts"), 0o755)
	os.WriteFile(filepath.Join(dir, "posts", "a.md"), []byte("---\ntitle: First title\ndate: 2026-01-01\n---\nA."), 0o644)
	out := filepath.Join(t.TempDir(), "public")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, []string{"build", "--content", dir, "--out", out, "--no-cache", "--base-url", "https://example.org", "--watch"},
			cli.Env{Getenv: func(string) string { return "" }, Stdout: stdout, Stderr: &syncBuffer{}})
	}()
	page := filepath.Join(out, "2026", "01", "a", "index.html")
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if cond() {
				return
			}
		}
		t.Fatalf("%s did not happen; output:\n%s", what, stdout.String())
	}
	waitFor("the first build", func() bool { return strings.Contains(stdout.String(), "Built ") })
	// Edit until the watcher (started after the first build) sees it,
	// once a second: more often would keep it waiting for quiet.
	var wrote time.Time
	waitFor("a rebuild", func() bool {
		if time.Since(wrote) > time.Second {
			os.WriteFile(filepath.Join(dir, "posts", "a.md"), []byte("---\ntitle: Second title\ndate: 2026-01-01\n---\nA."), 0o644)
			wrote = time.Now()
		}
		b, _ := os.ReadFile(page)
		return strings.Contains(string(b), "Second title")
	})
	waitFor("the rebuild's line", func() bool { return strings.Contains(stdout.String(), "Rebuilt ") })
	// A post in a new folder (the folder is read again), then a post
	// removed (only its path is looked at).
	os.MkdirAll(filepath.Join(dir, "posts", "more"), 0o755)
	os.WriteFile(filepath.Join(dir, "posts", "more", "b.md"), []byte("---\ntitle: B\ndate: 2026-01-02\n---\nB."), 0o644)
	waitFor("the new post's page", func() bool {
		_, err := os.Stat(filepath.Join(out, "2026", "01", "b", "index.html"))
		return err == nil
	})
	os.Remove(filepath.Join(dir, "posts", "a.md"))
	waitFor("the removed post's page to go", func() bool {
		_, err := os.Stat(page)
		return os.IsNotExist(err)
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestContentBuildMatchesServe builds Hugo's example site and serves it
// with `octavo serve --content`, as two processes, and compares every file
// with the server's answer for its URL.
func TestContentBuildMatchesServe(t *testing.T) {
	src, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "testdata", "markdown", "hugoBasicExample"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); err != nil {
		t.Skipf("shared test data not found: %v", err)
	}
	bin := sharedBinary(t)
	help, _ := exec.Command(bin, "serve", "--help").CombinedOutput()
	if !strings.Contains(string(help), "-content") {
		t.Skip("this octavo serve has no --content")
	}
	// A copy, with a bundle image and a static file: the folder is the
	// same for both processes.
	site := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(site, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(site, "content", "post", "trip"), 0o755)
	os.WriteFile(filepath.Join(site, "content", "post", "trip", "index.md"), []byte("---\ntitle: Trip\ndate: 2019-04-01\n---\n![A view](view.svg)\n"), 0o644)
	os.WriteFile(filepath.Join(site, "content", "post", "trip", "view.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 0o644)
	os.MkdirAll(filepath.Join(site, "static"), 0o755)
	os.WriteFile(filepath.Join(site, "static", "humans.txt"), []byte("Hugo Authors\n"), 0o644)

	const base = "https://blog.example.org"
	out := filepath.Join(t.TempDir(), "public")
	runOctavo(t, bin, "build", "--content", site, "--out", out, "--base-url", base, "--cache", t.TempDir())
	url := serveProcess(t, bin, "--content", site, "--base-url", base, "--data", t.TempDir())
	compareWithServer(t, out, url)
}
