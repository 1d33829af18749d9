package cli_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/cli"
	"octavo/internal/store/sqlite"
)

// TestGracefulShutdown runs the real binary under load and sends it
// SIGTERM half-way: every request the server accepted must get its whole
// answer, the process must exit 0, and the database must have been closed
// cleanly (SQLite checkpoints and removes the WAL file on a clean close).
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := sharedBinary(t)
	data := filepath.Join(dir, "data")
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0", "--shutdown-timeout", "10s")
	cmd.Env = append(os.Environ(), "OCTAVO_LOG_FORMAT=json")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	var stderrMu sync.Mutex
	cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		stderrMu.Lock()
		defer stderrMu.Unlock()
		return stderr.Write(p)
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	})

	// "Octavo is serving DIR at http://127.0.0.1:PORT/"
	base := ""
	sc := bufio.NewScanner(stdout)
	urlRE := regexp.MustCompile(`at (http://127\.0\.0\.1:[0-9]+)/`)
	for sc.Scan() {
		if m := urlRE.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		t.Fatalf("the server did not say where it listens; stderr:\n%s", stderr.String())
	}
	go io.Copy(io.Discard, stdout)
	go func() { exited <- cmd.Wait() }()

	// What to ask for: cached pages, and unknown paths, which are never
	// cached, so renders are in flight when the signal comes.
	res, err := http.Get(base + "/archive/")
	if err != nil {
		t.Fatal(err)
	}
	archive, _ := io.ReadAll(res.Body)
	res.Body.Close()
	paths := []string{"/", "/archive/", "/about/", "/feed.xml"}
	for _, m := range regexp.MustCompile(`href="(/20[0-9][0-9]/[0-9][0-9]/[^"]+/)"`).FindAllSubmatch(archive, -1) {
		paths = append(paths, string(m[1]))
	}
	if len(paths) < 8 {
		t.Fatalf("the demo blog's archive lists too few posts: %v", paths)
	}

	const workers = 32
	const runFor = 2 * time.Second
	var ok, notAccepted, inFlightAtSignal atomic.Int64
	var failures []string
	var failMu sync.Mutex
	fail := func(format string, args ...any) {
		failMu.Lock()
		defer failMu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	var signalled atomic.Bool
	tr := &http.Transport{MaxIdleConnsPerHost: workers, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 15 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), runFor)
	defer cancel()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				path, want := paths[(w+i)%len(paths)], http.StatusOK
				if i%4 == 3 {
					path, want = fmt.Sprintf("/no/such/page/%d-%d/", w, i), http.StatusNotFound
				}
				before := signalled.Load()
				res, err := client.Get(base + path)
				if err != nil {
					// No answer began: the server never accepted the
					// request (the listener was closed, or the connection
					// was closed while idle). A client retries those.
					notAccepted.Add(1)
					if !signalled.Load() {
						fail("GET %s failed before the signal: %v", path, err)
					}
					continue
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				switch {
				case err != nil:
					fail("GET %s: the answer was cut off after %d bytes: %v", path, len(body), err)
				case res.StatusCode != want:
					fail("GET %s: status %d, want %d", path, res.StatusCode, want)
				case strconv.Itoa(len(body)) != res.Header.Get("Content-Length") || !strings.HasSuffix(string(body), "</html>\n") && path != "/feed.xml":
					fail("GET %s: %d bytes, Content-Length %s", path, len(body), res.Header.Get("Content-Length"))
				default:
					ok.Add(1)
					if !before && signalled.Load() {
						inFlightAtSignal.Add(1)
					}
				}
			}
		})
	}
	time.Sleep(runFor / 2)
	signalled.Store(true)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("octavo exited with %v, want 0", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("octavo did not exit within 15 s of SIGTERM")
	}
	t.Logf("%d complete answers (%d of them to requests in flight at SIGTERM), %d requests not accepted after it",
		ok.Load(), inFlightAtSignal.Load(), notAccepted.Load())
	for _, f := range failures {
		t.Error(f)
	}
	if ok.Load() < workers {
		t.Errorf("only %d complete answers: the load did not run", ok.Load())
	}
	stderrMu.Lock()
	logs := stderr.String()
	stderrMu.Unlock()
	if !strings.Contains(logs, "stopped: every request finished") {
		t.Errorf("no clean stop in the log:\n%s", logs)
	}

	// The database was closed cleanly: no WAL left behind, and it opens.
	if fi, err := os.Stat(filepath.Join(data, "octavo.db-wal")); err == nil && fi.Size() > 0 {
		t.Errorf("octavo.db-wal (%d bytes) was left behind: the database was not closed", fi.Size())
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(data, "octavo.db"))
	if err != nil {
		t.Fatalf("reopening the database: %v", err)
	}
	defer store.Close()
	posts, _, err := store.ListPosts(context.Background(), blog.ListQuery{Now: time.Now(), Limit: 100})
	if err != nil || len(posts) == 0 {
		t.Errorf("reading the reopened database: %d posts, %v", len(posts), err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestSIGTERMDuringStartup stops the server at the moment it has started
// answering but is still looking up the setup link (as a SIGTERM after
// the first served page can): serve must shut down gracefully, not wait
// for ever for its background work (it did, and hung the process).
func TestSIGTERMDuringStartup(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out strings.Builder
	var mu sync.Mutex
	stdout := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasPrefix(string(p), "Octavo is serving") {
			cancel() // the setup link's lookup comes next
		}
		return out.Write(p)
	})
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--no-seed"},
			cli.Env{Getenv: func(string) string { return "" }, Stdout: stdout, Stderr: io.Discard})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after a SIGTERM during start-up: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not return 30 s after a SIGTERM during start-up")
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(out.String(), "Octavo is serving") {
		t.Errorf("the server never started:\n%s", out.String())
	}
}
