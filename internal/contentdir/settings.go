package contentdir

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/goccy/go-yaml"

	"octavo/internal/blog"
)

// siteConfig is what the site's configuration file says.
type siteConfig struct {
	Settings blog.Settings
	BaseURL  string
	// File is the configuration file read ("" when none was found).
	File string
	// Hugo is set when the settings came from a Hugo configuration: posts
	// then keep Hugo's URLs (/SECTION/SLUG/) unless [permalinks] says
	// otherwise.
	Hugo bool
	// Permalinks are Hugo's per-section patterns, in Octavo's tokens.
	Permalinks map[string]string
	// MenuSet is whether the file gave a menu; otherwise the default one is
	// trimmed to the pages that exist.
	MenuSet bool
}

// octavoFile is octavo.toml at the content root: the site settings.
type octavoFile struct {
	Title        *string `toml:"title"`
	Description  *string `toml:"description"`
	Language     *string `toml:"language"`
	Author       *string `toml:"author"`
	BaseURL      *string `toml:"base_url"`
	PostsPerPage *int    `toml:"posts_per_page"`
	FeedLength   *int    `toml:"feed_length"`
	Permalink    *string `toml:"permalink"`
	TimeZone     *string `toml:"time_zone"`
	Menu         []struct {
		Label string `toml:"label"`
		URL   string `toml:"url"`
	} `toml:"menu"`
}

// hugoConfigNames are Hugo's configuration files, in the order Hugo reads
// them.
var hugoConfigNames = []string{"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml", "config.json"}

// loadConfig reads the site settings: octavo.toml in the content folder
// (or the site root), else Hugo's configuration; else the defaults.
func loadConfig(contentDir, siteDir string) (siteConfig, []Problem) {
	dirs := []string{contentDir}
	if siteDir != contentDir {
		dirs = append(dirs, siteDir)
	}
	for _, d := range dirs {
		p := filepath.Join(d, "octavo.toml")
		if b, err := os.ReadFile(p); err == nil {
			return octavoConfig(p, b)
		}
	}
	for _, d := range dirs {
		for _, name := range hugoConfigNames {
			p := filepath.Join(d, name)
			if b, err := os.ReadFile(p); err == nil {
				return hugoConfig(p, b)
			}
		}
	}
	return siteConfig{Settings: blog.DefaultSettings()}, nil
}

func octavoConfig(path string, b []byte) (siteConfig, []Problem) {
	c := siteConfig{Settings: blog.DefaultSettings(), File: path}
	var f octavoFile
	md, err := toml.Decode(string(b), &f)
	if err != nil {
		line := 1
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line = pe.Position.Line
		}
		return c, []Problem{{File: path, Line: line, Level: LevelError, Msg: "the settings cannot be read (defaults used): " + err.Error()}}
	}
	var problems []Problem
	for _, k := range md.Undecoded() {
		problems = append(problems, Problem{File: path, Line: 1, Level: LevelWarning,
			Msg: fmt.Sprintf("unknown key %q (known: title, description, language, author, base_url, posts_per_page, feed_length, permalink, time_zone, [[menu]])", k.String())})
	}
	st := &c.Settings
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&st.Title, f.Title)
	set(&st.Description, f.Description)
	set(&st.Language, f.Language)
	set(&st.AuthorName, f.Author)
	set(&st.Permalink, f.Permalink)
	set(&st.TimeZone, f.TimeZone)
	if f.BaseURL != nil {
		c.BaseURL = *f.BaseURL
	}
	if f.PostsPerPage != nil {
		st.PostsPerPage = *f.PostsPerPage
	}
	if f.FeedLength != nil {
		st.FeedLength = *f.FeedLength
	}
	if f.Menu != nil {
		c.MenuSet = true
		st.Menu = nil
		for _, m := range f.Menu {
			st.Menu = append(st.Menu, blog.MenuItem{Label: m.Label, URL: m.URL})
		}
	}
	problems = append(problems, c.check(path)...)
	return c, problems
}

// hugoConfig reads what Octavo uses of a Hugo configuration: title,
// baseURL, paginate (or pagination.pagerSize), languageCode, timeZone,
// author, params.description, the main menu and [permalinks].
func hugoConfig(path string, b []byte) (siteConfig, []Problem) {
	c := siteConfig{Settings: blog.DefaultSettings(), File: path, Hugo: true}
	c.Settings.Permalink = "/:section/:slug/"
	c.Settings.Description = "" // Octavo's own would be a surprise here
	raw := map[string]any{}
	var err error
	switch filepath.Ext(path) {
	case ".toml":
		_, err = toml.Decode(string(b), &raw)
	case ".json":
		err = json.Unmarshal(b, &raw)
	default:
		err = yaml.Unmarshal(b, &raw)
	}
	if err != nil {
		return c, []Problem{{File: path, Line: 1, Level: LevelError, Msg: "the Hugo configuration cannot be read (defaults used): " + err.Error()}}
	}
	cfg := lowerKeys(raw)
	st := &c.Settings
	str := func(m map[string]any, k string) string {
		s, _ := stringValue(m[k])
		return s
	}
	if v := str(cfg, "title"); v != "" {
		st.Title = v
	}
	c.BaseURL = str(cfg, "baseurl")
	if v := str(cfg, "languagecode"); v != "" {
		st.Language = v
	}
	if v := str(cfg, "timezone"); v != "" {
		st.TimeZone = v
	}
	if n, ok := intValue(cfg["paginate"]); ok && n > 0 {
		st.PostsPerPage = n
	}
	if p, ok := cfg["pagination"].(map[string]any); ok {
		if n, ok := intValue(p["pagersize"]); ok && n > 0 {
			st.PostsPerPage = n
		}
	}
	params, _ := cfg["params"].(map[string]any)
	switch a := cfg["author"].(type) {
	case string:
		st.AuthorName = a
	case map[string]any:
		st.AuthorName = str(a, "name")
	}
	if st.AuthorName == "" && params != nil {
		if s, ok := stringValue(params["author"]); ok {
			st.AuthorName = s
		}
	}
	if params != nil {
		if s, ok := stringValue(params["description"]); ok {
			st.Description = s
		}
	}
	if menu, ok := cfg["menu"].(map[string]any); ok {
		if main, ok := menu["main"].([]any); ok {
			type item struct {
				blog.MenuItem
				weight int
			}
			var items []item
			for _, e := range main {
				m, ok := e.(map[string]any)
				if !ok {
					continue
				}
				w, _ := intValue(m["weight"])
				items = append(items, item{blog.MenuItem{Label: str(m, "name"), URL: str(m, "url")}, w})
			}
			sort.SliceStable(items, func(i, j int) bool { return items[i].weight < items[j].weight })
			c.MenuSet = true
			st.Menu = nil
			for _, it := range items {
				if it.URL != "" && it.Label != "" {
					st.Menu = append(st.Menu, it.MenuItem)
				}
			}
		}
	}
	var problems []Problem
	if pl, ok := cfg["permalinks"].(map[string]any); ok {
		c.Permalinks = map[string]string{}
		for section, v := range pl {
			pattern, ok := stringValue(v)
			if !ok {
				continue
			}
			converted, err := hugoPermalink(pattern)
			if err != nil {
				problems = append(problems, Problem{File: path, Line: 1, Level: LevelWarning,
					Msg: fmt.Sprintf("permalinks.%s: %v; posts of %q keep /%s/SLUG/", section, err, section, section)})
				continue
			}
			c.Permalinks[section] = converted
		}
	}
	problems = append(problems, c.check(path)...)
	return c, problems
}

// hugoPermalink turns a Hugo permalink pattern into Octavo's: :year,
// :month, :day, :section, :title, :filename and :slug (which in Hugo falls
// back to the title) are known.
func hugoPermalink(p string) (string, error) {
	known := []string{":year", ":month", ":day", ":section", ":title", ":filename", ":slug", ":contentbasename"}
	rest := p
	for _, k := range known {
		rest = strings.ReplaceAll(rest, k, "")
	}
	if strings.Contains(rest, ":") {
		return "", fmt.Errorf("the pattern %q uses a token Octavo does not know", p)
	}
	p = strings.ReplaceAll(p, ":slug", ":slugortitle")
	p = strings.ReplaceAll(p, ":contentbasename", ":filename")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p, nil
}

// check validates the settings, replacing a bad value by its default with
// a problem.
func (c *siteConfig) check(path string) []Problem {
	var problems []Problem
	def := blog.DefaultSettings()
	st := &c.Settings
	bad := func(format string, args ...any) {
		problems = append(problems, Problem{File: path, Line: 1, Level: LevelError, Msg: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(st.Title) == "" {
		st.Title = def.Title
	}
	if st.PostsPerPage < 1 || st.PostsPerPage > 100 {
		bad("posts per page must be between 1 and 100, got %d (using %d)", st.PostsPerPage, def.PostsPerPage)
		st.PostsPerPage = def.PostsPerPage
	}
	if st.FeedLength < 1 || st.FeedLength > 1000 {
		bad("feed length must be between 1 and 1000, got %d (using %d)", st.FeedLength, def.FeedLength)
		st.FeedLength = def.FeedLength
	}
	if _, err := time.LoadLocation(st.TimeZone); err != nil {
		bad("unknown time zone %q (using UTC)", st.TimeZone)
		st.TimeZone = "UTC"
	}
	p := st.Permalink
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || !(strings.Contains(p, ":slug") || strings.Contains(p, ":title") || strings.Contains(p, ":filename")) {
		bad("the permalink pattern %q must start and end with / and contain :slug (using %s)", p, def.Permalink)
		st.Permalink = def.Permalink
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		bad("the base URL %q is not an http(s) URL (ignored)", c.BaseURL)
		c.BaseURL = ""
	}
	return problems
}

// lowerKeys returns a copy of m with every key of every nested table in
// lower case: Hugo's keys are case-insensitive.
func lowerKeys(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = lowerValue(v)
	}
	return out
}

func lowerValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return lowerKeys(x)
	case []map[string]any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = lowerKeys(e)
		}
		return l
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = lowerValue(e)
		}
		return l
	}
	return v
}
