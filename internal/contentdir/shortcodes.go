package contentdir

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Shortcodes are Hugo's macros in Markdown: {{< name args >}} (its inner
// text taken as is) and {{% name args %}} (as Markdown), some paired with a
// closing {{< /name >}}. Octavo runs a small set of them (see
// docs/content-folder.md); any other is left visible in the page, wrapped
// in <code class="shortcode">, and reported once per file with its line.
// Like Hugo, shortcodes are found everywhere in the body, code blocks
// included: {{</* name */>}} writes a shortcode as text.

// refPrefix marks where a ref or relref shortcode stood; the site replaces
// "octavo:ref:N:" with the path of the N-th target once every file is known.
const refPrefix = "octavo:ref:"

// shortcodeUse is a shortcode Octavo does not run, as reported.
type shortcodeUse struct {
	Name  string
	Line  int // of its first use, in the file
	Count int
}

// expanded is a body with its shortcodes run.
type expanded struct {
	Body    string
	Refs    []string // targets of ref and relref, by placeholder number
	Unknown []shortcodeUse
}

// shortcode is one {{< … >}} or {{% … %}} tag.
type shortcode struct {
	start, end int // byte offsets of the whole tag in the body
	name       string
	closing    bool   // {{< /name >}}
	escaped    bool   // {{</* … */>}}: written as text
	raw        string // the text between the delimiters, for escaped ones
	pos        []string
	named      map[string]string
}

var (
	shortcodeNameRE = regexp.MustCompile(`^[A-Za-z0-9_.\-/]+`)
	argNameRE       = regexp.MustCompile(`^([A-Za-z0-9_\-]+)=`)
)

// nextShortcode finds the first shortcode tag at or after from.
func nextShortcode(s string, from int) (shortcode, bool) {
	for {
		i := strings.Index(s[from:], "{{")
		if i < 0 {
			return shortcode{}, false
		}
		start := from + i
		rest := s[start+2:]
		if len(rest) == 0 || (rest[0] != '<' && rest[0] != '%') {
			from = start + 2
			continue
		}
		delim := rest[0]
		closer := ">}}"
		if delim == '%' {
			closer = "%}}"
		}
		inner := rest[1:]
		sc := shortcode{start: start}
		if strings.HasPrefix(inner, "/*") {
			end := strings.Index(inner, "*/"+closer)
			if end < 0 {
				from = start + 2
				continue
			}
			sc.escaped = true
			sc.raw = "{{" + string(delim) + inner[2:end] + closer
			sc.end = start + 3 + end + 2 + len(closer)
			return sc, true
		}
		end := strings.Index(inner, closer)
		if end < 0 || end > 4096 {
			from = start + 2
			continue
		}
		sc.end = start + 3 + end + len(closer)
		body := strings.TrimSpace(inner[:end])
		if strings.HasPrefix(body, "/") {
			sc.closing = true
			body = strings.TrimSpace(body[1:])
		}
		name := shortcodeNameRE.FindString(body)
		if name == "" {
			from = start + 2
			continue
		}
		sc.name = name
		sc.raw = s[start:sc.end]
		sc.pos, sc.named = shortcodeArgs(body[len(name):])
		return sc, true
	}
}

// shortcodeArgs splits the arguments of a shortcode: positional values and
// name=value pairs, values bare or quoted with " or `.
func shortcodeArgs(s string) ([]string, map[string]string) {
	var pos []string
	named := map[string]string{}
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		if s == "" {
			return pos, named
		}
		key := ""
		if m := argNameRE.FindStringSubmatch(s); m != nil {
			key = m[1]
			s = s[len(m[0]):]
		}
		var val string
		switch {
		case strings.HasPrefix(s, `"`):
			end := 1
			for end < len(s) && s[end] != '"' {
				if s[end] == '\\' {
					end++
				}
				end++
			}
			if u, err := strconv.Unquote(s[:min(end+1, len(s))]); err == nil {
				val = u
			} else {
				val = strings.Trim(s[:min(end+1, len(s))], `"`)
			}
			s = s[min(end+1, len(s)):]
		case strings.HasPrefix(s, "`"):
			end := strings.IndexByte(s[1:], '`')
			if end < 0 {
				val, s = s[1:], ""
			} else {
				val, s = s[1:1+end], s[2+end:]
			}
		default:
			end := strings.IndexAny(s, " \t\r\n")
			if end < 0 {
				end = len(s)
			}
			val, s = s[:end], s[end:]
		}
		if key != "" {
			named[key] = val
		} else {
			pos = append(pos, val)
		}
	}
}

// arg returns a named argument, else the positional one at i.
func (sc shortcode) arg(name string, i int) string {
	if v, ok := sc.named[name]; ok {
		return v
	}
	if i >= 0 && i < len(sc.pos) {
		return sc.pos[i]
	}
	return ""
}

// pairedShortcodes are the shortcodes Octavo runs that take inner text.
var pairedShortcodes = map[string]bool{"highlight": true}

// knownShortcodes are those Octavo runs.
var knownShortcodes = map[string]bool{
	"highlight": true, "figure": true, "ref": true, "relref": true,
	"youtube": true, "vimeo": true, "vimeo_simple": true,
	"gist": true, "tweet": true, "twitter": true, "twitter_simple": true, "x": true,
}

// expandShortcodes runs the shortcodes of body. firstLine is the line of
// the file the body starts on, for reports.
func expandShortcodes(body string, firstLine int) expanded {
	var out expanded
	if !strings.Contains(body, "{{<") && !strings.Contains(body, "{{%") {
		out.Body = body
		return out
	}
	fences := fencedRanges(body)
	inFence := func(off int) bool {
		for _, r := range fences {
			if off >= r[0] && off < r[1] {
				return true
			}
		}
		return false
	}
	seen := map[string]int{} // unknown name → index in out.Unknown
	var b strings.Builder
	b.Grow(len(body) + 256)
	last := 0
	for from := 0; ; {
		sc, ok := nextShortcode(body, from)
		if !ok {
			break
		}
		b.WriteString(body[last:sc.start])
		last, from = sc.end, sc.end
		line := firstLine + strings.Count(body[:sc.start], "\n")
		switch {
		case sc.escaped:
			b.WriteString(visible(sc.raw, inFence(sc.start)))
		case !knownShortcodes[sc.name]:
			if i, ok := seen[sc.name]; ok && !sc.closing {
				out.Unknown[i].Count++
			} else if !ok && !sc.closing {
				seen[sc.name] = len(out.Unknown)
				out.Unknown = append(out.Unknown, shortcodeUse{Name: sc.name, Line: line, Count: 1})
			}
			b.WriteString(visible(sc.raw, inFence(sc.start)))
		case sc.closing:
			// A closing tag without its opening: keep it visible.
			b.WriteString(visible(sc.raw, inFence(sc.start)))
		case pairedShortcodes[sc.name]:
			closeAt, closeEnd := findClosing(body, sc.end, sc.name)
			if closeAt < 0 {
				b.WriteString(visible(sc.raw, inFence(sc.start)))
				continue
			}
			inner := body[sc.end:closeAt]
			last, from = closeEnd, closeEnd
			b.WriteString(runPaired(sc, inner))
		default:
			b.WriteString(runShortcode(sc, &out))
		}
	}
	b.WriteString(body[last:])
	out.Body = b.String()
	return out
}

// findClosing finds {{< /name >}} (or {{% /name %}}) after from.
func findClosing(s string, from int, name string) (start, end int) {
	for {
		sc, ok := nextShortcode(s, from)
		if !ok {
			return -1, -1
		}
		if sc.closing && sc.name == name {
			return sc.start, sc.end
		}
		from = sc.end
	}
}

// visible writes a shortcode's text so that it shows in the page as typed:
// inside a fenced code block it already does; elsewhere it is wrapped in
// <code> with its characters escaped, so Markdown leaves it alone.
func visible(raw string, inFence bool) string {
	if inFence {
		return raw
	}
	return `<code class="shortcode">` + html.EscapeString(raw) + `</code>`
}

// runPaired runs a shortcode with inner text (highlight).
func runPaired(sc shortcode, inner string) string {
	inner = strings.TrimPrefix(strings.TrimPrefix(inner, "\r"), "\n")
	inner = strings.TrimRight(inner, " \t\r\n")
	lang := sc.arg("lang", 0)
	fence := "```"
	for strings.Contains(inner, fence) {
		fence += "`"
	}
	return "\n" + fence + lang + "\n" + inner + "\n" + fence + "\n"
}

// runShortcode runs a shortcode without inner text.
func runShortcode(sc shortcode, out *expanded) string {
	attr := html.EscapeString
	switch sc.name {
	case "ref", "relref":
		target := sc.arg("path", 0)
		out.Refs = append(out.Refs, target)
		return refPrefix + strconv.Itoa(len(out.Refs)-1) + ":"
	case "figure":
		src := sc.arg("src", -1)
		var b strings.Builder
		b.WriteString("\n\n<figure")
		if c := sc.arg("class", -1); c != "" {
			b.WriteString(` class="` + attr(c) + `"`)
		}
		b.WriteString(">")
		link := sc.arg("link", -1)
		if link != "" {
			b.WriteString(`<a href="` + attr(link) + `">`)
		}
		alt := sc.arg("alt", -1)
		if alt == "" {
			alt = sc.arg("title", -1)
		}
		if alt == "" {
			alt = sc.arg("caption", -1)
		}
		b.WriteString(`<img src="` + attr(src) + `" alt="` + attr(alt) + `"`)
		for _, k := range []string{"width", "height"} {
			if v := sc.arg(k, -1); v != "" {
				b.WriteString(" " + k + `="` + attr(v) + `"`)
			}
		}
		b.WriteString(` loading="lazy">`)
		if link != "" {
			b.WriteString("</a>")
		}
		title, caption := sc.arg("title", -1), sc.arg("caption", -1)
		if title != "" || caption != "" {
			b.WriteString("<figcaption>")
			if title != "" {
				b.WriteString("<strong>" + attr(title) + "</strong>")
				if caption != "" {
					b.WriteString(" ")
				}
			}
			b.WriteString(attr(caption) + "</figcaption>")
		}
		b.WriteString("</figure>\n\n")
		return b.String()
	case "youtube":
		id := sc.arg("id", 0)
		title := sc.arg("title", -1)
		if title == "" {
			title = "YouTube video"
		}
		return "\n\n" + `<div class="video"><iframe src="https://www.youtube-nocookie.com/embed/` + url.PathEscape(id) +
			`" title="` + attr(title) + `" allow="fullscreen; picture-in-picture" loading="lazy"></iframe></div>` + "\n\n"
	case "vimeo", "vimeo_simple":
		id := sc.arg("id", 0)
		title := sc.arg("title", -1)
		if title == "" {
			title = "Vimeo video"
		}
		return "\n\n" + `<div class="video"><iframe src="https://player.vimeo.com/video/` + url.PathEscape(id) +
			`?dnt=1" title="` + attr(title) + `" allow="fullscreen; picture-in-picture" loading="lazy"></iframe></div>` + "\n\n"
	case "gist":
		user, id := sc.arg("user", 0), sc.arg("id", 1)
		u := "https://gist.github.com/" + url.PathEscape(user) + "/" + url.PathEscape(id)
		return `<a class="embed" href="` + attr(u) + `">Gist ` + attr(user+"/"+id) + `</a>`
	default: // tweet, twitter, twitter_simple, x
		user, id := sc.arg("user", 0), sc.arg("id", 1)
		if id == "" && len(sc.pos) == 1 {
			user, id = "", sc.pos[0]
		}
		u := "https://x.com/" + url.PathEscape(user) + "/status/" + url.PathEscape(id)
		if user == "" {
			u = "https://x.com/i/status/" + url.PathEscape(id)
		}
		label := "Post " + id
		if user != "" {
			label = "Post by @" + user
		}
		return `<a class="embed" href="` + attr(u) + `">` + attr(label) + `</a>`
	}
}

// fencedRanges returns the byte ranges of fenced code blocks (``` or ~~~)
// in a Markdown text, from the opening fence to the end of the closing one.
func fencedRanges(s string) [][2]int {
	var out [][2]int
	off := 0
	open := -1
	var fenceChar byte
	fenceLen := 0
	for off < len(s) {
		end := strings.IndexByte(s[off:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += off + 1
		}
		line := strings.TrimLeft(s[off:end], " ")
		if indent := len(s[off:end]) - len(line); indent <= 3 && len(line) >= 3 && (line[0] == '`' || line[0] == '~') {
			c := line[0]
			n := 0
			for n < len(line) && line[n] == c {
				n++
			}
			switch {
			case open < 0 && n >= 3:
				open, fenceChar, fenceLen = off, c, n
			case open >= 0 && c == fenceChar && n >= fenceLen && strings.TrimSpace(line[n:]) == "":
				out = append(out, [2]int{open, end})
				open = -1
			}
		}
		off = end
	}
	if open >= 0 {
		out = append(out, [2]int{open, len(s)})
	}
	return out
}

// unknownMessage is the warning for a shortcode Octavo does not run.
func unknownMessage(u shortcodeUse) string {
	msg := fmt.Sprintf("the Hugo shortcode %q is not one Octavo runs: it is shown as text in the page", u.Name)
	if u.Count > 1 {
		msg += fmt.Sprintf(" (%d uses)", u.Count)
	}
	return msg
}
