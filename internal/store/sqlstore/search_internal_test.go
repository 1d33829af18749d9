package sqlstore

import (
	"testing"

	"octavo/internal/blog"
)

func TestSearchSyntax(t *testing.T) {
	terms := []blog.SearchTerm{
		{Words: []string{"sqlite"}},
		{Words: []string{"deploy"}, Prefix: true},
		{Words: []string{"load", "balancer"}},
		{Words: []string{"http", "listen", "serve"}, Prefix: true},
	}
	if got, want := ftsJoin(terms, " AND "), `"sqlite" AND "deploy"* AND "load balancer" AND "http listen serve"*`; got != want {
		t.Errorf("FTS5:\n got %s\nwant %s", got, want)
	}
	if got, want := tsJoin(terms, " & ", ""), `('sqlite') & ('deploy':*) & ('load balancer') & ('http listen' & 'listen serve':* & ('http' <-> 'listen' <-> 'serve':*))`; got != want {
		t.Errorf("tsquery:\n got %s\nwant %s", got, want)
	}
	if got, want := tsJoin(terms[1:3], " | ", "A"), `('deploy':*A) | ('load balancer':A)`; got != want {
		t.Errorf("weighted tsquery:\n got %s\nwant %s", got, want)
	}
}
