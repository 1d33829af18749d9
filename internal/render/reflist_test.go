package render

import (
	"bytes"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"octavo/theme"
)

// TestReflistSameBytes: the archive template with the kept rows writes
// the bytes the theme's own reflist writes, escaping included.
func TestReflistSameBytes(t *testing.T) {
	th, _, err := LoadTheme("", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	fast := th.pages["archive"]
	if !strings.Contains(fast.Lookup("reflist").Tree.Root.String(), "reflistHTML") {
		t.Fatal("the archive does not use the kept rows")
	}
	parts := []string{"templates/base.html", "templates/partials.html", "templates/archive.html"}
	files := map[string][]byte{}
	for _, p := range parts {
		if files[p], err = fs.ReadFile(theme.FS, p); err != nil {
			t.Fatal(err)
		}
	}
	orig, err := th.parse("archive", parts, files)
	if err != nil {
		t.Fatal(err)
	}
	zone := time.FixedZone("", 5*3600+30*60)
	titles := []string{`A <b>bold</b> & "quoted" 'single' + plus`, "nul\x00byte", "Ünïcödé — dash", "", "{{.}} ]]> --> <!--"}
	paths := []string{"/2026/01/a b/", `/x"y/`, "javascript:alert(1)", "/100%/é/", "/a?b=c&d=e#f", "//evil.example/"}
	var refs []RefView
	for i := range 40 {
		at := time.Date(2026, time.Month(1+i%12), 1+i, i%24, i, 0, 0, time.UTC)
		if i%2 == 1 {
			at = at.In(zone)
		}
		refs = append(refs, RefView{Title: titles[i%len(titles)], Path: paths[i%len(paths)], PublishedAt: at})
	}
	v := sampleView()
	v.Months = []MonthView{{Label: "March <2026>", Path: "/2026/03/", Posts: refs[:25]}, {Path: "/2026/02/", Posts: refs[25:]}, {Label: "Empty"}}
	for round := range 2 { // the second from the kept rows
		var want, got bytes.Buffer
		if err := orig.ExecuteTemplate(&want, "base.html", v); err != nil {
			t.Fatal(err)
		}
		if err := fast.ExecuteTemplate(&got, "base.html", v); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("round %d: the archive differs:\n%s\nwant:\n%s", round, got.String(), want.String())
		}
	}
}

// TestReflistOverridden: a theme with its own partials keeps its reflist.
func TestReflistOverridden(t *testing.T) {
	dir := t.TempDir()
	b, err := fs.ReadFile(theme.FS, "templates/partials.html")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "templates", "partials.html"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	th, _, err := LoadTheme(dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(th.pages["archive"].Lookup("reflist").Tree.Root.String(), "reflistHTML") {
		t.Fatal("an overridden reflist was replaced")
	}
}
