package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// vnuJar is the path of the Nu checker's jar, relative to the repository
// root. npm installs it from e2e/package.json.
const vnuJar = "e2e/node_modules/vnu-jar/build/dist/vnu.jar"

// vnuStartTimeout bounds how long the Nu checker server may take to answer
// its first request.
const vnuStartTimeout = 60 * time.Second

// vnuServer is the one Nu checker server of the test process.
var vnuServer struct {
	once sync.Once
	mu   sync.Mutex // guards cmd and done for stopVNU
	url  string
	err  error
	cmd  *exec.Cmd
	done <-chan struct{} // closed when the process has exited
	out  *tailBuffer
}

// ValidateHTML checks page with the W3C Nu HTML checker and fails the test,
// listing every error, when the page is not valid HTML. Warnings (messages of
// type "info") do not fail it. name identifies the page in the messages, for
// example its URL path.
//
// The first call starts one checker server for the whole test process (a JVM:
// it takes a few seconds); later calls reuse it and take well under a second.
// It skips or fails the test through RequireTool when java or the vnu jar
// (installed by npm in e2e/) is missing. Call RunMain from TestMain to stop
// the server when the tests end.
func ValidateHTML(t testing.TB, name string, page []byte) {
	t.Helper()
	errs, err := CheckHTML(page)
	requireErr(t, "validating "+name, err)
	if len(errs) > 0 {
		t.Errorf("%s is not valid HTML (W3C Nu checker), %d error(s):\n  %s", name, len(errs), strings.Join(errs, "\n  "))
	}
}

// CheckHTML checks page with the shared W3C Nu HTML checker server (started
// on first use, see ValidateHTML) and returns one line per error, as
// "LINE:COLUMN: MESSAGE (extract)". Warnings are left out. The error is
// non-nil when the checker could not run; it wraps ErrToolMissing when java
// or the vnu jar is missing.
func CheckHTML(page []byte) ([]string, error) {
	base, err := startVNU()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, base+"/?out=json", bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/html; charset=utf-8")
	client := &http.Client{Timeout: 60 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("posting to the Nu checker: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the Nu checker's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the Nu checker answered %s: %.500s", resp.Status, body)
	}
	var result struct {
		Messages []struct {
			Type        string `json:"type"`
			SubType     string `json:"subType"`
			Message     string `json:"message"`
			Extract     string `json:"extract"`
			LastLine    int    `json:"lastLine"`
			FirstColumn int    `json:"firstColumn"`
			LastColumn  int    `json:"lastColumn"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &result); err != nil {
		return nil, fmt.Errorf("decoding the Nu checker's answer: %w: %.500s", err, body)
	}
	var errs []string
	for _, m := range result.Messages {
		switch m.Type {
		case "error", "non-document-error":
		default: // "info", with or without subType "warning"
			continue
		}
		col := m.FirstColumn
		if col == 0 {
			col = m.LastColumn
		}
		line := fmt.Sprintf("%d:%d: %s", m.LastLine, col, m.Message)
		if m.Type == "non-document-error" {
			line = "checker: " + m.Message
		}
		if ex := strings.TrimSpace(m.Extract); ex != "" {
			line += fmt.Sprintf(" (near %q)", ex)
		}
		errs = append(errs, line)
	}
	return errs, nil
}

// PrestartHTMLValidator starts the shared Nu checker server in the
// background and returns at once, so that the JVM's start (5–12 s on a busy
// two-core machine) overlaps with other tests. Calling it is optional: the
// first ValidateHTML or CheckHTML starts the server anyway, and waits for it.
// Call it from TestMain before RunMain in packages that validate many pages.
func PrestartHTMLValidator() {
	go func() { _, _ = startVNU() }()
}

// startVNU starts the Nu checker server once and returns its base URL.
func startVNU() (string, error) {
	vnuServer.once.Do(func() {
		vnuServer.url, vnuServer.err = launchVNU()
	})
	return vnuServer.url, vnuServer.err
}

// launchVNU starts java with the Nu checker servlet on a free loopback port
// and waits until it answers.
func launchVNU() (string, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return "", fmt.Errorf("java (a JRE 17 or later): %w", ErrToolMissing)
	}
	root, err := findRepoRoot()
	if err != nil {
		return "", err
	}
	jar := filepath.Join(root, vnuJar)
	if _, err := os.Stat(jar); err != nil {
		return "", fmt.Errorf("the vnu jar %s (npm ci in e2e/): %w", jar, ErrToolMissing)
	}
	port, err := freePort()
	if err != nil {
		return "", err
	}
	cmd := exec.Command(java,
		"-Dnu.validator.servlet.bind-address=127.0.0.1",
		"-cp", jar, "nu.validator.servlet.Main", strconv.Itoa(port))
	out := &tailBuffer{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	done, err := startWithDeathSignal(cmd)
	if err != nil {
		return "", fmt.Errorf("starting the Nu checker: %w", err)
	}
	vnuServer.mu.Lock()
	vnuServer.cmd, vnuServer.done, vnuServer.out = cmd, done, out
	vnuServer.mu.Unlock()

	base := "http://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(vnuStartTimeout)
	for {
		resp, err := client.Get(base + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, nil
			}
		}
		select {
		case <-done:
			return "", fmt.Errorf("the Nu checker exited before it answered: %v\n%s", cmd.ProcessState, out)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stopVNU()
			return "", fmt.Errorf("the Nu checker did not answer on %s within %v (last error: %v)\n%s", base, vnuStartTimeout, err, out)
		}
	}
}

// stopVNU kills the Nu checker server, if one runs, and waits for it.
func stopVNU() {
	vnuServer.mu.Lock()
	defer vnuServer.mu.Unlock()
	if vnuServer.cmd == nil {
		return
	}
	_ = vnuServer.cmd.Process.Kill()
	<-vnuServer.done
	vnuServer.cmd = nil
}

// startWithDeathSignal starts cmd so that the kernel kills it when the test
// process dies, and returns a channel that is closed when it has exited.
//
// Linux sends the parent-death signal when the thread that started the child
// exits, not the process. So the child is started from a goroutine that stays
// locked to its thread, waiting for the child, until the child exits.
func startWithDeathSignal(cmd *exec.Cmd) (<-chan struct{}, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	started := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return done, nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer is an io.Writer, safe for concurrent use, that keeps only the
// last max bytes written to it: enough to explain a failed start.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// Write appends p, dropping the oldest bytes beyond the limit.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// String returns what the buffer holds.
func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
