package frontmatter

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParse checks that Parse never panics, that on success the body is a
// suffix of the input starting on the line it names, and that every error
// is an *Error on a line of the file. `go test` runs the seeds and
// testdata/fuzz; run `go test -fuzz=FuzzParse -fuzztime=60s
// ./internal/frontmatter/` to search.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		tomlFile, yamlFile, jsonFile, crlf(yamlFile), "\ufeff" + tomlFile,
		"", "+++\n", "---\n", "{", "{}", "---\r\n---\r\n", "+++\n+++", "{\"a\":1}x",
		"---\n- a\n---\nbody", "---\na: &x [*x]\n---\n", "---\n!!binary x\n---\n",
		"+++\n[a]\nb = 1\n+++\n", "\ufeff{\"title\": \"x\"}\r\n\r\nbody",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, v := range []any{new(map[string]any), new(post)} {
			body, line, err := Parse(src, v)
			if err != nil {
				var fe *Error
				if !errors.As(err, &fe) {
					t.Fatalf("error %v (%T) is not an *Error", err, err)
				}
				if fe.Line < 1 || fe.Line > bytes.Count(src, []byte("\n"))+1 {
					t.Fatalf("error on line %d of a %d-line file: %v", fe.Line, bytes.Count(src, []byte("\n"))+1, err)
				}
				continue
			}
			if !bytes.HasSuffix(src, body) {
				t.Fatalf("body %q is not a suffix of the input", body)
			}
			start := len(src) - len(body)
			if got := bytes.Count(src[:start], []byte("\n")) + 1; got != line {
				t.Fatalf("body starts on line %d, Parse says %d", got, line)
			}
		}
	})
}
