package sqlite

import (
	"context"
	"fmt"
	"strings"

	"octavo/internal/store/sqlstore"
)

// dialect is what SQLite does its own way; the queries themselves are in
// internal/store/sqlstore.
var dialect = sqlstore.Dialect{
	Name:     "SQLite",
	Greatest: "MAX", // MAX with two arguments is SQLite's scalar maximum
	// Write transactions are BEGIN IMMEDIATE (_txlock): they exclude each
	// other, so migrations need no lock of their own, and a copy's read
	// transaction sees one snapshot.
	TableExists: `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`,
	Tables:      tables,
	Value:       value,
	IsUniqueViolation: func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
	},
	Search: sqlstore.FTS5Search,
}

// tables reads the catalog: ordinary tables (not virtual tables such as a
// full-text index, nor their shadow tables, nor SQLite's own).
func tables(ctx context.Context, q sqlstore.Querier) ([]sqlstore.Table, error) {
	names, err := sqlstore.Strings(ctx, q, `SELECT name FROM pragma_table_list
		WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var out []sqlstore.Table
	for _, n := range names {
		t := sqlstore.Table{Name: n}
		rows, err := q.QueryContext(ctx, `SELECT name, lower(type) FROM pragma_table_info(?) ORDER BY cid`, n)
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
		if t.PrimaryKey, err = sqlstore.Strings(ctx, q, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, n); err != nil {
			return nil, err
		}
		if t.References, err = sqlstore.Strings(ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, n); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// value converts a value read from another database for SQLite, which
// stores booleans as 0 and 1.
func value(colType string, v any) (any, error) {
	switch v := v.(type) {
	case bool:
		if v {
			return int64(1), nil
		}
		return int64(0), nil
	case nil, int64, float64, string, []byte:
		return v, nil
	default:
		return nil, fmt.Errorf("cannot store a %T in SQLite column type %q", v, colType)
	}
}
