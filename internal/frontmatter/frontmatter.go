// Package frontmatter splits a Markdown file into its front matter and its
// body. TOML (between "+++" lines) and JSON (a leading object) are read;
// errors say the line they stand on.
package frontmatter

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/BurntSushi/toml"
)

// Error is a front matter problem at a line of the file (1-based).
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Parse decodes the front matter of src into v and returns the body and the
// line the body starts on. A file without front matter is all body.
func Parse(src []byte, v any) (body []byte, bodyLine int, err error) {
	switch {
	case bytes.HasPrefix(src, []byte("+++\n")) || bytes.HasPrefix(src, []byte("+++\r\n")):
		meta, rest, line, err := fenced(src, "+++")
		if err != nil {
			return nil, 0, err
		}
		if _, err := toml.Decode(string(meta), v); err != nil {
			var pe toml.ParseError
			if ok := asParseError(err, &pe); ok {
				return nil, 0, &Error{Line: pe.Position.Line + 1, Msg: "TOML front matter: " + pe.Message}
			}
			return nil, 0, &Error{Line: 2, Msg: "TOML front matter: " + err.Error()}
		}
		return rest, line, nil
	case bytes.HasPrefix(src, []byte("{")):
		dec := json.NewDecoder(bytes.NewReader(src))
		if err := dec.Decode(v); err != nil {
			return nil, 0, &Error{Line: lineAt(src, int(dec.InputOffset())), Msg: "JSON front matter: " + err.Error()}
		}
		off := int(dec.InputOffset())
		rest := bytes.TrimLeft(src[off:], " \t\r\n")
		return rest, lineAt(src, len(src)-len(rest)), nil
	}
	return src, 1, nil
}

func asParseError(err error, pe *toml.ParseError) bool {
	e, ok := err.(toml.ParseError)
	if ok {
		*pe = e
	}
	return ok
}

// fenced cuts the front matter between a first line "fence" and the next
// line that is exactly "fence".
func fenced(src []byte, fence string) (meta, rest []byte, bodyLine int, err error) {
	lines := bytes.SplitAfter(src, []byte("\n"))
	off := len(lines[0])
	for i := 1; i < len(lines); i++ {
		if string(bytes.TrimRight(lines[i], "\r\n")) == fence {
			return src[len(lines[0]):off], src[off+len(lines[i]):], i + 2, nil
		}
		off += len(lines[i])
	}
	return nil, nil, 0, &Error{Line: 1, Msg: fmt.Sprintf("front matter opened with %q is never closed", fence)}
}

func lineAt(src []byte, off int) int {
	if off > len(src) {
		off = len(src)
	}
	return bytes.Count(src[:off], []byte("\n")) + 1
}
