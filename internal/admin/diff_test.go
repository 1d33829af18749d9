package admin

import (
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	for _, tt := range []struct {
		name, a, b, want string
	}{
		{"same", "a\nb", "a\nb", " a| b"},
		{"one line changed", "a\nb\nc", "a\nB\nc", " a|-b|+B| c"},
		{"added at the end", "a", "a\nb", " a|+b"},
		{"removed at the start", "x\na", "a", "-x| a"},
		{"from nothing", "", "a", "-|+a"},
		{"moved line", "a\nb\nc\nd", "a\nc\nb\nd", " a|-b| c|+b| d"},
		{"interleaved", "1\n2\n3\n4\n5", "1\nx\n3\ny\n5", " 1|-2|+x| 3|-4|+y| 5"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, l := range lineDiff(strings.Split(tt.a, "\n"), strings.Split(tt.b, "\n")) {
				got = append(got, l.Op+l.Text)
			}
			if g := strings.Join(got, "|"); g != tt.want {
				t.Errorf("got %q, want %q", g, tt.want)
			}
		})
	}
	// Past the table's bound, the changed middle is removed then added,
	// and the common ends stay.
	a, b := []string{"top"}, []string{"top"}
	for i := range 2100 {
		a = append(a, "old "+strings.Repeat("x", i%7))
		b = append(b, "new "+strings.Repeat("y", i%5))
	}
	a, b = append(a, "end"), append(b, "end")
	d := lineDiff(a, b)
	if len(d) != 2+2*2100 || d[0].Op != " " || d[1].Op != "-" || d[2101].Op != "+" || d[len(d)-1].Text != "end" {
		t.Errorf("large diff: %d lines, %v … %v", len(d), d[:2], d[len(d)-1])
	}
}
