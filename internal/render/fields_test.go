package render

import (
	"html/template"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
)

// TestNamesField: every way a template can name a field is seen, and a
// set that does not name it is told so.
func TestNamesField(t *testing.T) {
	tests := []struct {
		name, src string
		want      bool
	}{
		{"dot field", `{{range .Posts}}{{.ContentHTML}}{{end}}`, true},
		{"nested field", `{{.Post.TOCHTML}}`, true},
		{"variable field", `{{range $p := .Posts}}{{$p.ContentHTML}}{{end}}`, true},
		{"chain", `{{(index .Posts 0).ContentHTML}}`, true},
		{"in a condition", `{{if .ContentHTML}}x{{end}}`, true},
		{"in an else", `{{with .Title}}{{.}}{{else}}{{.ContentHTML}}{{end}}`, true},
		{"as an argument", `{{printf "%s" .ContentHTML}}`, true},
		{"in a template call", `{{define "x"}}{{.}}{{end}}{{template "x" .ContentHTML}}`, true},
		{"in a called template", `{{define "x"}}{{.ContentHTML}}{{end}}{{range .Posts}}{{template "x" .}}{{end}}`, true},
		{"excerpts only", `{{range .Posts}}{{.ExcerptHTML}} {{.Title}}{{end}}`, false},
		{"the name as text", `ContentHTML {{"ContentHTML"}} {{/* .ContentHTML */}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl := template.Must(template.New("t").Parse(tt.src))
			if got := namesField(tpl, "ContentHTML", "TOCHTML"); got != tt.want {
				t.Errorf("namesField = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestExcerptsOnly: the default theme's lists show excerpts only, its post
// page the whole post; an override of the list that shows whole posts
// turns the excerpts-only reading off.
func TestExcerptsOnly(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	th, _, err := LoadTheme("", log)
	if err != nil {
		t.Fatal(err)
	}
	if !th.excerptsOnly["home"] || th.excerptsOnly["post"] {
		t.Errorf("default theme: excerpts only %v, want home only", th.excerptsOnly)
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	override := `{{define "main"}}{{range .Posts}}<article>{{.ContentHTML}}</article>{{end}}{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "templates", "home.html"), []byte(override), 0o644); err != nil {
		t.Fatal(err)
	}
	th, problems, err := LoadTheme(dir, log)
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	if th.excerptsOnly["home"] {
		t.Error("a list showing whole posts is read with excerpts only")
	}
}
