package static

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestSearchRows: the index made of kept rows is json.Marshal's, byte for
// byte, as entries change, come and go.
func TestSearchRows(t *testing.T) {
	rows := &searchRows{}
	a := SearchEntry{URL: "/a/", Title: `A <b> & "c" + é`, Date: "2026-01-01", Tags: []string{"x", "y<"}, Summary: "Some\u2028text\x00."}
	b := SearchEntry{URL: "/b/", Title: "B"}
	c := SearchEntry{URL: "/c/", Title: "C", Tags: []string{}}
	a2 := a
	a2.Tags = []string{"x"}
	for i, entries := range [][]SearchEntry{nil, {}, {a, b}, {a, b}, {b, a2, c}, {c}, {a, a}} {
		want, err := json.Marshal(entries)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rows.json(entries)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("step %d: %s, want %s", i, got, want)
		}
	}
}
