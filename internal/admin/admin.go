// Package admin is Octavo's admin interface: server-rendered pages under
// /admin/ (login, owner setup, invitations, password resets, the account
// page, users, the dashboard), one file per handler, with embedded
// templates and a small stylesheet and script served under content-hashed
// URLs. Every page works with JavaScript off; the script only adds
// conveniences (copy buttons, confirmations). No inline script or style
// anywhere, so the Content-Security-Policy forbids them.
//
// The route table lives in internal/web/routes.go: each admin route there
// names its handler method here and the permission it needs (Gate).
package admin

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"octavo/internal/auth"
	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/httpstatus"
	"octavo/internal/media"
	"octavo/internal/render"
)

//go:embed templates/*.html
var templateFS embed.FS

// Every file of templates/ but base.html is a page template, named by its
// file name without .html; each is parsed with base.html and defines
// "main".

// SettingsReader gives the site settings (the blog's title for the pages).
type SettingsReader interface {
	Settings(ctx context.Context) (blog.Settings, error)
}

// Options configure an Admin.
type Options struct {
	Auth     *auth.Service
	Settings SettingsReader // optional
	// Content writes posts, pages, tags and settings, and Posts reads
	// what the editor shows (any status); both optional, the editor's
	// pages need them.
	Content *content.Service
	Posts   content.Store
	// PagePreview renders a post's public page whatever its status (the
	// author's preview); optional.
	PagePreview func(ctx context.Context, p *blog.Post) (*render.Page, error)
	// Media is the media library; optional, its pages need it.
	Media *media.Service
	Clock blog.Clock // optional, the system clock by default
	Log   *slog.Logger
}

// Admin holds the admin's handlers.
type Admin struct {
	auth     *auth.Service
	store    blog.Accounts
	settings SettingsReader
	content  *content.Service
	posts    content.Store
	media    *media.Service
	clock    blog.Clock
	// pagePreview renders a post's public page (render.Renderer.Preview).
	pagePreview func(ctx context.Context, p *blog.Post) (*render.Page, error)
	log         *slog.Logger
	pages       map[string]*lazyTemplate
	assets      *assets
}

// New hashes the assets; each page's template is parsed at its first use.
func New(o Options) (*Admin, error) {
	if o.Auth == nil {
		return nil, errors.New("admin: no auth service")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = blog.SystemClock{}
	}
	a := &Admin{auth: o.Auth, store: o.Auth.Store(), settings: o.Settings, content: o.Content, posts: o.Posts, media: o.Media,
		clock: o.Clock, pagePreview: o.PagePreview, log: o.Log, pages: map[string]*lazyTemplate{}}
	var err error
	if a.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"asset": a.assets.url,
		"date":  func(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") },
		"can":   func(u *blog.User, p string) bool { return u != nil && auth.Can(u.Role, auth.Permission(p)) },
		"roles": auth.Roles,
		// when is a time in the blog's time zone (zero: "—").
		"when": func(t time.Time, loc *time.Location) string {
			if t.IsZero() {
				return "—"
			}
			if loc == nil {
				loc = time.UTC
			}
			return t.In(loc).Format("2 Jan 2006, 15:04")
		},
		"canEdit": func(u *blog.User, p *blog.Post) bool { return u != nil && auth.CanEditPost(u, p) },
		"status":  func(s blog.Status) string { return statusLabels[s] },
		"size":    media.SizeText,
		// dataURL and otpauth let the two-factor page's QR code (a PNG
		// data: URL) and authenticator link through html/template's URL
		// filter, which would blank them; only those exact forms pass.
		"dataURL": func(s string) template.URL {
			if strings.HasPrefix(s, "data:image/png;base64,") {
				return template.URL(s)
			}
			return ""
		},
		"otpauth": func(s string) template.URL {
			if strings.HasPrefix(s, "otpauth://totp/") {
				return template.URL(s)
			}
			return ""
		},
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// The templates are parsed at their first use, not here: most servers
	// never show most admin pages, and parsing them all was most of the
	// server's start-up work and much of its live heap
	// (TestEveryPageRenders renders every one, so a broken template fails
	// the tests).
	layout := &lazyTemplate{parse: func() (*template.Template, error) {
		base, err := fs.ReadFile(templateFS, "templates/base.html")
		if err != nil {
			return nil, err
		}
		return template.New("base").Funcs(funcs).Parse(string(base))
	}}
	for _, f := range files {
		p := strings.TrimSuffix(path.Base(f), ".html")
		if p == "base" {
			continue
		}
		a.pages[p] = &lazyTemplate{parse: func() (*template.Template, error) {
			l, err := layout.get()
			if err != nil {
				return nil, fmt.Errorf("base: %w", err)
			}
			body, err := fs.ReadFile(templateFS, f)
			if err != nil {
				return nil, err
			}
			// The layout is parsed once and cloned for each page.
			t, err := l.Clone()
			if err == nil {
				_, err = t.New(p).Parse(string(body))
			}
			return t, err
		}}
	}
	return a, nil
}

// Gate wraps a handler of the admin: the security headers of every admin
// page, then auth.Protect (session, CSRF check on every unsafe method,
// the permission perm), then h.
func (a *Admin) Gate(perm auth.Permission, h http.HandlerFunc) http.Handler {
	return securityHeaders(a.auth.Protect(perm, a.denied)(h))
}

// contentSecurityPolicy allows this site's own scripts, styles, forms and
// images (and data: images, for the two-factor QR code), nothing inline,
// no plugins, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers of every admin answer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		// The admin's URLs can hold one-time tokens: never send them on.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// view is what every page template gets.
type view struct {
	Title  string
	Blog   string
	User   *blog.User // nil when logged out
	CSRF   string
	Nav    string // the current section, for aria-current
	Notice string // what just went well
	Error  string // what went wrong
	Data   any    // the page's own
}

// render writes page with status.
func (a *Admin) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	t, err := a.template(page)
	if err != nil {
		a.log.Error("admin: template", "page", page, "error", err)
		http.Error(w, "An internal error occurred.", http.StatusInternalServerError)
		return
	}
	v.CSRF = auth.CSRFToken(r)
	if id := auth.FromContext(r.Context()); id != nil && id.Session.Stage == blog.StageFull {
		v.User = id.User
	}
	v.Blog = "Octavo"
	if a.settings != nil {
		if st, err := a.settings.Settings(r.Context()); err == nil && st.Title != "" {
			v.Blog = st.Title
		}
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "base", v); err != nil {
		a.log.Error("admin: rendering", "page", page, "error", err)
		http.Error(w, "An internal error occurred.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// lazyTemplate is a template parsed once, at its first use.
type lazyTemplate struct {
	once  sync.Once
	parse func() (*template.Template, error)
	t     *template.Template
	err   error
}

func (l *lazyTemplate) get() (*template.Template, error) {
	l.once.Do(func() { l.t, l.err = l.parse() })
	return l.t, l.err
}

// template is the parsed template of an admin page.
func (a *Admin) template(page string) (*template.Template, error) {
	l, ok := a.pages[page]
	if !ok {
		return nil, fmt.Errorf("no template %q", page)
	}
	t, err := l.get()
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", page, err)
	}
	return t, nil
}

// denied is how auth.Protect refuses: a page that says why.
func (a *Admin) denied(w http.ResponseWriter, r *http.Request, status int, msg string) {
	title := "Not allowed"
	if status >= 500 {
		title = "Try again later"
	}
	a.render(w, r, status, "message", view{Title: title, Error: msg})
}

// StatusOf is the HTTP status of an error the admin shows: a rate limit
// is 429; the domain codes map as everywhere (internal/httpstatus).
func StatusOf(err error) int {
	if _, ok := auth.IsLimit(err); ok {
		return http.StatusTooManyRequests
	}
	return httpstatus.FromCode(blog.ErrorCode(err))
}

// formStatus is the status of a refused form: 422 Unprocessable Content
// when what was typed is invalid (the form comes back saying why), the
// status of the error's code otherwise.
func formStatus(err error) int {
	if blog.ErrorCode(err) == blog.EINVALID {
		return http.StatusUnprocessableEntity
	}
	return StatusOf(err)
}

// message is the text of err to show: a rate limit's own, a domain
// error's safe message, a generic one for the rest (which is logged).
func (a *Admin) message(r *http.Request, err error) string {
	if le, ok := auth.IsLimit(err); ok {
		return le.Error()
	}
	if StatusOf(err) >= 500 {
		a.log.Error("admin: request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	return blog.ErrorMessage(err)
}

// fail shows page again (a form with what the visitor typed) with the
// error's message and status.
func (a *Admin) fail(w http.ResponseWriter, r *http.Request, err error, page string, v view) {
	if le, ok := auth.IsLimit(err); ok {
		w.Header().Set("Retry-After", fmt.Sprint(le.Seconds()))
	}
	v.Error = a.message(r, err)
	a.render(w, r, StatusOf(err), page, v)
}

// redirect answers a form with 303 See Other.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// identity is the logged-in user of a request behind Gate.
func identity(r *http.Request) *auth.Identity { return auth.FromContext(r.Context()) }

// notices are the messages a redirect can ask a page to show (?done=…):
// fixed texts, so a link cannot make the admin say anything else.
var notices = map[string]string{
	"out":           "You are logged out.",
	"everywhere":    "You are logged out everywhere: every session of your account has ended.",
	"reset":         "Your new password is set, and every session of your account has ended. Log in with it.",
	"welcome":       "Welcome! Your account is ready.",
	"password":      "Your password is changed. Your other sessions have ended.",
	"session":       "That session has ended.",
	"totp-off":      "Two-factor authentication is off.",
	"role":          "The role is changed.",
	"settings":      "The settings are saved.",
	"tag":           "The tag is renamed; its old address redirects to the new one.",
	"merged":        "The tags are merged; the old tag's address redirects to the other's.",
	"redirect":      "The redirect is added.",
	"removed":       "The redirect is removed; its old address answers 404 again.",
	"saved":         "Saved.",
	"submitted":     "Submitted for review: an editor will publish it.",
	"scheduled":     "Scheduled: it will be published at its time.",
	"published":     "Published.",
	"trashed":       "Moved to the trash.",
	"untrashed":     "Restored from the trash, as a draft.",
	"deleted":       "Deleted for good.",
	"restored":      "The revision is restored, as a new save.",
	"uploaded":      "The file is uploaded.",
	"exists":        "That file was in the library already (the same bytes are stored once).",
	"media-deleted": "The file is deleted.",
}

func notice(r *http.Request) string { return notices[r.URL.Query().Get("done")] }

// tokenOf is the one-time token of a link route (/admin/setup/{token}).
func tokenOf(r *http.Request) string { return path.Base(r.PathValue("token")) }
