package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"octavo/internal/blog"
)

func TestRebind(t *testing.T) {
	numbered := &Dialect{Numbered: true}
	tests := []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`a = ? AND b IN (?, ?)`, `a = $1 AND b IN ($2, $3)`},
		{`x = '?' AND "odd?" = ? AND y LIKE 'it''s ?'`, `x = '?' AND "odd?" = $1 AND y LIKE 'it''s ?'`},
	}
	for _, tt := range tests {
		if got := numbered.Rebind(tt.in); got != tt.want {
			t.Errorf("Rebind(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := (&Dialect{}).Rebind(tt.in); got != tt.in {
			t.Errorf("a ? dialect changed %q to %q", tt.in, got)
		}
	}
}

func TestDependencyOrder(t *testing.T) {
	tables := []Table{
		{Name: "notes", References: []string{"posts"}},
		{Name: "post_tags", References: []string{"posts", "tags"}},
		{Name: "posts", References: []string{"users"}},
		{Name: "replies", References: []string{"replies", "posts"}}, // points to itself
		{Name: "tags"},
		{Name: "users"},
	}
	order, err := dependencyOrder(tables)
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, tb := range order {
		pos[tb.Name] = i
	}
	for _, tb := range tables {
		for _, ref := range tb.References {
			if ref != tb.Name && pos[ref] > pos[tb.Name] {
				t.Errorf("%s comes before %s, which it references", tb.Name, ref)
			}
		}
	}
	_, err = dependencyOrder([]Table{{Name: "a", References: []string{"b"}}, {Name: "b", References: []string{"a"}}})
	if err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("a cycle: %v", err)
	}
}

func TestAppendValueKeepsRowsApart(t *testing.T) {
	row := func(vals ...any) string {
		var b []byte
		for i, v := range vals {
			b = appendValue(b, string(rune('a'+i)), v)
		}
		return string(b)
	}
	distinct := [][]any{{nil}, {""}, {"0"}, {"ab", "c"}, {"a", "bc"}}
	seen := map[string]bool{}
	for _, r := range distinct {
		k := row(r...)
		if seen[k] {
			t.Errorf("%v writes the same bytes as another row", r)
		}
		seen[k] = true
	}
	// The same value from SQLite and from PostgreSQL.
	if row(int64(1), []byte("x"), 2.0) != row(true, "x", int64(2)) {
		t.Error("1 and true, a blob and a text, 2.0 and 2 should be the same")
	}
}

// sqlStateError is a driver error with a SQLSTATE, as PostgreSQL's are.
type sqlStateError string

func (e sqlStateError) Error() string    { return "server said " + string(e) }
func (e sqlStateError) SQLState() string { return string(e) }

// sqliteError is a driver error with a result code, as SQLite's are.
type sqliteError int

func (e sqliteError) Error() string { return fmt.Sprintf("sqlite said %d", int(e)) }
func (e sqliteError) Code() int     { return int(e) }

func TestDBErrorCodes(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		err  error
		want blog.Code
		msg  string
	}{
		{refused, blog.EUNAVAILABLE, "The database cannot be reached."},
		{fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), blog.EUNAVAILABLE, "The database cannot be reached."},
		{fmt.Errorf("writing: %w", syscall.EPIPE), blog.EUNAVAILABLE, "The database cannot be reached."},
		{sqlStateError("08006"), blog.EUNAVAILABLE, "The database cannot be reached."}, // connection_failure
		{sqlStateError("57P01"), blog.EUNAVAILABLE, "The database cannot be reached."}, // admin_shutdown
		{sqlStateError("53300"), blog.EUNAVAILABLE, "The database cannot be reached."}, // too_many_connections
		{fmt.Errorf("connect: %w", context.DeadlineExceeded), blog.EUNAVAILABLE, "The database did not answer in time."},
		{sqliteError(5), blog.EUNAVAILABLE, "The database is busy; try again."},   // SQLITE_BUSY
		{sqliteError(517), blog.EUNAVAILABLE, "The database is busy; try again."}, // SQLITE_BUSY_SNAPSHOT
		{sqliteError(19), blog.EINTERNAL, "reading a post failed"},                // SQLITE_CONSTRAINT
		{sqlStateError("23505"), blog.EINTERNAL, "reading a post failed"},         // unique_violation
		{sqlStateError("42P01"), blog.EINTERNAL, "reading a post failed"},         // undefined_table
		{errors.New("no such column: x"), blog.EINTERNAL, "reading a post failed"},
		{blog.Errorf(blog.ENOTFOUND, "No such post."), blog.ENOTFOUND, "No such post."},
	}
	for _, tt := range tests {
		err := dbError(tt.err, "reading a post")
		if got := blog.ErrorCode(err); got != tt.want || blog.ErrorMessage(err) != tt.msg {
			t.Errorf("dbError(%v) = %s %q, want %s %q", tt.err, got, blog.ErrorMessage(err), tt.want, tt.msg)
		}
		if !errors.Is(err, tt.err) && tt.want != blog.ENOTFOUND {
			t.Errorf("dbError(%v) lost its cause: %v", tt.err, err)
		}
	}
}
