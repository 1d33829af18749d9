// Package sqlstore is the blog store written once for every SQL database
// Octavo runs on. The SQLite and PostgreSQL packages open their database,
// describe their dialect (a Dialect: placeholders, a function name, their
// catalog) and embed a *Store; every query of the blog lives here, so the
// two backends answer the same questions with the same SQL.
//
// Queries are written with ? placeholders; a dialect with numbered
// placeholders ($1, $2…) gets them rewritten before they are sent.
// Times are stored as Unix milliseconds (UTC) in integer columns on every
// backend, so a time read back equals the time written, to the millisecond.
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"octavo/internal/blog"
)

// Dialect is everything that differs between two SQL databases, in one
// place. The SQLite and PostgreSQL packages each define one.
type Dialect struct {
	// Name names the database in messages: "SQLite", "PostgreSQL".
	Name string
	// Numbered is true when placeholders are $1, $2… instead of ?.
	Numbered bool
	// Greatest is the scalar function that returns the larger of its
	// arguments: MAX in SQLite, GREATEST in PostgreSQL.
	Greatest string
	// MigrationLock, when set, is run first in every migration
	// transaction, so that processes starting at the same time apply each
	// migration once (a transaction-scoped advisory lock on PostgreSQL;
	// SQLite's write transactions already exclude each other).
	MigrationLock string
	// PathLock, when set, is run in a post's write transaction with the
	// permalink asked for as its argument, before the check that the path
	// is free: writers of the same path wait for each other instead of
	// both finding it free (a transaction-scoped advisory lock on
	// PostgreSQL; SQLite's write transactions are serial already).
	PathLock string
	// TableExists is a query that counts the tables named by its one
	// argument.
	TableExists string
	// SnapshotTx are the options of the transaction a copy reads its
	// source in: one consistent snapshot of every table.
	SnapshotTx *sql.TxOptions
	// Tables describes the tables of the database (not its internal ones)
	// for copies and checksums.
	Tables func(ctx context.Context, q Querier) ([]Table, error)
	// Value converts a value read from another database for a column of
	// the declared type colType here (say, 1 to true for a boolean).
	Value func(colType string, v any) (any, error)
	// AfterCopy runs in the copy transaction after every row is written
	// (PostgreSQL moves its sequences past the copied ids); nil for none.
	AfterCopy func(ctx context.Context, q Querier, tables []Table) error
	// IsUniqueViolation reports whether err is a unique constraint refusing
	// a write (two processes racing for the same permalink).
	IsUniqueViolation func(err error) bool
	// Search is how the database's full-text index is queried
	// (FTS5Search, TSVectorSearch; see search.go).
	Search *SearchSQL
}

// Querier is what a *sql.DB, *sql.Conn and *sql.Tx share.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Store is a blog.Store (and what the content service, the CLI and the
// conformance suite need beyond it) on one SQL database.
type Store struct {
	db         *sql.DB
	d          *Dialect
	migrations []Migration
	explain    func(error) error
	queries    atomic.Int64

	mu       sync.RWMutex
	settings *blog.Settings // cached; reset by SaveSettings and ForgetSettings
}

var _ blog.Store = (*Store)(nil)

// New returns a store on db speaking dialect d, whose schema is made by
// migrations (see LoadMigrations). It applies nothing: call Migrate.
// explain, when not nil, turns the errors of a failed migration (the
// first statements a database sees) into advice: "not a SQLite database",
// "cannot reach PostgreSQL".
func New(db *sql.DB, d *Dialect, migrations []Migration, explain func(error) error) *Store {
	if explain == nil {
		explain = func(err error) error { return err }
	}
	return &Store{db: db, d: d, migrations: migrations, explain: explain}
}

// Core returns s itself; the backends embed *Store, so this gives tools
// (migrations, copies) the shared store under any of them.
func (s *Store) Core() *Store { return s }

// DB returns the underlying database, for tests and tools.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the dialect the store speaks.
func (s *Store) Dialect() *Dialect { return s.d }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Queries returns how many SQL statements the store has run (a write
// transaction counts once); tests use it to bound the queries of a render.
func (s *Store) Queries() int64 { return s.queries.Load() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// ForgetSettings drops the cached site settings, so the next read asks the
// database: another process changed them.
func (s *Store) ForgetSettings() {
	s.mu.Lock()
	s.settings = nil
	s.mu.Unlock()
}

// Rebind rewrites the ? placeholders of q for the dialect ($1, $2… on
// PostgreSQL). A ? inside a quoted string or identifier is left alone.
func (d *Dialect) Rebind(q string) string {
	if !d.Numbered || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	s.queries.Add(1)
	return s.db.QueryContext(ctx, s.d.Rebind(q), args...)
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	s.queries.Add(1)
	return s.db.QueryRowContext(ctx, s.d.Rebind(q), args...)
}

func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	s.queries.Add(1)
	return s.db.ExecContext(ctx, s.d.Rebind(q), args...)
}

// rebound sends statements to q with their placeholders rewritten for d.
type rebound struct {
	q Querier
	d *Dialect
}

func (r rebound) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return r.q.QueryRowContext(ctx, r.d.Rebind(q), args...)
}

func (r rebound) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.q.QueryContext(ctx, r.d.Rebind(q), args...)
}

func (r rebound) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return r.q.ExecContext(ctx, r.d.Rebind(q), args...)
}

// rebindTx is a transaction whose statements are rebound.
type rebindTx struct {
	rebound
	tx *sql.Tx
}

func (t rebindTx) Commit() error   { return t.tx.Commit() }
func (t rebindTx) Rollback() error { return t.tx.Rollback() }

func (s *Store) begin(ctx context.Context, opts *sql.TxOptions) (rebindTx, error) {
	t, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return rebindTx{}, err
	}
	return rebindTx{rebound{t, s.d}, t}, nil
}

// ms is a time as stored: Unix milliseconds, NULL for the zero time.
func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// fromMS is a stored time read back, in UTC.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// dbError wraps an unexpected database error as EINTERNAL (or EUNAVAILABLE
// when the database did not answer), keeping the cause for the logs.
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
	if unreachable(err) {
		return blog.Wrap(blog.EUNAVAILABLE, err, "The database cannot be reached.")
	}
	if busy(err) {
		return blog.Wrap(blog.EUNAVAILABLE, err, "The database is busy; try again.")
	}
	return blog.Wrap(blog.EINTERNAL, err, "%s failed", what)
}

// busy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED (or
// one of their extended codes): another process held the database's write
// lock longer than the busy timeout.
func busy(err error) bool {
	var ce interface{ Code() int }
	if errors.As(err, &ce) {
		code := ce.Code() & 0xff
		return code == 5 || code == 6
	}
	return false
}

// unreachable reports whether err says the database server is gone rather
// than that a statement failed: a network error, a connection closed in
// the middle of an answer (a server that stopped, a cut network), or one
// of the SQL standard's states for a lost connection or a server shutting
// down or full (PostgreSQL sends them).
func unreachable(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var se interface{ SQLState() string }
	if errors.As(err, &se) {
		state := se.SQLState()
		return strings.HasPrefix(state, "08") || // connection exception
			state == "57P01" || state == "57P02" || state == "57P03" || // admin or crash shutdown, cannot connect now
			state == "53300" // too many connections
	}
	return false
}
