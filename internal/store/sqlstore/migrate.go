package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migration is one embedded schema change, NNNN_name.sql. A shipped
// migration is never edited: a change is a new file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// LoadMigrations reads the *.sql files in the folder dir of fsys, ordered
// by the number their names start with.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	fsys, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	seen := map[int]string{}
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", name)
		}
		if other, ok := seen[v]; ok {
			return nil, fmt.Errorf("migrations %s and %s have the same number", other, name)
		}
		seen[v] = name
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{v, name, string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// Latest is the newest schema version among ms, 0 when there is none.
func Latest(ms []Migration) int {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// SchemaVersion is the newest migration this binary knows for the store.
func (s *Store) SchemaVersion() int { return Latest(s.migrations) }

const createMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`

// Migrate applies the pending migrations in order, each in its own
// transaction recorded in schema_migrations, and returns those it applied.
// It refuses a database whose schema is newer than the binary.
func (s *Store) Migrate(ctx context.Context) ([]Migration, error) {
	var applied []Migration
	for {
		m, err := s.migrateOne(ctx)
		if err != nil {
			return applied, s.explain(err)
		}
		if m == nil {
			// The Go half of migrations: index what SQL could not.
			if _, err := s.IndexStale(ctx); err != nil {
				return applied, fmt.Errorf("indexing posts for search: %w", err)
			}
			return applied, nil
		}
		applied = append(applied, *m)
	}
}

// migrateOne applies the next pending migration, if any, in a transaction
// that first takes the dialect's migration lock and then reads the current
// version, so that two processes starting together apply it once.
func (s *Store) migrateOne(ctx context.Context) (*Migration, error) {
	tx, err := s.begin(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if s.d.MigrationLock != "" {
		if _, err := tx.ExecContext(ctx, s.d.MigrationLock); err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, createMigrations); err != nil {
		return nil, err
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return nil, err
	}
	if latest := s.SchemaVersion(); current > latest {
		return nil, newerSchema(current, latest)
	}
	for _, m := range s.migrations {
		if m.Version <= current {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.Version, m.Name, time.Now().UnixMilli()); err != nil {
			return nil, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return nil, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		return &m, nil
	}
	// Nothing pending: the transaction only created the table when missing.
	return nil, tx.Commit()
}

func newerSchema(current, latest int) error {
	return fmt.Errorf("it was written by a newer Octavo (schema version %d; this binary knows up to %d): upgrade octavo", current, latest)
}

// MigrationState is one migration as a database has it.
type MigrationState struct {
	Version   int
	Name      string
	Applied   bool
	AppliedAt time.Time
	// Unknown is true for a migration the database has and this binary
	// does not know: a newer Octavo wrote it.
	Unknown bool
}

// MigrationStatus lists every migration this binary knows and every one
// the database has recorded, by version, without changing anything.
func (s *Store) MigrationStatus(ctx context.Context) ([]MigrationState, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, s.d.Rebind(s.d.TableExists), "schema_migrations").Scan(&n); err != nil {
		return nil, err
	}
	byVersion := map[int]*MigrationState{}
	for _, m := range s.migrations {
		byVersion[m.Version] = &MigrationState{Version: m.Version, Name: m.Name}
	}
	if n > 0 {
		rows, err := s.db.QueryContext(ctx, `SELECT version, name, applied_at FROM schema_migrations`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			var name string
			var at sql.NullInt64
			if err := rows.Scan(&v, &name, &at); err != nil {
				return nil, err
			}
			st, ok := byVersion[v]
			if !ok {
				st = &MigrationState{Version: v, Name: name, Unknown: true}
				byVersion[v] = st
			}
			st.Applied, st.AppliedAt = true, fromMS(at)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	states := make([]MigrationState, 0, len(byVersion))
	for _, st := range byVersion {
		states = append(states, *st)
	}
	sort.Slice(states, func(i, j int) bool { return states[i].Version < states[j].Version })
	return states, nil
}
