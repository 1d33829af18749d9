package testkit

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"
)

// python is Debian's Python, which sees the python3-feedparser package (the
// python3 on PATH may be another install that does not).
const python = "/usr/bin/python3"

// feedparserScript fetches the URL in argv[1] with feedparser, without any
// proxy, and prints a JSON summary of what it parsed.
const feedparserScript = `
import json, sys, urllib.request
import feedparser

d = feedparser.parse(sys.argv[1], handlers=[urllib.request.ProxyHandler({})])
f = d.get("feed", {})
entries = []
for e in d.get("entries", []):
    entries.append({
        "id": e.get("id", ""),
        "title": e.get("title", ""),
        "link": e.get("link", ""),
        "published": e.get("published", ""),
        "updated": e.get("updated", ""),
        "summary_length": len(e.get("summary", "") or ""),
        "content_length": sum(len(c.get("value", "") or "") for c in e.get("content", []) or []),
        "tags": [t.get("term", "") for t in e.get("tags", []) or []],
    })
print(json.dumps({
    "version": d.get("version", ""),
    "bozo": int(bool(d.get("bozo", 0))),
    "bozo_exception": str(d.get("bozo_exception", "")),
    "status": d.get("status", 0),
    "feed": {
        "title": f.get("title", ""),
        "link": f.get("link", ""),
        "id": f.get("id", ""),
        "updated": f.get("updated", ""),
        "language": f.get("language", ""),
    },
    "entries": entries,
}))
`

// Feedparser fetches the feed at url with Python's feedparser (the lenient
// parser most feed readers resemble) and returns what it parsed, decoded from
// JSON, so numbers are float64 and lists are []any:
//
//	version         string   "rss20", "atom10", … ("" when not a feed)
//	bozo            float64  1 when the feed is not well formed (assert 0)
//	bozo_exception  string   why, when bozo is 1
//	status          float64  the HTTP status
//	feed            map      title, link, id, updated, language
//	entries         []any    maps with id, title, link, published, updated,
//	                         summary_length, content_length, tags ([]any of
//	                         strings)
//
// It does not judge the result: assert on it in the test. It skips or fails
// the test through RequireTool when /usr/bin/python3 cannot import
// feedparser.
func Feedparser(t testing.TB, url string) map[string]any {
	t.Helper()
	probe := exec.Command(python, "-c", "import feedparser")
	RequireTool(t, python+" with feedparser (Debian package python3-feedparser)", probe.Run() == nil)
	cmd := exec.Command(python, "-c", feedparserScript, url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("testkit: feedparser on %s: %v\n%s", url, err, stderr.String())
	}
	var res map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("testkit: decoding feedparser's output: %v\n%s", err, out)
	}
	return res
}
