package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"octavo/internal/blog"
)

// Several `octavo serve` processes on one database keep their page caches
// right through PostgreSQL's LISTEN/NOTIFY. After a committed write, the
// writing process drops its own cached pages and calls Notify with the
// write's dependency keys (see blog.DepPost…); every other process runs
// Listen, which hands those keys to its cache.
//
// Wiring in serve (one process, store pg, cache, content service):
//
//	svc := content.New(pg, md, clock, func(keys []string) {
//		cache.Invalidate(keys)
//		if err := pg.Notify(context.Background(), keys); err != nil {
//			log.Warn("telling the other processes", "error", err)
//		}
//	})
//	go pg.Listen(ctx, func(keys []string) {
//		if keys == nil {
//			cache.Flush() // reconnected: notifications may have been missed
//			return
//		}
//		cache.Invalidate(keys)
//	})
//
// Notifications are not transactional with the write (the keys are known
// only after it commits): a process that dies between its commit and its
// Notify leaves the others' caches stale until their next flush.

// notifyChannel is the LISTEN/NOTIFY channel of cache invalidations.
const notifyChannel = "octavo_changes"

// maxPayload keeps one notification under PostgreSQL's 8,000-byte limit;
// more keys go in several notifications.
const maxPayload = 7000

// Listener timing: how long a quiet connection waits before it checks
// that the server still answers, and the back-off between reconnections.
const (
	listenIdleCheck  = 30 * time.Second
	listenPingLimit  = 5 * time.Second
	reconnectInitial = 100 * time.Millisecond
	reconnectMax     = 5 * time.Second
)

// newSenderID names this store in its notifications, so that Listen can
// skip what the same process sent (it invalidated its own cache already).
func newSenderID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Notify tells every process listening on this database (Listen) that the
// pages depending on keys changed. Keys are sent in as many notifications
// as their size needs; an empty list sends nothing.
func (s *Store) Notify(ctx context.Context, keys []string) error {
	for _, payload := range payloads(s.sender, keys) {
		if _, err := s.DB().ExecContext(ctx, `SELECT pg_notify($1, $2)`, notifyChannel, payload); err != nil {
			return fmt.Errorf("notifying other processes: %w", err)
		}
	}
	return nil
}

// payloads splits keys into notification payloads: the sender's id, then
// one key a line, each payload under maxPayload bytes.
func payloads(sender string, keys []string) []string {
	var out []string
	var b strings.Builder
	for _, k := range keys {
		if k == "" || strings.Contains(k, "\n") || len(k) > maxPayload/2 {
			continue // not a key the cache knows
		}
		if b.Len() > 0 && b.Len()+1+len(k) > maxPayload {
			out = append(out, b.String())
			b.Reset()
		}
		if b.Len() == 0 {
			b.WriteString(sender)
		}
		b.WriteByte('\n')
		b.WriteString(k)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// Listen receives the dependency keys other processes send with Notify
// and calls changed with them, until ctx ends; it returns ctx's error.
//
// It holds one connection of its own. Every time it (re)connects it calls
// changed(nil), meaning "anything may have changed": notifications sent
// while it was not listening are lost, so the caller drops its whole
// cache. A lost connection is retried with a back-off (100 ms up to 5 s),
// and a quiet one is checked every 30 s. Keys this store sent itself are
// skipped. Before changed runs for keys that include blog.DepSettings (or
// nil), the store forgets its cached settings.
//
// changed runs on Listen's goroutine, one call at a time: it should be
// quick (drop cache entries), not render. End Listen (cancel ctx) before
// closing the store.
func (s *Store) Listen(ctx context.Context, changed func(keys []string)) error {
	backoff := reconnectInitial
	for {
		err := s.listenOnce(ctx, changed, func() { backoff = reconnectInitial })
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.listenErrors.Add(1)
		if s.onListenError != nil {
			s.onListenError(err)
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(backoff*2, reconnectMax)
	}
}

// listenOnce connects, listens and delivers until the connection fails or
// ctx ends. connected is called once LISTEN is in place.
func (s *Store) listenOnce(ctx context.Context, changed func([]string), connected func()) error {
	cfg := s.config.Copy()
	cfg.RuntimeParams["application_name"] = listenerApplicationName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("listener: connecting: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+notifyChannel); err != nil {
		return fmt.Errorf("listener: LISTEN: %w", err)
	}
	connected()
	s.deliver(nil, changed)
	for {
		wctx, cancel := context.WithTimeout(ctx, listenIdleCheck)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			sender, rest, _ := strings.Cut(n.Payload, "\n")
			if sender != s.sender && rest != "" {
				s.deliver(strings.Split(rest, "\n"), changed)
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			// Quiet for a while: make sure the server is still there.
			pctx, cancel := context.WithTimeout(ctx, listenPingLimit)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return fmt.Errorf("listener: the connection went quiet: %w", err)
			}
		default:
			return fmt.Errorf("listener: %w", err)
		}
	}
}

// listenerApplicationName marks the listening connection in
// pg_stat_activity.
const listenerApplicationName = "octavo-listener"

// deliver hands keys to changed, forgetting the cached settings first
// when they may have changed.
func (s *Store) deliver(keys []string, changed func([]string)) {
	if keys == nil || slices.Contains(keys, blog.DepSettings) {
		s.ForgetSettings()
	}
	changed(keys)
}
