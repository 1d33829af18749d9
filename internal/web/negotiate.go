package web

import (
	"net/http"
	"strings"
)

// The parsers here run on every cached hit, so they walk the header values
// in place and allocate nothing.

// acceptsGzip reports whether Accept-Encoding values (RFC 9110 §12.5.3)
// allow gzip: an explicit gzip (or x-gzip) entry decides by its quality;
// without one, a "*" entry does; with neither, the answer is no.
func acceptsGzip(values []string) bool {
	star := -1 // -1: no "*" entry; 0: refused; 1: allowed
	for _, v := range values {
		for v != "" {
			var item string
			item, v, _ = strings.Cut(v, ",")
			name, params, _ := strings.Cut(item, ";")
			name = trimOWS(name)
			switch {
			case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
				return !zeroQuality(params)
			case name == "*":
				star = 1
				if zeroQuality(params) {
					star = 0
				}
			}
		}
	}
	return star == 1
}

// zeroQuality reports whether parameters carry q=0 (also "0.", "0.0",
// "0.00", "0.000"), the only quality that refuses a coding.
func zeroQuality(params string) bool {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		p = trimOWS(p)
		if len(p) < 2 || (p[0] != 'q' && p[0] != 'Q') {
			continue
		}
		val, ok := strings.CutPrefix(trimOWS(p[1:]), "=")
		if !ok {
			continue
		}
		val = trimOWS(val)
		if val == "" || val[0] != '0' {
			return false
		}
		for i := 1; i < len(val); i++ {
			if c := val[i]; c != '.' && c != '0' {
				return false
			}
		}
		return true
	}
	return false
}

// notModified applies the conditional headers of a GET or HEAD (RFC 9110
// §13.2.2): If-None-Match when present (weak comparison, "*" matches),
// otherwise If-Modified-Since against imsAfter (Unix seconds).
func notModified(h http.Header, etag string, imsAfter int64) bool {
	if inm := h["If-None-Match"]; len(inm) > 0 {
		for _, v := range inm {
			for v != "" {
				var t string
				t, v, _ = strings.Cut(v, ",")
				t = trimOWS(t)
				if t == "*" || strings.TrimPrefix(t, "W/") == etag {
					return true
				}
			}
		}
		return false
	}
	if ims := h["If-Modified-Since"]; len(ims) > 0 {
		t, err := http.ParseTime(ims[0])
		return err == nil && t.Unix() >= imsAfter
	}
	return false
}

// trimOWS trims the optional white space of HTTP (spaces and tabs).
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
