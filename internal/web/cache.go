package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// entry is one cached answer: the rendered bytes, their gzip form and the
// header values, all computed once so that a hit only copies bytes.
type entry struct {
	key      string
	status   int
	body     []byte
	gz       []byte // nil when not worth compressing
	etag     []string
	etagGz   []string
	lastMod  time.Time
	header   http.Header // shared header values (Content-Type, Cache-Control…)
	deps     []string
	size     int64
	elem     *list.Element
	lastModH []string
}

// newEntry prepares an answer for caching: it compresses the body when
// that helps and computes a strong ETag from the bytes.
func newEntry(key string, status int, contentType, cacheControl, location string, body []byte, deps []string, now time.Time) *entry {
	sum := sha256.Sum256(body)
	tag := base64.RawURLEncoding.EncodeToString(sum[:12])
	e := &entry{
		key:     key,
		status:  status,
		body:    body,
		etag:    []string{`"` + tag + `"`},
		etagGz:  []string{`"` + tag + `-gz"`},
		lastMod: now.UTC().Truncate(time.Second),
		deps:    deps,
		header:  http.Header{},
	}
	e.lastModH = []string{e.lastMod.Format(http.TimeFormat)}
	e.header["Content-Type"] = []string{contentType}
	e.header["Cache-Control"] = []string{cacheControl}
	e.header["Vary"] = []string{"Accept-Encoding"}
	if location != "" {
		e.header["Location"] = []string{location}
	}
	if compressible(contentType) && len(body) >= 256 {
		e.gz = gzipBytes(body)
		if len(e.gz) >= len(body) {
			e.gz = nil
		}
	}
	e.size = int64(len(e.body)+len(e.gz)+len(key)) + 512
	for _, d := range deps {
		e.size += int64(len(d)) + 32
	}
	return e
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "xml") || strings.Contains(ct, "json") ||
		strings.Contains(ct, "javascript") || strings.Contains(ct, "svg")
}

// gzipBytes compresses at the best level: it runs once per page change,
// and every hit afterwards is served the smaller bytes.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// Cache holds rendered pages by URL path, bounded by bytes (least recently
// used out first), and an index from dependency keys to the paths that
// depend on them, so a write drops exactly the pages it affects.
type Cache struct {
	max int64

	mu    sync.Mutex
	size  int64
	items map[string]*entry
	lru   *list.List
	index map[string]map[string]struct{} // dependency key → paths
	gen   uint64                         // bumped by every invalidation

	hits, misses, renders, evictions atomic.Int64
}

// NewCache returns a cache holding at most maxBytes.
func NewCache(maxBytes int64) *Cache {
	return &Cache{max: maxBytes, items: map[string]*entry{}, lru: list.New(), index: map[string]map[string]struct{}{}}
}

// get returns the cached answer for a path, nil on a miss.
func (c *Cache) get(key string) *entry {
	c.mu.Lock()
	e := c.items[key]
	if e != nil {
		c.lru.MoveToFront(e.elem)
	}
	c.mu.Unlock()
	if e != nil {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	return e
}

// generation returns a token to pass to put: a put whose page was
// rendered before a later invalidation is dropped, since it may be stale.
func (c *Cache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put stores e unless an invalidation happened since gen.
func (c *Cache) put(e *entry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || e.size > c.max {
		return
	}
	if old := c.items[e.key]; old != nil {
		c.remove(old)
	}
	e.elem = c.lru.PushFront(e)
	c.items[e.key] = e
	c.size += e.size
	for _, d := range e.deps {
		set := c.index[d]
		if set == nil {
			set = map[string]struct{}{}
			c.index[d] = set
		}
		set[e.key] = struct{}{}
	}
	for c.size > c.max {
		last := c.lru.Back()
		if last == nil {
			break
		}
		c.remove(last.Value.(*entry))
		c.evictions.Add(1)
	}
}

// remove takes e out; the caller holds the lock.
func (c *Cache) remove(e *entry) {
	c.lru.Remove(e.elem)
	delete(c.items, e.key)
	c.size -= e.size
	for _, d := range e.deps {
		if set := c.index[d]; set != nil {
			delete(set, e.key)
			if len(set) == 0 {
				delete(c.index, d)
			}
		}
	}
}

// Invalidate drops every page that depends on one of keys, and returns how
// many it dropped.
func (c *Cache) Invalidate(keys []string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	n := 0
	for _, k := range keys {
		for path := range c.index[k] {
			if e := c.items[path]; e != nil {
				c.remove(e)
				n++
			}
		}
	}
	return n
}

// Flush drops everything.
func (c *Cache) Flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.items = map[string]*entry{}
	c.index = map[string]map[string]struct{}{}
	c.lru.Init()
	c.size = 0
}

// Has reports whether a path is cached (for tests and metrics).
func (c *Cache) Has(path string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.items[path]
	return ok
}

// Stats is a snapshot of the cache's counters.
type Stats struct {
	Entries                          int
	Bytes                            int64
	Hits, Misses, Renders, Evictions int64
}

// Stats returns the cache's counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	n, size := len(c.items), c.size
	c.mu.Unlock()
	return Stats{Entries: n, Bytes: size, Hits: c.hits.Load(), Misses: c.misses.Load(), Renders: c.renders.Load(), Evictions: c.evictions.Load()}
}

// write answers a request from a cached entry: 304 when the client has it,
// the gzip form when the client accepts it.
func (e *entry) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	useGz := e.gz != nil && acceptsGzip(r.Header["Accept-Encoding"])
	etag := e.etag
	if useGz {
		etag = e.etagGz
	}
	h["Etag"] = etag
	h["Last-Modified"] = e.lastModH
	if e.status == http.StatusOK && notModified(r, etag[0], e.lastMod) {
		delete(h, "Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := e.body
	if useGz {
		body = e.gz
		h["Content-Encoding"] = gzipHeader
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

var gzipHeader = []string{"gzip"}

// notModified applies If-None-Match, else If-Modified-Since (RFC 9110).
func notModified(r *http.Request, etag string, lastMod time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !lastMod.After(t)
	}
	return false
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a non-zero quality.
func acceptsGzip(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			name = strings.TrimSpace(name)
			if !strings.EqualFold(name, "gzip") && name != "*" {
				continue
			}
			q := strings.TrimSpace(params)
			if q == "" {
				return true
			}
			if qv, ok := strings.CutPrefix(q, "q="); ok {
				f, err := strconv.ParseFloat(qv, 64)
				return err == nil && f > 0
			}
			return true
		}
	}
	return false
}
