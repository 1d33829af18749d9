package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/store/postgres"
	"octavo/internal/store/postgres/pgtest"
)

// listening runs b.Listen in the background and returns the calls it made
// on a channel (nil for "reconnected: flush everything"); the listener
// stops, and is waited for, when the test ends.
func listening(t *testing.T, b *postgres.Store) <-chan []string {
	t.Helper()
	calls := make(chan []string, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Listen(ctx, func(keys []string) { calls <- keys }) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != context.Canceled {
				t.Errorf("Listen returned %v, want context.Canceled", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Listen did not return after its context ended")
		}
	})
	return calls
}

// next waits for the next call of the listener's callback.
func next(t *testing.T, calls <-chan []string) []string {
	t.Helper()
	select {
	case keys := <-calls:
		return keys
	case <-time.After(10 * time.Second):
		t.Fatal("no notification within 10 s")
		return nil
	}
}

func TestListenNotify(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	a, b := openURL(t, url), openURL(t, url) // two processes
	calls := listening(t, b)
	if keys := next(t, calls); keys != nil {
		t.Fatalf("first call: want nil (connected: flush), got %v", keys)
	}

	if err := a.Notify(ctx, []string{blog.DepPost("x"), blog.DepList}); err != nil {
		t.Fatal(err)
	}
	if keys := next(t, calls); !slices.Equal(keys, []string{"post:x", "list"}) {
		t.Errorf("keys %v", keys)
	}

	// A process does not hear itself; order is kept.
	if err := b.Notify(ctx, []string{"tag:own"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Notify(ctx, []string{"tag:after"}); err != nil {
		t.Fatal(err)
	}
	if keys := next(t, calls); !slices.Equal(keys, []string{"tag:after"}) {
		t.Errorf("want only the other process's keys, got %v", keys)
	}

	// Many keys travel in several notifications, none lost.
	var many []string
	for i := range 2000 {
		many = append(many, fmt.Sprintf("post:0190d3c4-0000-7000-8000-%012d", i))
	}
	if err := a.Notify(ctx, many); err != nil {
		t.Fatal(err)
	}
	var got []string
	for len(got) < len(many) {
		got = append(got, next(t, calls)...)
	}
	if !slices.Equal(got, many) {
		t.Errorf("got %d keys, want the %d sent in order", len(got), len(many))
	}

	// Settings changed elsewhere: b forgets its cached copy.
	st, err := b.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.Title = "Changed by a"
	if err := a.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Settings(ctx); got.Title == "Changed by a" {
		t.Fatal("b's settings were not cached: the test shows nothing")
	}
	if err := a.Notify(ctx, []string{blog.DepSettings}); err != nil {
		t.Fatal(err)
	}
	next(t, calls)
	if got, _ := b.Settings(ctx); got.Title != "Changed by a" {
		t.Errorf("b still has the old settings: %q", got.Title)
	}
}

func TestListenReconnects(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	a, b := openURL(t, url), openURL(t, url)
	var errs []string
	b.SetListenErrorHandler(func(err error) { errs = append(errs, err.Error()) })
	calls := listening(t, b)
	next(t, calls)

	// Cut the listener's connection, as a server restart or a network
	// failure would.
	var n int
	if err := a.DB().QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'octavo-listener'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminated %d listeners: %v", n, err)
	}
	if keys := next(t, calls); keys != nil {
		t.Fatalf("after a reconnection: want nil (flush everything), got %v", keys)
	}
	if b.ListenErrors() != 1 {
		t.Errorf("listen errors %d, want 1", b.ListenErrors())
	}
	if err := a.Notify(ctx, []string{"list"}); err != nil {
		t.Fatal(err)
	}
	if keys := next(t, calls); !slices.Equal(keys, []string{"list"}) {
		t.Errorf("after reconnecting: %v", keys)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "listener") {
		t.Errorf("errors told: %v", errs)
	}
}

// openURL opens a store on an existing database, closed at the end.
func openURL(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
