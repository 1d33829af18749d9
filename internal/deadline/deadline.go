// Package deadline wraps a listener so that the server timeouts of
// net/http cost next to nothing per request.
//
// With its four timeouts set, net/http moves a connection's read and
// write deadlines five or six times per request (the header deadline, the
// whole-request deadline, the write deadline, the idle deadline, and
// clearing them), and each move re-arms a runtime timer: on a cached page,
// some percent of the CPU a request costs. The connections of Wrap only
// note a future deadline (a mutex and two stores); one goroutine, every
// tick, applies the deadlines that have passed to the real connection,
// which wakes whatever read or write waits on it with the usual timeout
// error. A deadline is so enforced up to one tick late, which is nothing
// against timeouts of seconds.
//
// A deadline already in the past is applied at once: net/http sets one to
// wake its background read at the end of every request, and must not wait
// for a tick. So is clearing a deadline that was applied.
//
// The connections can also cork (Cork, Uncork): hold an answer's writes
// and send them with one system call.
package deadline

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Listener is a net.Listener whose connections keep deadlines coarsely.
type Listener struct {
	net.Listener
	tick time.Duration

	// Times are kept as nanoseconds since epoch, on the monotonic clock
	// (as the runtime keeps deadlines): a step of the wall clock moves
	// no timeout. now is the sweeper's clock, its last tick or when it
	// started.
	epoch time.Time
	now   atomic.Int64

	mu      sync.Mutex
	conns   map[*conn]struct{}
	running bool // the sweeper goroutine; it stops when no connection is left
}

// Wrap returns ln with coarse deadlines, applied within tick.
func Wrap(ln net.Listener, tick time.Duration) *Listener {
	return &Listener{Listener: ln, tick: tick, epoch: time.Now(), conns: map[*conn]struct{}{}}
}

// Accept waits for a connection and returns it wrapped.
func (l *Listener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := &conn{Conn: nc, l: l}
	l.mu.Lock()
	l.conns[c] = struct{}{}
	if !l.running {
		l.running = true
		l.now.Store(l.since())
		go l.sweep()
	}
	l.mu.Unlock()
	return c, nil
}

// since is the time now, as the listener keeps times.
func (l *Listener) since() int64 { return int64(time.Since(l.epoch)) }

// at is t as the listener keeps times (t.Sub uses the monotonic clock
// when t has it, as time.Now().Add(d) does); 0 is reserved for "none".
func (l *Listener) at(t time.Time) int64 {
	if at := int64(t.Sub(l.epoch)); at != 0 {
		return at
	}
	return -1
}

// sweep applies, every tick, the deadlines that have passed.
func (l *Listener) sweep() {
	t := time.NewTicker(l.tick)
	defer t.Stop()
	for range t.C {
		now := l.since()
		l.now.Store(now)
		l.mu.Lock()
		if len(l.conns) == 0 {
			l.running = false
			l.mu.Unlock()
			return
		}
		for c := range l.conns {
			c.expire(now)
		}
		l.mu.Unlock()
	}
}

// open is how many connections the listener holds (for tests).
func (l *Listener) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

type conn struct {
	net.Conn
	l           *Listener
	mu          sync.Mutex
	read, write side

	// held is what was written while corked (see Cork); only the
	// connection's serving goroutine writes, so it needs no lock.
	held *[]byte
}

// heldBuffers are the buffers of corked connections.
var heldBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// Cork holds what is written to the connection until Uncork, which sends
// it with one system call; size is how much the caller will write. net/http
// writes an answer through a 4 KiB buffer, so one of 5 KiB costs two writes
// (and two TCP segments) where nginx makes one; a handler that knows its
// whole answer is in hand corks around it. Only the goroutine serving the
// connection may call it.
func (c *conn) Cork(size int) {
	if c.held == nil {
		c.held = heldBuffers.Get().(*[]byte)
	}
	if cap(*c.held) < size {
		*c.held = make([]byte, 0, size)
	}
}

// Uncork sends what was held, and writes go straight through again. If
// that write fails, the connection is closed: the server believes the
// answer was written, and must not keep the connection for another.
func (c *conn) Uncork() error {
	b := c.held
	if b == nil {
		return nil
	}
	c.held = nil
	var err error
	if len(*b) > 0 {
		if _, err = c.Conn.Write(*b); err != nil {
			c.Conn.Close()
		}
	}
	if cap(*b) <= 256<<10 {
		*b = (*b)[:0]
		heldBuffers.Put(b)
	}
	return err
}

func (c *conn) Write(p []byte) (int, error) {
	if c.held != nil {
		*c.held = append(*c.held, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// side is the deadline of one direction.
type side struct {
	at      int64 // ns since the listener's epoch (see Listener.at); 0: none
	applied bool  // the real connection holds this (passed) deadline
}

func (c *conn) SetDeadline(t time.Time) error      { return c.set(t, true, true) }
func (c *conn) SetReadDeadline(t time.Time) error  { return c.set(t, true, false) }
func (c *conn) SetWriteDeadline(t time.Time) error { return c.set(t, false, true) }

func (c *conn) set(t time.Time, read, write bool) error {
	var at int64
	past := false
	if !t.IsZero() {
		at = c.l.at(t)
		// Far enough from the sweeper's last tick, its clock decides
		// (net/http's deadlines are seconds ahead or long past); within
		// a tick of it, the real one.
		now := c.l.now.Load()
		past = at <= now || at <= now+int64(c.l.tick) && at <= c.l.since()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	if read {
		err = c.apply(&c.read, at, past, true)
	}
	if write {
		err = errors.Join(err, c.apply(&c.write, at, past, false))
	}
	return err
}

// apply records a new deadline of one side, and gives the real connection
// what it must hold now: the deadline if it has passed, else none.
func (c *conn) apply(s *side, at int64, past, read bool) error {
	s.at = at
	switch {
	case past:
		s.applied = true
		return c.real(read, passed)
	case s.applied:
		s.applied = false
		return c.real(read, time.Time{})
	}
	return nil
}

// passed is the deadline the real connection is given for one that has
// passed: any time in the past wakes what waits and fails what follows.
var passed = time.Unix(1, 0)

func (c *conn) real(read bool, t time.Time) error {
	if read {
		return c.Conn.SetReadDeadline(t)
	}
	return c.Conn.SetWriteDeadline(t)
}

// expire applies the deadlines that passed by now.
func (c *conn) expire(now int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range []struct {
		*side
		read bool
	}{{&c.read, true}, {&c.write, false}} {
		if s.at != 0 && !s.applied && s.at <= now {
			s.applied = true
			_ = c.real(s.read, passed)
		}
	}
}

func (c *conn) Close() error {
	c.l.mu.Lock()
	delete(c.l.conns, c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// ReadFrom keeps the real connection's sendfile path for net/http's
// file answers (unless corked).
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	if c.held != nil { // corked: the bytes queue behind the held ones
		return io.Copy(struct{ io.Writer }{c}, r)
	}
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

// CloseWrite half-closes a TCP connection, as net/http does before it
// closes one whose request body was not read.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.New("deadline: the connection cannot half-close")
}
