package blog

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	// The IANA time zone database, embedded (~450 KB): a blog's time zone
	// must load on a host without /usr/share/zoneinfo (a scratch
	// container) as it does anywhere else.
	_ "time/tzdata"

	"golang.org/x/text/language"
)

// Settings are the site settings: edited in the admin, stored in the
// database (or read from octavo.toml in content-folder mode).
type Settings struct {
	Title        string
	Description  string
	Language     string
	AuthorName   string
	PostsPerPage int
	FeedLength   int
	// Permalink is the post path pattern: :year, :month, :day and :slug.
	Permalink string
	TimeZone  string
	Menu      []MenuItem
}

// MenuItem is a link of the header menu.
type MenuItem struct {
	Label string
	URL   string
}

// DefaultSettings are what a new blog starts with.
func DefaultSettings() Settings {
	return Settings{
		Title:        "Octavo",
		Description:  "A blog about building things.",
		Language:     "en",
		AuthorName:   "",
		PostsPerPage: 10,
		FeedLength:   20,
		Permalink:    "/:year/:month/:slug/",
		TimeZone:     "UTC",
		Menu: []MenuItem{
			{Label: "About", URL: "/about/"},
			{Label: "Archive", URL: "/archive/"},
			{Label: "Feed", URL: "/feed.xml"},
		},
	}
}

// Location returns the blog's time zone, UTC when the name is unknown.
func (s Settings) Location() *time.Location {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// FieldProblem is what is wrong with one field of a form: the field's
// name (as the settings form names it) and why.
type FieldProblem struct {
	Field   string
	Message string
}

// Permalink placeholders: what a permalink pattern may hold besides
// letters, digits, '-', '_' and '/'.
var permalinkPlaceholders = []string{":year", ":month", ":day", ":slug"}

// reservedPrefixes are the paths the site itself answers: a permalink
// pattern or a menu cannot take them over.
var reservedPrefixes = []string{"/admin/", "/tag/", "/page/", "/archive/", "/search"}

// Validate checks the settings and says what is wrong with the first bad
// field (Problems lists them all).
func (s Settings) Validate() error {
	if ps := s.Problems(); len(ps) > 0 {
		return Errorf(EINVALID, "settings: %s: %s", ps[0].Field, ps[0].Message)
	}
	return nil
}

// Problems lists what is wrong with each field of the settings, in the
// order of the settings form; none when they can be saved.
func (s Settings) Problems() []FieldProblem {
	var ps []FieldProblem
	add := func(field, format string, args ...any) {
		ps = append(ps, FieldProblem{field, fmt.Sprintf(format, args...)})
	}
	switch {
	case strings.TrimSpace(s.Title) == "":
		add("title", "must not be empty")
	case len(s.Title) > 200:
		add("title", "%d bytes is too long (at most 200)", len(s.Title))
	}
	if len(s.Description) > 1000 {
		add("description", "%d bytes is too long (at most 1000)", len(s.Description))
	}
	if s.PostsPerPage < 1 || s.PostsPerPage > 100 {
		add("posts_per_page", "must be between 1 and 100, got %d", s.PostsPerPage)
	}
	if s.FeedLength < 1 || s.FeedLength > 1000 {
		add("feed_length", "must be between 1 and 1000, got %d", s.FeedLength)
	}
	if msg := permalinkProblem(s.Permalink); msg != "" {
		add("permalink", "%s", msg)
	}
	if s.TimeZone == "" || s.TimeZone == "Local" {
		add("time_zone", "%q is not an IANA time zone name such as Europe/Paris or UTC", s.TimeZone)
	} else if _, err := time.LoadLocation(s.TimeZone); err != nil {
		add("time_zone", "unknown time zone %q: give an IANA name such as Europe/Paris, America/New_York or UTC", s.TimeZone)
	}
	if msg := languageProblem(s.Language); msg != "" {
		add("language", "%s", msg)
	}
	if len(s.Menu) > MaxMenuItems {
		add("menu", "%d items is too many (at most %d)", len(s.Menu), MaxMenuItems)
	}
	for i, m := range s.Menu {
		if msg := m.problem(); msg != "" {
			add("menu", "item %d (%q): %s", i+1, m.Label, msg)
		}
	}
	return ps
}

// permalinkProblem says what is wrong with a permalink pattern ("" when
// nothing is).
func permalinkProblem(p string) string {
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || !strings.Contains(p, ":slug") {
		return fmt.Sprintf("the pattern %q must start and end with / and contain :slug", p)
	}
	if strings.Contains(p, "//") {
		return fmt.Sprintf("the pattern %q has an empty segment (//)", p)
	}
	rest := p
	for _, ph := range permalinkPlaceholders {
		rest = strings.ReplaceAll(rest, ph, "")
	}
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		return fmt.Sprintf("the pattern %q has an unknown placeholder; use :year, :month, :day and :slug", p)
	}
	for _, r := range rest {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '/') {
			return fmt.Sprintf("the pattern %q holds %q: besides the placeholders use lower-case letters, digits, -, _ and /", p, r)
		}
	}
	for _, pre := range reservedPrefixes {
		if strings.HasPrefix(p, pre) {
			return fmt.Sprintf("the pattern %q starts with %s, which the site itself uses", p, pre)
		}
	}
	return ""
}

// languageProblem says what is wrong with a BCP 47 language tag.
func languageProblem(tag string) string {
	switch {
	case tag == "":
		return "must not be empty: give a BCP 47 tag such as en, fr or pt-BR"
	case strings.Contains(tag, "_"):
		return fmt.Sprintf("%q: BCP 47 tags use hyphens, not underscores (%s)", tag, strings.ReplaceAll(tag, "_", "-"))
	}
	if _, err := language.Parse(tag); err != nil {
		return fmt.Sprintf("%q is not a BCP 47 language tag (such as en, fr or pt-BR): %v", tag, err)
	}
	return ""
}

// CanonicalLanguage returns the canonical form of a BCP 47 tag ("en-us"
// → "en-US"), or tag itself when it does not parse.
func CanonicalLanguage(tag string) string {
	if t, err := language.Parse(tag); err == nil {
		return t.String()
	}
	return tag
}

// MaxMenuItems is how many links the header menu may hold.
const MaxMenuItems = 20

// problem says what is wrong with a menu item ("" when nothing is).
func (m MenuItem) problem() string {
	switch {
	case strings.TrimSpace(m.Label) == "":
		return "the label must not be empty"
	case len(m.Label) > 60:
		return fmt.Sprintf("the label is %d bytes long (at most 60)", len(m.Label))
	case m.URL == "":
		return "the URL must not be empty"
	case strings.HasPrefix(m.URL, "/") && !strings.HasPrefix(m.URL, "//"):
		return ""
	}
	u, err := url.Parse(m.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Sprintf("%q is neither a path of this site (/about/) nor an http or https address", m.URL)
	}
	return ""
}

// PostPath computes the permalink of a post from the pattern, its slug and
// its publication date in the blog's time zone.
func (s Settings) PostPath(slug string, published time.Time) string {
	t := published.In(s.Location())
	r := strings.NewReplacer(
		":year", strconv.Itoa(t.Year()),
		":month", fmt.Sprintf("%02d", int(t.Month())),
		":day", fmt.Sprintf("%02d", t.Day()),
		":slug", slug,
	)
	return r.Replace(s.Permalink)
}

// PagePath is the path of a page: its slug at the root.
func PagePath(slug string) string { return "/" + slug + "/" }
