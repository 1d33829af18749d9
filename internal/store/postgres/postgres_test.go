package postgres_test

import (
	"context"
	"strings"
	"testing"

	"octavo/internal/store/postgres"
	"octavo/internal/store/postgres/pgtest"
	"octavo/internal/store/storetest"
)

// open returns a migrated store on a fresh database, closed at the end.
func open(t *testing.T) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t) })
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	for range 2 {
		s, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.DB().QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&n); err != nil || n != postgres.SchemaVersion() {
			t.Errorf("newest migration recorded %d, want %d (%v)", n, postgres.SchemaVersion(), err)
		}
		s.Close()
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = postgres.Open(ctx, url)
	if err == nil || !strings.Contains(err.Error(), "newer Octavo") || !strings.Contains(err.Error(), "9999") {
		t.Fatalf("want a refusal naming the newer schema, got %v", err)
	}
}
