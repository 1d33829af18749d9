package contentdir

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// meta is the front matter of one file, normalized from TOML, YAML or JSON.
// Keys are matched without regard to case, as Hugo does ("publishDate",
// "publishdate"); the names a key is known by are in metaKeys.
type meta struct {
	Title       string
	Slug        string
	URL         string
	Description string
	Summary     string
	Type        string
	Author      string
	ID          string
	Date        fmDate
	Lastmod     fmDate
	PublishDate fmDate
	ExpiryDate  fmDate
	Draft       bool
	Headless    bool
	Pinned      bool
	Weight      int
	Tags        []string
	Categories  []string
	Aliases     []string
}

// fmDate is a time from front matter. Local is set when it was written
// without a zone ("2019-03-05"): its wall clock, kept in T as if in UTC, is
// read in the site's time zone when the site is indexed, so a change of
// time zone needs no new parse.
type fmDate struct {
	T     time.Time
	Local bool
}

// IsZero reports whether no date was given.
func (d fmDate) IsZero() bool { return d.T.IsZero() }

// In returns the time, reading a zoneless one in loc.
func (d fmDate) In(loc *time.Location) time.Time {
	if d.T.IsZero() || !d.Local {
		return d.T
	}
	t := d.T
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

// metaKeys maps every front matter key Octavo reads (lower case) to its
// field. The first names are Hugo's; the others are what Jekyll,
// WordPress and Ghost exports call the same thing.
var metaKeys = map[string]string{
	"title": "title", "slug": "slug", "url": "url", "permalink": "url",
	"description": "description",
	"summary":     "summary", "excerpt": "summary",
	"type": "type", "layout": "layout",
	"author": "author", "authors": "author",
	"id": "id", "uuid": "id",
	"date": "date", "lastmod": "lastmod", "modified": "lastmod", "updated": "lastmod",
	"publishdate": "publishdate", "pubdate": "publishdate", "published": "publishdate",
	"expirydate": "expirydate", "unpublishdate": "expirydate",
	"draft": "draft", "headless": "headless",
	"pinned": "pinned", "sticky": "pinned", "featured": "pinned",
	"weight": "weight",
	"tags":   "tags", "categories": "categories", "category": "categories",
	"aliases": "aliases",
}

// fieldError is a front matter value of the wrong kind; decodeMeta finds
// its line.
type fieldError struct {
	Key string
	Msg string
}

func (e *fieldError) Error() string { return fmt.Sprintf("%s: %s", e.Key, e.Msg) }

// decodeMeta normalizes a decoded front matter map.
func decodeMeta(raw map[string]any) (meta, []*fieldError) {
	var m meta
	var errs []*fieldError
	fail := func(key, format string, args ...any) {
		errs = append(errs, &fieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys) // one order, whatever the map's
	for _, key := range keys {
		v := raw[key]
		field, ok := metaKeys[strings.ToLower(key)]
		if !ok || v == nil {
			continue
		}
		switch field {
		case "title", "slug", "url", "description", "summary", "type", "id", "layout":
			s, ok := stringValue(v)
			if !ok {
				fail(key, "want text, got %s", kindOf(v))
				continue
			}
			switch field {
			case "title":
				m.Title = s
			case "slug":
				m.Slug = s
			case "url":
				m.URL = s
			case "description":
				m.Description = s
			case "summary":
				m.Summary = s
			case "type":
				m.Type = s
			case "layout":
				if m.Type == "" && s == "page" {
					m.Type = s
				}
			case "id":
				m.ID = s
			}
		case "author":
			switch a := v.(type) {
			case []any:
				if len(a) > 0 {
					if s, ok := stringValue(a[0]); ok {
						m.Author = s
					}
				}
			case map[string]any:
				if s, ok := stringValue(a["name"]); ok {
					m.Author = s
				}
			default:
				s, ok := stringValue(v)
				if !ok {
					fail(key, "want a name, got %s", kindOf(v))
					continue
				}
				m.Author = s
			}
		case "date", "lastmod", "publishdate", "expirydate":
			d, err := dateValue(v)
			if err != nil {
				fail(key, "%v", err)
				continue
			}
			switch field {
			case "date":
				m.Date = d
			case "lastmod":
				m.Lastmod = d
			case "publishdate":
				m.PublishDate = d
			case "expirydate":
				m.ExpiryDate = d
			}
		case "draft", "headless", "pinned":
			b, ok := boolValue(v)
			if !ok {
				fail(key, "want true or false, got %s", kindOf(v))
				continue
			}
			switch field {
			case "draft":
				m.Draft = b
			case "headless":
				m.Headless = b
			case "pinned":
				m.Pinned = m.Pinned || b
			}
		case "weight":
			n, ok := intValue(v)
			if !ok {
				fail(key, "want a whole number, got %s", kindOf(v))
				continue
			}
			m.Weight = n
		case "tags", "categories", "aliases":
			list, ok := listValue(v)
			if !ok {
				fail(key, "want a list of names, got %s", kindOf(v))
				continue
			}
			switch field {
			case "tags":
				m.Tags = list
			case "categories":
				m.Categories = append(m.Categories, list...)
			case "aliases":
				m.Aliases = list
			}
		}
	}
	return m, errs
}

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case bool:
		return "true/false"
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a date"
	case int64, uint64, float64, int:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

func stringValue(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return strings.TrimSpace(s), true
	case int64, uint64, float64, int:
		return fmt.Sprint(s), true
	}
	return "", false
}

func boolValue(v any) (bool, bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		p, err := strconv.ParseBool(strings.TrimSpace(b))
		return p, err == nil
	}
	return false, false
}

func intValue(v any) (int, bool) {
	switch n := v.(type) {
	case int64:
		return int(n), true
	case uint64:
		return int(n), n <= math.MaxInt32
	case int:
		return n, true
	case float64:
		return int(n), n == math.Trunc(n)
	case string:
		i, err := strconv.Atoi(strings.TrimSpace(n))
		return i, err == nil
	}
	return 0, false
}

// listValue reads a list of names; a single name is a list of one.
func listValue(v any) ([]string, bool) {
	switch l := v.(type) {
	case []any:
		out := make([]string, 0, len(l))
		for _, x := range l {
			s, ok := stringValue(x)
			if !ok {
				return nil, false
			}
			if s != "" {
				out = append(out, s)
			}
		}
		return out, true
	case []string:
		return l, true
	case string:
		if strings.TrimSpace(l) == "" {
			return nil, true
		}
		return []string{strings.TrimSpace(l)}, true
	}
	return nil, false
}

// dateLayouts are the forms of dates in front matter, zoned ones first.
var dateLayouts = []struct {
	layout string
	zoned  bool
}{
	{time.RFC3339Nano, true},
	{"2006-01-02T15:04:05Z0700", true},
	{"2006-01-02 15:04:05Z07:00", true},
	{"2006-01-02 15:04:05 -0700", true}, // Jekyll
	{"2006-01-02 15:04:05 -07:00", true},
	{"2006-01-02 15:04:05 -0700 MST", true},
	{"2006-01-02T15:04:05", false},
	{"2006-01-02 15:04:05", false},
	{"2006-01-02T15:04", false},
	{"2006-01-02 15:04", false},
	{"2006-01-02", false},
}

// dateValue reads a date: a TOML date (zoned or local) or text in one of
// dateLayouts. Text without a zone is local to the site.
func dateValue(v any) (fmDate, error) {
	switch d := v.(type) {
	case time.Time:
		switch d.Location().String() {
		case "date-local", "datetime-local", "time-local": // TOML local values
			return fmDate{T: time.Date(d.Year(), d.Month(), d.Day(), d.Hour(), d.Minute(), d.Second(), d.Nanosecond(), time.UTC), Local: true}, nil
		}
		return fmDate{T: d}, nil
	case string:
		s := strings.TrimSpace(d)
		if s == "" {
			return fmDate{}, nil
		}
		for _, l := range dateLayouts {
			t, err := time.Parse(l.layout, s)
			if err == nil {
				return fmDate{T: t, Local: !l.zoned}, nil
			}
		}
		return fmDate{}, fmt.Errorf("%q is not a date (write 2026-11-24, or 2026-11-24T09:30:00+01:00)", s)
	}
	return fmDate{}, fmt.Errorf("want a date, got %s", kindOf(v))
}

// keyLine finds the line (1-based, in the file) of a front matter key, for
// messages about its value; 1 when it cannot be found.
func keyLine(src []byte, key string) int {
	lines := bytes.Split(src, []byte("\n"))
	for i, l := range lines {
		l = bytes.TrimLeft(l, " \t\"")
		if len(l) > len(key) && bytes.EqualFold(l[:len(key)], []byte(key)) {
			switch l[len(key)] {
			case ' ', '\t', '=', ':', '"':
				return i + 1
			}
		}
		if i > 0 && (bytes.Equal(bytes.TrimSpace(l), []byte("---")) || bytes.Equal(bytes.TrimSpace(l), []byte("+++"))) {
			break
		}
	}
	return 1
}
