package cli

import (
	"bytes"
	"strings"
	"testing"

	"octavo/internal/web"
)

// dropKeys logs the keys another process sent only at debug level, with
// the number of entries dropped (the timestamps bench/publish's -trace is
// set beside).
func TestDropKeysLogsAtDebugOnly(t *testing.T) {
	for _, tc := range []struct {
		level string
		want  []string // substrings of the log; none when empty
	}{
		{"debug", []string{`msg="cache: keys from another process"`, `keys="[post:p1 list]"`, "dropped=0", "took="}},
		{"info", nil},
	} {
		t.Run(tc.level, func(t *testing.T) {
			var buf bytes.Buffer
			cache := web.NewCache(1 << 20)
			dropKeys(cache, []string{"post:p1", "list"}, newLogger(&buf, "text", tc.level))
			out := buf.String()
			if tc.want == nil && out != "" {
				t.Fatalf("logged at %s: %q", tc.level, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("log %q lacks %q", out, w)
				}
			}
			if got := strings.Count(out, "\n"); tc.want != nil && got != 1 {
				t.Errorf("%d log lines, want 1: %q", got, out)
			}
		})
	}
}
