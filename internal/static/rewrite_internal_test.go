package static

import "testing"

// TestRewriteAll: only a gzip level other than the last build's makes a
// build write every file again; a first build, which has no manifest,
// writes its files in place (found by a profile: every file of a cold
// build went through a temporary file and a rename).
func TestRewriteAll(t *testing.T) {
	built := newManifest()
	built.Gzip = 6
	built.Files["index.html"] = "hash"
	tests := []struct {
		name string
		old  *manifest
		gzip int
		want bool
	}{
		{"first build", newManifest(), 6, false},
		{"first build without .gz", newManifest(), 0, false},
		{"same level", built, 6, false},
		{"another level", built, 9, true},
		{"no more .gz", built, 0, true},
	}
	for _, tt := range tests {
		if got := rewriteAll(tt.old, tt.gzip); got != tt.want {
			t.Errorf("%s: rewriteAll = %v, want %v", tt.name, got, tt.want)
		}
	}
}
