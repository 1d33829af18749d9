package pgtest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy is a TCP proxy between Octavo and the test server, for outage
// tests: it forwards connections until Cut, after which it drops every
// connection it holds and either refuses new ones (closes them at once, as
// a server that is down) or, with Cut(true), accepts them and never
// answers (as a network that lost the server). Restore forwards again.
// The shared server itself is never touched.
type Proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	down  bool
	hang  bool
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// NewProxy starts a proxy to the server of databaseURL and returns it with
// the same URL through the proxy; both stop when the test ends.
func NewProxy(t testing.TB, databaseURL string) (*Proxy, string) {
	t.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", redact(databaseURL), err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pgtest: proxy: %v", err)
	}
	p := &Proxy{ln: ln, target: u.Host, conns: map[net.Conn]bool{}}
	p.wg.Go(p.accept)
	t.Cleanup(p.close)
	u.Host = ln.Addr().String()
	return p, u.String()
}

// Cut drops every connection and refuses new ones; with hang, new ones are
// accepted and left unanswered instead.
func (p *Proxy) Cut(hang bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down, p.hang = true, hang
	for c := range p.conns {
		c.Close()
	}
}

// Restore forwards new connections again.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
	for c := range p.conns { // the unanswered ones of a hanging cut
		c.Close()
	}
}

func (p *Proxy) close() {
	p.ln.Close()
	p.Cut(false)
	p.wg.Wait()
}

// track records c until it is closed; it reports false (and closes c)
// when the proxy is down and not hanging.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down && !p.hang {
		c.Close()
		return false
	}
	p.conns[c] = true
	return true
}

func (p *Proxy) untrack(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *Proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			continue
		}
		p.wg.Go(func() { p.forward(c) })
	}
}

// forward copies between c and a new connection to the server, until
// either side closes or the proxy cuts them.
func (p *Proxy) forward(c net.Conn) {
	p.mu.Lock()
	down := p.down
	p.mu.Unlock()
	if down { // hanging: hold c until the cut ends or c goes
		_, _ = io.Copy(io.Discard, c)
		p.untrack(c)
		return
	}
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		p.untrack(c)
		return
	}
	if !p.track(s) {
		p.untrack(c)
		return
	}
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(s, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, s); done <- struct{}{} }()
	<-done
	p.untrack(c, s)
	<-done
}
