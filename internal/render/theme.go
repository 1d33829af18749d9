package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"

	"octavo/internal/blog"
	"octavo/internal/mimetype"
	"octavo/theme"
)

// pageTemplates are the page types; each is parsed with base.html and
// partials.html, and defines the "main" block (and optionally "head").
var pageTemplates = []string{"home", "post", "archive", "404", "search"}

// Asset is a static file of the theme, served under a content-hashed URL.
type Asset struct {
	Name        string // e.g. "style.css"
	URL         string // e.g. "/assets/style.1a2b3c4d5e.css"
	ContentType string
	Body        []byte
}

// Theme is the parsed templates and the assets of the default theme with
// the user's overrides applied.
type Theme struct {
	pages  map[string]*template.Template
	assets map[string]*Asset // by Name
	byURL  map[string]*Asset
	// Hash changes when any template or asset does: cached pages depend on it.
	Hash string
	// excerptsOnly holds the page types whose templates never name a
	// post's whole HTML or table of contents (namesField): their lists
	// are read with excerpts only.
	excerptsOnly map[string]bool
	// summaries keeps the list pages' post summaries (nil when the
	// theme's partials are not the embedded ones).
	summaries *summaries
}

// CacheSummaries sets how many bytes of list pages' post summaries the
// theme keeps: none by default (a server caches whole pages, and the
// memory is better spent there); a static build, which writes every list
// page once, gives it room for all of them.
func (t *Theme) CacheSummaries(bytes int) {
	if t.summaries != nil {
		t.summaries.setLimit(bytes)
	}
}

// Problem is a broken override reported at start-up.
type Problem struct {
	File string
	Err  error
}

// LoadTheme parses the embedded theme, with overrides from dir (DATA/theme;
// may not exist): dir/templates/NAME.html replaces a template and
// dir/static/NAME an asset. A broken override is reported (file and line)
// and the default used instead.
func LoadTheme(dir string, log *slog.Logger) (*Theme, []Problem, error) {
	var problems []Problem
	files := map[string][]byte{}
	overridden := map[string]string{}
	if err := fs.WalkDir(theme.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(p, "/") {
			return err
		}
		b, err := fs.ReadFile(theme.FS, p)
		files[p] = b
		return err
	}); err != nil {
		return nil, nil, err
	}
	if dir != "" {
		for _, sub := range []string{"templates", "static"} {
			entries, err := os.ReadDir(filepath.Join(dir, sub))
			if err != nil {
				continue
			}
			for _, e := range entries {
				if e.IsDir() {
					continue
				}
				full := filepath.Join(dir, sub, e.Name())
				b, err := os.ReadFile(full)
				if err != nil {
					problems = append(problems, Problem{full, err})
					continue
				}
				key := sub + "/" + e.Name()
				if _, ok := files[key]; !ok && sub == "templates" {
					problems = append(problems, Problem{full, fmt.Errorf("no template of the theme has this name (known: base, partials, %s)", strings.Join(pageTemplates, ", "))})
					continue
				}
				files[key] = b
				overridden[key] = full
			}
		}
	}

	t := &Theme{pages: map[string]*template.Template{}, assets: map[string]*Asset{}, byURL: map[string]*Asset{}}
	if err := t.loadAssets(files); err != nil {
		return nil, nil, err
	}
	// Parse each page type; when an override breaks it, report the
	// override and parse again with the embedded file in its place.
	for _, name := range pageTemplates {
		parts := []string{"templates/base.html", "templates/partials.html", "templates/" + name + ".html"}
		tpl, err := t.parse(name, parts, files)
		if err != nil {
			for _, p := range parts {
				if file, ok := overridden[p]; ok && strings.Contains(err.Error(), path.Base(p)) {
					problems = append(problems, Problem{file, err})
					orig, _ := fs.ReadFile(theme.FS, p)
					files[p] = orig
					delete(overridden, p)
				}
			}
			tpl, err = t.parse(name, parts, files)
			if err != nil {
				return nil, problems, fmt.Errorf("theme: %w", err)
			}
		}
		t.pages[name] = tpl
	}
	if _, custom := overridden["templates/partials.html"]; !custom {
		if rr := newRefRows(t.pages["archive"]); rr != nil {
			parts := []string{"templates/base.html", "templates/partials.html", "templates/archive.html"}
			if tpl, err := t.parseWith("archive", parts, files, rr, nil); err == nil {
				t.pages["archive"] = tpl
			}
		}
	}
	t.excerptsOnly = map[string]bool{}
	for name, tpl := range t.pages {
		t.excerptsOnly[name] = !namesField(tpl, "ContentHTML", "TOCHTML")
	}
	if _, custom := overridden["templates/partials.html"]; !custom {
		if ss := newSummaries(t.pages["home"]); ss != nil {
			parts := []string{"templates/base.html", "templates/partials.html", "templates/home.html"}
			if tpl, err := t.parseWith("home", parts, files, nil, ss); err == nil {
				t.pages["home"], t.summaries = tpl, ss
			}
		}
	}
	for _, p := range problems {
		log.Error("theme override ignored", "file", p.File, "error", p.Err)
	}
	h := sha256.New()
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write(files[k])
	}
	t.Hash = hex.EncodeToString(h.Sum(nil))[:16]
	return t, problems, nil
}

func (t *Theme) parse(name string, parts []string, files map[string][]byte) (*template.Template, error) {
	return t.parseWith(name, parts, files, nil, nil)
}

// parseWith parses a page's templates; with rr, "reflist" is rr's (see
// refRows); with ss, "summary" is ss's (see summaries).
func (t *Theme) parseWith(name string, parts []string, files map[string][]byte, rr *refRows, ss *summaries) (*template.Template, error) {
	tpl := template.New(name).Funcs(template.FuncMap{
		"asset":     t.AssetURL,
		"date":      func(tm time.Time) string { return tm.Format("January 2, 2006") },
		"shortdate": func(tm time.Time) string { return tm.Format("2006-01-02") },
		"isodate":   func(tm time.Time) string { return tm.Format(time.RFC3339) },
	})
	for _, p := range parts {
		if _, err := tpl.New(path.Base(p)).Parse(string(files[p])); err != nil {
			return nil, err
		}
	}
	if rr != nil {
		tpl.Funcs(template.FuncMap{"reflistHTML": rr.html})
		if _, err := tpl.New("reflist").Parse(`{{reflistHTML .}}`); err != nil {
			return nil, err
		}
	}
	if ss != nil {
		tpl.Funcs(template.FuncMap{"summaryHTML": ss.html})
		if _, err := tpl.New("summary").Parse(`{{summaryHTML .}}`); err != nil {
			return nil, err
		}
	}
	// Execute once on a sample view, so a template that fails at run time
	// (an unknown field) is caught at start-up, not at the first request.
	var buf bytes.Buffer
	if err := tpl.ExecuteTemplate(&buf, "base.html", sampleView()); err != nil {
		return nil, err
	}
	return tpl, nil
}

func (t *Theme) loadAssets(files map[string][]byte) error {
	css, err := codeCSS()
	if err != nil {
		return err
	}
	for key, body := range files {
		name, ok := strings.CutPrefix(key, "static/")
		if !ok {
			continue
		}
		if name == "style.css" {
			body = append(append(append([]byte{}, body...), '\n'), css...)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		a := &Asset{
			Name:        name,
			URL:         "/assets/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext,
			ContentType: mimetype.ByExtension(ext),
			Body:        body,
		}
		if a.ContentType == "" {
			a.ContentType = "application/octet-stream"
		}
		t.assets[name] = a
		t.byURL[a.URL] = a
	}
	if t.assets["style.css"] == nil {
		return fmt.Errorf("theme: static/style.css is missing")
	}
	return nil
}

// AssetURL returns the hashed URL of a theme asset, or "" when unknown.
func (t *Theme) AssetURL(name string) string {
	if a := t.assets[name]; a != nil {
		return a.URL
	}
	return ""
}

// AssetByURL returns the asset served at a hashed URL.
func (t *Theme) AssetByURL(url string) (*Asset, bool) {
	a, ok := t.byURL[url]
	return a, ok
}

// Assets lists every asset, by name.
func (t *Theme) Assets() []*Asset {
	out := make([]*Asset, 0, len(t.assets))
	for _, a := range t.assets {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Code block palettes: chroma's GitHub styles, with every colour nudged to
// reach WCAG AA contrast (4.5:1) against the theme's code background.
const (
	lightStyle, lightBG = "github", "#f4f5f7"
	darkStyle, darkBG   = "github-dark", "#1e2126"
)

// CodeCSS is the stylesheet of highlighted code (both palettes), for
// pages outside the theme that show rendered posts (the admin's preview).
// The palettes use the theme's --code-bg and --fg variables.
func CodeCSS() ([]byte, error) { return codeCSS() }

func codeCSS() ([]byte, error) {
	var buf bytes.Buffer
	f := chromahtml.New(chromahtml.WithClasses(true))
	buf.WriteString("/* Code highlighting (chroma), light then dark. */\n")
	light, dark := styles.Get(lightStyle), styles.Get(darkStyle)
	// Each palette sits in its own media query, so neither leaks into the
	// other; both cover every token type that either one styles.
	types := map[chroma.TokenType]bool{}
	for _, tt := range append(light.Types(), dark.Types()...) {
		types[tt] = true
	}
	buf.WriteString("@media not all and (prefers-color-scheme: dark) {\n")
	if err := f.WriteCSS(&buf, accessible(light, chroma.MustParseColour(lightBG), types)); err != nil {
		return nil, err
	}
	buf.WriteString("}\n@media (prefers-color-scheme: dark) {\n")
	if err := f.WriteCSS(&buf, accessible(dark, chroma.MustParseColour(darkBG), types)); err != nil {
		return nil, err
	}
	buf.WriteString("}\n.chroma { background-color: var(--code-bg); color: var(--fg); }\n")
	return buf.Bytes(), nil
}

// accessible returns a copy of style for the token types given, on the
// single background bg: every type gets a colour (the text colour when the
// style has none), each too faint to contrast 4.6:1 with bg is moved
// towards black or white, and per-token backgrounds are dropped.
func accessible(style *chroma.Style, bg chroma.Colour, types map[chroma.TokenType]bool) *chroma.Style {
	b := style.Builder()
	dark := luminance(bg) < 0.5
	text := style.Get(chroma.Background).Colour
	for tt := range types {
		e := style.Get(tt)
		e.Background = 0
		if tt == chroma.Background {
			e.Background = bg
		}
		if !e.Colour.IsSet() {
			e.Colour = text
		}
		if e.Colour.IsSet() {
			c := e.Colour
			for i := 0; i < 40 && contrast(c, bg) < 4.6; i++ {
				if dark {
					c = c.Brighten(0.08)
				} else {
					c = c.Brighten(-0.08)
				}
			}
			e.Colour = c
		}
		b.AddEntry(tt, e)
	}
	out, err := b.Build()
	if err != nil {
		return style
	}
	return out
}

func luminance(c chroma.Colour) float64 {
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.Red()) + 0.7152*ch(c.Green()) + 0.0722*ch(c.Blue())
}

func contrast(a, b chroma.Colour) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// sampleView fills every field a template may use, head metadata included.
func sampleView() *View {
	v := sampleFields()
	(&Renderer{base: "http://example.org"}).head(v)
	return v
}

func sampleFields() *View {
	ref := RefView{Title: "Sample", Path: "/2026/01/sample/", PublishedAt: time.Unix(0, 0).UTC()}
	pv := PostView{Kind: "post", Title: "Sample", Path: ref.Path, PublishedAt: ref.PublishedAt, UpdatedAt: ref.PublishedAt,
		AuthorName: "A", Tags: []blog.Tag{{Slug: "t", Name: "t", Count: 1}}, HasMore: true, ReadingMinutes: 1}
	return &View{
		Site:  SiteView{Title: "S", Language: "en", Menu: []blog.MenuItem{{Label: "A", URL: "/a/"}}},
		Title: "S", Description: "d", Canonical: "/", Heading: "h",
		Posts: []PostView{pv}, Post: &pv, Pager: &Pager{Page: 2, Newer: "/", Older: "/page/3/"},
		Older: &ref, Newer: &ref, Months: []MonthView{{Label: "January 2026", Path: "/2026/01/", Posts: []RefView{ref}}},
		Tags: pv.Tags, Recent: []RefView{ref}, Tag: &pv.Tags[0],
		Search: &SearchView{Query: "q", Message: "m", Total: 11, AtLeast: true, Page: 2, Pages: 2, Start: 11, Prev: "/search?q=q",
			Next: "/search?q=q&page=3", Results: []SearchResult{{Title: "t", Path: ref.Path, Kind: "post", PublishedAt: ref.PublishedAt, Snippet: "s"}}},
	}
}
