// Package frontmatter splits a Markdown file into its front matter and its
// body. TOML (between "+++" lines), YAML (between "---" lines) and JSON (a
// leading object) are read, as Hugo writes them; errors say the line of the
// file they stand on.
//
// A struct decoded from several formats names its keys once per decoder:
// `toml:"title" json:"title"` serves all three, since the YAML decoder
// falls back to the json tag (and lacking both, to the lower-cased field
// name).
package frontmatter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/goccy/go-yaml"
)

// Error is a front matter problem at a line of the file (1-based).
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Format is the encoding of a file's front matter.
type Format string

// The formats of front matter Decode tells apart.
const (
	FormatNone Format = "none" // no front matter: the file is all body
	FormatTOML Format = "toml"
	FormatYAML Format = "yaml"
	FormatJSON Format = "json"
)

// Result is what Decode found in a file.
type Result struct {
	Format   Format
	Body     []byte // what follows the front matter: a suffix of the file
	BodyLine int    // the line of the file Body starts on (1-based)
}

// bom is the UTF-8 byte order mark some editors put at the start of a file.
var bom = []byte("\xef\xbb\xbf")

// Parse decodes the front matter of src into v and returns the body and the
// line the body starts on. A file without front matter is all body.
func Parse(src []byte, v any) (body []byte, bodyLine int, err error) {
	r, err := Decode(src, v)
	if err != nil {
		return nil, 0, err
	}
	return r.Body, r.BodyLine, nil
}

// Decode is Parse that also tells the format of the front matter. A byte
// order mark at the start of src is skipped. Errors are *Error values,
// with the line counted in src.
func Decode(src []byte, v any) (Result, error) {
	src = bytes.TrimPrefix(src, bom)
	switch {
	case isFence(src, "+++"):
		meta, rest, line, err := fenced(src, "+++")
		if err != nil {
			return Result{}, err
		}
		if _, err := toml.Decode(string(meta), v); err != nil {
			return Result{}, tomlError(err)
		}
		return Result{Format: FormatTOML, Body: rest, BodyLine: line}, nil
	case isFence(src, "---"):
		meta, rest, line, err := fenced(src, "---")
		if err != nil {
			return Result{}, err
		}
		if err := decodeYAML(meta, v); err != nil {
			return Result{}, err
		}
		return Result{Format: FormatYAML, Body: rest, BodyLine: line}, nil
	case bytes.HasPrefix(src, []byte("{")):
		dec := json.NewDecoder(bytes.NewReader(src))
		if err := dec.Decode(v); err != nil {
			return Result{}, jsonError(src, dec, err)
		}
		off := int(dec.InputOffset())
		rest := bytes.TrimLeft(src[off:], " \t\r\n")
		return Result{Format: FormatJSON, Body: rest, BodyLine: lineAt(src, len(src)-len(rest))}, nil
	}
	return Result{Format: FormatNone, Body: src, BodyLine: 1}, nil
}

// isFence reports whether src starts with a line that is exactly fence.
func isFence(src []byte, fence string) bool {
	rest, ok := bytes.CutPrefix(src, []byte(fence))
	return ok && (bytes.HasPrefix(rest, []byte("\n")) || bytes.HasPrefix(rest, []byte("\r\n")))
}

// fenced cuts the front matter between a first line "fence" and the next
// line that is exactly "fence".
func fenced(src []byte, fence string) (meta, rest []byte, bodyLine int, err error) {
	lines := bytes.SplitAfter(src, []byte("\n"))
	off := len(lines[0])
	for i := 1; i < len(lines); i++ {
		if string(bytes.TrimRight(lines[i], "\r\n")) == fence {
			end := off + len(lines[i])
			return src[len(lines[0]):off], src[end:], lineAt(src, end), nil
		}
		off += len(lines[i])
	}
	return nil, nil, 0, &Error{Line: 1, Msg: fmt.Sprintf("front matter opened with %q is never closed", fence)}
}

// tomlError turns a TOML error into an *Error on the line of the file: the
// decoder counts from the line after the fence.
func tomlError(err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &Error{Line: pe.Position.Line + 1, Msg: "TOML front matter: " + pe.Message}
	}
	// A value of the wrong type is a plain error that names its line:
	// "toml: line 3 (last key "draft"): incompatible types: …".
	if m := tomlLineRE.FindStringSubmatch(err.Error()); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			return &Error{Line: n + 1, Msg: "TOML front matter: " + m[2]}
		}
	}
	return &Error{Line: 2, Msg: "TOML front matter: " + err.Error()}
}

var tomlLineRE = regexp.MustCompile(`^toml: line (\d+) (.*)$`)

// decodeYAML decodes YAML front matter into v. An empty block leaves v
// as it is.
func decodeYAML(meta []byte, v any) error {
	if len(bytes.TrimSpace(meta)) == 0 {
		return nil
	}
	err := yaml.Unmarshal(meta, v)
	if err == nil {
		return nil
	}
	line := 2
	msg := err.Error()
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
			line = yamlLine(meta, tk.Position.Line) + 1
		}
	}
	return &Error{Line: line, Msg: "YAML front matter: " + strings.TrimSpace(msg)}
}

// yamlLine returns the line of meta (counting "\n" as this package does)
// on which line n of the YAML decoder starts: YAML also ends a line at a
// lone "\r".
func yamlLine(meta []byte, n int) int {
	breaks := 0
	for i := 0; i < len(meta) && breaks < n-1; i++ {
		switch meta[i] {
		case '\r':
			if i+1 < len(meta) && meta[i+1] == '\n' {
				i++
			}
			breaks++
		case '\n':
			breaks++
		}
		if breaks == n-1 {
			return bytes.Count(meta[:i+1], []byte("\n")) + 1
		}
	}
	if breaks < n-1 { // past the end: the last line
		return bytes.Count(meta, []byte("\n")) + 1
	}
	return 1
}

// jsonError turns a JSON error into an *Error on the line where the
// decoder stopped.
func jsonError(src []byte, dec *json.Decoder, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &Error{Line: 1, Msg: "JSON front matter opened with \"{\" is never closed"}
	}
	off := int(dec.InputOffset())
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = int(se.Offset) - 1 // the offset is just past the bad byte
	case errors.As(err, &te):
		off = int(te.Offset)
	}
	return &Error{Line: lineAt(src, off), Msg: "JSON front matter: " + err.Error()}
}

func lineAt(src []byte, off int) int {
	if off > len(src) {
		off = len(src)
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(src[:off], []byte("\n")) + 1
}
