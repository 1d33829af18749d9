package blog

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Slugify derives a URL slug from a title: Unicode NFKC, lower case, "+"
// spelled "plus" and "#" "sharp" (so "C++" gives "c-plus-plus"), and every
// run of other characters than letters and digits becomes one "-".
func Slugify(title string) string {
	s := norm.NFKC.String(title)
	var b strings.Builder
	dash := false
	word := func(w string) {
		if b.Len() > 0 && !dash {
			b.WriteByte('-')
		}
		b.WriteString(w)
		dash = false
	}
	for _, r := range s {
		switch {
		case r == '+':
			word("plus")
			b.WriteByte('-')
			dash = true
		case r == '#':
			word("sharp")
			b.WriteByte('-')
			dash = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			dash = false
		default:
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.Trim(b.String(), "-")
}

var (
	slugRE = regexp.MustCompile(`^[\p{Ll}\p{Lo}\p{N}]+(-[\p{Ll}\p{Lo}\p{N}]+)*$`)
	yearRE = regexp.MustCompile(`^[0-9]{4}$`)
)

// reservedSlugs are first path segments the router owns: a page with one
// of these slugs would be shadowed.
var reservedSlugs = map[string]bool{
	"tag": true, "page": true, "archive": true, "search": true, "admin": true,
	"api": true, "media": true, "assets": true, "healthz": true, "metrics": true,
	"micropub": true, "auth": true, "token": true, "feed.xml": true,
	"atom.xml": true, "feed.json": true, "sitemap.xml": true, "robots.txt": true,
}

// ValidateSlug checks a slug of the given kind and says why it is refused.
func ValidateSlug(kind Kind, slug string) error {
	if slug == "" {
		return Errorf(EINVALID, "slug: must not be empty")
	}
	if len(slug) > 200 {
		return Errorf(EINVALID, "slug: %d bytes is too long (at most 200)", len(slug))
	}
	if !slugRE.MatchString(slug) {
		return Errorf(EINVALID, "slug %q: use lower-case letters, digits and single dashes", slug)
	}
	if kind == KindPage && (reservedSlugs[slug] || yearRE.MatchString(slug)) {
		return Errorf(EINVALID, "slug %q: reserved for a route of the site; choose another", slug)
	}
	return nil
}
