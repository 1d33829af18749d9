package render

import (
	"bytes"
	"html/template"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"octavo/internal/blog"
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

// TestViewKeyCoversEveryField: changing any field of a PostView changes
// its summary's key, so a field added to PostView cannot be left out of
// viewKey (the cache would then give a summary made of another view).
func TestViewKeyCoversEveryField(t *testing.T) {
	base := PostView{ID: "1", Kind: "post", Title: "T", Path: "/t/", PublishedAt: time.Unix(100, 0).UTC(),
		UpdatedAt: time.Unix(200, 0).UTC(), AuthorName: "A", Tags: []blog.Tag{{ID: 1, Slug: "go", Name: "Go"}},
		ExcerptHTML: "<p>e</p>", ContentHTML: "<p>c</p>", TOCHTML: "<ul></ul>", ReadingMinutes: 1,
		Featured: &blog.Image{Hash: "h", Type: "image/png", Width: 1, Height: 1}}
	key := viewKey(&base)
	typ := reflect.TypeOf(base)
	for i := range typ.NumField() {
		v := base
		v.Tags = slices.Clone(base.Tags)
		f := reflect.ValueOf(&v).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Int:
			f.SetInt(f.Int() + 1)
		case reflect.Slice:
			f.Set(reflect.Append(f, reflect.Zero(f.Type().Elem())))
		case reflect.Pointer:
			f.Set(reflect.Zero(f.Type()))
		case reflect.Struct:
			if tm, ok := f.Interface().(time.Time); ok {
				f.Set(reflect.ValueOf(tm.Add(time.Second)))
				break
			}
			t.Fatalf("field %s: a struct this test cannot change", typ.Field(i).Name)
		default:
			t.Fatalf("field %s: a kind this test cannot change", typ.Field(i).Name)
		}
		if viewKey(&v) == key {
			t.Errorf("changing %s leaves the key as it was", typ.Field(i).Name)
		}
	}
	for _, change := range []func(*PostView){
		func(v *PostView) { v.Tags[0].Name = "Golang" },
		func(v *PostView) { v.Featured.Width = 2 },
		func(v *PostView) { v.PublishedAt = v.PublishedAt.In(time.FixedZone("X", 3600)) },
	} {
		v := base
		v.Tags = slices.Clone(base.Tags)
		img := *base.Featured
		v.Featured = &img
		change(&v)
		if viewKey(&v) == key {
			t.Errorf("a change inside a field leaves the key as it was: %+v", v)
		}
	}
}

// TestSummariesSameBytes: with the cache, a list page is the bytes the
// theme's own summary template makes, from an empty cache and a full one,
// and when the cache starts again.
func TestSummariesSameBytes(t *testing.T) {
	th, _, err := LoadTheme("", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || th.summaries == nil {
		t.Fatal("the default theme has no summary cache", err)
	}
	v := sampleView()
	var want bytes.Buffer
	if err := th.summaries.tpl.ExecuteTemplate(&want, "base.html", v); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{0, 1 << 20, 1} {
		th.CacheSummaries(limit)
		for range 2 {
			var got bytes.Buffer
			if err := th.pages["home"].ExecuteTemplate(&got, "base.html", v); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Fatalf("limit %d: the list page differs from the original template's", limit)
			}
		}
	}
}
