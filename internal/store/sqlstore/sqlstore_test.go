package sqlstore

import (
	"strings"
	"testing"
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
