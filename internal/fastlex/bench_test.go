package fastlex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"

	"octavo/internal/testkit"
)

// BenchmarkTokenise lexes chroma's test files of the languages technical
// blogs show most, with chroma's lexers and with the wrapped ones.
//
//	go test -run '^$' -bench Tokenise -count 6 ./internal/fastlex
func BenchmarkTokenise(b *testing.B) {
	files, _ := testkit.ChromaTestdata(b)
	type sample struct {
		lexer *chroma.RegexLexer
		text  string
	}
	var samples []sample
	size := 0
	// Python's test files are in a folder of their own.
	python, _ := filepath.Glob(filepath.Join(filepath.Dir(files[0]), "python", "*.actual"))
	for _, f := range append(files, python...) {
		name := strings.TrimSuffix(filepath.Base(f), ".actual")
		if filepath.Base(filepath.Dir(f)) == "python" {
			name = "python"
		}
		if !benchLanguages[name] {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, sample{lexers.Get(name).(*chroma.RegexLexer), string(src)})
		size += len(src)
	}
	if len(samples) < len(benchLanguages) {
		b.Fatalf("found %d of the %d languages", len(samples), len(benchLanguages))
	}
	for _, kind := range []string{"chroma", "fastlex"} {
		b.Run(kind, func(b *testing.B) {
			ls := make([]chroma.Lexer, len(samples))
			for i, s := range samples {
				ls[i] = s.lexer
				if kind == "fastlex" {
					ls[i] = Wrap(s.lexer)
				}
			}
			b.SetBytes(int64(size))
			for b.Loop() {
				for i, s := range samples {
					it, err := ls[i].Tokenise(nil, s.text)
					if err != nil {
						b.Fatal(err)
					}
					for t := it(); t != chroma.EOF; t = it() {
					}
				}
			}
		})
	}
}

var benchLanguages = map[string]bool{"go": true, "python": true, "javascript": true, "bash": true}
