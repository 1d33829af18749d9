// Package store opens the blog's database, whichever it is: the embedded
// SQLite file (the default) or PostgreSQL, chosen by a database URL. It also
// holds the tools that work across both: migrations and copies.
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/store/postgres"
	"octavo/internal/store/sqlite"
	"octavo/internal/store/sqlstore"
)

// Store is a blog database as the server uses it: the blog.Store with what
// the content service needs (content.Store), accounts and security
// (blog.Accounts), redirects, a health check and a count of queries. Both
// *sqlite.Store and *postgres.Store are one.
type Store interface {
	content.Store
	blog.Accounts
	AddRedirect(ctx context.Context, from, to string) error
	Ping(ctx context.Context) error
	Queries() int64
}

var (
	_ Store = (*sqlite.Store)(nil)
	_ Store = (*postgres.Store)(nil)
)

// DefaultFile is the SQLite database's name in the data folder.
const DefaultFile = "octavo.db"

// Open opens the database that databaseURL names and applies pending
// migrations:
//
//   - "" → SQLite at DATA/octavo.db (dataDir);
//   - "sqlite:PATH" (or "sqlite://PATH") → SQLite at PATH;
//   - "postgres://…" or "postgresql://…" → PostgreSQL.
//
// It refuses a database whose schema is newer than this binary.
func Open(ctx context.Context, databaseURL, dataDir string) (Store, error) {
	kind, target, err := Parse(databaseURL, dataDir)
	if err != nil {
		return nil, err
	}
	if kind == KindPostgres {
		return postgres.Open(ctx, target)
	}
	return sqlite.Open(ctx, target)
}

// Connect opens the database like Open but applies no migration (for
// `octavo migrate`). A SQLite file is created when missing; check first
// when that is not wanted (Exists).
func Connect(ctx context.Context, databaseURL, dataDir string) (Store, error) {
	kind, target, err := Parse(databaseURL, dataDir)
	if err != nil {
		return nil, err
	}
	if kind == KindPostgres {
		return postgres.Connect(ctx, target)
	}
	return sqlite.Connect(ctx, target)
}

// Exists reports whether a SQLite database file is there already (always
// true for PostgreSQL, whose database must exist to be connected to).
func Exists(databaseURL, dataDir string) (bool, error) {
	kind, target, err := Parse(databaseURL, dataDir)
	if err != nil || kind == KindPostgres {
		return err == nil, err
	}
	_, err = os.Stat(target)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Remove deletes a SQLite database file with its journal files; it does
// nothing to a PostgreSQL database.
func Remove(databaseURL string) error {
	kind, target, err := Parse(databaseURL, "")
	if err != nil || kind != KindSQLite {
		return err
	}
	var errs []error
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Kind is a kind of database.
type Kind string

// The databases Octavo runs on.
const (
	KindSQLite   Kind = "sqlite"
	KindPostgres Kind = "postgres"
)

// Parse tells which database databaseURL names and returns what its
// package opens: a file path for SQLite, the URL itself for PostgreSQL.
func Parse(databaseURL, dataDir string) (Kind, string, error) {
	u := strings.TrimSpace(databaseURL)
	switch {
	case u == "":
		if dataDir == "" {
			return "", "", errors.New("no database: give a database URL or a data folder")
		}
		return KindSQLite, filepath.Join(dataDir, DefaultFile), nil
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return KindPostgres, u, nil
	case strings.HasPrefix(u, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(u, "sqlite:"), "//")
		if path == "" {
			return "", "", fmt.Errorf("database URL %q: give the file after sqlite:, e.g. sqlite:octavo-data/octavo.db", databaseURL)
		}
		return KindSQLite, path, nil
	}
	return "", "", fmt.Errorf("database URL %q: use sqlite:PATH, postgres://USER@HOST/DB or postgresql://…", Redact(databaseURL))
}

// Describe names a database for messages, without a password.
func Describe(databaseURL, dataDir string) string {
	kind, target, err := Parse(databaseURL, dataDir)
	switch {
	case err != nil:
		return Redact(databaseURL)
	case kind == KindSQLite:
		return "sqlite:" + target
	}
	return Redact(target)
}

// Redact hides the password of a URL.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a database URL that does not parse)"
	}
	return u.Redacted()
}

// core is what both backends share underneath: the SQL store.
type core interface{ Core() *sqlstore.Store }

func sqlCore(s Store) (*sqlstore.Store, error) {
	c, ok := s.(core)
	if !ok {
		return nil, fmt.Errorf("%T is not a SQL database", s)
	}
	return c.Core(), nil
}

// Migrate applies the pending migrations of s and returns their names.
func Migrate(ctx context.Context, s Store) ([]string, error) {
	c, err := sqlCore(s)
	if err != nil {
		return nil, err
	}
	ms, err := c.Migrate(ctx)
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
	}
	return names, err
}

// MigrationStatus lists the migrations this binary knows and those the
// database recorded.
func MigrationStatus(ctx context.Context, s Store) ([]sqlstore.MigrationState, error) {
	c, err := sqlCore(s)
	if err != nil {
		return nil, err
	}
	return c.MigrationStatus(ctx)
}

// SchemaVersion is the newest schema version this binary knows for s.
func SchemaVersion(s Store) int {
	c, err := sqlCore(s)
	if err != nil {
		return 0
	}
	return c.SchemaVersion()
}

// Copy copies every table of from into to, which must be empty and at the
// same schema version, in one transaction on to, then checks that every
// table has the same checksum on both sides.
func Copy(ctx context.Context, from, to Store) (sqlstore.CopyReport, error) {
	f, err := sqlCore(from)
	if err != nil {
		return sqlstore.CopyReport{}, err
	}
	t, err := sqlCore(to)
	if err != nil {
		return sqlstore.CopyReport{}, err
	}
	return f.CopyTo(ctx, t)
}

// Checksums returns a checksum of every table of s (see
// sqlstore.Store.Checksums): equal checksums, equal rows.
func Checksums(ctx context.Context, s Store) (map[string]string, error) {
	c, err := sqlCore(s)
	if err != nil {
		return nil, err
	}
	return c.Checksums(ctx)
}
