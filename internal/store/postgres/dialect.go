package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	strs "strings"

	"octavo/internal/store/sqlstore"
)

// migrationLockKey is the advisory lock every migration transaction takes
// (pg_advisory_xact_lock), so that processes starting together apply each
// migration once. It is "octavo" in ASCII, with a 1 for "migrate".
const migrationLockKey = 0x6f637461766f01

// pathLockSpace is the first key of the advisory locks on permalinks
// (pg_advisory_xact_lock(space, hashtext(path))); two-key locks never
// collide with the one-key migration lock.
const pathLockSpace = 0x6f637401

// dialect is what PostgreSQL does its own way; the queries themselves are
// in internal/store/sqlstore.
var dialect = sqlstore.Dialect{
	Name:              "PostgreSQL",
	Numbered:          true,
	Greatest:          "GREATEST",
	MigrationLock:     `SELECT pg_advisory_xact_lock(` + strconv.Itoa(migrationLockKey) + `)`,
	PathLock:          `SELECT pg_advisory_xact_lock(` + strconv.Itoa(pathLockSpace) + `, hashtext(?))`,
	TableExists:       `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`,
	SnapshotTx:        &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
	Tables:            tables,
	Value:             value,
	AfterCopy:         resetSequences,
	IsUniqueViolation: isUniqueViolation,
	Search:            sqlstore.TSVectorSearch,
}

// regclass is the SQL that names the table given as an argument in the
// current schema.
const regclass = `to_regclass(quote_ident(current_schema()) || '.' || quote_ident(?))`

// tables reads the catalog: the base tables of the current schema.
func tables(ctx context.Context, q sqlstore.Querier) ([]sqlstore.Table, error) {
	names, err := sqlstore.Strings(ctx, q, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	var out []sqlstore.Table
	for _, n := range names {
		t := sqlstore.Table{Name: n}
		// Generated columns (the search tsvectors) are computed by the
		// database: a copy cannot write them, and leaves them out of both
		// sides' checksums.
		rows, err := q.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position`, n)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c sqlstore.Column
			if err := rows.Scan(&c.Name, &c.Type); err != nil {
				rows.Close()
				return nil, err
			}
			t.Columns = append(t.Columns, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if t.PrimaryKey, err = sqlstore.Strings(ctx, q, `SELECT a.attname FROM pg_index i
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
			WHERE i.indrelid = `+regclass+` AND i.indisprimary
			ORDER BY array_position(i.indkey::int2[], a.attnum)`, n); err != nil {
			return nil, err
		}
		if t.References, err = sqlstore.Strings(ctx, q, `SELECT DISTINCT r.relname FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid
			WHERE c.contype = 'f' AND c.conrelid = `+regclass, n); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// value converts a value read from another database (SQLite stores
// booleans as 0 and 1) for a PostgreSQL column of type colType.
func value(colType string, v any) (any, error) {
	switch colType {
	case "boolean":
		switch v := v.(type) {
		case int64:
			return v != 0, nil
		case bool, nil:
			return v, nil
		}
	case "smallint", "integer", "bigint":
		switch v := v.(type) {
		case bool:
			if v {
				return int64(1), nil
			}
			return int64(0), nil
		case int64, nil:
			return v, nil
		}
	case "text", "character varying":
		switch v := v.(type) {
		case []byte:
			return string(v), nil
		case string, nil:
			return v, nil
		}
	case "bytea":
		switch v := v.(type) {
		case string:
			return []byte(v), nil
		case []byte, nil:
			return v, nil
		}
	default:
		return v, nil
	}
	return nil, fmt.Errorf("cannot store a %T in a PostgreSQL %s column", v, colType)
}

// resetSequences moves every identity or serial sequence past the largest
// id a copy wrote, so that the next insert gets a fresh id.
func resetSequences(ctx context.Context, q sqlstore.Querier, tables []sqlstore.Table) error {
	for _, t := range tables {
		cols, err := sqlstore.Strings(ctx, q, `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`, t.Name)
		if err != nil {
			return err
		}
		for _, c := range cols {
			if _, err := q.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(quote_ident(current_schema()) || '.' || quote_ident(?), ?),
				COALESCE((SELECT MAX(`+quoteIdent(c)+`) FROM `+quoteIdent(t.Name)+`), 0) + 1, false)`, t.Name, c); err != nil {
				return fmt.Errorf("resetting the sequence of %s.%s: %w", t.Name, c, err)
			}
		}
	}
	return nil
}

// quoteIdent quotes a name from the catalog for use in SQL.
func quoteIdent(name string) string {
	return `"` + strs.ReplaceAll(name, `"`, `""`) + `"`
}
