package postgres_test

import (
	"context"
	"testing"
	"time"

	"octavo/internal/store/postgres"
	"octavo/internal/store/postgres/pgtest"
)

// TestLeadLostWithItsConnection: one process at a time leads; when the
// connection holding the lock dies (a database restart, a cut network),
// the leader is told, and another process can lead.
func TestLeadLostWithItsConnection(t *testing.T) {
	defer postgres.SetLeadCheckInterval(20 * time.Millisecond)()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	a, b := openURL(t, url), openURL(t, url)

	lostA, releaseA, ok, err := a.TryLead(ctx)
	if err != nil || !ok {
		t.Fatalf("a could not lead: %v", err)
	}
	if _, _, ok, err := b.TryLead(ctx); err != nil || ok {
		t.Fatalf("b leads too (%v, %v)", ok, err)
	}
	select {
	case <-lostA:
		t.Fatal("a was told it lost a lock it holds")
	default:
	}

	var n int
	if err := b.DB().QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminated %d lock holders: %v", n, err)
	}
	select {
	case <-lostA:
	case <-time.After(10 * time.Second):
		t.Fatal("a was not told that its lock is gone")
	}
	releaseA() // after the loss: must not block or fail

	deadline := time.Now().Add(10 * time.Second)
	for {
		_, releaseB, ok, err := b.TryLead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			releaseB()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("b cannot lead after a's connection died")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
