package cli_test

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"octavo/internal/store/postgres/pgtest"
	"octavo/internal/testkit"
)

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

// TestMain removes the binary sharedBinary built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// sharedBinary builds cmd/octavo once per test run, for the tests that run
// it as its own process.
func sharedBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		var err error
		if binDir, err = os.MkdirTemp("", "octavo-bin-"); err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(binDir, "octavo")
		out, err := exec.Command("go", "build", "-o", binPath, "octavo/cmd/octavo").CombinedOutput()
		if err != nil {
			binErr = err
			t.Logf("%s", out)
		}
	})
	if binErr != nil {
		t.Fatalf("building octavo: %v", binErr)
	}
	return binPath
}

var servingRE = regexp.MustCompile(`at (http://[^ ]+)/\n`)

// process is an `octavo serve` running as its own process.
type process struct {
	url  string
	cmd  *exec.Cmd
	logs *syncBuffer
}

func startProcess(t *testing.T, args ...string) *process {
	t.Helper()
	cmd := exec.Command(sharedBinary(t), append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	p := &process{cmd: cmd, logs: &syncBuffer{}}
	cmd.Stderr = p.logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// A server that does not stop on SIGTERM is a bug: SIGQUIT makes
		// it print its goroutines to the logs, and the test says so.
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Signal(syscall.SIGQUIT)
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-done
			}
			t.Errorf("serve did not stop within 30 s of SIGTERM; its logs and goroutines:\n%s", p.logs)
		}
	})
	line := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		s, _ := r.ReadString('\n')
		line <- s
		io.Copy(io.Discard, r)
	}()
	select {
	case s := <-line:
		m := servingRE.FindStringSubmatch(s)
		if m == nil {
			t.Fatalf("unexpected first line %q; logs:\n%s", s, p.logs)
		}
		p.url = m[1]
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start; logs:\n%s", p.logs)
	}
	return p
}

func body(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestTwoProcessesOnePostgres runs two servers on one PostgreSQL database:
// a write made elsewhere shows on both within a second (LISTEN/NOTIFY drops
// their cached pages), and exactly one of them runs the scheduler.
func TestTwoProcessesOnePostgres(t *testing.T) {
	db := pgtest.NewDatabase(t)
	a := startProcess(t, "--database", db, "--data", t.TempDir())
	b := startProcess(t, "--database", db, "--data", t.TempDir())
	for _, p := range []*process{a, b} {
		if !strings.Contains(body(t, p.url+"/"), "Welcome to Octavo") {
			t.Fatalf("%s: demo content missing", p.url)
		}
	}
	if strings.Contains(b.logs.String(), "wrote demo content") {
		t.Error("the second process seeded the shared database again")
	}
	out, err := exec.Command(sharedBinary(t), "new", "post", "Written from a third process", "--publish", "--database", db).CombinedOutput()
	if err != nil {
		t.Fatalf("octavo new post: %v\n%s", err, out)
	}
	// A missed notification leaves a cached front page stale for good:
	// 10 s tells that apart from a busy machine. How fast it goes is
	// measured by bench/pg-pair, not judged here.
	written := time.Now()
	for _, p := range []*process{a, b} {
		for !strings.Contains(body(t, p.url+"/"), "Written from a third process") {
			if time.Since(written) > 10*time.Second {
				t.Fatalf("%s: the new post is not on the front page 10 s after the write", p.url)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Logf("the new post was on both front pages after %v", time.Since(written).Round(time.Millisecond))
	leaders := strings.Count(a.logs.String()+b.logs.String(), "this process publishes scheduled posts")
	if leaders != 1 {
		t.Errorf("%d processes run the scheduler, want 1", leaders)
	}
}

// TestNginxPair runs scripts/nginx-pair: two processes behind a real nginx
// with the configuration the docs show (docs/deploy/nginx.conf).
func TestNginxPair(t *testing.T) {
	_, err := exec.LookPath("nginx")
	testkit.RequireTool(t, "nginx", err == nil)
	pgtest.NewDatabase(t) // skips or fails the same way when PostgreSQL is down
	cmd := exec.Command(filepath.Join(testkit.RepoRoot(t), "scripts", "nginx-pair"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok: two processes behind nginx") {
		t.Fatalf("scripts/nginx-pair: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out)))
}
