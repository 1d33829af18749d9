package fastlex

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// chromaTestdata returns chroma's own lexer test files (from the module
// cache), skipping when the go tool cannot say where they are.
func chromaTestdata(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/alecthomas/chroma/v2").Output()
	if err != nil {
		t.Skipf("cannot locate chroma's sources: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "lexers", "testdata", "*.actual"))
	if len(files) == 0 {
		t.Skip("chroma's test files are not there")
	}
	return files
}

func tokens(t *testing.T, l chroma.Lexer, text string) []chroma.Token {
	t.Helper()
	it, err := l.Tokenise(nil, text)
	if err != nil {
		t.Fatal(err)
	}
	return it.Tokens()
}

// TestSameTokens lexes chroma's test file of every regular-expression
// lexer with chroma and with the wrapper: the tokens must be the same.
func TestSameTokens(t *testing.T) {
	files := chromaTestdata(t)
	var slow, fast time.Duration
	tested := 0
	sample := map[string]bool{"go": true, "python": true, "javascript": true, "bash": true, "html": true, "css": true,
		"rust": true, "java": true, "c": true, "yaml": true, "json": true, "sql": true, "markdown": true, "php": true}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".actual")
		if (raceEnabled || testing.Short()) && !sample[name] {
			continue
		}
		orig, ok := lexers.Get(name).(*chroma.RegexLexer)
		if !ok {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(src)
		s := time.Now()
		want := tokens(t, orig, text)
		slow += time.Since(s)
		s = time.Now()
		got := tokens(t, Wrap(orig), text)
		fast += time.Since(s)
		tested++
		if len(got) != len(want) {
			t.Errorf("%s: %d tokens, want %d", name, len(got), len(want))
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: token %d is %v, want %v", name, i, got[i], want[i])
				break
			}
		}
	}
	if want := 100; !raceEnabled && !testing.Short() && tested < want {
		t.Errorf("only %d lexers tested", tested)
	}
	t.Logf("%d lexers: chroma %v, wrapped %v", tested, slow, fast)
}
