package deadline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// guard bounds how long a test waits for something that must happen; a
// broken wrapper hangs there instead of hanging the test binary.
const guard = 10 * time.Second

// pair returns the two ends of a TCP connection through a wrapped listener.
func pair(t *testing.T, tick time.Duration) (l *Listener, server net.Conn, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l = Wrap(ln, tick)
	t.Cleanup(func() { l.Close() })
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	if server, err = l.Accept(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	return l, server, client
}

// readErr reads from c in the background and returns the error channel.
func readErr(c net.Conn) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		done <- err
	}()
	return done
}

func wait(t *testing.T, done <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(guard):
		t.Fatalf("%s: still blocked after %s", what, guard)
		return nil
	}
}

// A deadline in the past wakes a blocked read at once, without waiting for
// the sweeper (an hour away here): net/http ends every request this way.
// Clearing it lets the connection read again.
func TestPastDeadlineAppliesAtOnce(t *testing.T) {
	_, server, client := pair(t, time.Hour)
	done := readErr(server)
	if err := server.SetReadDeadline(time.Unix(1, 0)); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done, "read after a past deadline"); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read: %v, want a deadline error", err)
	}
	if err := server.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	done = readErr(server)
	if _, err := client.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done, "read after clearing"); err != nil {
		t.Fatalf("read after the deadline was cleared: %v", err)
	}
}

// A future deadline is applied by the sweeper once it passes, for reads
// and for writes, with the timeout error net/http expects.
func TestFutureDeadlineExpires(t *testing.T) {
	t.Run("read", func(t *testing.T) {
		_, server, _ := pair(t, 5*time.Millisecond)
		done := readErr(server)
		server.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		err := wait(t, done, "read past its deadline")
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("read: %v, want a timeout", err)
		}
	})
	t.Run("write", func(t *testing.T) {
		_, server, _ := pair(t, 5*time.Millisecond)
		server.SetWriteDeadline(time.Now().Add(20 * time.Millisecond))
		done := make(chan error, 1)
		go func() { // the client never reads: the buffers fill, the write blocks
			buf := make([]byte, 1<<20)
			for {
				if _, err := server.Write(buf); err != nil {
					done <- err
					return
				}
			}
		}()
		if err := wait(t, done, "write past its deadline"); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("write: %v, want a deadline error", err)
		}
	})
}

// A deadline moved later before it passed does not fire, however many
// ticks go by; nor does a cleared one.
func TestMovedDeadlineDoesNotFire(t *testing.T) {
	for _, later := range []time.Time{time.Now().Add(time.Hour), {}} {
		_, server, client := pair(t, time.Millisecond)
		server.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
		server.SetReadDeadline(later)
		done := readErr(server)
		time.Sleep(30 * time.Millisecond) // thirty ticks
		client.Write([]byte("x"))
		if err := wait(t, done, "read"); err != nil {
			t.Fatalf("deadline moved to %v: read failed: %v", later, err)
		}
	}
}

// net/http on a wrapped listener, with every timeout set: keep-alive
// requests follow one another (each ends by waking the background read
// with a past deadline; the sweeper is an hour away, so a wrapper that
// waited for it would hang here), and a client that sends no header is cut
// off by ReadHeaderTimeout.
func TestHTTPServer(t *testing.T) {
	for _, c := range []struct {
		name string
		tick time.Duration
	}{{"keep-alive", time.Hour}, {"slow client", 5 * time.Millisecond}} {
		t.Run(c.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			l := Wrap(ln, c.tick)
			hs := &http.Server{
				Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					fmt.Fprint(w, r.URL.Path)
				}),
				ReadHeaderTimeout: 50 * time.Millisecond, ReadTimeout: time.Minute,
				WriteTimeout: time.Minute, IdleTimeout: time.Minute,
			}
			go hs.Serve(l)
			defer hs.Close()
			url := "http://" + ln.Addr().String()
			if c.name == "keep-alive" {
				client := &http.Client{Timeout: guard}
				for i := range 50 {
					res, err := client.Get(fmt.Sprintf("%s/%d", url, i))
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if string(body) != fmt.Sprintf("/%d", i) {
						t.Fatalf("request %d: %q", i, body)
					}
				}
				if n := l.open(); n != 1 {
					t.Errorf("%d connections open, want the one kept alive", n)
				}
				return
			}
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.Write([]byte("GET / HTTP/1.1\r\n")) // and never the rest
			conn.SetReadDeadline(time.Now().Add(guard))
			b, err := io.ReadAll(conn)
			if err != nil {
				t.Fatalf("the server kept a client that sent no header: %v", err)
			}
			if s := string(b); s != "" && !strings.Contains(s, "408") {
				t.Fatalf("answer to a half-sent request: %q", s)
			}
		})
	}
}

// Closed connections leave the listener, and the sweeper stops with the last.
func TestClosedConnectionsLeave(t *testing.T) {
	l, server, _ := pair(t, time.Millisecond)
	if n := l.open(); n != 1 {
		t.Fatalf("%d open, want 1", n)
	}
	server.Close()
	if n := l.open(); n != 0 {
		t.Fatalf("%d open after Close, want 0", n)
	}
	deadline := time.Now().Add(guard)
	for {
		l.mu.Lock()
		running := l.running
		l.mu.Unlock()
		if !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sweeper still runs with no connection")
		}
		time.Sleep(time.Millisecond)
	}
}

// countingConn counts the writes that reach the real connection.
type countingConn struct {
	net.Conn
	writes int
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes++
	return c.Conn.Write(p)
}

// A corked connection sends what was written, in order, with one write at
// Uncork; then writes go straight through again.
func TestCork(t *testing.T) {
	_, server, client := pair(t, time.Hour)
	c := server.(*conn)
	counter := &countingConn{Conn: c.Conn}
	c.Conn = counter
	first, second := bytes.Repeat([]byte("a"), 4096), bytes.Repeat([]byte("b"), 1000)
	c.Cork(0)
	for _, p := range [][]byte{first, second} {
		if n, err := c.Write(p); n != len(p) || err != nil {
			t.Fatalf("corked write: %d, %v", n, err)
		}
	}
	if counter.writes != 0 {
		t.Fatalf("%d writes reached the connection while corked", counter.writes)
	}
	if err := c.Uncork(); err != nil {
		t.Fatal(err)
	}
	if counter.writes != 1 {
		t.Fatalf("%d writes at Uncork, want 1", counter.writes)
	}
	c.Write([]byte("c"))
	if counter.writes != 2 {
		t.Fatalf("a write after Uncork was held")
	}
	client.SetReadDeadline(time.Now().Add(guard))
	got := make([]byte, len(first)+len(second)+1)
	if _, err := io.ReadFull(client, got); err != nil {
		t.Fatal(err)
	}
	if want := append(append(append([]byte{}, first...), second...), 'c'); !bytes.Equal(got, want) {
		t.Fatal("the client read other bytes than were written")
	}
	if err := c.Uncork(); err != nil || counter.writes != 2 {
		t.Fatalf("Uncork without Cork: %v, %d writes", err, counter.writes)
	}
}

// What is copied into a corked connection (net/http's file answers go
// through ReadFrom) queues behind what was written before it.
func TestCorkedReadFrom(t *testing.T) {
	_, server, client := pair(t, time.Hour)
	c := server.(*conn)
	c.Cork(0)
	c.Write([]byte("head:"))
	if _, err := c.ReadFrom(strings.NewReader("body")); err != nil {
		t.Fatal(err)
	}
	if err := c.Uncork(); err != nil {
		t.Fatal(err)
	}
	client.SetReadDeadline(time.Now().Add(guard))
	got := make([]byte, len("head:body"))
	if _, err := io.ReadFull(client, got); err != nil || string(got) != "head:body" {
		t.Fatalf("read %q, %v", got, err)
	}
}

// An answer that fails to leave at Uncork closes the connection: the
// server counted it as written and must not wait for another request.
func TestUncorkFailureCloses(t *testing.T) {
	_, server, _ := pair(t, time.Hour)
	c := server.(*conn)
	c.Cork(0)
	c.Write([]byte("an answer"))
	c.Conn.SetWriteDeadline(passed) // the real write fails
	if err := c.Uncork(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Uncork: %v, want the write's error", err)
	}
	c.Conn.SetReadDeadline(time.Now().Add(guard)) // fails once closed: ignored
	if _, err := c.Conn.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("read after a failed Uncork: %v, want a closed connection", err)
	}
}

// A deadline of now, set between two ticks (the sweeper an hour away),
// still applies at once.
func TestDeadlineOfNow(t *testing.T) {
	_, server, _ := pair(t, time.Hour)
	done := readErr(server)
	time.Sleep(time.Millisecond) // past the sweeper's start
	server.SetReadDeadline(time.Now())
	if err := wait(t, done, "read after a deadline of now"); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read: %v, want a deadline error", err)
	}
}
