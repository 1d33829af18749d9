// Package testkit holds helpers for Octavo's tests: it finds the repository,
// runs the real checkers that the project uses (the W3C Nu HTML checker,
// headless Chromium with axe-core, Python's feedparser) and skips or fails a
// test when one of them is missing.
//
// The files of this package are ordinary Go files (not _test.go files), so the
// tests of any package can import it. It must never be imported by
// non-test code.
//
// A package whose tests use ValidateHTML, CheckHTML, Browser, Axe or
// Screenshot must stop the shared checker processes when its tests end, with
// a TestMain that calls RunMain:
//
//	func TestMain(m *testing.M) { testkit.RunMain(m) }
//
// Without it the processes still die with the test binary (they get SIGKILL
// when their parent goes away), but their temporary files stay behind.
//
// A missing tool makes a test skip, unless OCTAVO_REQUIRE_TOOLS=1 or CI is set
// in the environment: then the test fails. scripts/test installs every tool.
package testkit

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// ErrToolMissing is wrapped by the errors of the Check functions when a tool
// that they need is not installed.
var ErrToolMissing = errors.New("testkit: tool missing")

// RequireTool stops the test when the tool name is not available (ok is
// false). It fails the test when the environment asks for every tool
// (OCTAVO_REQUIRE_TOOLS=1, or CI set to anything), and skips it otherwise.
func RequireTool(t testing.TB, name string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	if toolsRequired() {
		t.Fatalf("testkit: %s is not available, and OCTAVO_REQUIRE_TOOLS=1 or CI is set; run scripts/test, which installs the test tools", name)
		return // only reached with a fake testing.TB
	}
	t.Skipf("testkit: %s is not available; skipping (run scripts/test to install the test tools)", name)
}

// toolsRequired reports whether a missing tool must fail a test instead of
// skipping it.
func toolsRequired() bool {
	return os.Getenv("OCTAVO_REQUIRE_TOOLS") == "1" || os.Getenv("CI") != ""
}

// requireErr turns an error of a Check function into a skip or a failure:
// an ErrToolMissing goes through RequireTool, any other error fails the test.
func requireErr(t testing.TB, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if errors.Is(err, ErrToolMissing) {
		RequireTool(t, err.Error(), false)
		return
	}
	t.Fatalf("testkit: %s: %v", what, err)
}

var (
	repoRootOnce sync.Once
	repoRootDir  string
	repoRootErr  error
)

// findRepoRoot walks up from the working directory to the first directory
// that holds a go.mod file.
func findRepoRoot() (string, error) {
	repoRootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			repoRootErr = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				repoRootDir = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				repoRootErr = errors.New("testkit: no go.mod above the working directory")
				return
			}
			dir = parent
		}
	})
	return repoRootDir, repoRootErr
}

// RepoRoot returns the absolute path of the repository: the nearest
// directory, from the test's working directory up, that holds go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := findRepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// SharedDir returns the absolute path of the shared/ directory that sits next
// to the repository (../shared from the repository root). It skips or fails
// the test, through RequireTool, when that directory does not exist.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(filepath.Dir(RepoRoot(t)), "shared")
	fi, err := os.Stat(dir)
	RequireTool(t, fmt.Sprintf("the shared directory %s", dir), err == nil && fi.IsDir())
	return dir
}

// RunMain runs the tests of a package and then stops the processes that
// testkit started for them (the Nu checker server and the shared Chromium),
// and exits with the tests' exit code. Call it from TestMain in every package
// that uses ValidateHTML, CheckHTML, Browser, Axe or Screenshot:
//
//	func TestMain(m *testing.M) { testkit.RunMain(m) }
func RunMain(m *testing.M) {
	code := m.Run()
	stopBrowser()
	stopVNU()
	os.Exit(code)
}

// ChromaTestdata returns chroma's own lexer test files (lexers/testdata/
// *.actual in the module cache), for tests that compare Octavo's faster
// paths with chroma's: all of them (about 250; scripts/test runs those
// tests once without the race detector for that), or, under the race
// detector or -short (lexing is ten times slower under the detector), the
// files of a sample of common languages. It fails the test when the go tool
// cannot say where chroma's sources are: they come with the module, so
// that is a broken set-up, not a reason to skip.
func ChromaTestdata(t testing.TB) (files []string, all bool) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/alecthomas/chroma/v2").Output()
	if err != nil {
		t.Fatalf("cannot locate chroma's sources: %v", err)
	}
	found, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "lexers", "testdata", "*.actual"))
	if len(found) == 0 {
		t.Fatal("chroma's test files are not in its module")
	}
	if !RaceEnabled && !testing.Short() {
		return found, true
	}
	for _, f := range found {
		if chromaSample[strings.TrimSuffix(filepath.Base(f), ".actual")] {
			files = append(files, f)
		}
	}
	return files, false
}

// chromaSample names the lexers of ChromaTestdata's sample.
var chromaSample = map[string]bool{"go": true, "python": true, "javascript": true, "bash": true, "html": true, "css": true,
	"rust": true, "java": true, "c": true, "yaml": true, "json": true, "sql": true, "markdown": true, "php": true}
