package frontmatter

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// post has the kinds of value front matter carries. The json tags serve
// the YAML decoder too.
type post struct {
	Title string    `toml:"title" json:"title"`
	Date  time.Time `toml:"date" json:"date"`
	Tags  []string  `toml:"tags" json:"tags"`
	Draft bool      `toml:"draft" json:"draft"`
}

var wantPost = post{
	Title: "Hello: world",
	Date:  time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC),
	Tags:  []string{"go", "blogging"},
	Draft: true,
}

const tomlFile = `+++
title = "Hello: world"
date = 2024-05-01T10:30:00Z
tags = ["go", "blogging"]
draft = true
+++

Body text.
`

const yamlFile = `---
title: "Hello: world"
date: 2024-05-01T10:30:00Z
tags:
  - go
  - blogging
draft: true
---

Body text.
`

const jsonFile = `{
  "title": "Hello: world",
  "date": "2024-05-01T10:30:00Z",
  "tags": ["go", "blogging"],
  "draft": true
}

Body text.
`

func TestDecode(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		format   Format
		bodyLine int
	}{
		{"toml", tomlFile, FormatTOML, 7},
		{"yaml", yamlFile, FormatYAML, 9},
		{"json", jsonFile, FormatJSON, 8},
		{"toml crlf", crlf(tomlFile), FormatTOML, 7},
		{"yaml crlf", crlf(yamlFile), FormatYAML, 9},
		{"json crlf", crlf(jsonFile), FormatJSON, 8},
		{"toml bom", "\ufeff" + tomlFile, FormatTOML, 7},
		{"yaml bom", "\ufeff" + yamlFile, FormatYAML, 9},
		{"json bom crlf", "\ufeff" + crlf(jsonFile), FormatJSON, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got post
			r, err := Decode([]byte(tt.src), &got)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, wantPost) {
				t.Errorf("decoded %+v, want %+v", got, wantPost)
			}
			if r.Format != tt.format {
				t.Errorf("Format = %q, want %q", r.Format, tt.format)
			}
			wantBody := "Body text.\n"
			if strings.Contains(tt.src, "\r\n") {
				wantBody = "Body text.\r\n"
			}
			if body := string(bytes.TrimLeft(r.Body, "\r\n")); body != wantBody {
				t.Errorf("Body = %q, want %q", r.Body, wantBody)
			}
			if !strings.HasSuffix(tt.src, string(r.Body)) {
				t.Errorf("Body %q is not a suffix of the file", r.Body)
			}
			if r.BodyLine != tt.bodyLine {
				t.Errorf("BodyLine = %d, want %d", r.BodyLine, tt.bodyLine)
			}
			// The body starts on BodyLine of the file.
			lines := strings.SplitAfter(tt.src, "\n")
			if start := strings.Join(lines[r.BodyLine-1:], ""); start != string(r.Body) {
				t.Errorf("line %d on is %q, body is %q", r.BodyLine, start, r.Body)
			}

			// Parse agrees with Decode.
			var again post
			body, line, err := Parse([]byte(tt.src), &again)
			if err != nil || !bytes.Equal(body, r.Body) || line != r.BodyLine || !reflect.DeepEqual(again, got) {
				t.Errorf("Parse = %q, %d, %v; Decode = %q, %d", body, line, err, r.Body, r.BodyLine)
			}
		})
	}
}

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func TestNoFrontMatter(t *testing.T) {
	for _, src := range []string{"", "Just text.\n", "# Title\n\n---\n", "+++ not a fence\n", "--- not a fence\n---\n", "\ufeffText"} {
		var p post
		r, err := Decode([]byte(src), &p)
		if err != nil {
			t.Errorf("Decode(%q): %v", src, err)
			continue
		}
		want := strings.TrimPrefix(src, "\ufeff")
		if r.Format != FormatNone || string(r.Body) != want || r.BodyLine != 1 {
			t.Errorf("Decode(%q) = %q, %q, %d; want none, the whole file, 1", src, r.Format, r.Body, r.BodyLine)
		}
		if !reflect.DeepEqual(p, post{}) {
			t.Errorf("Decode(%q) set %+v", src, p)
		}
	}
}

func TestEmptyFrontMatter(t *testing.T) {
	for _, src := range []string{"+++\n+++\nBody\n", "---\n---\nBody\n", "{}\nBody\n"} {
		var p post
		r, err := Decode([]byte(src), &p)
		if err != nil {
			t.Errorf("Decode(%q): %v", src, err)
			continue
		}
		if string(r.Body) != "Body\n" || r.BodyLine != 3-strings.Count(src[:1], "{") {
			t.Errorf("Decode(%q) = %q at line %d", src, r.Body, r.BodyLine)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int
		msg  string // in the message
	}{
		{"unclosed toml", "+++\ntitle = \"x\"\n\nBody\n", 1, `"+++" is never closed`},
		{"unclosed yaml", "---\ntitle: x\n\nBody\n", 1, `"---" is never closed`},
		{"unclosed yaml crlf", "---\r\ntitle: x\r\n", 1, "never closed"},
		{"toml syntax", "+++\ntitle = \"x\"\ndraft = = true\n+++\n", 3, "TOML"},
		{"toml type", "+++\ntitle = \"x\"\n\ndraft = \"yes\"\n+++\n", 4, "TOML"},
		{"toml after bom", "\ufeff+++\ntitle = \"x\"\ndraft = = true\n+++\n", 3, "TOML"},
		{"yaml syntax", "---\ntitle: x\ntags: [a, b\n---\n", 3, "YAML"},
		{"yaml type", "---\ntitle: x\ntags: [a]\ndraft: maybe\n---\n", 4, "YAML"},
		{"yaml key after a list", "---\n- a\ndraft: true\n---\n", 3, "YAML"},
		{"yaml duplicate key", "---\ntitle: x\ndraft: true\ntitle: y\n---\n", 4, "already defined"},
		{"yaml unclosed quote", "---\ndraft: true\ntitle: \"x\n---\n", 3, "YAML"},
		{"yaml tab", "---\ntitle: x\n\tdraft: true\n---\n", 3, "YAML"},
		{"json syntax", "{\n  \"title\": \"x\",\n  \"draft\": tru\n}\n", 3, "JSON"},
		{"json type", "{\n  \"title\": \"x\",\n\n  \"draft\": \"yes\"\n}\n", 4, "JSON"},
		{"json unclosed", "{\n  \"title\": \"x\"\n", 1, "never closed"},
		{"json time", "{\"title\": \"x\",\n\"date\": \"May 1st\"}\n", 2, "JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p post
			_, err := Decode([]byte(tt.src), &p)
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if fe.Line != tt.line {
				t.Errorf("line %d, want %d: %v", fe.Line, tt.line, err)
			}
			if !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("message %q lacks %q", fe.Msg, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("Error() = %q", err)
			}
		})
	}
}

// TestVariants reads the same posts written with TOML, YAML and JSON front
// matter (shared test data, read in place) and checks that the three
// decode to the same values and leave the same body.
func TestVariants(t *testing.T) {
	dir := sharedTestdata(t, "markdown/derived-frontmatter-variants")
	paths, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	posts := map[string]map[Format]string{} // post name → format → path
	for _, p := range paths {
		base := filepath.Base(p)
		name, enc, ok := strings.Cut(strings.TrimSuffix(base, ".md"), ".")
		if !ok {
			t.Fatalf("unexpected file %s", base)
		}
		if posts[name] == nil {
			posts[name] = map[Format]string{}
		}
		posts[name][Format(enc)] = p
	}
	if len(posts) == 0 {
		t.Fatalf("no posts in %s", dir)
	}
	for name, files := range posts {
		t.Run(name, func(t *testing.T) {
			if len(files) != 3 || files[FormatTOML] == "" || files[FormatYAML] == "" || files[FormatJSON] == "" {
				t.Fatalf("want toml, yaml and json files, got %v", files)
			}
			metas := map[Format]map[string]any{}
			bodies := map[Format]string{}
			for f, path := range files {
				src, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				var m map[string]any
				r, err := Decode(src, &m)
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				if r.Format != f {
					t.Errorf("%s: Format = %q", path, r.Format)
				}
				metas[f] = normalize(t, m)
				bodies[f] = strings.TrimLeft(string(r.Body), "\r\n")
			}
			common := commonKeys(metas)
			if len(common) < 3 {
				t.Fatalf("only %d keys in common: %v", len(common), common)
			}
			for _, k := range common {
				want := metas[FormatTOML][k]
				for _, f := range []Format{FormatYAML, FormatJSON} {
					if got := metas[f][k]; !reflect.DeepEqual(got, want) {
						t.Errorf("%s: %s = %#v, TOML says %#v", f, k, got, want)
					}
				}
			}
			for _, f := range []Format{FormatYAML, FormatJSON} {
				if bodies[f] != bodies[FormatTOML] {
					t.Errorf("%s body differs from the TOML one", f)
				}
			}
		})
	}
}

// normalize makes values from the three decoders comparable: numbers,
// lists and times become what encoding/json makes of them.
func normalize(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func commonKeys(metas map[Format]map[string]any) []string {
	var keys []string
	for k := range metas[FormatTOML] {
		if _, ok := metas[FormatYAML][k]; !ok {
			continue
		}
		if _, ok := metas[FormatJSON][k]; !ok {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sharedTestdata returns the path of a file or folder under the shared
// test data, which lies beside the repository (../shared/testdata from the
// directory of go.mod). When it is missing the test is skipped, or fails
// under CI or OCTAVO_REQUIRE_TOOLS, where it must be there.
func sharedTestdata(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "testdata", filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" || os.Getenv("OCTAVO_REQUIRE_TOOLS") != "" {
			t.Fatalf("shared test data missing: %v", err)
		}
		t.Skipf("shared test data missing (set CI or OCTAVO_REQUIRE_TOOLS to fail instead): %v", err)
	}
	return path
}
