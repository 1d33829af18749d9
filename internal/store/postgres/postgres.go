// Package postgres is the blog store on PostgreSQL, for several `octavo
// serve` processes sharing one database. It connects with pgx through
// database/sql (pgx's stdlib driver), so that it shares every query with
// SQLite in internal/store/sqlstore; what is PostgreSQL's own (connecting,
// its catalog, its errors, LISTEN/NOTIFY) is in this package.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"octavo/internal/blog"
	"octavo/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is a blog.Store on PostgreSQL: the shared SQL store on a pool of
// pgx connections.
type Store struct {
	*sqlstore.Store
	config *pgx.ConnConfig
	sender string // names this store in its notifications (notify.go)

	listenErrors  atomic.Int64    // connections the listener lost or could not make
	onListenError func(err error) // told of each (SetListenErrorHandler)
}

var _ blog.Store = (*Store)(nil)

// Pool sizes. Each process keeps at most maxConns connections; a server
// allows 100 by default, enough for several processes.
const (
	maxConns        = 10
	connMaxIdleTime = 5 * time.Minute
	connMaxLifetime = time.Hour
	connectTimeout  = 5 * time.Second // unless the URL's connect_timeout says otherwise
)

// Open connects to the database at dsn (a postgres:// URL or a key=value
// connection string) and applies pending migrations. It refuses a
// database that a newer Octavo wrote, and says what to do when the server
// cannot be reached or the database does not exist.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, err := Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("database %s: %w", s.Describe(), err)
	}
	return s, nil
}

// Connect connects to the database at dsn without applying migrations
// (for `octavo migrate status`), and checks that it answers.
func Connect(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(connMaxIdleTime)
	db.SetConnMaxLifetime(connMaxLifetime)
	ms, err := migrations()
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{Store: sqlstore.New(db, &dialect, ms, func(err error) error { return explain(err, cfg) }), config: cfg, sender: newSenderID()}
	if err := s.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", s.Describe(), explain(err, cfg))
	}
	return s, nil
}

// SetListenErrorHandler has Listen tell h about each connection it lost or
// could not make (to log it) before it retries. Call it before Listen.
func (s *Store) SetListenErrorHandler(h func(err error)) { s.onListenError = h }

// ListenErrors returns how many times Listen lost its connection or could
// not make one.
func (s *Store) ListenErrors() int64 { return s.listenErrors.Load() }

// Describe names the database for messages: host, port, database and
// user, never the password.
func (s *Store) Describe() string {
	u := url.URL{Scheme: "postgres", Host: net.JoinHostPort(s.config.Host, fmt.Sprint(s.config.Port)), Path: "/" + s.config.Database}
	if s.config.User != "" {
		u.User = url.User(s.config.User)
	}
	return u.String()
}

func migrations() ([]sqlstore.Migration, error) {
	return sqlstore.LoadMigrations(migrationFS, "migrations")
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int {
	ms, _ := migrations()
	return sqlstore.Latest(ms)
}

// explain turns the errors of a failed connection into advice.
func explain(err error, cfg *pgx.ConnConfig) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "3D000": // invalid_catalog_name
			return fmt.Errorf("the database %q does not exist (%v); create it first, e.g. createdb %s", cfg.Database, err, cfg.Database)
		case "28P01", "28000": // invalid_password, invalid_authorization_specification
			return fmt.Errorf("PostgreSQL refused the user %q (%v); check the user and password in the database URL", cfg.User, err)
		}
		return err
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	if errors.As(err, &ne) || errors.As(err, &ce) {
		return fmt.Errorf("cannot reach PostgreSQL at %s (%v); is the server running and the URL right?", net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port)), err)
	}
	return err
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
