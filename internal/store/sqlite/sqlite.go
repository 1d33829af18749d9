// Package sqlite is the blog store on an embedded SQLite database (the
// pure-Go modernc.org/sqlite driver): WAL mode, foreign keys on, a busy
// timeout, embedded migrations. The queries are shared with PostgreSQL in
// internal/store/sqlstore; what is SQLite's own (opening the file, its
// catalog, its errors) is here, in the Dialect.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"octavo/internal/blog"
	"octavo/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is a blog.Store on SQLite: the shared SQL store on a SQLite file.
type Store struct {
	*sqlstore.Store
	path string
}

var _ blog.Store = (*Store)(nil)

// Open opens (creating it when missing) the database file at path and
// applies pending migrations. It refuses a database that a newer Octavo
// wrote, and says clearly when the file is not a usable database.
func Open(ctx context.Context, path string) (*Store, error) {
	s, err := Connect(ctx, path)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return s, nil
}

// Connect opens the database file at path (creating it when missing)
// without applying migrations: for `octavo migrate status`. Open is what
// everything else wants.
func Connect(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("database %s: %w", path, err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// 512 KiB of page cache per connection (SQLite's default is 2 MiB):
	// rendered pages live in Octavo's own cache, and the OS caches the file.
	q.Add("_pragma", "cache_size(-512)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	// Renders are bounded to 2 × cores at once (internal/web), so a few
	// connections serve them; each holds its own page cache.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	db.SetConnMaxLifetime(0)
	ms, err := migrations()
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Store{Store: sqlstore.New(db, &dialect, ms, explain), path: path}, nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

func migrations() ([]sqlstore.Migration, error) {
	return sqlstore.LoadMigrations(migrationFS, "migrations")
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int {
	ms, _ := migrations()
	return sqlstore.Latest(ms)
}

// explain turns SQLite's terse errors about a bad file into advice.
func explain(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "file is not a database"), strings.Contains(msg, "malformed"):
		return fmt.Errorf("the file is not a valid SQLite database or is corrupt (%v); restore it from a backup or move it away to start a new blog", err)
	case strings.Contains(msg, "database is locked"), strings.Contains(msg, "SQLITE_BUSY"):
		return fmt.Errorf("the database is locked by another process (%v); stop the other octavo or wait for it to finish", err)
	}
	return err
}
