// Package sqlite is the blog store on an embedded SQLite database (the
// pure-Go modernc.org/sqlite driver): WAL mode, foreign keys on, a busy
// timeout, embedded migrations. All SQL of the SQLite store lives here.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"octavo/internal/blog"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is a blog.Store on SQLite.
type Store struct {
	db      *sql.DB
	path    string
	queries atomic.Int64

	mu       sync.RWMutex
	settings *blog.Settings // cached; reset by SaveSettings
}

var _ blog.Store = (*Store)(nil)

// Open opens (creating it when missing) the database file at path and
// applies pending migrations. It refuses a database that a newer Octavo
// wrote, and says clearly when the file is not a usable database.
func Open(ctx context.Context, path string) (*Store, error) {
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
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxLifetime(0)
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, explain(err))
	}
	return s, nil
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

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Queries returns how many SQL statements the store has run; tests use it
// to bound the queries of one page render.
func (s *Store) Queries() int64 { return s.queries.Load() }

// DB returns the underlying database, for tests and tools.
func (s *Store) DB() *sql.DB { return s.db }

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		v, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, e.Name(), string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int {
	ms, _ := migrations()
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return err
	}
	var current int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return err
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	if latest := SchemaVersion(); current > latest {
		return fmt.Errorf("it was written by a newer Octavo (schema version %d; this binary knows up to %d): upgrade octavo", current, latest)
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.version, m.name, time.Now().UnixMilli()); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	s.queries.Add(1)
	return s.db.QueryContext(ctx, q, args...)
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	s.queries.Add(1)
	return s.db.QueryRowContext(ctx, q, args...)
}

func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// dbError wraps an unexpected database error as EINTERNAL (or EUNAVAILABLE
// when the database cannot be reached), keeping the cause for the logs.
func dbError(err error, what string) error {
	if err == nil {
		return nil
	}
	var be *blog.Error
	if errors.As(err, &be) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return blog.Wrap(blog.EUNAVAILABLE, err, "The database did not answer in time.")
	}
	return blog.Wrap(blog.EINTERNAL, err, "%s failed", what)
}

// Seeded reports whether demo content was offered to this database.
func (s *Store) Seeded(ctx context.Context) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM settings WHERE key = 'seeded'`).Scan(&n)
	return n > 0, dbError(err, "reading the seed mark")
}

// MarkSeeded records that demo content was offered.
func (s *Store) MarkSeeded(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO settings (key, value) VALUES ('seeded', '1')`)
	return dbError(err, "writing the seed mark")
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}
