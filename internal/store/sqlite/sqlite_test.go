package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"octavo/internal/store/sqlite"
	"octavo/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "octavo.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestOpenSetsUpWALAndMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "octavo.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := s.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q %v", mode, err)
	}
	var fk int
	if err := s.DB().QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys %d %v", fk, err)
	}
	s.Close()
	// Reopening applies nothing twice.
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.DB().QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&n); err != nil || n != sqlite.SchemaVersion() {
		t.Errorf("newest migration recorded %d, want %d (%v)", n, sqlite.SchemaVersion(), err)
	}
	s.Close()
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "octavo.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = sqlite.Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "newer Octavo") || !strings.Contains(err.Error(), "9999") {
		t.Fatalf("want a refusal naming the newer schema, got %v", err)
	}
}

func TestOpenRefusesCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "octavo.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("this is not a database\n", 500)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "not a valid SQLite database") {
		t.Fatalf("want a clear message, got %v", err)
	}
}
