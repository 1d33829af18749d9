package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Table describes one table for copies and checksums.
type Table struct {
	Name       string
	Columns    []Column // in the order the table declares them
	PrimaryKey []string // column names; empty when the table has none
	References []string // the tables its foreign keys point to
}

// Column is a column's name and declared type (lower case).
type Column struct {
	Name string
	Type string
}

// migrationsTable is the table every database keeps its own of: a copy and
// a checksum leave it out (the target records its own migrations).
const migrationsTable = "schema_migrations"

// quoteIdent quotes a table or column name for every dialect.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// dataTables returns the tables that hold the blog: all but the
// migrations table, by name.
func (s *Store) dataTables(ctx context.Context) ([]Table, error) {
	all, err := s.d.Tables(ctx, rebound{s.db, s.d})
	if err != nil {
		return nil, fmt.Errorf("reading the tables of the %s database: %w", s.d.Name, err)
	}
	var tables []Table
	for _, t := range all {
		if t.Name != migrationsTable {
			tables = append(tables, t)
		}
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].Name < tables[j].Name })
	return tables, nil
}

// CopyReport says what a copy moved.
type CopyReport struct {
	Tables []TableCopy
	Took   time.Duration
}

// TableCopy is one table of a copy.
type TableCopy struct {
	Name     string
	Rows     int
	Checksum string // the same on both sides, or the copy failed
}

// Rows is the number of rows copied in all.
func (r CopyReport) Rows() int {
	n := 0
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// CopyTo copies every table of s (all but schema_migrations; whatever
// tables the schema has, not a fixed list) into to, in one transaction on
// to, reading s in one snapshot. Both must be at the same schema version,
// and every table of to must be empty: a copy never merges. After the
// commit it compares a checksum of every table on both sides.
func (s *Store) CopyTo(ctx context.Context, to *Store) (CopyReport, error) {
	start := time.Now()
	var rep CopyReport
	if err := sameSchema(ctx, s, to); err != nil {
		return rep, err
	}
	src, err := s.dataTables(ctx)
	if err != nil {
		return rep, err
	}
	dst, err := to.dataTables(ctx)
	if err != nil {
		return rep, err
	}
	dstByName := map[string]Table{}
	for _, t := range dst {
		dstByName[t.Name] = t
	}
	for _, t := range src {
		d, ok := dstByName[t.Name]
		if !ok {
			return rep, fmt.Errorf("the target has no table %s", t.Name)
		}
		if missing := missingColumns(t, d); len(missing) > 0 {
			return rep, fmt.Errorf("the target's table %s has no column %s", t.Name, strings.Join(missing, ", "))
		}
		var one int
		err := to.db.QueryRowContext(ctx, `SELECT 1 FROM `+quoteIdent(t.Name)+` LIMIT 1`).Scan(&one)
		if err == nil {
			return rep, fmt.Errorf("the target is not empty (table %s has rows): a copy goes into a new, empty database", t.Name)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return rep, err
		}
	}
	order, err := dependencyOrder(src)
	if err != nil {
		return rep, err
	}

	rtx, err := s.begin(ctx, s.d.SnapshotTx)
	if err != nil {
		return rep, fmt.Errorf("reading the source: %w", err)
	}
	defer rtx.Rollback()
	wtx, err := to.begin(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("writing the target: %w", err)
	}
	defer wtx.Rollback()
	counts := map[string]int{}
	for _, t := range order {
		n, err := copyTable(ctx, rtx, wtx, t, dstByName[t.Name], to.d)
		if err != nil {
			return rep, fmt.Errorf("copying table %s: %w", t.Name, err)
		}
		counts[t.Name] = n
	}
	if to.d.AfterCopy != nil {
		if err := to.d.AfterCopy(ctx, wtx.rebound, dst); err != nil {
			return rep, err
		}
	}
	if err := wtx.Commit(); err != nil {
		return rep, fmt.Errorf("committing the copy: %w", err)
	}
	if err := rtx.Commit(); err != nil {
		return rep, err
	}

	// Check the result table by table.
	before, err := s.Checksums(ctx)
	if err != nil {
		return rep, err
	}
	after, err := to.Checksums(ctx)
	if err != nil {
		return rep, err
	}
	for _, t := range src {
		if before[t.Name] != after[t.Name] {
			return rep, fmt.Errorf("table %s differs after the copy (checksum %s, copy %s); was the source written to during the copy?",
				t.Name, before[t.Name], after[t.Name])
		}
		rep.Tables = append(rep.Tables, TableCopy{Name: t.Name, Rows: counts[t.Name], Checksum: before[t.Name]})
	}
	rep.Took = time.Since(start)
	return rep, nil
}

func sameSchema(ctx context.Context, a, b *Store) error {
	va, err := a.appliedVersion(ctx)
	if err != nil {
		return err
	}
	vb, err := b.appliedVersion(ctx)
	if err != nil {
		return err
	}
	if va != vb {
		return fmt.Errorf("the source has schema version %d and the target %d: migrate both to the same version first (octavo migrate up)", va, vb)
	}
	return nil
}

func (s *Store) appliedVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("reading the schema version of the %s database: %w", s.d.Name, err)
	}
	return v, nil
}

func missingColumns(src, dst Table) []string {
	var missing []string
	for _, c := range src.Columns {
		if !slices.ContainsFunc(dst.Columns, func(d Column) bool { return d.Name == c.Name }) {
			missing = append(missing, c.Name)
		}
	}
	return missing
}

// dependencyOrder orders tables so that a table comes after those its
// foreign keys point to (by name among equals). A table pointing to itself
// is fine when its rows are copied in primary key order, as they are.
func dependencyOrder(tables []Table) ([]Table, error) {
	byName := map[string]Table{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	var order []Table
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(t Table) error
	visit = func(t Table) error {
		switch state[t.Name] {
		case 1:
			return fmt.Errorf("the foreign keys of table %s form a cycle; cannot order the copy", t.Name)
		case 2:
			return nil
		}
		state[t.Name] = 1
		for _, ref := range t.References {
			if r, ok := byName[ref]; ok && ref != t.Name {
				if err := visit(r); err != nil {
					return err
				}
			}
		}
		state[t.Name] = 2
		order = append(order, t)
		return nil
	}
	for _, t := range tables {
		if err := visit(t); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// copyTable streams the rows of one table from rtx into wtx, many rows to
// an INSERT, and returns how many it copied.
func copyTable(ctx context.Context, rtx, wtx rebindTx, src, dst Table, d *Dialect) (int, error) {
	names := make([]string, len(src.Columns))
	types := make([]string, len(src.Columns))
	for i, c := range src.Columns {
		names[i] = quoteIdent(c.Name)
		for _, dc := range dst.Columns {
			if dc.Name == c.Name {
				types[i] = dc.Type
			}
		}
	}
	q := `SELECT ` + strings.Join(names, ", ") + ` FROM ` + quoteIdent(src.Name)
	if len(src.PrimaryKey) > 0 {
		pk := make([]string, len(src.PrimaryKey))
		for i, c := range src.PrimaryKey {
			pk[i] = quoteIdent(c)
		}
		q += ` ORDER BY ` + strings.Join(pk, ", ")
	}
	rows, err := rtx.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()

	// A statement carries at most ~30,000 values (SQLite's limit is 32,766,
	// PostgreSQL's 65,535) and 500 rows.
	perInsert := min(500, 30000/len(names))
	head := `INSERT INTO ` + quoteIdent(dst.Name) + ` (` + strings.Join(names, ", ") + `) VALUES `
	tuple := `(?` + strings.Repeat(", ?", len(names)-1) + `)`
	var batch []any
	n, inBatch := 0, 0
	flush := func() error {
		if inBatch == 0 {
			return nil
		}
		stmt := head + tuple + strings.Repeat(", "+tuple, inBatch-1)
		if _, err := wtx.ExecContext(ctx, stmt, batch...); err != nil {
			return err
		}
		batch, inBatch = batch[:0], 0
		return nil
	}
	vals, ptrs := scanTargets(len(names))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok && b == nil {
				// An empty blob, not NULL (which scans as a nil any): a
				// driver would write a nil slice as NULL.
				v = []byte{}
			}
			cv, err := d.Value(types[i], v)
			if err != nil {
				return n, fmt.Errorf("column %s: %w", src.Columns[i].Name, err)
			}
			batch = append(batch, cv)
		}
		n++
		if inBatch++; inBatch == perInsert {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// scanTargets returns n values and the pointers to them that Scan fills.
func scanTargets(n int) (vals, ptrs []any) {
	vals = make([]any, n)
	ptrs = make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	return vals, ptrs
}

// Strings runs a query of one text column and returns its rows (for the
// dialects' catalog queries).
func Strings(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Checksums returns a SHA-256 of the rows of every table but
// schema_migrations, by table name. Values are normalised to text (NULL
// apart, booleans as 0 and 1, columns by name), and the digest does not
// depend on row order, so the same rows give the same checksum on SQLite
// and on PostgreSQL.
func (s *Store) Checksums(ctx context.Context) (map[string]string, error) {
	tables, err := s.dataTables(ctx)
	if err != nil {
		return nil, err
	}
	sums := map[string]string{}
	for _, t := range tables {
		sum, err := s.checksum(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("checksum of table %s: %w", t.Name, err)
		}
		sums[t.Name] = sum
	}
	return sums, nil
}

func (s *Store) checksum(ctx context.Context, t Table) (string, error) {
	cols := slices.Clone(t.Columns)
	sort.Slice(cols, func(i, j int) bool { return cols[i].Name < cols[j].Name })
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quoteIdent(c.Name)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+quoteIdent(t.Name))
	if err != nil {
		return "", err
	}
	defer rows.Close()
	vals, ptrs := scanTargets(len(cols))
	var digests [][sha256.Size]byte
	var buf []byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		buf = buf[:0]
		for i, v := range vals {
			buf = appendValue(buf, cols[i].Name, v)
		}
		digests = append(digests, sha256.Sum256(buf))
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	// Row order is not part of the data: sort the row digests.
	slices.SortFunc(digests, func(a, b [sha256.Size]byte) int { return strings.Compare(string(a[:]), string(b[:])) })
	h := sha256.New()
	for _, d := range digests {
		h.Write(d[:])
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// appendValue writes one column of a row as length-prefixed text, so that
// no two different rows write the same bytes.
func appendValue(buf []byte, name string, v any) []byte {
	var text string
	null := false
	switch v := v.(type) {
	case nil:
		null = true
	case bool:
		text = "0"
		if v {
			text = "1"
		}
	case int64:
		text = strconv.FormatInt(v, 10)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			text = strconv.FormatInt(int64(v), 10)
		} else {
			text = strconv.FormatFloat(v, 'g', -1, 64)
		}
	case string:
		text = v
	case []byte:
		text = string(v)
	case time.Time:
		text = strconv.FormatInt(v.UnixMilli(), 10)
	default:
		text = fmt.Sprint(v)
	}
	buf = binary.AppendUvarint(buf, uint64(len(name)))
	buf = append(buf, name...)
	if null {
		return append(buf, 0)
	}
	buf = append(buf, 1)
	buf = binary.AppendUvarint(buf, uint64(len(text)))
	return append(buf, text...)
}
