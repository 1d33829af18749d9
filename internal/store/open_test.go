package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"octavo/internal/store"
	"octavo/internal/store/postgres"
	"octavo/internal/store/postgres/pgtest"
	"octavo/internal/store/sqlite"
)

func TestParse(t *testing.T) {
	tests := []struct {
		url, dir   string
		kind       store.Kind
		target     string
		wantErr    string
		describeAs string
	}{
		{"", "data", store.KindSQLite, filepath.Join("data", "octavo.db"), "", "sqlite:data/octavo.db"},
		{"sqlite:/tmp/x.db", "data", store.KindSQLite, "/tmp/x.db", "", "sqlite:/tmp/x.db"},
		{"sqlite:///tmp/x.db", "", store.KindSQLite, "/tmp/x.db", "", "sqlite:/tmp/x.db"},
		{"postgres://u:secret@h/db", "data", store.KindPostgres, "postgres://u:secret@h/db", "", "postgres://u:xxxxx@h/db"},
		{"postgresql://h/db?sslmode=disable", "", store.KindPostgres, "postgresql://h/db?sslmode=disable", "", "postgresql://h/db?sslmode=disable"},
		{"", "", "", "", "no database", ""},
		{"sqlite:", "", "", "", "give the file", ""},
		{"mysql://u:secret@h/db", "", "", "", "use sqlite:PATH", ""},
	}
	for _, tt := range tests {
		kind, target, err := store.Parse(tt.url, tt.dir)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "secret") {
				t.Errorf("Parse(%q, %q): want an error with %q (no password), got %v", tt.url, tt.dir, tt.wantErr, err)
			}
			continue
		}
		if err != nil || kind != tt.kind || target != tt.target {
			t.Errorf("Parse(%q, %q) = %q %q %v", tt.url, tt.dir, kind, target, err)
		}
		if d := store.Describe(tt.url, tt.dir); d != tt.describeAs {
			t.Errorf("Describe(%q) = %q, want %q", tt.url, d, tt.describeAs)
		}
	}
}

func TestOpenPicksTheBackend(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if lite, ok := s.(*sqlite.Store); !ok || lite.Path() != filepath.Join(dir, "octavo.db") {
		t.Errorf("empty URL: %T", s)
	}
	s.Close()

	s, err = store.Open(ctx, pgtest.NewDatabase(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.(*postgres.Store); !ok {
		t.Errorf("postgres URL: %T", s)
	}
	if err := s.Ping(ctx); err != nil {
		t.Error(err)
	}
	if v := store.SchemaVersion(s); v != postgres.SchemaVersion() || v < 1 {
		t.Errorf("schema version %d", v)
	}
}
