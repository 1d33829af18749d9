package blog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
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

// Validate checks the settings and says what is wrong with the first bad
// field.
func (s Settings) Validate() error {
	switch {
	case strings.TrimSpace(s.Title) == "":
		return Errorf(EINVALID, "settings: the title must not be empty")
	case s.PostsPerPage < 1 || s.PostsPerPage > 100:
		return Errorf(EINVALID, "settings: posts per page must be between 1 and 100, got %d", s.PostsPerPage)
	case s.FeedLength < 1 || s.FeedLength > 1000:
		return Errorf(EINVALID, "settings: feed length must be between 1 and 1000, got %d", s.FeedLength)
	case !strings.Contains(s.Permalink, ":slug") || !strings.HasPrefix(s.Permalink, "/") || !strings.HasSuffix(s.Permalink, "/"):
		return Errorf(EINVALID, "settings: the permalink pattern %q must start and end with / and contain :slug", s.Permalink)
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil {
		return Errorf(EINVALID, "settings: unknown time zone %q", s.TimeZone)
	}
	return nil
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
