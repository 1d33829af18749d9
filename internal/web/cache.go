package web

import (
	"sync"
	"sync/atomic"
	"time"

	"octavo/internal/blog"
)

// Cache holds rendered answers by URL path, bounded by bytes (the least
// recently used go first), with an index from dependency keys (see
// blog.DepPost…) to the entries made from them, so that a write drops
// exactly the pages it affects:
//
//   - a page is rendered with the keys of everything it shows (render.Page
//     Deps); put files the entry under each key;
//   - a write calls Invalidate with the keys it touched (content.Service
//     computes them); every entry filed under one of them goes, nothing else;
//   - a render that began before an invalidation may hold stale content, so
//     its put is dropped (the generation check), and the next request
//     renders again.
//
// Other processes sharing the database (PostgreSQL, a later issue) call
// Invalidate with the keys they receive by LISTEN/NOTIFY; the static build
// can use the same keys to rebuild only the files a write touched.
//
// One mutex guards everything: a hit holds it for a map lookup and a list
// move (tens of nanoseconds). Profiles under bench/serve put all of
// Octavo's own hit-path code under 1 % of the CPU and show no contention on
// two cores, so the cache is neither sharded nor read-locked (an RWMutex
// variant measured the same; see docs/benchmarks.md).
type Cache struct {
	max   int64
	clock blog.Clock // dates Last-Modified and invalidations; web.New sets the server's

	mu    sync.Mutex
	size  int64
	items map[string]*entry
	// head is the sentinel of a circular list, most recently used first.
	head  entry
	index map[string]map[*entry]struct{} // dependency key → entries
	gen   uint64                         // bumped by every invalidation

	// lastInvalidation is the Unix second of the latest invalidation; an
	// entry rendered in that same second cannot be told apart from its
	// predecessor by Last-Modified (see entry.imsAfter).
	lastInvalidation atomic.Int64

	hits, misses, renders, evictions, dropped, invalidated atomic.Int64
}

// NewCache returns a cache holding at most maxBytes of answers (bodies, their
// gzip forms and an estimate of the bookkeeping).
func NewCache(maxBytes int64) *Cache {
	c := &Cache{max: maxBytes, clock: blog.SystemClock{}, items: map[string]*entry{}, index: map[string]map[*entry]struct{}{}}
	c.head.next, c.head.prev = &c.head, &c.head
	return c
}

// MaxBytes returns the bound the cache was made with.
func (c *Cache) MaxBytes() int64 { return c.max }

// get returns the cached answer for a path and counts a hit or a miss; nil
// on a miss.
func (c *Cache) get(key string) *entry {
	e := c.lookup(key)
	if e == nil {
		c.misses.Add(1)
	}
	return e
}

// lookup returns the cached answer for a path, counting a hit and making it
// the most recently used; a miss is not counted (the caller may not be
// asking for a page at all).
func (c *Cache) lookup(key string) *entry {
	c.mu.Lock()
	e := c.items[key]
	if e != nil && c.head.next != e {
		c.unlink(e)
		c.pushFront(e)
	}
	c.mu.Unlock()
	if e != nil {
		c.hits.Add(1)
	}
	return e
}

// peek returns the cached answer for a path without counting or touching
// the LRU order.
func (c *Cache) peek(key string) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items[key]
}

// generation returns a token to pass to put: a put whose page was
// rendered before a later invalidation is dropped, since it may be stale.
func (c *Cache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put stores e unless an invalidation happened since gen, and evicts the
// least recently used entries until the cache fits its bound again. It
// reports whether e was stored.
func (c *Cache) put(e *entry, gen uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		c.dropped.Add(1)
		return false
	}
	if e.size > c.max {
		return false
	}
	if old := c.items[e.key]; old != nil {
		c.remove(old)
	}
	e.owner = c
	c.pushFront(e)
	c.items[e.key] = e
	c.size += e.size
	for _, d := range e.deps {
		set := c.index[d]
		if set == nil {
			set = make(map[*entry]struct{}, 1)
			c.index[d] = set
		}
		set[e] = struct{}{}
	}
	for c.size > c.max && c.head.prev != &c.head {
		c.remove(c.head.prev)
		c.evictions.Add(1)
	}
	return true
}

// grow counts n more bytes for e (its identity form, inflated on demand)
// while it is cached, and evicts to stay within the bound.
func (c *Cache) grow(e *entry, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items[e.key] != e {
		return // dropped meanwhile; nothing counts it any more
	}
	e.size += n
	c.size += n
	for c.size > c.max && c.head.prev != &c.head {
		c.remove(c.head.prev)
		c.evictions.Add(1)
	}
}

func (c *Cache) pushFront(e *entry) {
	e.prev, e.next = &c.head, c.head.next
	c.head.next.prev = e
	c.head.next = e
}

func (c *Cache) unlink(e *entry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

// remove takes e out of the map, the list and the index; the caller holds
// the lock.
func (c *Cache) remove(e *entry) {
	c.unlink(e)
	delete(c.items, e.key)
	c.size -= e.size
	for _, d := range e.deps {
		if set := c.index[d]; set != nil {
			delete(set, e)
			if len(set) == 0 {
				delete(c.index, d)
			}
		}
	}
}

// Invalidate drops every answer made from one of keys. Renders in progress
// when it is called will not be stored. Its signature fits content.New's
// changed callback.
func (c *Cache) Invalidate(keys []string) {
	c.lastInvalidation.Store(c.clock.Now().Unix())
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, k := range keys {
		for e := range c.index[k] {
			c.remove(e)
			c.invalidated.Add(1)
		}
	}
}

// now is the cache's clock, truncated to the second as HTTP dates are.
func (c *Cache) now() time.Time { return c.clock.Now().UTC().Truncate(time.Second) }

// Flush drops everything (a theme or configuration change).
func (c *Cache) Flush() {
	c.lastInvalidation.Store(c.clock.Now().Unix())
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.invalidated.Add(int64(len(c.items)))
	clear(c.items)
	clear(c.index)
	c.head.next, c.head.prev = &c.head, &c.head
	c.size = 0
}

// Has reports whether a path is cached (for tests and tools).
func (c *Cache) Has(path string) bool {
	return c.peek(path) != nil
}

// Stats is a snapshot of the cache's counters.
type Stats struct {
	Entries   int
	Bytes     int64 // the accounted size, at most the bound
	Keys      int   // dependency keys indexed
	Hits      int64
	Misses    int64
	Renders   int64 // pages rendered on a miss (once per flight of concurrent misses)
	Evictions int64 // entries pushed out by the byte bound
	Dropped   int64 // renders not stored because an invalidation overtook them
	// Invalidated counts entries dropped by Invalidate and Flush.
	Invalidated int64
}

// Stats returns the cache's counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	n, size, keys := len(c.items), c.size, len(c.index)
	c.mu.Unlock()
	return Stats{Entries: n, Bytes: size, Keys: keys, Hits: c.hits.Load(), Misses: c.misses.Load(),
		Renders: c.renders.Load(), Evictions: c.evictions.Load(), Dropped: c.dropped.Load(),
		Invalidated: c.invalidated.Load()}
}
