package cli_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"octavo/internal/store/postgres"
	"octavo/internal/store/postgres/pgtest"
)

func TestMigrateSQLite(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	out, err := run(t, nil, "migrate", "status", "--data", data)
	if err == nil || !strings.Contains(err.Error(), "no database at sqlite:"+filepath.Join(data, "octavo.db")) {
		t.Fatalf("status of no database: %v\n%s", err, out)
	}
	out, err = run(t, nil, "migrate", "up", "--data", data)
	if err != nil || !strings.Contains(out, "Creating sqlite:") || !strings.Contains(out, "Applied 0001_initial.sql") {
		t.Fatalf("up: %v\n%s", err, out)
	}
	out, err = run(t, nil, "migrate", "up", "--data", data)
	if err != nil || strings.Contains(out, "Applied") || !strings.Contains(out, "up to date") {
		t.Errorf("second up: %v\n%s", err, out)
	}
	// Bare migrate is status; OCTAVO_DATA chooses the folder.
	out, err = run(t, map[string]string{"OCTAVO_DATA": data}, "migrate")
	if err != nil || !strings.Contains(out, "0001_initial.sql") || !strings.Contains(out, "applied") || !strings.Contains(out, "up to date") {
		t.Errorf("status: %v\n%s", err, out)
	}

	// A newer Octavo's migration: status says so, up refuses.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, err = run(t, nil, "migrate", "status", "--database", "sqlite:"+filepath.Join(data, "octavo.db"))
	if err == nil || !strings.Contains(out, "9999_future.sql") || !strings.Contains(out, "unknown to this octavo") || !strings.Contains(err.Error(), "newer Octavo") {
		t.Errorf("status of a newer database: %v\n%s", err, out)
	}
	_, err = run(t, nil, "migrate", "up", "--data", data)
	if err == nil || !strings.Contains(err.Error(), "newer Octavo (schema version 9999") {
		t.Errorf("up on a newer database: %v", err)
	}
}

func TestMigratePostgres(t *testing.T) {
	url := pgtest.NewDatabase(t)
	env := map[string]string{"OCTAVO_DATABASE": url}
	out, err := run(t, env, "migrate", "status")
	if err != nil || !strings.Contains(out, "0001_initial.sql") || !strings.Contains(out, "pending") || !strings.Contains(out, "Schema version 0") {
		t.Fatalf("status of a new database: %v\n%s", err, out)
	}
	out, err = run(t, env, "migrate", "up")
	if err != nil || !strings.Contains(out, "Applied 0001_initial.sql") || !strings.Contains(out, fmt.Sprintf("schema version %d", postgres.SchemaVersion())) {
		t.Fatalf("up: %v\n%s", err, out)
	}
	// The flag beats the environment.
	out, err = run(t, map[string]string{"OCTAVO_DATABASE": "sqlite:" + filepath.Join(t.TempDir(), "x.db")}, "migrate", "status", "--database", url)
	if err != nil || !strings.Contains(out, "up to date") {
		t.Errorf("status after up: %v\n%s", err, out)
	}
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open after migrate up: %v", err)
	}
	s.Close()
}

func TestMigrateUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "sideways"}, `unknown action "sideways"`},
		{[]string{"migrate", "up", "extra"}, `unexpected argument "extra"`},
		{[]string{"migrate", "--database", "mysql://x"}, "use sqlite:PATH"},
		{[]string{"migrate", "status", "--database", "postgres://nobody@127.0.0.1:1/x?connect_timeout=2"}, "cannot reach PostgreSQL at 127.0.0.1:1"},
	}
	for _, tt := range tests {
		out, err := run(t, nil, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: want an error with %q, got %v\n%s", tt.args, tt.want, err, out)
		}
	}
}
