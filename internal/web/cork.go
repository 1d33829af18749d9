package web

import (
	"context"
	"net"
)

// corker is a connection that holds what is written to it until Uncork,
// then sends it with one system call (internal/deadline's connections).
// net/http writes an answer through a 4 KiB buffer: a bigger one leaves
// in two writes and two TCP segments, where nginx sends one.
type corker interface {
	Cork(size int)
	Uncork() error
}

// corkAbove is the body size from which a hit corks: below it, the
// headers (~400 bytes) and the body fit net/http's 4 KiB buffer and
// leave in one write anyway.
//
// corkUpTo is the largest: beyond it one write fewer saves nothing
// measurable, and every hit would copy the body, and every slow reader
// hold its own copy, where they now share the cache's.
const (
	corkAbove = 4<<10 - 512
	corkUpTo  = 64 << 10
)

type connKey struct{}

// ConnContext is the http.Server's ConnContext: it lets a cached hit
// reach its connection, to cork it.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if k, ok := c.(corker); ok {
		return context.WithValue(ctx, connKey{}, k)
	}
	return ctx
}
