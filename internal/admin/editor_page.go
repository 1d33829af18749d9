package admin

import (
	"html/template"
	"net/http"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// editorPage is the editor's data, for a new post (Post.ID empty) or a
// stored one.
type editorPage struct {
	Post     *blog.Post // as stored (or the new post's kind and author)
	Form     postForm   // what the fields show
	Action   string     // where the form posts
	Statuses []statusOption
	TimeZone string
	// Preview is the rendered body, shown beside the text (the live
	// preview's first state, or the answer of the Preview button).
	Preview template.HTML
	// Autosave is on for drafts (and new posts): published text changes
	// only when its writer saves.
	Autosave bool
	CanTrash bool
}

// statusOption is one choice of the status field.
type statusOption struct {
	Value    blog.Status
	Label    string
	Selected bool
}

// showEditor renders the editor for p with the form f.
func (a *Admin) showEditor(w http.ResponseWriter, r *http.Request, status int, p *blog.Post, f postForm, preview template.HTML, errMsg string) {
	u := identity(r).User
	var opts []statusOption
	for _, st := range statusOrder {
		if st == blog.StatusTrashed && p.ID == "" {
			continue
		}
		if auth.CanSetStatus(u, p, st) || st == p.Status {
			opts = append(opts, statusOption{Value: st, Label: statusLabels[st], Selected: st == f.Status})
		}
	}
	loc := a.location(r)
	page := editorPage{Post: p, Form: f, Statuses: opts, TimeZone: loc.String(), Preview: preview,
		Autosave: p.ID == "" || p.Status == blog.StatusDraft, CanTrash: p.ID != "" && p.Status != blog.StatusTrashed && auth.CanSetStatus(u, p, blog.StatusTrashed)}
	title := "Edit “" + p.Title + "”"
	switch {
	case p.ID != "":
		page.Action = editURL(p.ID)
	case p.Kind == blog.KindPage:
		page.Action, title = "/admin/pages", "New page"
	default:
		page.Action, title = "/admin/posts", "New post"
	}
	a.render(w, r, status, "editor", view{Title: title, Nav: navOf(p.Kind), Notice: notice(r), Error: errMsg, Data: page})
}

// navOf is the navigation entry of a kind's pages.
func navOf(k blog.Kind) string {
	if k == blog.KindPage {
		return "pages"
	}
	return "posts"
}
