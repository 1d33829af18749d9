package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Cache-Control values by kind of URL.
const (
	// Pages, feeds, the sitemap and redirects: browsers and proxies may keep
	// them but ask every time (a cheap 304 from the cache), so an edit shows
	// at once.
	revalidateCacheControl = "public, max-age=0, must-revalidate"
	// Theme assets live under content-hashed URLs: a changed file gets a new
	// URL, so a copy never goes stale.
	immutableCacheControl = "public, max-age=31536000, immutable"
	// Not-found pages: a path may exist a minute later (a scheduled post).
	notFoundCacheControl = "no-cache"
)

// answer is what the server knows of a response before it is cached.
type answer struct {
	status       int
	contentType  string
	cacheControl string
	location     string // for redirects
	body         []byte
	deps         []string
}

// form is one encoding of an answer, with the header values that go with
// it, computed once.
type form struct {
	body     []byte
	etag     []string // a strong validator of exactly these bytes
	length   []string // Content-Length
	encoding []string // Content-Encoding; nil for identity
}

// identity returns the identity form, its body inflated from the gzip
// form (see entry.lazy). The first time a client asks for it, the
// inflated bytes serve that request only; from the second time on they
// are kept: a single request without gzip (a script, a link checker, a
// tool fetching each page once) does not pin five times the page's cached
// bytes, and a page that such clients keep asking for is inflated twice.
func (e *entry) identity() *form {
	if e.lazy == nil {
		return &e.plain
	}
	if f := e.lazy.Load(); f != nil {
		return f
	}
	body, err := gunzipBytes(e.gz.body, e.plainLen)
	if err != nil {
		// Our own gzip bytes do not inflate: a bug, not a client problem.
		panic("web: cached gzip form of " + e.key + " does not inflate: " + err.Error())
	}
	f := e.plain
	f.body = body
	if e.identityAsks.Add(1) == 1 {
		return &f
	}
	if e.lazy.CompareAndSwap(nil, &f) && e.owner != nil {
		e.owner.grow(e, int64(len(body)))
	}
	return e.lazy.Load()
}

// field is a header set on every response of an entry.
type field struct {
	key   string // in canonical form, as net/http keeps it
	value []string
}

// entry is one cached answer: its bytes in every form and every header
// value, so that a hit only assigns prepared slices and copies bytes.
//
// A hit sends seven headers of its own (Content-Type, Content-Length,
// Content-Encoding, ETag, Last-Modified, Cache-Control, Vary) and nothing
// more: net/http copies and sorts the header map of every response, and
// bench/serve measured each extra header (a security header, a request id
// nobody logs) in the cost of a hit.
type entry struct {
	key    string
	status int
	// plain is the identity form. A page with a gzip form keeps only that
	// one: nearly every client asks for gzip (browsers, feed readers,
	// crawlers), and the compressed page is a fifth of the size, so the
	// cache holds five times as many pages in the same bytes. Then
	// plain.body is nil, and lazy holds the identity form once clients
	// without gzip asked for it twice (identityAsks; then kept and counted).
	plain        form
	lazy         *atomic.Pointer[form]
	identityAsks atomic.Int32
	plainLen     int
	owner        *Cache // set by put: where lazy growth is counted
	gz           form   // body nil when compressing does not pay
	// full are the headers of a full response, short those of a 304
	// (RFC 9110 §15.4.5: the validators and caching headers, no
	// Content-Type).
	full, short []field
	lastMod     time.Time
	// imsAfter is the earliest If-Modified-Since (Unix seconds) that proves
	// the client has this version: Last-Modified itself, or one second later
	// when an invalidation happened in the second this entry was made (an
	// older version may carry the same Last-Modified).
	imsAfter int64
	deps     []string
	size     int64

	prev, next *entry // the cache's LRU list
}

var (
	varyValue     = []string{"Accept-Encoding"}
	gzipEncoding  = []string{"gzip"}
	canonicalKeys = struct{ contentType, cacheControl, vary, lastModified, location string }{
		"Content-Type", "Cache-Control", "Vary", "Last-Modified", "Location"}
)

// newEntry prepares an answer for serving from memory: it compresses the
// body when that helps and computes a strong ETag for each form.
// lastMod is truncated to the second; strictIMS says an invalidation
// happened in that second. keepIdentity keeps the identity bytes beside
// the gzip form (theme assets: few, and never evicted).
func newEntry(key string, a answer, lastMod time.Time, strictIMS, keepIdentity bool) *entry {
	lastMod = lastMod.UTC().Truncate(time.Second)
	e := &entry{key: key, status: a.status, lastMod: lastMod, imsAfter: lastMod.Unix(), deps: a.deps}
	if strictIMS {
		e.imsAfter++
	}
	e.plain = newForm(a.body, nil)
	e.plainLen = len(a.body)
	if compressible(a.contentType) && len(a.body) >= 256 {
		if z := gzipBytes(a.body); len(z) < len(a.body) {
			e.gz = newForm(z, gzipEncoding)
		}
	}
	switch {
	case e.gz.body != nil && !keepIdentity:
		e.plain.body = nil
		e.lazy = new(atomic.Pointer[form])
	case cap(a.body)-len(a.body) > 512:
		// A render leaves its buffer's spare capacity behind (often as
		// much again as the page); the cache keeps exactly the bytes.
		e.plain.body = bytes.Clone(a.body)
	}
	k := canonicalKeys
	cc := []string{a.cacheControl}
	lm := []string{lastMod.Format(http.TimeFormat)}
	e.full = []field{
		{k.contentType, []string{a.contentType}},
		{k.cacheControl, cc},
		{k.vary, varyValue},
		{k.lastModified, lm},
	}
	if a.location != "" {
		e.full = append(e.full, field{k.location, []string{a.location}})
	}
	e.short = []field{{k.cacheControl, cc}, {k.vary, varyValue}, {k.lastModified, lm}}
	// What the entry holds, plus an estimate of the bookkeeping: the entry
	// and its headers (~700 bytes), and per dependency key its string and
	// its share of the index (a map entry, often a small map of its own).
	e.size = int64(len(e.plain.body)+len(e.gz.body)+2*len(key)) + 700
	for _, d := range e.deps {
		e.size += int64(len(d)) + 112
	}
	return e
}

func newForm(body []byte, encoding []string) form {
	sum := sha256.Sum256(body)
	// 18 bytes of SHA-256 (144 bits) make a 24-character tag.
	return form{
		body:     body,
		etag:     []string{`"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`},
		length:   []string{strconv.Itoa(len(body))},
		encoding: encoding,
	}
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "xml") || strings.Contains(ct, "json") ||
		strings.Contains(ct, "javascript") || strings.Contains(ct, "svg")
}

// gzipWriters keeps compressors between renders: a level-9 writer holds
// about a megabyte of state, too much to allocate on every miss.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
	return zw
}}

var gzipReaders sync.Pool

// gunzipBytes inflates a gzip form of n bytes.
func gunzipBytes(z []byte, n int) ([]byte, error) {
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(z))
	} else {
		err = zr.Reset(bytes.NewReader(z))
	}
	if err != nil {
		return nil, err
	}
	defer gzipReaders.Put(zr)
	out := make([]byte, n)
	if _, err := io.ReadFull(zr, out); err != nil {
		return nil, err
	}
	return out, nil
}

// gzipBytes compresses at the best level: it runs once per page change,
// and every hit afterwards is served the smaller bytes.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/3 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	gzipWriters.Put(zw)
	return bytes.Clone(buf.Bytes()) // exact size: the cache keeps it long
}

// write answers a request from the entry: 304 when the client has this
// version, the gzip form when the client accepts it, no body for HEAD.
func (e *entry) write(w http.ResponseWriter, r *http.Request) {
	f := &e.gz
	if f.body == nil || !acceptsGzip(r.Header["Accept-Encoding"]) {
		f = &e.plain // its validators; the body may be inflated below
	}
	h := w.Header()
	if e.status == http.StatusOK && notModified(r.Header, f.etag[0], e.imsAfter) {
		for _, kv := range e.short {
			h[kv.key] = kv.value
		}
		h["Etag"] = f.etag
		w.WriteHeader(http.StatusNotModified)
		return
	}
	for _, kv := range e.full {
		h[kv.key] = kv.value
	}
	h["Etag"] = f.etag
	h["Content-Length"] = f.length
	if f.encoding != nil {
		h["Content-Encoding"] = f.encoding
	}
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		if f.body == nil {
			f = e.identity()
		}
		if n := len(f.body); n > corkAbove && n <= corkUpTo {
			if k, ok := r.Context().Value(connKey{}).(corker); ok {
				// The headers and the body leave in one write (see
				// corker), even if something below panicked.
				k.Cork(n + 1<<10)
				defer k.Uncork()
				_, _ = w.Write(f.body)
				_ = http.NewResponseController(w).Flush()
				return
			}
		}
		_, _ = w.Write(f.body)
	}
}
