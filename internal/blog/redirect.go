package blog

import (
	"slices"
	"strings"
	"unicode"
)

// MaxRedirectPath is the longest path a redirect may name, in bytes.
const MaxRedirectPath = 2000

// CheckRedirectPath checks that p is a path of this site a redirect can
// name: it starts with one '/', names no scheme or host ("//host/…" would
// leave the site), holds no query, fragment, space or control character,
// and is not under /admin/. field ("from", "to") starts the message.
func CheckRedirectPath(field, p string) error {
	switch {
	case p == "":
		return Errorf(EINVALID, "%s: must not be empty; give a path such as /old-post/", field)
	case strings.Contains(p, "://") || !strings.HasPrefix(p, "/"):
		return Errorf(EINVALID, "%s: %q is not a path of this site: start it with / and leave out the scheme and host", field, p)
	case strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`):
		return Errorf(EINVALID, "%s: %q starts with two slashes, which browsers read as another host", field, p)
	case len(p) > MaxRedirectPath:
		return Errorf(EINVALID, "%s: %d bytes is too long (at most %d)", field, len(p), MaxRedirectPath)
	case strings.ContainsAny(p, "?#"):
		return Errorf(EINVALID, "%s: %q has a query or fragment (? or #); a redirect matches the path alone", field, p)
	case strings.IndexFunc(p, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return Errorf(EINVALID, "%s: %q holds a space or a control character", field, p)
	case p == "/admin" || strings.HasPrefix(p, "/admin/"):
		return Errorf(EINVALID, "%s: %q is under /admin/, which redirects never touch", field, p)
	}
	return nil
}

// fixedPaths are paths the site always answers itself: a redirect from
// one of them would never be followed.
var fixedPaths = []string{"/", "/archive/", "/feed.xml", "/atom.xml", "/feed.json", "/sitemap.xml", "/robots.txt", "/search", "/healthz"}

// CheckRedirectFrom checks the old path of a redirect: a path of this site
// (CheckRedirectPath) that the site does not always answer itself.
func CheckRedirectFrom(p string) error {
	if err := CheckRedirectPath("from", p); err != nil {
		return err
	}
	if slices.Contains(fixedPaths, p) || strings.HasPrefix(p, "/assets/") {
		return Errorf(EINVALID, "from: the site itself answers %s; a redirect from it would never be followed", p)
	}
	return nil
}
